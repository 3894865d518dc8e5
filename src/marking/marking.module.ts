import { Module } from '@nestjs/common';
import { MarkingController } from './marking.controller.js';
import { MarkingService } from './marking.service.js';

@Module({ controllers: [MarkingController], providers: [MarkingService], exports: [MarkingService] })
export class MarkingModule {}
