import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Role } from '../auth/entities/user-role.entity.js';
import { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/roles.decorator.js';
import { IdParam } from './dto/id-param.pipe.js';
import { ResultsService } from './results.service.js';

@Controller('api/exams')
export class ResultsController {
  constructor(@Inject(ResultsService) private readonly results: ResultsService) {}

  @Post(':id/results/compute')
  @HttpCode(202)
  @Roles(Role.Admin)
  compute(@CurrentActor() actor: Actor, @Param('id', IdParam) id: number) {
    return this.results.requestCompute(actor, id);
  }

  @Get(':id/analysis')
  @Roles(Role.Admin, Role.Principal)
  analysis(@CurrentActor() actor: Actor, @Param('id', IdParam) id: number) {
    return this.results.analysisFor(actor, id);
  }

  @Get(':id/schools/:schoolId/students')
  @Roles(Role.Admin, Role.Principal)
  students(@CurrentActor() actor: Actor, @Param('id', IdParam) id: number, @Param('schoolId', IdParam) schoolId: number) {
    return this.results.schoolStudents(actor, id, schoolId);
  }
}
