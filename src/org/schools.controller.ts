import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/roles.decorator.js';
import { CreateClassesBody, CreateSchoolBody, RosterUploadForm, type UploadedRosterFile } from './dto/org.dto.js';
import { IdPipe } from './id-param.pipe.js';
import { OrgService } from './org.service.js';
import { RosterService } from './roster.service.js';
import { UPLOAD_MAX_BYTES, UploadErrorsInterceptor } from './upload-errors.interceptor.js';

@Controller('api/schools')
export class SchoolsController {
  constructor(
    @Inject(OrgService) private readonly org: OrgService,
    @Inject(RosterService) private readonly roster: RosterService,
  ) {}

  @Roles(Role.Admin)
  @Post(':id/classes')
  createClasses(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: CreateClassesBody) {
    return this.org.createClasses(actor, id, body);
  }

  @Roles(Role.Admin, Role.Principal, Role.Scanner)
  @Get(':id/classes')
  listClasses(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.org.listClasses(actor, id);
  }

  @Roles(Role.Admin, Role.Scanner)
  @Post(':id/roster')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: RosterUploadForm })
  @UseInterceptors(
    UploadErrorsInterceptor,
    FileInterceptor('file', { limits: { fileSize: UPLOAD_MAX_BYTES, files: 1 } }),
  )
  importRoster(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @UploadedFile() file: UploadedRosterFile | undefined,
  ) {
    return this.roster.importRoster(actor, id, file);
  }

  @Roles(Role.Admin, Role.Principal, Role.Scanner)
  @Get(':id/students')
  listStudents(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.roster.listStudents(actor, id);
  }

  @Roles(Role.Admin)
  @Patch(':id')
  update(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: CreateSchoolBody) {
    return this.org.updateSchool(actor, id, body);
  }

  /** What the file would change (added, updated, removed students), nothing stored. */
  @Roles(Role.Admin, Role.Scanner)
  @Post(':id/roster/preview')
  @HttpCode(200)
  @UseInterceptors(
    UploadErrorsInterceptor,
    FileInterceptor('file', { limits: { fileSize: UPLOAD_MAX_BYTES, files: 1 } }),
  )
  previewRoster(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @UploadedFile() file: UploadedRosterFile | undefined,
  ) {
    return this.roster.previewRoster(actor, id, file);
  }

  /** The previewed change, confirmed: the same file and the preview's planId; all or nothing, audited. */
  @Roles(Role.Admin, Role.Scanner)
  @Post(':id/roster/apply')
  @HttpCode(200)
  @UseInterceptors(
    UploadErrorsInterceptor,
    FileInterceptor('file', { limits: { fileSize: UPLOAD_MAX_BYTES, files: 1 } }),
  )
  applyRoster(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @UploadedFile() file: UploadedRosterFile | undefined,
    @Body('planId') planId: unknown,
  ) {
    return this.roster.applyRoster(actor, id, file, planId);
  }
}
