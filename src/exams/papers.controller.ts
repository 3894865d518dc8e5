import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { Authenticated, CurrentActor, Roles } from '../common/roles.decorator.js';
import { IdPipe } from '../org/id-param.pipe.js';
import { UPLOAD_MAX_BYTES, UploadErrorsInterceptor } from '../org/upload-errors.interceptor.js';
import type { UploadedSheetFile } from './blueprint-workbook.js';
import { BlueprintService } from './blueprint.service.js';
import { ExamsService } from './exams.service.js';
import { KnowledgePointsService } from './knowledge-points.service.js';
import { PaperDocumentService } from './paper-document.service.js';
import { PaperEditingService, type EditPaperBody } from './paper-editing.service.js';
import { PaperWorkflowService } from './paper-workflow.service.js';

const attachment = (fileName: string, fallback: string) =>
  `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The subject group's work on a paper: editing a draft, review workflow, versions, blueprint, paper PDF. */
@Controller('api')
export class PapersController {
  constructor(
    @Inject(ExamsService) private readonly exams: ExamsService,
    @Inject(PaperWorkflowService) private readonly workflow: PaperWorkflowService,
    @Inject(PaperEditingService) private readonly editing: PaperEditingService,
    @Inject(BlueprintService) private readonly blueprint: BlueprintService,
    @Inject(PaperDocumentService) private readonly documents: PaperDocumentService,
    @Inject(KnowledgePointsService) private readonly knowledge: KnowledgePointsService,
  ) {}

  @Roles(Role.Admin, Role.SubjectLead)
  @Patch('papers/:id')
  async edit(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: EditPaperBody) {
    await this.editing.editPaper(actor, id, body);
    return this.exams.getPaper(actor, id);
  }

  @Roles(Role.Admin, Role.SubjectLead)
  @Post('papers/:id/submit')
  @HttpCode(200)
  submit(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.workflow.submit(actor, id);
  }

  @Roles(Role.Admin, Role.SubjectLead)
  @Post('papers/:id/approve')
  @HttpCode(200)
  approve(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body() body: { comment?: unknown } | undefined,
  ) {
    return this.workflow.approve(actor, id, body?.comment);
  }

  @Roles(Role.Admin, Role.SubjectLead)
  @Post('papers/:id/reject')
  @HttpCode(200)
  reject(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body() body: { comment?: unknown } | undefined,
  ) {
    return this.workflow.reject(actor, id, body?.comment);
  }

  @Roles(Role.Admin, Role.SubjectLead)
  @Post('papers/:id/versions')
  newVersion(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.workflow.newVersion(actor, id);
  }

  @Roles(Role.Admin, Role.SubjectLead)
  @Post('papers/:id/blueprint')
  @HttpCode(200)
  @UseInterceptors(
    UploadErrorsInterceptor,
    FileInterceptor('file', { limits: { fileSize: UPLOAD_MAX_BYTES, files: 1 } }),
  )
  importBlueprint(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @UploadedFile() file: UploadedSheetFile | undefined,
  ) {
    return this.blueprint.importBlueprint(actor, id, file);
  }

  /** A new draft paper from a 双向细目表: multipart with subject, title and file (.xlsx). */
  @Roles(Role.Admin, Role.SubjectLead)
  @Post('exams/:id/papers/blueprint')
  @UseInterceptors(
    UploadErrorsInterceptor,
    FileInterceptor('file', { limits: { fileSize: UPLOAD_MAX_BYTES, files: 1 } }),
  )
  createFromBlueprint(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body() body: { subject?: unknown; title?: unknown },
    @UploadedFile() file: UploadedSheetFile | undefined,
  ) {
    return this.blueprint.createPaperFromBlueprint(actor, id, body, file);
  }

  /** An empty 双向细目表 with one example row of each kind of item. */
  @Roles(Role.Admin, Role.SubjectLead)
  @Get('blueprint-template.xlsx')
  async blueprintTemplate() {
    return new StreamableFile(await this.blueprint.template(), {
      type: XLSX,
      disposition: attachment('双向细目表模板.xlsx', 'blueprint-template.xlsx'),
    });
  }

  @Roles(Role.Admin, Role.SubjectLead)
  @Get('papers/:id/blueprint.xlsx')
  async exportBlueprint(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    const { data, fileName } = await this.blueprint.exportBlueprint(actor, id);
    return new StreamableFile(data, { type: XLSX, disposition: attachment(fileName, `blueprint-${id}.xlsx`) });
  }

  @Roles(Role.Admin, Role.SubjectLead)
  @Post('papers/:id/document')
  @UseInterceptors(
    UploadErrorsInterceptor,
    FileInterceptor('file', { limits: { fileSize: UPLOAD_MAX_BYTES, files: 1 } }),
  )
  uploadDocument(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @UploadedFile() file: UploadedSheetFile | undefined,
  ) {
    return this.documents.upload(actor, id, file);
  }

  @Authenticated()
  @Get('papers/:id/document')
  async document(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Query('schoolId') schoolId: string | undefined,
  ) {
    const { data, fileName } = await this.documents.download(actor, id, schoolId);
    return new StreamableFile(data, { type: 'application/pdf', disposition: attachment(fileName, `paper-${id}.pdf`) });
  }

  @Roles(Role.Admin)
  @Patch('exams/:id')
  setReleaseAt(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: { releaseAt?: unknown }) {
    return this.exams.setReleaseAt(actor, id, body);
  }

  @Authenticated()
  @Get('alliances/:id/knowledge-points')
  knowledgeTree(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Query('subject') subject: string | undefined,
  ) {
    return this.knowledge.tree(actor, id, subject);
  }

  @Roles(Role.Admin, Role.SubjectLead)
  @Post('alliances/:id/knowledge-points')
  addKnowledgePoints(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body() body: { subject?: unknown; paths?: unknown },
  ) {
    return this.knowledge.addPaths(actor, id, body);
  }
}
