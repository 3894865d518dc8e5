import { Module } from '@nestjs/common';
import { ExamStateController } from './exam-state.controller.js';
import { ExamStateService } from './exam-state.service.js';
import { ExportsService } from './exports/exports.service.js';
import { LongitudinalInputsService } from './longitudinal-inputs.service.js';
import { LongitudinalSettingsService } from './longitudinal-settings.service.js';
import { PaperInputsService } from './paper-inputs.service.js';
import { ResultsController } from './results.controller.js';
import { ResultsJobService } from './results-job.service.js';
import { ResultsQueriesService } from './results-queries.service.js';
import { ResultsReleaseService } from './results-release.service.js';

@Module({
  controllers: [ResultsController, ExamStateController],
  providers: [
    ResultsJobService,
    PaperInputsService,
    LongitudinalInputsService,
    ResultsQueriesService,
    LongitudinalSettingsService,
    ExportsService,
    ExamStateService,
    ResultsReleaseService,
  ],
  exports: [ResultsJobService],
})
export class ResultsModule {}
