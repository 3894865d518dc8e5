import { Module } from '@nestjs/common';
import { AccountsService } from './accounts.service.js';
import { AlliancesController } from './alliances.controller.js';
import { CountiesController } from './counties.controller.js';
import { CountyComparisonService } from './county-comparison.service.js';
import { CountyService } from './county.service.js';
import { OrgService } from './org.service.js';
import { RosterService } from './roster.service.js';
import { SchoolsController } from './schools.controller.js';

@Module({
  controllers: [AlliancesController, SchoolsController, CountiesController],
  providers: [OrgService, AccountsService, RosterService, CountyService, CountyComparisonService],
  exports: [OrgService, AccountsService, RosterService, CountyService, CountyComparisonService],
})
export class OrgModule {}
