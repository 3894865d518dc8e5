import { Body, Controller, Get, Header, HttpCode, Inject, Param, Patch, Post, StreamableFile } from '@nestjs/common';
import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/roles.decorator.js';
import { Discloses } from '../exams/exam-disclosure.guard.js';
import { IdParam } from './dto/id-param.pipe.js';
import { ExportsService, XlsxFile } from './exports/exports.service.js';
import { LongitudinalSettingsService } from './longitudinal-settings.service.js';
import { ResultsJobService } from './results-job.service.js';
import { ResultsQueriesService } from './results-queries.service.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const xlsx = (f: XlsxFile) =>
  new StreamableFile(f.data, {
    type: XLSX,
    disposition: `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(f.fileName)}`,
  });

@Controller('api/exams')
export class ResultsController {
  constructor(
    @Inject(ResultsJobService) private readonly job: ResultsJobService,
    @Inject(ResultsQueriesService) private readonly results: ResultsQueriesService,
    @Inject(LongitudinalSettingsService) private readonly longitudinal: LongitudinalSettingsService,
    @Inject(ExportsService) private readonly exportsService: ExportsService,
  ) {}

  @Post(':id/results/compute')
  @HttpCode(202)
  @Roles(Role.Admin)
  compute(@CurrentActor() actor: Actor, @Param('id', IdParam) id: number) {
    return this.job.request(actor, id);
  }

  /**
   * 纵看 link: { priorExamId?: number | null, improvementFormula?: 'va_over_se' | 'ratio_change' }.
   * Own sub-path: PATCH /api/exams/:id itself belongs to the exam settings (releaseAt) in the exams feature.
   */
  @Patch(':id/longitudinal')
  @Roles(Role.Admin)
  updateLongitudinal(
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: number,
    @Body() body: { priorExamId?: unknown; improvementFormula?: unknown },
  ) {
    return this.longitudinal.update(actor, id, body);
  }

  @Get(':id/analysis')
  @Roles(Role.Admin, Role.Principal, Role.Bureau)
  @Discloses(['school_stats'])
  analysis(@CurrentActor() actor: Actor, @Param('id', IdParam) id: number) {
    return this.results.analysisFor(actor, id);
  }

  /** One school's classes, per-item figures, bands, knowledge points and detail (the analysis gives summaries). */
  @Get(':id/schools/:schoolId/analysis')
  @Roles(Role.Admin, Role.Principal, Role.Bureau)
  @Discloses(['school_stats'])
  schoolAnalysis(
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: number,
    @Param('schoolId', IdParam) schoolId: number,
  ) {
    return this.results.schoolAnalysis(actor, id, schoolId);
  }

  /** Scores where the exam's kind allows them to the reader, else 等级 only (total null, band set). */
  @Get(':id/schools/:schoolId/students')
  @Roles(Role.Admin, Role.Principal)
  @Discloses(['score_list', 'grade_band'])
  students(
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: number,
    @Param('schoolId', IdParam) schoolId: number,
  ) {
    return this.results.schoolStudents(actor, id, schoolId);
  }

  @Get(':id/exports/students.xlsx')
  @Roles(Role.Admin, Role.Principal)
  @Discloses(['score_list', 'grade_band'])
  @Header('Cache-Control', 'private, no-store')
  async exportStudents(@CurrentActor() actor: Actor, @Param('id', IdParam) id: number) {
    return xlsx(await this.exportsService.students(actor, id));
  }

  @Get(':id/exports/items.xlsx')
  @Roles(Role.Admin, Role.SubjectLead, Role.Bureau)
  @Discloses(['item_analysis'])
  @Header('Cache-Control', 'private, no-store')
  async exportItems(@CurrentActor() actor: Actor, @Param('id', IdParam) id: number) {
    return xlsx(await this.exportsService.items(actor, id));
  }

  @Get(':id/exports/schools.xlsx')
  @Roles(Role.Admin, Role.Principal, Role.Bureau)
  @Discloses(['school_comparison', 'anonymous_comparison'])
  @Header('Cache-Control', 'private, no-store')
  async exportSchools(@CurrentActor() actor: Actor, @Param('id', IdParam) id: number) {
    return xlsx(await this.exportsService.schools(actor, id));
  }
}
