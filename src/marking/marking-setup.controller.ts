import { Body, Controller, Delete, Get, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/roles.decorator.js';
import {
  parseBlockChange,
  parseMarkerIds,
  parseNewBlock,
  parseRules,
  parseKind,
  parseToken,
  parseTrialRule,
} from './dto/marking-setup.dto.js';
import { MarkingIdleService } from './marking-idle.service.js';
import { MarkingMonitorService } from './marking-monitor.service.js';
import { MarkingSetupService } from './marking-setup.service.js';

/** Marking set-up (题块分配, per-item rules, 试评) for the subject lead, monitoring, and the marker's idle reason. */
@Controller('api/marking')
export class MarkingSetupController {
  constructor(
    @Inject(MarkingSetupService) private readonly setupView: MarkingSetupService,
    @Inject(MarkingMonitorService) private readonly monitorView: MarkingMonitorService,
    @Inject(MarkingIdleService) private readonly idleView: MarkingIdleService,
  ) {}

  @Get('setup')
  @Roles(Role.SubjectLead, Role.Admin)
  setup(@CurrentActor() actor: Actor, @Query('examId') examId: string) {
    return this.setupView.setup(actor, examId);
  }

  @Post('blocks')
  @Roles(Role.SubjectLead, Role.Admin)
  createBlock(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.setupView.createBlock(actor, parseNewBlock(body));
  }

  @Put('blocks/:blockId')
  @Roles(Role.SubjectLead, Role.Admin)
  changeBlock(@CurrentActor() actor: Actor, @Param('blockId') blockId: string, @Body() body: unknown) {
    return this.setupView.changeBlock(actor, blockId, parseBlockChange(body));
  }

  @Delete('blocks/:blockId')
  @Roles(Role.SubjectLead, Role.Admin)
  removeBlock(@CurrentActor() actor: Actor, @Param('blockId') blockId: string) {
    return this.setupView.removeBlock(actor, blockId);
  }

  @Put('blocks/:blockId/markers')
  @Roles(Role.SubjectLead, Role.Admin)
  setBlockMarkers(@CurrentActor() actor: Actor, @Param('blockId') blockId: string, @Body() body: unknown) {
    return this.setupView.setBlockMarkers(actor, blockId, parseMarkerIds(body));
  }

  @Put('items/:itemId/rules')
  @Roles(Role.SubjectLead, Role.Admin)
  setRules(@CurrentActor() actor: Actor, @Param('itemId') itemId: string, @Body() body: unknown) {
    return this.setupView.setRules(actor, itemId, parseRules(body));
  }

  @Put('items/:itemId/trial')
  @Roles(Role.SubjectLead, Role.Admin)
  setTrial(@CurrentActor() actor: Actor, @Param('itemId') itemId: string, @Body() body: unknown) {
    return this.setupView.setTrialRule(actor, itemId, parseTrialRule(body));
  }

  /** `?kind=trial|seed`: the answer is no longer a trial answer (or seed) of the item. */
  @Delete('items/:itemId/references/:token')
  @Roles(Role.SubjectLead, Role.Admin)
  removeReference(
    @CurrentActor() actor: Actor,
    @Param('itemId') itemId: string,
    @Param('token') token: string,
    @Query('kind') kind: string,
  ) {
    return this.setupView.removeReference(actor, itemId, parseToken(token), parseKind(kind));
  }

  @Get('items/:itemId/answers')
  @Roles(Role.SubjectLead, Role.Admin)
  answers(@CurrentActor() actor: Actor, @Param('itemId') itemId: string) {
    return this.setupView.answers(actor, itemId);
  }

  @Get('monitor')
  @Roles(Role.SubjectLead, Role.Admin)
  monitor(@CurrentActor() actor: Actor, @Query('examId') examId: string) {
    return this.monitorView.monitor(actor, examId);
  }

  /** Why the marker's next call finds nothing: per assigned item, the reason in Chinese. */
  @Get('idle')
  @Roles(Role.Marker)
  idle(@CurrentActor() actor: Actor, @Query('examId') examId?: string, @Query('itemId') itemId?: string) {
    return this.idleView.idle(actor, examId, itemId);
  }
}
