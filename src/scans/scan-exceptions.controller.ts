import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/roles.decorator.js';
import { IdPipe } from '../org/id-param.pipe.js';
import { ExamAbsencesService } from './exam-absences.service.js';
import { ScanExceptionViewsService } from './scan-exception-views.service.js';
import { ScanFixesService } from './scan-fixes.service.js';

/** The exceptions workflow for the scanner of a school (and the alliance's admin). */
@Controller('api')
export class ScanExceptionsController {
  constructor(
    @Inject(ScanExceptionViewsService) private readonly views: ScanExceptionViewsService,
    @Inject(ScanFixesService) private readonly fixes: ScanFixesService,
    @Inject(ExamAbsencesService) private readonly absences: ExamAbsencesService,
  ) {}

  /** `?schoolId=&code=&status=exception|discarded`: pages with counts per reason code. */
  @Roles(Role.Scanner, Role.Admin)
  @Get('exams/:examId/exception-queue')
  queue(
    @CurrentActor() actor: Actor,
    @Param('examId', IdPipe) examId: number,
    @Query('schoolId') schoolId: string | undefined,
    @Query('code') code: string | undefined,
    @Query('status') status: string | undefined,
  ) {
    return this.views.queue(actor, examId, schoolId, code, status);
  }

  /** `?schoolId=&paperId=&q=`: the school's roster with each student's read pages and 缺考 mark. */
  @Roles(Role.Scanner, Role.Admin)
  @Get('exams/:examId/scan-roster')
  roster(
    @CurrentActor() actor: Actor,
    @Param('examId', IdPipe) examId: number,
    @Query('schoolId') schoolId: string | undefined,
    @Query('paperId') paperId: string | undefined,
    @Query('q') q: string | undefined,
  ) {
    return this.views.roster(actor, examId, schoolId, paperId, q);
  }

  @Roles(Role.Scanner, Role.Admin)
  @Get('scans/pages/:pageId/thumbnail')
  thumbnail(@CurrentActor() actor: Actor, @Param('pageId', IdPipe) pageId: number) {
    return this.views.thumbnail(actor, pageId);
  }

  /**
   * `{ studentId }` or `{ examNo }`: an unread page is queued to be read for that student; a read page is re-matched
   * to them (and queued to be read again). Fixes that read a page again answer with status `queued`.
   */
  @Roles(Role.Scanner, Role.Admin)
  @Post('scans/pages/:pageId/assign')
  @HttpCode(200)
  assign(
    @CurrentActor() actor: Actor,
    @Param('pageId', IdPipe) pageId: number,
    @Body() body: { studentId?: unknown; examNo?: unknown } | undefined,
  ) {
    return this.fixes.assign(actor, pageId, body);
  }

  /** `{ rotation: 0 | 90 | 180 | 270 }`, clockwise from the image as uploaded. */
  @Roles(Role.Scanner, Role.Admin)
  @Post('scans/pages/:pageId/rotate')
  @HttpCode(200)
  rotate(
    @CurrentActor() actor: Actor,
    @Param('pageId', IdPipe) pageId: number,
    @Body() body: { rotation?: unknown } | undefined,
  ) {
    return this.fixes.rotate(actor, pageId, body);
  }

  @Roles(Role.Scanner, Role.Admin)
  @Post('scans/pages/:pageId/reingest')
  @HttpCode(200)
  reingest(@CurrentActor() actor: Actor, @Param('pageId', IdPipe) pageId: number) {
    return this.fixes.reingest(actor, pageId);
  }

  @Roles(Role.Scanner, Role.Admin)
  @Post('scans/pages/:pageId/discard')
  @HttpCode(200)
  discard(@CurrentActor() actor: Actor, @Param('pageId', IdPipe) pageId: number) {
    return this.fixes.discard(actor, pageId);
  }

  @Roles(Role.Scanner, Role.Admin)
  @Post('scans/pages/:pageId/restore')
  @HttpCode(200)
  restore(@CurrentActor() actor: Actor, @Param('pageId', IdPipe) pageId: number) {
    return this.fixes.restore(actor, pageId);
  }

  /** `{ studentId, paperId? }` (paperId may be left out when the exam has one paper). */
  @Roles(Role.Scanner, Role.Admin)
  @Post('exams/:examId/absences')
  @HttpCode(200)
  markAbsent(
    @CurrentActor() actor: Actor,
    @Param('examId', IdPipe) examId: number,
    @Body() body: { studentId?: unknown; paperId?: unknown } | undefined,
  ) {
    return this.absences.markAbsent(actor, examId, body);
  }

  @Roles(Role.Scanner, Role.Admin)
  @Delete('exams/:examId/absences/:studentId')
  unmarkAbsent(
    @CurrentActor() actor: Actor,
    @Param('examId', IdPipe) examId: number,
    @Param('studentId', IdPipe) studentId: number,
    @Query('paperId') paperId: string | undefined,
  ) {
    return this.absences.unmarkAbsent(actor, examId, studentId, paperId);
  }
}
