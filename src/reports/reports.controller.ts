import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { Authenticated, CurrentActor, Roles } from '../common/roles.decorator.js';
import { Discloses } from '../exams/exam-disclosure.guard.js';
import { IdParam } from '../results/dto/id-param.pipe.js';
import { AllianceOverviewService } from './alliance-overview.service.js';
import { ClassReportService } from './class-report.service.js';
import { ReportsService } from './reports.service.js';

@Controller('api')
export class ReportsController {
  constructor(
    @Inject(ReportsService) private readonly reports: ReportsService,
    @Inject(AllianceOverviewService) private readonly overviews: AllianceOverviewService,
    @Inject(ClassReportService) private readonly classReports: ClassReportService,
  ) {}

  /** The bureau and alliance overview: every school named; the alliance's admin, or its county's bureau after release. */
  @Get('exams/:id/overview')
  @Roles(Role.Admin, Role.Bureau)
  @Discloses(['school_comparison'])
  overview(@CurrentActor() actor: Actor, @Param('id', IdParam) id: number) {
    return this.overviews.overview(actor, id);
  }

  @Get('exams/:id/overview.pdf')
  @Roles(Role.Admin, Role.Bureau)
  @Discloses(['school_comparison'])
  overviewPdf(@CurrentActor() actor: Actor, @Param('id', IdParam) id: number) {
    return this.overviews.overviewPdf(actor, id);
  }

  @Get('exams/:id/reports')
  @Roles(Role.Admin, Role.Principal, Role.Bureau)
  @Discloses(['school_stats'])
  list(@CurrentActor() actor: Actor, @Param('id', IdParam) id: number) {
    return this.reports.listReports(actor, id);
  }

  /** Any logged-in user reaches the service, which answers 403 '无权查看其他学校的报告' to everyone out of scope. */
  @Get('reports/:examId/:schoolId.pdf')
  @Authenticated()
  @Discloses(['school_stats'], 'examId')
  download(
    @CurrentActor() actor: Actor,
    @Param('examId', IdParam) examId: number,
    @Param('schoolId', IdParam) schoolId: number,
  ) {
    return this.reports.download(actor, examId, schoolId);
  }

  /** The school report's content as JSON for the result page: the same model as the PDF, other schools by letter. */
  @Get('exams/:id/schools/:schoolId/report')
  @Roles(Role.Admin, Role.Principal)
  @Discloses(['school_stats'])
  @Header('Cache-Control', 'private, no-store')
  schoolReport(
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: number,
    @Param('schoolId', IdParam) schoolId: number,
  ) {
    return this.reports.schoolReport(actor, id, schoolId);
  }

  /**
   * 班级报告: the alliance's admin, the principal of the class's school, a teacher of the class (a 任课教师: their
   * subject only). Everyone else 403 '无权查看该班级的报告' from the service.
   */
  @Get('exams/:id/classes/:classId/report')
  @Authenticated()
  @Discloses(['school_stats'])
  classReport(
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: number,
    @Param('classId', IdParam) classId: number,
  ) {
    return this.classReports.report(actor, id, classId, 'json');
  }

  @Get('exams/:id/classes/:classId/report.pdf')
  @Authenticated()
  @Discloses(['school_stats'])
  classReportPdf(
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: number,
    @Param('classId', IdParam) classId: number,
  ) {
    return this.classReports.pdfFile(actor, id, classId);
  }
}
