import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/roles.decorator.js';
import { parseAssignments, parseQcSettings, parseReason, parseReference } from './dto/marking-lead.dto.js';
import { MarkingConsoleService } from './marking-console.service.js';
import { MarkingLeadService } from './marking-lead.service.js';

/** The subject lead's (题组长) marking routes: assignments, QC, marker standing, the console. */
@Controller('api/marking')
export class MarkingLeadController {
  constructor(
    @Inject(MarkingLeadService) private readonly lead: MarkingLeadService,
    @Inject(MarkingConsoleService) private readonly consoleView: MarkingConsoleService,
  ) {}

  @Get('console')
  @Roles(Role.SubjectLead, Role.Admin)
  console(@CurrentActor() actor: Actor, @Query('examId') examId: string) {
    return this.consoleView.console(actor, examId);
  }

  @Get('items/:itemId/assignments')
  @Roles(Role.SubjectLead, Role.Admin)
  assignments(@CurrentActor() actor: Actor, @Param('itemId') itemId: string) {
    return this.lead.assignments(actor, itemId);
  }

  @Put('items/:itemId/assignments')
  @Roles(Role.SubjectLead, Role.Admin)
  setAssignments(@CurrentActor() actor: Actor, @Param('itemId') itemId: string, @Body() body: unknown) {
    return this.lead.setAssignments(actor, itemId, parseAssignments(body));
  }

  @Get('items/:itemId/qc')
  @Roles(Role.SubjectLead, Role.Admin)
  qc(@CurrentActor() actor: Actor, @Param('itemId') itemId: string) {
    return this.lead.qcSettings(actor, itemId);
  }

  @Put('items/:itemId/qc')
  @Roles(Role.SubjectLead, Role.Admin)
  setQc(@CurrentActor() actor: Actor, @Param('itemId') itemId: string, @Body() body: unknown) {
    return this.lead.setQcSettings(actor, itemId, parseQcSettings(body));
  }

  @Get('items/:itemId/references')
  @Roles(Role.SubjectLead, Role.Admin)
  references(@CurrentActor() actor: Actor, @Param('itemId') itemId: string) {
    return this.lead.references(actor, itemId);
  }

  @Post('items/:itemId/references')
  @Roles(Role.SubjectLead, Role.Admin)
  @HttpCode(200)
  setReference(@CurrentActor() actor: Actor, @Param('itemId') itemId: string, @Body() body: unknown) {
    return this.lead.setReference(actor, itemId, parseReference(body));
  }

  @Post('items/:itemId/markers/:markerId/approve')
  @Roles(Role.SubjectLead, Role.Admin)
  @HttpCode(200)
  approve(@CurrentActor() actor: Actor, @Param('itemId') itemId: string, @Param('markerId') markerId: string) {
    return this.lead.approve(actor, itemId, markerId);
  }

  @Post('items/:itemId/markers/:markerId/suspend')
  @Roles(Role.SubjectLead, Role.Admin)
  @HttpCode(200)
  suspend(
    @CurrentActor() actor: Actor,
    @Param('itemId') itemId: string,
    @Param('markerId') markerId: string,
    @Body() body: unknown,
  ) {
    return this.lead.suspend(actor, itemId, markerId, parseReason(body));
  }

  @Post('items/:itemId/markers/:markerId/restore')
  @Roles(Role.SubjectLead, Role.Admin)
  @HttpCode(200)
  restore(@CurrentActor() actor: Actor, @Param('itemId') itemId: string, @Param('markerId') markerId: string) {
    return this.lead.restore(actor, itemId, markerId);
  }

  @Post('items/:itemId/markers/:markerId/requeue')
  @Roles(Role.SubjectLead, Role.Admin)
  @HttpCode(200)
  requeue(@CurrentActor() actor: Actor, @Param('itemId') itemId: string, @Param('markerId') markerId: string) {
    return this.lead.requeueAll(actor, itemId, markerId);
  }
}
