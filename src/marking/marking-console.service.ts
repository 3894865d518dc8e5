// The subject-lead console (题组长): per item, the progress, the pace, and every marker's figures against the group.
import { Inject, Injectable } from '@nestjs/common';
import { Actor, assertScope } from '../common/actor.js';
import type { User } from '../auth/entities/user.entity.js';
import { ExamAccess } from '../exams/exam-access.js';
import { estimateMinutesLeft, type MarkerFigures, markerFigures } from './domain/marker-stats.js';
import { trialVerdict } from './domain/quality-control.js';
import { requiredId } from './dto/marking.dto.js';
import {
  type ItemQcSetting,
  type MarkerAssignment,
  type MarkerItemState,
  MarkerPhase,
} from './entities/qc.entities.js';
import { ArbitrationService } from './arbitration.service.js';
import { ItemQcSettingRepository } from './item-qc-setting.repository.js';
import { leadSubjects } from './lead-scope.js';
import { MarkEventRepository } from './mark-event.repository.js';
import { MarkerAssignmentRepository } from './marker-assignment.repository.js';
import { MarkerDirectoryRepository } from './marker-directory.repository.js';
import { MarkerItemStateRepository } from './marker-item-state.repository.js';
import { MarkingOverviewRepository } from './marking-overview.repository.js';
import { MarkingSnippetRepository } from './marking-snippet.repository.js';
import { type ItemProgress, MarkingProgressService } from './marking-progress.service.js';
import { ReferenceAnswerRepository } from './reference-answer.repository.js';

/** The pace behind the time-left estimate: marks of the last this many minutes. */
export const PACE_WINDOW_MINUTES = 30;

type Queue = Awaited<ReturnType<ArbitrationService['queueOf']>>;

/** A marker's QC outcomes on an item: seeds and self re-marks (the figures), trial answers (the verdict). */
interface QcOutcomes {
  qc: Map<number, { seeds: boolean[]; selfChecks: boolean[] }>;
  trials: Map<number, boolean[]>;
}

@Injectable()
export class MarkingConsoleService {
  constructor(
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(MarkingProgressService) private readonly progress: MarkingProgressService,
    @Inject(ArbitrationService) private readonly arbitration: ArbitrationService,
    @Inject(MarkEventRepository) private readonly events: MarkEventRepository,
    @Inject(MarkingOverviewRepository) private readonly overview: MarkingOverviewRepository,
    @Inject(MarkingSnippetRepository) private readonly snippets: MarkingSnippetRepository,
    @Inject(MarkerItemStateRepository) private readonly states: MarkerItemStateRepository,
    @Inject(MarkerAssignmentRepository) private readonly assignments: MarkerAssignmentRepository,
    @Inject(ItemQcSettingRepository) private readonly settings: ItemQcSettingRepository,
    @Inject(ReferenceAnswerRepository) private readonly references: ReferenceAnswerRepository,
    @Inject(MarkerDirectoryRepository) private readonly directory: MarkerDirectoryRepository,
  ) {}

  /** Everything the subject-lead console shows for one exam: items, markers, arbitration and problem queues. */
  async console(actor: Actor, examIdRaw: unknown) {
    const exam = await this.exams.get(requiredId(examIdRaw, '考试'));
    const leadOf = leadSubjects(actor, exam.allianceId);
    assertScope(leadOf !== null, '只有学科组长或管理员可以查看阅卷管理');
    const progress = await this.progress.progressOf(actor, exam);
    const items = progress.items.filter((i) => leadOf === 'all' || leadOf!.includes(i.subject));
    const queue = await this.arbitration.queueOf(actor, exam);
    const since = new Date(Date.now() - PACE_WINDOW_MINUTES * 60_000);
    const out = [];
    for (const it of items) out.push(await this.itemConsole(it, queue, since));
    const inScope = new Set(items.map((i) => i.itemId));
    return {
      examId: exam.id,
      examName: exam.name,
      items: out,
      arbitration: queue.snippets.filter((s) => inScope.has(s.itemId) && s.state === 'need_arbitration'),
      problems: queue.snippets.filter((s) => inScope.has(s.itemId) && s.state === 'problem'),
    };
  }

  /** One item of the console: its progress, the pace and time left, and its markers' figures. */
  private async itemConsole(it: ItemProgress, queue: Queue, since: Date) {
    const itemId = it.itemId;
    const marks = await this.events.liveOfItem(itemId);
    const thirds = await this.overview.thirdRounds(itemId);
    const arbitrated = await this.overview.arbitrated(itemId);
    // Answers waiting for arbitration went to it as well.
    const waiting = queue.snippets.filter((s) => s.itemId === itemId && s.state === 'need_arbitration');
    for (const id of await this.snippets.idsOf([...new Set(waiting.map((s) => s.token))])) arbitrated.add(id);
    const outcomes = new Map<number, { third: boolean; arbitration: boolean }>();
    for (const mk of marks)
      outcomes.set(mk.snippetId, { third: thirds.has(mk.snippetId), arbitration: arbitrated.has(mk.snippetId) });
    const { qc, trials } = await this.qcOutcomes(itemId);
    const states = await this.states.ofItem(itemId);
    const assigned = await this.assignments.ofItem(itemId);
    for (const id of [...states.map((s) => s.markerId), ...assigned.map((a) => a.markerId), ...trials.keys()])
      if (!qc.has(id)) qc.set(id, { seeds: [], selfChecks: [] });
    const setting = await this.settings.find(itemId);
    const trialRefs = await this.references.countTrials(itemId);
    const figures = markerFigures(marks, outcomes, qc);
    const users = figures.length ? await this.directory.users(figures.map((f) => f.markerId)) : [];
    const recent = await this.events.liveSince(itemId, since);
    const open = it.tasks.pending + it.tasks.leased;
    const standing = { states, assigned, setting, trials, trialRefs, users };
    return {
      ...it,
      openTasks: open,
      marksLastWindow: recent,
      paceWindowMinutes: PACE_WINDOW_MINUTES,
      minutesLeft: estimateMinutesLeft(open, recent, PACE_WINDOW_MINUTES),
      markers: figures.map((f) => markerEntry(f, standing)),
    };
  }

  /** The item's QC outcomes per marker, oldest first. */
  private async qcOutcomes(itemId: number): Promise<QcOutcomes> {
    const qc = new Map<number, { seeds: boolean[]; selfChecks: boolean[] }>();
    const trials = new Map<number, boolean[]>();
    for (const r of await this.events.qcOfItem(itemId)) {
      if (r.kind === 'trial') {
        trials.set(r.markerId, [...(trials.get(r.markerId) ?? []), r.agreed]);
        continue;
      }
      const q = qc.get(r.markerId) ?? { seeds: [], selfChecks: [] };
      (r.kind === 'seed' ? q.seeds : q.selfChecks).push(r.agreed);
      qc.set(r.markerId, q);
    }
    return { qc, trials };
  }
}

/** A marker's row of the console: the figures, and their standing and trial marking on the item. */
function markerEntry(
  f: MarkerFigures,
  s: {
    states: MarkerItemState[];
    assigned: MarkerAssignment[];
    setting: ItemQcSetting | null;
    trials: Map<number, boolean[]>;
    trialRefs: number;
    users: User[];
  },
) {
  const st = s.states.find((x) => x.markerId === f.markerId);
  const t = s.trials.get(f.markerId) ?? [];
  return {
    ...f,
    displayName: s.users.find((u) => u.id === f.markerId)?.displayName ?? '',
    assigned: s.assigned.some((a) => a.markerId === f.markerId),
    phase: st?.phase ?? (s.setting?.trialRequired ? MarkerPhase.Trial : MarkerPhase.Live),
    suspended: st?.suspended ?? false,
    reason: st?.reason ?? null,
    trial: {
      marked: t.length,
      agreed: t.filter(Boolean).length,
      references: s.trialRefs,
      verdict: trialVerdict(t, s.trialRefs, s.setting?.trialPassRate ?? null),
    },
  };
}
