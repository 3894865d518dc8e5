import { BadRequestException, Body, Controller, Get, Inject, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { Role } from '../common/role.js';
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

  /** Without schoolId: the sheet for anyone. With schoolId (and optionally classId): one personalised sheet per student. */
  @Roles(Role.Admin, Role.SubjectLead, Role.Scanner, Role.Principal)
  @Get(':paperId/sheet.pdf')
  async pdf(
    @CurrentActor() actor: Actor,
    @Param('paperId', IdPipe) paperId: number,
    @Query('schoolId') schoolId?: string,
    @Query('classId') classId?: string,
  ) {
    const { data, fileName } =
      schoolId === undefined && classId === undefined
        ? await this.sheets.sheetPdf(actor, paperId)
        : await this.sheets.personalisedSheetPdf(actor, paperId, {
            schoolId: queryId(schoolId, '学校'),
            classId: classId === undefined || classId === '' ? null : queryId(classId, '班级'),
          });
    return new StreamableFile(data, {
      type: 'application/pdf',
      disposition: `inline; filename="sheet-${paperId}.pdf"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    });
  }
}

function queryId(v: string | undefined, what: string): number {
  const n = Number(v);
  if (!v || !/^[1-9][0-9]{0,9}$/.test(v) || !Number.isSafeInteger(n)) throw new BadRequestException(`${what}编号无效`);
  return n;
}
