import { Module } from '@nestjs/common';
import { ScansModule } from '../scans/scans.module.js';
import { CandidateAccess } from './candidate-access.js';
import { CandidateDocumentsService } from './candidate-documents.service.js';
import { CandidatePdf } from './candidate-pdf.js';
import { CandidatesController } from './candidates.controller.js';
import { CandidatesService } from './candidates.service.js';
import { RoomsService } from './rooms.service.js';

/** 考务: exam numbers, rooms and seats, their printed documents, and the invigilators' room lists. */
@Module({
  // 缺考 from a room list is recorded by scans/' ExamAbsencesService, the one writer of absences.
  imports: [ScansModule],
  controllers: [CandidatesController],
  providers: [CandidateAccess, CandidatesService, RoomsService, CandidateDocumentsService, CandidatePdf],
})
export class CandidatesModule {}
