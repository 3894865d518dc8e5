import { Body, Controller, Get, Inject, Param, Post, Query, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/roles.decorator.js';
import { IdPipe } from '../org/id-param.pipe.js';
import { ScanUploadInterceptor, type ReceivedFile } from './scan-upload.interceptor.js';
import { ScanUploadService } from './scan-upload.service.js';
import { ScanProgressService } from './scan-progress.service.js';
import { ScansService } from './scans.service.js';

@Controller('api')
export class ScansController {
  constructor(
    @Inject(ScansService) private readonly scans: ScansService,
    @Inject(ScanUploadService) private readonly uploads: ScanUploadService,
    @Inject(ScanProgressService) private readonly progressView: ScanProgressService,
  ) {}

  /** multipart: files (one or many PNG/JPEG/TIFF images or ZIPs of them), schoolId. */
  @Roles(Role.Scanner, Role.Admin)
  @Post('exams/:examId/scans')
  @UseInterceptors(ScanUploadInterceptor)
  upload(
    @CurrentActor() actor: Actor,
    @Param('examId', IdPipe) examId: number,
    @Body() body: { schoolId?: string } | undefined,
    @Query('schoolId') querySchoolId: string | undefined,
    @UploadedFiles() files: ReceivedFile[] | undefined,
  ) {
    return this.uploads.upload(actor, examId, body?.schoolId ?? querySchoolId, files ?? []);
  }

  @Roles(Role.Scanner, Role.Admin)
  @Get('exams/:examId/scan-status')
  status(
    @CurrentActor() actor: Actor,
    @Param('examId', IdPipe) examId: number,
    @Query('schoolId') schoolId: string | undefined,
  ) {
    return this.scans.status(actor, examId, schoolId);
  }

  /** The admin's monitoring: per school, students expected, pages read, exceptions open, 缺考, what is left. */
  @Roles(Role.Admin)
  @Get('exams/:examId/scan-progress')
  progress(@CurrentActor() actor: Actor, @Param('examId', IdPipe) examId: number) {
    return this.progressView.progress(actor, examId);
  }

  @Roles(Role.Scanner, Role.Admin)
  @Get('exams/:examId/scan-exceptions')
  exceptions(
    @CurrentActor() actor: Actor,
    @Param('examId', IdPipe) examId: number,
    @Query('schoolId') schoolId: string | undefined,
  ) {
    return this.scans.exceptions(actor, examId, schoolId);
  }

  @Roles(Role.Scanner, Role.Admin)
  @Get('scans/pages/:pageId/image')
  image(@CurrentActor() actor: Actor, @Param('pageId', IdPipe) pageId: number) {
    return this.scans.pageImage(actor, pageId);
  }
}
