import { Module } from '@nestjs/common';
import { MarkingController } from './marking.controller.js';
import { MarkingLeadController } from './marking-lead.controller.js';
import { MarkingLeadService } from './marking-lead.service.js';
import { MarkingService } from './marking.service.js';
import { QcRandom } from './qc-random.js';
import { ItemFactsCache } from './item-facts.cache.js';

@Module({
  controllers: [MarkingController, MarkingLeadController],
  providers: [MarkingService, MarkingLeadService, QcRandom, ItemFactsCache],
  exports: [MarkingService, MarkingLeadService, ItemFactsCache],
})
export class MarkingModule {}
