import { Module } from '@nestjs/common';
import { FailedJobsService } from './failed-jobs.service.js';
import { JobsController } from './jobs.controller.js';

@Module({ controllers: [JobsController], providers: [FailedJobsService] })
export class JobsModule {}
