// Marking set-up for the subject lead (题块分配): 题块 and their markers, the workload that follows, each item's rules
// (read-only once marking started, with the reason), 试评 and 测评卷, daily caps. Scope: the lead of the subject, or
// the alliance's admin.
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Actor, assertScope } from '../common/actor.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import { type Item, type MarkingMode, OBJECTIVE_TYPES } from '../exams/entities/item.entity.js';
import { type Paper, PaperStatus } from '../exams/entities/paper.entity.js';
import { ExamAccess } from '../exams/exam-access.js';
import { ItemRepository } from '../exams/item.repository.js';
import { PaperRepository } from '../exams/paper.repository.js';
import type { MarkingModeName } from './domain/marking-rounds.js';
import {
  lockedChange,
  ruleLocks,
  rulesError,
  trialPassCount,
  trialPassShare,
  workload,
} from './domain/marking-setup.js';
import type { BlockBody, RulesBody } from './dto/marking-setup.dto.js';
import { requiredId } from './dto/marking.dto.js';
import { ItemFactsCache } from './item-facts.cache.js';
import { ItemQcSettingRepository } from './item-qc-setting.repository.js';
import { leadSubjects } from './lead-scope.js';
import { MarkerAssignmentRepository } from './marker-assignment.repository.js';
import { MarkerDirectoryRepository } from './marker-directory.repository.js';
import { MarkingBlockRepository } from './marking-block.repository.js';
import { MarkingLeadService } from './marking-lead.service.js';
import { MarkingSetupRepository } from './marking-setup.repository.js';
import { ReferenceAnswerRepository } from './reference-answer.repository.js';
import { MarkingSnippetRepository } from './marking-snippet.repository.js';
import { ReferenceKind } from './entities/qc.entities.js';

/** 双评+三评+仲裁: the share of answers expected to need a third marking, for the workload before any is known. */
export const ASSUMED_THIRD_RATE = 0.1;
/** How many of an item's answers the lead is shown to choose trial answers and seeds from. */
const ANSWER_SAMPLE = 60;

/** The exam's papers the caller leads: per subject, the locked version (else the newest). */
interface Scope {
  exam: Exam;
  papers: Paper[];
  items: Item[];
}

@Injectable()
export class MarkingSetupService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(ItemRepository) private readonly itemRows: ItemRepository,
    @Inject(MarkingSetupRepository) private readonly reads: MarkingSetupRepository,
    @Inject(MarkingBlockRepository) private readonly blocks: MarkingBlockRepository,
    @Inject(MarkerAssignmentRepository) private readonly assignments: MarkerAssignmentRepository,
    @Inject(MarkerDirectoryRepository) private readonly directory: MarkerDirectoryRepository,
    @Inject(ItemQcSettingRepository) private readonly settings: ItemQcSettingRepository,
    @Inject(ReferenceAnswerRepository) private readonly references: ReferenceAnswerRepository,
    @Inject(MarkingSnippetRepository) private readonly snippets: MarkingSnippetRepository,
    @Inject(ItemFactsCache) private readonly facts: ItemFactsCache,
    @Inject(MarkingLeadService) private readonly lead: MarkingLeadService,
  ) {}

  private async scope(actor: Actor, examIdRaw: unknown): Promise<Scope> {
    const exam = await this.exams.get(requiredId(examIdRaw, '考试'));
    const leadOf = leadSubjects(actor, exam.allianceId);
    assertScope(leadOf !== null, '只有学科组长或管理员可以设置阅卷');
    const all = (await this.papers.ofExam(exam.id)).filter((p) => leadOf === 'all' || leadOf!.includes(p.subject));
    const papers: Paper[] = [];
    for (const subject of [...new Set(all.map((p) => p.subject))]) {
      const ofSubject = all.filter((p) => p.subject === subject).sort((a, b) => b.version - a.version);
      papers.push(ofSubject.find((p) => p.status === PaperStatus.Locked) ?? ofSubject[0]);
    }
    const items: Item[] = [];
    for (const p of papers)
      items.push(...(await this.itemRows.ofPaper(p.id)).filter((i) => !OBJECTIVE_TYPES.includes(i.type)));
    return { exam, papers, items };
  }

  /** Everything the set-up page shows for one exam. */
  async setup(actor: Actor, examIdRaw: unknown) {
    const { exam, papers, items } = await this.scope(actor, examIdRaw);
    const ids = new Set(items.map((i) => i.id));
    const activity = new Map((await this.reads.activity(exam.id)).map((a) => [a.itemId, a]));
    const assigned = (await this.reads.assignmentsOfExam(exam.id)).filter((a) => ids.has(a.itemId));
    const blocks = (await this.blocks.ofExam(exam.id)).filter((b) => papers.some((p) => p.id === b.paperId));
    const qc = new Map((await this.settings.ofItems([...ids])).map((s) => [s.itemId, s]));
    const markersOf = (itemId: number) => assigned.filter((a) => a.itemId === itemId).map((a) => a.markerId);
    const views = [];
    for (const it of items) {
      const act = activity.get(it.id) ?? { answers: 0, tasks: 0, openTasks: 0, marks: 0 };
      const refs = await this.references.ofItem(it.id);
      const trials = refs.filter((r) => r.kind === 'trial').length;
      const s = qc.get(it.id);
      views.push({
        itemId: it.id,
        label: it.label,
        subject: papers.find((p) => p.id === it.paperId)!.subject,
        paperId: it.paperId,
        maxScore: it.maxScore,
        markingMode: it.markingMode,
        tolerance: it.tolerance,
        scoreStep: it.scoreStep,
        answers: act.answers,
        tasks: act.tasks,
        openTasks: act.openTasks,
        marks: act.marks,
        locks: ruleLocks(act),
        blockId: blocks.find((b) => b.itemIds.includes(it.id))?.id ?? null,
        markerIds: markersOf(it.id),
        qc: {
          trialRequired: s?.trialRequired ?? false,
          trialPassNeeded: trialPassCount(s?.trialPassRate ?? null, trials),
          trialAnswers: trials,
          seedAnswers: refs.length - trials,
          seedRate: s?.seedRate ?? 0,
          dailyCap: s?.dailyCap ?? null,
          seedTolerance: s?.seedTolerance ?? null,
        },
      });
    }
    const markers = await this.reads.markersOfAlliance(exam.allianceId);
    return {
      examId: exam.id,
      examName: exam.name,
      papers: papers.map((p) => ({ paperId: p.id, subject: p.subject, title: p.title })),
      items: views,
      blocks: blocks.map((b) => ({
        ...b,
        markerIds: [...new Set(b.itemIds.flatMap(markersOf))].sort((x, y) => x - y),
      })),
      markers: mergeMarkers(markers).filter(
        (m) => m.subjects === null || papers.some((p) => m.subjects!.includes(p.subject)),
      ),
      workload: workloadOf(views, blocks),
    };
  }

  // ───────────────────────────── 题块 ─────────────────────────────

  /** The items must be subjective items of one paper the caller leads. */
  private itemsOf(scope: Scope, itemIds: number[]): Paper {
    const items = itemIds.map((id) => scope.items.find((i) => i.id === id));
    if (items.some((i) => !i)) throw new BadRequestException('题块只能包含本考试中您负责学科的主观题');
    const paperIds = new Set(items.map((i) => i!.paperId));
    if (paperIds.size !== 1) throw new BadRequestException('一个题块的题目须属于同一学科的试卷');
    return scope.papers.find((p) => p.id === items[0]!.paperId)!;
  }

  async createBlock(actor: Actor, body: BlockBody) {
    const scope = await this.scope(actor, body.examId);
    const paper = this.itemsOf(scope, body.itemIds);
    if (await this.blocks.byName(paper.id, body.name)) throw new ConflictException(`题块「${body.name}」已存在`);
    const id = await this.uow.runOrm(async (tx) => {
      const blockId = await this.blocks.create(tx, {
        examId: scope.exam.id,
        paperId: paper.id,
        name: body.name,
        createdBy: actor.userId,
      });
      await this.blocks.setItems(tx, blockId, body.itemIds);
      return blockId;
    });
    return { blockId: id, ...(await this.setup(actor, scope.exam.id)) };
  }

  private async blockScope(actor: Actor, blockIdRaw: unknown) {
    const block = await this.blocks.byId(requiredId(blockIdRaw, '题块'));
    if (!block) throw new NotFoundException('题块不存在');
    const scope = await this.scope(actor, block.examId);
    assertScope(
      scope.papers.some((p) => p.id === block.paperId),
      '只有本学科的学科组长或管理员可以管理该题块',
    );
    return { block, scope };
  }

  async changeBlock(actor: Actor, blockIdRaw: unknown, body: { name?: string; itemIds?: number[] }) {
    const { block, scope } = await this.blockScope(actor, blockIdRaw);
    if (body.itemIds && this.itemsOf(scope, body.itemIds).id !== block.paperId)
      throw new BadRequestException('题块的题目须属于同一学科的试卷');
    if (body.name && body.name !== block.name && (await this.blocks.byName(block.paperId, body.name)))
      throw new ConflictException(`题块「${body.name}」已存在`);
    await this.uow.runOrm(async (tx) => {
      if (body.name) await this.blocks.rename(tx, block.id, body.name);
      if (body.itemIds) await this.blocks.setItems(tx, block.id, body.itemIds);
    });
    return this.setup(actor, scope.exam.id);
  }

  async removeBlock(actor: Actor, blockIdRaw: unknown) {
    const { block, scope } = await this.blockScope(actor, blockIdRaw);
    await this.uow.runOrm((tx) => this.blocks.remove(tx, block.id));
    return this.setup(actor, scope.exam.id);
  }

  /** The 题块's markers: each of its items is marked by exactly these markers from now on. */
  async setBlockMarkers(actor: Actor, blockIdRaw: unknown, markerIds: number[]) {
    const { block, scope } = await this.blockScope(actor, blockIdRaw);
    const subject = scope.papers.find((p) => p.id === block.paperId)!.subject;
    for (const id of markerIds)
      if (!(await this.directory.isMarkerOf(id, scope.exam.allianceId, subject)))
        throw new BadRequestException(`用户 ${id} 不是本联盟${subject}学科的阅卷教师`);
    const itemIds = (await this.blocks.ofExam(scope.exam.id)).find((b) => b.id === block.id)!.itemIds;
    await this.uow.run(async (tx) => {
      for (const itemId of itemIds) {
        const current = await this.assignments.ofItemIn(tx, itemId);
        const drop = current.filter((a) => !markerIds.includes(a.markerId)).map((a) => a.id);
        if (drop.length) this.assignments.remove(tx, drop);
        const add = markerIds.filter((id) => !current.some((a) => a.markerId === id));
        if (add.length) this.assignments.add(tx, itemId, add, actor.userId);
      }
    });
    return this.setup(actor, scope.exam.id);
  }

  // ───────────────────────────── per-item rules, 试评, answers to choose from ─────────────────────────────

  /** Mode, tolerance and step: refused with the reason once marking of the item started. */
  async setRules(actor: Actor, itemIdRaw: unknown, body: RulesBody) {
    const { item, exam } = await this.lead.leadItem(actor, itemIdRaw);
    const error = rulesError(body, item.maxScore);
    if (error) throw new BadRequestException(error);
    const act = (await this.reads.activity(exam.id)).find((a) => a.itemId === item.id);
    const locked = lockedChange(
      { markingMode: item.markingMode as MarkingModeName, tolerance: item.tolerance, scoreStep: item.scoreStep },
      body,
      ruleLocks(act ?? { tasks: 0, marks: 0 }),
    );
    if (locked) throw new ConflictException(locked);
    await this.itemRows.setMarkingRules(item.id, { ...body, markingMode: body.markingMode as MarkingMode });
    this.facts.invalidate(item.id);
    return this.setup(actor, exam.id);
  }

  /** 试评: required or not, and how many trial answers must be within tolerance to go live (null: the lead approves). */
  async setTrialRule(actor: Actor, itemIdRaw: unknown, body: { required: boolean; passNeeded: number | null }) {
    const { item, exam } = await this.lead.leadItem(actor, itemIdRaw);
    const trials = await this.references.countTrials(item.id);
    if (body.required && trials === 0) throw new BadRequestException('请先选定至少 1 份试评卷并给出标准分');
    let share: number | null = null;
    if (body.passNeeded !== null) {
      const s = trialPassShare(body.passNeeded, trials);
      if (typeof s === 'string') throw new BadRequestException(s);
      share = s;
    }
    await this.lead.setQcSettings(actor, item.id, { trialRequired: body.required, trialPassRate: share });
    return this.setup(actor, exam.id);
  }

  /** An answer taken out of the item's trial answers or seeds. */
  async removeReference(actor: Actor, itemIdRaw: unknown, token: string, kind: ReferenceKind) {
    const { item, exam } = await this.lead.leadItem(actor, itemIdRaw);
    const snippet = await this.snippets.byToken(token);
    if (!snippet || snippet.itemId !== item.id) throw new BadRequestException('该答卷不属于本题');
    if (!(await this.references.remove(item.id, snippet.id, kind)))
      throw new NotFoundException(`该答卷不是本题的${kind === ReferenceKind.Trial ? '试评卷' : '测评卷'}`);
    return this.setup(actor, exam.id);
  }

  /** A sample of the item's answers to choose trial answers and seeds from, with what each is already. */
  async answers(actor: Actor, itemIdRaw: unknown) {
    const { item } = await this.lead.leadItem(actor, itemIdRaw);
    const sample = await this.reads.answerSample(item.id, ANSWER_SAMPLE);
    const refs = await this.references.ofItem(item.id);
    return {
      itemId: item.id,
      maxScore: item.maxScore,
      scoreStep: item.scoreStep,
      answers: sample.map((s) => ({
        token: s.token,
        snippetUrl: `/api/marking/snippets/${s.token}`,
        references: refs.filter((r) => r.token === s.token).map((r) => ({ kind: r.kind, score: r.score })),
      })),
    };
  }
}

/** The workload the set-up gives each marker, with the warnings (domain/marking-setup.ts). */
function workloadOf(
  views: {
    itemId: number;
    label: string;
    subject: string;
    markingMode: string;
    answers: number;
    tasks: number;
    openTasks: number;
    markerIds: number[];
  }[],
  blocks: { id: number; name: string; itemIds: number[] }[],
) {
  const subjects = new Set(views.map((v) => v.subject)).size;
  const load = workload(
    views.map((v) => ({
      itemId: v.itemId,
      label: v.label,
      subject: subjects > 1 ? v.subject : undefined,
      mode: v.markingMode as MarkingModeName,
      answers: v.answers,
      openTasks: v.tasks ? v.openTasks : null,
      markerIds: v.markerIds,
    })),
    blocks.map((b) => ({ blockId: b.id, name: b.name, itemIds: b.itemIds })),
    ASSUMED_THIRD_RATE,
  );
  return { ...load, assumedThirdRate: ASSUMED_THIRD_RATE };
}

/** One entry per marker, with the subjects it marks (null: every subject). */
function mergeMarkers(rows: { id: number; displayName: string; subject: string | null }[]) {
  const out = new Map<number, { id: number; displayName: string; subjects: string[] | null }>();
  for (const r of rows) {
    const m = out.get(r.id) ?? { id: r.id, displayName: r.displayName, subjects: [] };
    if (r.subject === null) m.subjects = null;
    else if (m.subjects) m.subjects.push(r.subject);
    out.set(r.id, m);
  }
  return [...out.values()];
}
