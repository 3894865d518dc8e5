import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Role } from '../auth/entities/user-role.entity.js';
import { Actor } from '../common/actor.js';
import { Authenticated, CurrentActor, Roles } from '../common/roles.decorator.js';
import { IdPipe } from '../org/id-param.pipe.js';
import type { CreateExamBody, CreatePaperBody } from './dto/exams.dto.js';
import { ExamsService } from './exams.service.js';

@Controller('api')
export class ExamsController {
  constructor(@Inject(ExamsService) private readonly exams: ExamsService) {}

  @Roles(Role.Admin)
  @Post('alliances/:id/exams')
  createExam(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: CreateExamBody) {
    return this.exams.createExam(actor, id, body);
  }

  @Authenticated()
  @Get('alliances/:id/exams')
  listExams(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.exams.listExams(actor, id);
  }

  @Authenticated()
  @Get('exams/:id')
  getExam(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.exams.getExam(actor, id);
  }

  @Roles(Role.Admin, Role.SubjectLead)
  @Post('exams/:id/papers')
  createPaper(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: CreatePaperBody) {
    return this.exams.createPaper(actor, id, body);
  }

  @Authenticated()
  @Get('papers/:id')
  getPaper(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.exams.getPaper(actor, id);
  }

  @Roles(Role.Admin, Role.SubjectLead)
  @Post('papers/:id/lock')
  @HttpCode(200)
  lockPaper(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.exams.lockPaper(actor, id);
  }
}
