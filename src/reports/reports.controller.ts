import { Controller, Get, Inject, Param } from '@nestjs/common';
import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { Authenticated, CurrentActor, Roles } from '../common/roles.decorator.js';
import { Discloses } from '../exams/exam-disclosure.guard.js';
import { IdParam } from '../results/dto/id-param.pipe.js';
import { ReportsService } from './reports.service.js';

@Controller('api')
export class ReportsController {
  constructor(@Inject(ReportsService) private readonly reports: ReportsService) {}

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
}
