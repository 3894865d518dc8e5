// A marker's standing on an item: trial or live, suspended or not; every change audited.
import { Inject, Injectable } from '@nestjs/common';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { MarkerPhase } from './entities/qc.entities.js';
import { ItemQcSettingRepository } from './item-qc-setting.repository.js';
import { MarkEventRepository } from './mark-event.repository.js';
import { MarkerItemStateRepository } from './marker-item-state.repository.js';
import { MarkingTaskRepository } from './marking-task.repository.js';

@Injectable()
export class MarkerStandingService {
  constructor(
    @Inject(MarkerItemStateRepository) private readonly states: MarkerItemStateRepository,
    @Inject(ItemQcSettingRepository) private readonly settings: ItemQcSettingRepository,
    @Inject(MarkEventRepository) private readonly events: MarkEventRepository,
    @Inject(MarkingTaskRepository) private readonly tasks: MarkingTaskRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
  ) {}

  async setSuspended(
    itemId: number,
    markerId: number,
    suspended: boolean,
    reason: string | null,
    by: number | null,
  ): Promise<void> {
    const setting = await this.settings.find(itemId);
    const existing = await this.states.find(itemId, markerId);
    // On restore, remember the last mark event so far: seed misses before it no longer count towards suspension.
    const restoredAfter = suspended ? (existing?.restoredAfter ?? null) : await this.events.lastIdOf(markerId, itemId);
    await this.states.save({
      itemId,
      markerId,
      suspended,
      reason,
      changedBy: by,
      restoredAfter,
      phase: existing?.phase ?? (setting?.trialRequired ? MarkerPhase.Trial : MarkerPhase.Live),
    });
    // A suspended marker's open leases on the item go back to the pool at once.
    if (suspended) await this.tasks.releaseLeases(itemId, markerId);
    await this.audit.record({
      userId: by,
      action: suspended ? 'marking.suspend' : 'marking.restore',
      entity: 'marker_item_state',
      entityId: `${itemId}:${markerId}`,
      detail: { itemId, markerId, reason },
    });
  }

  async setPhase(itemId: number, markerId: number, phase: MarkerPhase, by: number | null): Promise<void> {
    const existing = await this.states.find(itemId, markerId);
    await this.states.save({
      itemId,
      markerId,
      phase,
      suspended: existing?.suspended ?? false,
      reason: existing?.reason ?? null,
      changedBy: by,
    });
    await this.audit.record({
      userId: by,
      action: by === null ? 'marking.trial_auto_pass' : 'marking.approve',
      entity: 'marker_item_state',
      entityId: `${itemId}:${markerId}`,
      detail: { itemId, markerId, phase },
    });
  }

  /** The marker's standing on the item (no row: live, unless the item requires trial marking). */
  async of(itemId: number, markerId: number) {
    const st = await this.states.find(itemId, markerId);
    const setting = await this.settings.find(itemId);
    return {
      itemId,
      markerId,
      phase: st?.phase ?? (setting?.trialRequired ? MarkerPhase.Trial : MarkerPhase.Live),
      suspended: st?.suspended ?? false,
      reason: st?.reason ?? null,
    };
  }
}
