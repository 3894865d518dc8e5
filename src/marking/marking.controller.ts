import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/roles.decorator.js';
import {
  ArbitrateBody,
  NextTaskBody,
  parseArbitrate,
  parseNextTask,
  parseSubmit,
  SubmitMarkBody,
} from './dto/marking.dto.js';
import { ArbitrationService } from './arbitration.service.js';
import { MarkingLeaseService } from './marking-lease.service.js';
import { MarkingProgressService } from './marking-progress.service.js';
import { MarkingReviewService } from './marking-review.service.js';
import { SnippetService } from './snippet.service.js';

@Controller('api/marking')
export class MarkingController {
  constructor(
    @Inject(MarkingLeaseService) private readonly leasing: MarkingLeaseService,
    @Inject(SnippetService) private readonly snippets: SnippetService,
    @Inject(ArbitrationService) private readonly arbitration: ArbitrationService,
    @Inject(MarkingReviewService) private readonly reviews: MarkingReviewService,
    @Inject(MarkingProgressService) private readonly progressView: MarkingProgressService,
  ) {}

  /** Leases the next answer to mark; 204 when nothing is left for the caller. */
  @Post('next')
  @Roles(Role.Marker)
  @HttpCode(200)
  async next(@CurrentActor() actor: Actor, @Body() body: NextTaskBody, @Res({ passthrough: true }) res: Response) {
    const task = await this.leasing.next(actor, parseNextTask(body));
    if (!task) res.status(204);
    return task ?? undefined;
  }

  @Get('snippets/:token')
  @Roles(Role.Marker, Role.SubjectLead, Role.Admin)
  @Header('Cache-Control', 'private, no-store')
  @Header('X-Content-Type-Options', 'nosniff')
  snippet(@CurrentActor() actor: Actor, @Param('token') token: string) {
    return this.snippets.image(actor, token);
  }

  @Post('tasks/:taskId/submit')
  @Roles(Role.Marker)
  @HttpCode(200)
  submit(@CurrentActor() actor: Actor, @Param('taskId') taskId: string, @Body() body: SubmitMarkBody) {
    return this.leasing.submit(actor, taskId, parseSubmit(body));
  }

  @Post('snippets/:token/arbitrate')
  @Roles(Role.SubjectLead, Role.Admin)
  @HttpCode(200)
  arbitrate(@CurrentActor() actor: Actor, @Param('token') token: string, @Body() body: ArbitrateBody) {
    return this.arbitration.arbitrate(actor, token, parseArbitrate(body));
  }

  @Get('arbitration')
  @Roles(Role.SubjectLead, Role.Admin)
  arbitrationQueue(@CurrentActor() actor: Actor, @Query('examId') examId: string) {
    return this.arbitration.arbitrationQueue(actor, examId);
  }

  /** 回评: the caller's last marks, newest first. */
  @Get('review')
  @Roles(Role.Marker)
  review(@CurrentActor() actor: Actor, @Query('itemId') itemId?: string, @Query('limit') limit?: string) {
    return this.reviews.review(actor, itemId, limit);
  }

  /** 回评 change: a new mark that supersedes the earlier one, while the answer has no final score. */
  @Post('marks/:eventId/revise')
  @Roles(Role.Marker)
  @HttpCode(200)
  revise(@CurrentActor() actor: Actor, @Param('eventId') eventId: string, @Body() body: unknown) {
    return this.reviews.revise(actor, eventId, parseSubmit(body));
  }

  @Get('progress')
  @Roles(Role.Marker, Role.SubjectLead, Role.Admin)
  progress(@CurrentActor() actor: Actor, @Query('examId') examId: string) {
    return this.progressView.progress(actor, examId);
  }
}
