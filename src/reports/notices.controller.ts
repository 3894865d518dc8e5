import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Actor } from '../common/actor.js';
import { Role } from '../common/role.js';
import { CurrentActor, Public, Roles } from '../common/roles.decorator.js';
import { Discloses } from '../exams/exam-disclosure.guard.js';
import { IdParam } from '../results/dto/id-param.pipe.js';
import { NoticesService } from './notices.service.js';

const ids = (v: unknown): number[] | undefined =>
  Array.isArray(v) ? v.map(Number).filter((n) => Number.isInteger(n) && n > 0) : undefined;

/**
 * The class's notices and their codes: the alliance's admin and the class's principal; the notices' PDF also the class's
 * 班主任 (the service checks scope).
 */
@Controller('api/exams/:id/classes/:classId')
export class NoticesController {
  constructor(@Inject(NoticesService) private readonly notices: NoticesService) {}

  @Get('notices.pdf')
  @Roles(Role.Admin, Role.Principal, Role.Teacher)
  @Discloses(['grade_band'])
  pdf(@CurrentActor() a: Actor, @Param('id', IdParam) id: number, @Param('classId', IdParam) classId: number) {
    return this.notices.classPdf(a, id, classId);
  }

  @Get('notice-codes')
  @Roles(Role.Admin, Role.Principal)
  @Discloses(['grade_band'])
  codes(@CurrentActor() a: Actor, @Param('id', IdParam) id: number, @Param('classId', IdParam) classId: number) {
    return this.notices.listCodes(a, id, classId);
  }

  @Post('notice-codes')
  @Roles(Role.Admin, Role.Principal)
  @Discloses(['grade_band'])
  generate(
    @CurrentActor() a: Actor,
    @Param('id', IdParam) id: number,
    @Param('classId', IdParam) classId: number,
    @Body() body: { studentIds?: unknown; renew?: unknown },
  ) {
    return this.notices.generateCodes(a, id, classId, {
      studentIds: ids(body?.studentIds),
      renew: body?.renew === true,
    });
  }

  @Post('notice-codes/revoke')
  @HttpCode(200)
  @Roles(Role.Admin, Role.Principal)
  @Discloses(['grade_band'])
  revoke(
    @CurrentActor() a: Actor,
    @Param('id', IdParam) id: number,
    @Param('classId', IdParam) classId: number,
    @Body() body: { studentIds?: unknown },
  ) {
    return this.notices.revokeCodes(a, id, classId, ids(body?.studentIds));
  }
}

/** The private notice page's API: no account, a personal code (throttled, audited). */
@Controller('api/notice')
export class PublicNoticeController {
  constructor(@Inject(NoticesService) private readonly notices: NoticesService) {}

  @Public()
  @Post()
  @HttpCode(200)
  open(@Body() body: { code?: unknown }, @Req() req: Request) {
    return this.notices.open(body?.code, req.ip ?? 'unknown');
  }
}
