import { Controller, Get, Inject, Param } from '@nestjs/common';
import { Actor } from '../common/actor.js';
import { Authenticated, CurrentActor } from '../common/roles.decorator.js';
import { IdParam } from '../results/dto/id-param.pipe.js';
import { CountyReportService } from './county-report.service.js';

/**
 * The county comparison as a PDF. @Authenticated like GET /api/counties/:id/comparison: a bureau user holds a role
 * only through the county's alliances; the service answers the county's bureau users only (403 to everyone else).
 */
@Controller('api/counties')
export class CountyReportController {
  constructor(@Inject(CountyReportService) private readonly reports: CountyReportService) {}

  @Get(':id/comparison.pdf')
  @Authenticated()
  comparisonPdf(@CurrentActor() actor: Actor, @Param('id', IdParam) id: number) {
    return this.reports.comparisonPdf(actor, id);
  }
}
