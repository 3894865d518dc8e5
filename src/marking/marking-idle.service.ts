// Why a marker's next call found nothing: per assigned item, the precise reason (未分配题块, 等待双评配对, 今日已达上限,
// 全部评完 …), so the marker page never says "全部评完" while answers wait for someone else.
import { Inject, Injectable } from '@nestjs/common';
import { Actor, assertScope } from '../common/actor.js';
import { Role } from '../common/role.js';
import { eligibleAssignments } from './domain/leasing.js';
import { headlineReason, idleReason, idleText, type IdleFacts } from './domain/marking-setup.js';
import { capReached } from './domain/quality-control.js';
import { optionalId } from './dto/marking.dto.js';
import { MarkerPhase } from './entities/qc.entities.js';
import { ItemFactsCache } from './item-facts.cache.js';
import { MarkerAssignmentRepository } from './marker-assignment.repository.js';
import { MarkingSetupRepository } from './marking-setup.repository.js';

const num = (v: unknown) => Number(v ?? 0);

@Injectable()
export class MarkingIdleService {
  constructor(
    @Inject(MarkerAssignmentRepository) private readonly assignments: MarkerAssignmentRepository,
    @Inject(MarkingSetupRepository) private readonly reads: MarkingSetupRepository,
    @Inject(ItemFactsCache) private readonly items: ItemFactsCache,
  ) {}

  /** The clock, in one place (the daily cap counts from the start of the day). */
  protected now(): Date {
    return new Date();
  }

  async idle(actor: Actor, examIdRaw: unknown, itemIdRaw: unknown) {
    assertScope(
      actor.grants.some((g) => g.role === Role.Marker),
      '您不是阅卷教师',
    );
    const filter = { examId: optionalId(examIdRaw, '考试'), itemId: optionalId(itemIdRaw, '题目') };
    const me = actor.userId;
    const assigned = await this.assignments.withStanding(me);
    const facts = await this.items.get(assigned.map((a) => num(a.item_id)));
    const eligible = eligibleAssignments(actor, filter, assigned, facts);
    const itemIds = eligible.map((a) => num(a.item_id));
    const now = this.now();
    const dayStart = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    const today = await this.reads.markedToday(me, itemIds, dayStart);
    const open = await this.reads.openRounds(me, itemIds, now);
    const answers = await this.reads.answersOf(itemIds);
    const items = eligible.map((a) => {
      const f = facts.get(num(a.item_id))!;
      const cap = f.qc?.dailyCap ?? null;
      const rounds = open.get(f.item.id) ?? { openForMe: 0, openForOthers: 0, leasedByOthers: 0 };
      const idle: IdleFacts = {
        suspended: num(a.suspended) === 1,
        suspendedReason: null,
        trialWaiting: !!f.qc?.trialRequired && a.phase !== MarkerPhase.Live,
        capReached: capReached(today.get(f.item.id) ?? 0, cap) ? cap : null,
        answers: answers.get(f.item.id) ?? 0,
        ...rounds,
      };
      const reason = idleReason(idle);
      return {
        itemId: f.item.id,
        label: f.item.label,
        examId: f.exam.id,
        reason,
        text: idleText(reason, idle),
        ...rounds,
      };
    });
    const reason = headlineReason(items.map((i) => i.reason));
    return { reason, text: items.find((i) => i.reason === reason)?.text ?? idleText(reason), items };
  }
}
