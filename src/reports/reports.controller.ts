import { Controller, Get, Inject, Param } from '@nestjs/common';
import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { Authenticated, CurrentActor, Roles } from '../common/roles.decorator.js';
import { Discloses } from '../exams/exam-disclosure.guard.js';
import { IdParam } from '../results/dto/id-param.pipe.js';
import { ClassReportService } from './class-report.service.js';
import { ReportsService } from './reports.service.js';

@Controller('api')
export class ReportsController {
  constructor(
    @Inject(ReportsService) private readonly reports: ReportsService,
    @Inject(ClassReportService) private readonly classReports: ClassReportService,
  ) {}

  @Get('exams/:id/reports')
  @Roles(Role.Admin, Role.Principal)
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
