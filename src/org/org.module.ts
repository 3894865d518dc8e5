import { Module } from '@nestjs/common';
import { AlliancesController } from './alliances.controller.js';
import { OrgService } from './org.service.js';
import { RosterService } from './roster.service.js';
import { SchoolsController } from './schools.controller.js';

@Module({
  controllers: [AlliancesController, SchoolsController],
  providers: [OrgService, RosterService],
  exports: [OrgService, RosterService],
})
export class OrgModule {}
