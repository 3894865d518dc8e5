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
import { Actor } from '../common/actor.js';
import { Role } from '../common/role.js';
import { CurrentActor, Roles } from '../common/roles.decorator.js';
import { IdPipe } from '../org/id-param.pipe.js';
import { UPLOAD_MAX_BYTES, UploadErrorsInterceptor } from '../org/upload-errors.interceptor.js';
import type { SuggestionBody } from './dto/suggestion.dto.js';
import { SuggestionImportService } from './suggestion-import.service.js';
import type { UploadedSheetFile } from './suggestion-workbook.js';
import { SuggestionsService } from './suggestions.service.js';

const attachment = (fileName: string, fallback: string) =>
  `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The 补短板 suggestion library of an alliance: written by its subject leads (their subject) and admins. */
@Controller('api')
@Roles(Role.Admin, Role.SubjectLead)
export class SuggestionsController {
  constructor(
    @Inject(SuggestionsService) private readonly suggestions: SuggestionsService,
    @Inject(SuggestionImportService) private readonly workbook: SuggestionImportService,
  ) {}

  @Get('alliances/:id/suggestions')
  list(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Query('subject') subject?: string,
    @Query('knowledgePoint') knowledgePoint?: string,
  ) {
    return this.suggestions.list(actor, id, { subject, knowledgePoint });
  }

  @Post('alliances/:id/suggestions')
  add(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: SuggestionBody) {
    return this.suggestions.add(actor, id, body);
  }

  @Patch('suggestions/:id')
  edit(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: SuggestionBody) {
    return this.suggestions.edit(actor, id, body);
  }

  @Post('suggestions/:id/retire')
  @HttpCode(200)
  retire(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: { baseVersion?: unknown }) {
    return this.suggestions.setRetired(actor, id, true, body?.baseVersion);
  }

  @Post('suggestions/:id/restore')
  @HttpCode(200)
  restore(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: { baseVersion?: unknown }) {
    return this.suggestions.setRetired(actor, id, false, body?.baseVersion);
  }

  @Get('suggestions/:id/versions')
  history(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.suggestions.history(actor, id);
  }

  /** Multipart: file (.xlsx); confirm=true with the libraryVersion of the preview applies it. */
  @Post('alliances/:id/suggestions/import')
  @HttpCode(200)
  @UseInterceptors(
    UploadErrorsInterceptor,
    FileInterceptor('file', { limits: { fileSize: UPLOAD_MAX_BYTES, files: 1 } }),
  )
  importFile(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body() body: { confirm?: unknown; libraryVersion?: unknown },
    @UploadedFile() file: UploadedSheetFile | undefined,
  ) {
    return this.workbook.importFile(actor, id, file, body);
  }

  @Get('alliances/:id/suggestions.xlsx')
  async exportFile(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Query('subject') subject?: string) {
    const { data, fileName } = await this.workbook.exportFile(actor, id, subject);
    return new StreamableFile(data, { type: XLSX, disposition: attachment(fileName, `suggestions-${id}.xlsx`) });
  }
}
