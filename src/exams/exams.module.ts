import { Module } from '@nestjs/common';
import { BlueprintService } from './blueprint.service.js';
import { ExamsController } from './exams.controller.js';
import { ExamsService } from './exams.service.js';
import { KnowledgePointsService } from './knowledge-points.service.js';
import { PaperDocumentService } from './paper-document.service.js';
import { PaperEditingService } from './paper-editing.service.js';
import { PaperStamper } from './paper-stamp.js';
import { PaperWorkflowService } from './paper-workflow.service.js';
import { PapersController } from './papers.controller.js';
import { ResultsImportService } from './results-import.service.js';
import { TimetableController } from './timetable.controller.js';
import { TimetableService } from './timetable.service.js';

@Module({
  controllers: [ExamsController, PapersController, TimetableController],
  providers: [
    ExamsService,
    KnowledgePointsService,
    PaperWorkflowService,
    PaperEditingService,
    BlueprintService,
    PaperDocumentService,
    PaperStamper,
    ResultsImportService,
    TimetableService,
  ],
  exports: [ExamsService, KnowledgePointsService, PaperWorkflowService],
})
export class ExamsModule {}
