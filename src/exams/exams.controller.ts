import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiConsumes } from '@nestjs/swagger';
import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { Authenticated, CurrentActor, Roles } from '../common/roles.decorator.js';
import type { UploadedRosterFile } from '../org/dto/org.dto.js';
import { IdPipe } from '../org/id-param.pipe.js';
import { UPLOAD_MAX_BYTES, UploadErrorsInterceptor } from '../org/upload-errors.interceptor.js';
import { CreateExamBody, ImportResultsForm, type CreatePaperBody } from './dto/exams.dto.js';
import { ExamsService } from './exams.service.js';
import { ResultsImportService } from './results-import.service.js';

@Controller('api')
export class ExamsController {
  constructor(
    @Inject(ExamsService) private readonly exams: ExamsService,
    @Inject(ResultsImportService) private readonly imports: ResultsImportService,
  ) {}

  @Roles(Role.Admin)
  @Post('alliances/:id/exams')
  createExam(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: CreateExamBody) {
    return this.exams.createExam(actor, id, body);
  }

  /**
   * 历史成绩导入: multipart with file (.csv/.xlsx: 考号, 姓名, one column per subject) and name, grade, examDate,
   * fullMarks, and optionally reliability (0–1) with reliabilitySource (where it came from), the exam's default, and
   * subjectReliabilities (a JSON list of subject, reliability, source) for subjects with their own.
   */
  @Roles(Role.Admin)
  @Post('alliances/:id/exams/import-results')
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(
    UploadErrorsInterceptor,
    FileInterceptor('file', { limits: { fileSize: UPLOAD_MAX_BYTES, files: 1 } }),
  )
  importResults(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body() body: ImportResultsForm,
    @UploadedFile() file: UploadedRosterFile | undefined,
  ) {
    return this.imports.importResults(actor, id, body, file);
  }

  /** An imported exam only (历史成绩导入), while no exam names it as its prior exam. */
  @Roles(Role.Admin)
  @Delete('exams/:id')
  deleteImportedExam(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.imports.deleteImported(actor, id);
  }

  /** Grades, the exam kinds each allows and what follows for 成绩 (the rule of domain/exam-disclosure.ts, in words). */
  @Authenticated()
  @Get('exam-rules')
  examRules() {
    return this.exams.examRules();
  }

  @Authenticated()
  @Get('alliances/:id/exams')
  listExams(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.exams.listExams(actor, id);
  }

  @Authenticated()
  @Get('exams/:id')
  getExam(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.exams.getExam(actor, id);
  }

  @Roles(Role.Admin, Role.SubjectLead)
  @Post('exams/:id/papers')
  createPaper(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: CreatePaperBody) {
    return this.exams.createPaper(actor, id, body);
  }

  @Authenticated()
  @Get('papers/:id')
  getPaper(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.exams.getPaper(actor, id);
  }

  @Roles(Role.Admin, Role.SubjectLead)
  @Post('papers/:id/lock')
  @HttpCode(200)
  lockPaper(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.exams.lockPaper(actor, id);
  }
}
