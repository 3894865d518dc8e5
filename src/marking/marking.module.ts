import { Module } from '@nestjs/common';
import { ArbitrationService } from './arbitration.service.js';
import { ItemFactsCache } from './item-facts.cache.js';
import { MarkResolutionService } from './mark-resolution.service.js';
import { MarkerStandingService } from './marker-standing.service.js';
import { MarkingConsoleService } from './marking-console.service.js';
import { MarkingLeadController } from './marking-lead.controller.js';
import { MarkingLeadService } from './marking-lead.service.js';
import { MarkingIdleService } from './marking-idle.service.js';
import { MarkingMonitorService } from './marking-monitor.service.js';
import { MarkingSetupController } from './marking-setup.controller.js';
import { MarkingSetupService } from './marking-setup.service.js';
import { MarkingLeaseService } from './marking-lease.service.js';
import { MarkingProgressService } from './marking-progress.service.js';
import { MarkingReviewService } from './marking-review.service.js';
import { MarkingController } from './marking.controller.js';
import { QcRandom } from './qc-random.js';
import { QualityControlService } from './quality-control.service.js';
import { RequeueService } from './requeue.service.js';
import { SnippetService } from './snippet.service.js';

/** Marking's services (its repositories are provided by the data module: src/marking/repositories.ts). */
const SERVICES = [
  MarkingLeaseService,
  MarkResolutionService,
  QualityControlService,
  MarkerStandingService,
  RequeueService,
  MarkingReviewService,
  ArbitrationService,
  SnippetService,
  MarkingProgressService,
  MarkingConsoleService,
  MarkingLeadService,
  MarkingSetupService,
  MarkingMonitorService,
  MarkingIdleService,
  QcRandom,
  ItemFactsCache,
];

@Module({
  controllers: [MarkingController, MarkingLeadController, MarkingSetupController],
  providers: SERVICES,
  exports: [MarkingLeaseService, MarkingLeadService, ItemFactsCache],
})
export class MarkingModule {}
