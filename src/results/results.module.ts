import { Module } from '@nestjs/common';
import { ExportsService } from './exports/exports.service.js';
import { ResultsController } from './results.controller.js';
import { ResultsService } from './results.service.js';

@Module({
  controllers: [ResultsController],
  providers: [ResultsService, ExportsService],
  exports: [ResultsService],
})
export class ResultsModule {}
