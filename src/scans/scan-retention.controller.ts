import { Body, Controller, Get, Inject, Param, Post, Put } from '@nestjs/common';
import { Actor } from '../common/actor.js';
import { Role } from '../common/role.js';
import { CurrentActor, Roles } from '../common/roles.decorator.js';
import { IdPipe } from '../org/id-param.pipe.js';
import { ScanRetentionService } from './scan-retention.service.js';

/** Retention of an exam's scans and snippets (the alliance's admin): period, status, purge. */
@Controller('api/exams')
export class ScanRetentionController {
  constructor(@Inject(ScanRetentionService) private readonly retention: ScanRetentionService) {}

  @Get(':id/scan-retention')
  @Roles(Role.Admin)
  status(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.retention.status(actor, id);
  }

  /** { days }: whole days after the results' release (0: keep; null: the installation's RETENTION_DAYS). */
  @Put(':id/scan-retention')
  @Roles(Role.Admin)
  setDays(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: { days?: unknown }) {
    return this.retention.setDays(actor, id, body);
  }

  /** Deletes the exam's scans, snippets and OMR crops now, once the period has passed; results and reports stay. */
  @Post(':id/scan-retention/purge')
  @Roles(Role.Admin)
  purge(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.retention.purgeFor(actor, id);
  }
}
