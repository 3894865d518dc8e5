import { Module } from '@nestjs/common';
import { ExportsService } from './exports/exports.service.js';
import { LongitudinalInputsService } from './longitudinal-inputs.service.js';
import { LongitudinalSettingsService } from './longitudinal-settings.service.js';
import { PaperInputsService } from './paper-inputs.service.js';
import { ResultsController } from './results.controller.js';
import { ResultsJobService } from './results-job.service.js';
import { ResultsQueriesService } from './results-queries.service.js';

@Module({
  controllers: [ResultsController],
  providers: [
    ResultsJobService,
    PaperInputsService,
    LongitudinalInputsService,
    ResultsQueriesService,
    LongitudinalSettingsService,
    ExportsService,
  ],
  exports: [ResultsJobService],
})
export class ResultsModule {}
