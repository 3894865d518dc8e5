import { Body, Controller, Get, Inject, Param, Post, StreamableFile } from '@nestjs/common';
import { Role } from '../auth/entities/user-role.entity.js';
import { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/roles.decorator.js';
import { IdPipe } from '../org/id-param.pipe.js';
import type { GenerateSheetBody } from './dto/sheets.dto.js';
import { SheetsService } from './sheets.service.js';

@Controller('api/papers')
export class SheetsController {
  constructor(@Inject(SheetsService) private readonly sheets: SheetsService) {}

  @Roles(Role.Admin, Role.SubjectLead)
  @Post(':paperId/sheet')
  generate(@CurrentActor() actor: Actor, @Param('paperId', IdPipe) paperId: number, @Body() body: GenerateSheetBody) {
    return this.sheets.generateSheet(actor, paperId, body);
  }

  @Roles(Role.Admin, Role.SubjectLead, Role.Scanner, Role.Principal)
  @Get(':paperId/sheet.pdf')
  async pdf(@CurrentActor() actor: Actor, @Param('paperId', IdPipe) paperId: number) {
    const { data, fileName } = await this.sheets.sheetPdf(actor, paperId);
    return new StreamableFile(data, { type: 'application/pdf', disposition: `inline; filename="sheet-${paperId}.pdf"; filename*=UTF-8''${encodeURIComponent(fileName)}` });
  }
}
