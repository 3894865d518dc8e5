import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { Actor } from '../common/actor.js';
import { Role } from '../common/role.js';
import { CurrentActor, Roles } from '../common/roles.decorator.js';
import { FailedJobsService } from './failed-jobs.service.js';

/** 失败任务: background jobs that used up their attempts, for the alliance admin to see and retry. */
@Controller('api/jobs')
export class JobsController {
  constructor(@Inject(FailedJobsService) private readonly failed: FailedJobsService) {}

  @Get('failed')
  @Roles(Role.Admin)
  list(@CurrentActor() actor: Actor) {
    return this.failed.list(actor);
  }

  @Post('failed/retry')
  @HttpCode(200)
  @Roles(Role.Admin)
  retry(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.failed.retry(actor, body);
  }
}
