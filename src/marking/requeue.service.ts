// Re-queueing a marker's live marks (their marker suspended, or by the lead): other markers mark those answers again.
import { Inject, Injectable } from '@nestjs/common';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { type Tx, UnitOfWork } from '../database/unit-of-work.js';
import { ARBITRATION_ROUND } from './domain/answer-state.js';
import type { MarkEvent } from './entities/mark-event.entity.js';
import { TaskKind } from './entities/marking-task.entity.js';
import { FinalScoreRepository } from './final-score.repository.js';
import { MarkResolutionService } from './mark-resolution.service.js';
import { MarkEventRepository } from './mark-event.repository.js';
import { MarkSupersessionRepository } from './mark-supersession.repository.js';
import { MarkingTaskRepository } from './marking-task.repository.js';

@Injectable()
export class RequeueService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(MarkingTaskRepository) private readonly tasks: MarkingTaskRepository,
    @Inject(MarkEventRepository) private readonly events: MarkEventRepository,
    @Inject(MarkSupersessionRepository) private readonly supersessions: MarkSupersessionRepository,
    @Inject(FinalScoreRepository) private readonly scores: FinalScoreRepository,
    @Inject(MarkResolutionService) private readonly resolution: MarkResolutionService,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
  ) {}

  /**
   * Re-queues live marks: each event is superseded (a row in mark_supersession; the event itself is untouched), its
   * task is void, and a new task of the same round goes to the pool for another marker. The snippet is resolved
   * again, so a final score that rested on the mark is withdrawn until the new mark arrives.
   */
  async requeueEvents(eventIds: number[], reason: 'suspended' | 'requeue', by: number | null): Promise<number> {
    let requeued = 0;
    for (const eventId of eventIds) {
      const event = await this.events.findById(eventId);
      if (!event || event.kind !== TaskKind.Live || event.round >= ARBITRATION_ROUND) continue;
      if (await this.uow.run((tx) => this.requeueOne(tx, event, reason, by))) requeued++;
    }
    return requeued;
  }

  /** One mark re-queued, with the answer's tasks locked; false when it no longer counted. */
  private async requeueOne(
    tx: Tx,
    event: MarkEvent,
    reason: 'suspended' | 'requeue',
    by: number | null,
  ): Promise<boolean> {
    await this.tasks.lockSnippet(tx, event.snippetId);
    if (await this.supersessions.isSuperseded(tx, event.id)) return false;
    const before = await this.scores.ofSnippet(tx, event.snippetId);
    this.supersessions.supersede(tx, event.id, reason, by, null);
    this.tasks.voidTasks(tx, [event.taskId]);
    await this.tasks.requeueRound(tx, event.examId, event.itemId, event.snippetId, event.round);
    const res = await this.resolution.resolveSnippet(tx, event.snippetId);
    await this.audit.record(
      {
        userId: by,
        action: 'marking.requeue',
        entity: 'mark_event',
        entityId: String(event.id),
        detail: {
          reason,
          markerId: event.markerId,
          snippetId: event.snippetId,
          round: event.round,
          previousScore: before?.score ?? null,
          state: res.state,
        },
      },
      tx,
    );
    return true;
  }
}
