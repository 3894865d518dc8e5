import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { Actor } from '../common/actor.js';
import { Role } from '../common/role.js';
import { Authenticated, CurrentActor, Roles } from '../common/roles.decorator.js';
import { IdParam } from './dto/id-param.pipe.js';
import { ExamStateService } from './exam-state.service.js';
import { ResultsReleaseService } from './results-release.service.js';

@Controller('api/exams')
export class ExamStateController {
  constructor(
    @Inject(ExamStateService) private readonly states: ExamStateService,
    @Inject(ResultsReleaseService) private readonly releases: ResultsReleaseService,
  ) {}

  /** The exam's lifecycle stage and what is left to do; any member of its alliance (the service checks). */
  @Get(':id/state')
  @Authenticated()
  state(@CurrentActor() actor: Actor, @Param('id', IdParam) id: number) {
    return this.states.stateFor(actor, id);
  }

  @Get(':id/release')
  @Roles(Role.Admin)
  preview(@CurrentActor() actor: Actor, @Param('id', IdParam) id: number) {
    return this.releases.preview(actor, id);
  }

  /** 成绩发布 (or re-issue): { reason } needed while work is unfinished. */
  @Post(':id/release')
  @Roles(Role.Admin)
  release(@CurrentActor() actor: Actor, @Param('id', IdParam) id: number, @Body() body: { reason?: unknown }) {
    return this.releases.release(actor, id, body);
  }
}
