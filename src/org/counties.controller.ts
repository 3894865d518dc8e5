import { Controller, Get, Inject, Param } from '@nestjs/common';
import { Actor } from '../common/actor.js';
import { Authenticated, CurrentActor } from '../common/roles.decorator.js';
import { IdPipe } from './id-param.pipe.js';
import { CountyComparisonService } from './county-comparison.service.js';

/**
 * The county (区县) views of its bureau users. @Authenticated: a bureau user of a county without alliances holds no
 * role at all; the service answers only the county's bureau users (403 to everyone else).
 */
@Controller('api/counties')
export class CountiesController {
  constructor(@Inject(CountyComparisonService) private readonly counties: CountyComparisonService) {}

  @Get()
  @Authenticated()
  mine(@CurrentActor() actor: Actor) {
    return this.counties.mine(actor);
  }

  /** 量化考核 of the county's alliances: each alliance's latest released exam per grade and subject. */
  @Get(':id/comparison')
  @Authenticated()
  comparison(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.counties.comparison(actor, id);
  }
}
