import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
} from '@nestjs/common';
import { DataSource, EntityManager, MoreThan } from 'typeorm';
import { Role } from '../common/role.js';
import { UserRole } from '../auth/entities/user-role.entity.js';
import { User } from '../auth/entities/user.entity.js';
import { Actor } from '../common/actor.js';
import { AuditLog } from '../common/entities/audit-log.entity.js';
import { isDuplicateKey } from '../database/errors.js';
import { decideTransition, type Decision, type PaperState, type WorkflowAction } from './domain/paper-workflow.js';
import { validatePaper, type ValidItem } from './domain/paper-validation.js';
import { IMPORTED_EXAM_REFUSAL } from './domain/results-import.js';
import { Exam, ExamStatus } from './entities/exam.entity.js';
import { Item, ItemType, MarkingMode, RoundingMode } from './entities/item.entity.js';
import { Paper, PaperStatus } from './entities/paper.entity.js';
import { KnowledgePointsService } from './knowledge-points.service.js';

export interface EditPaperBody {
  title?: unknown;
  items?: unknown;
}

/** What a workflow step answers: the paper's state after it. */
export const paperState = (p: Paper) => ({
  id: p.id,
  examId: p.examId,
  subject: p.subject,
  title: p.title,
  fullMarks: p.fullMarks,
  status: p.status,
  version: p.version,
  previousPaperId: p.previousPaperId,
  submittedBy: p.submittedBy,
  reviewedBy: p.reviewedBy,
  reviewComment: p.reviewComment,
});

/** How item-level errors are named: by item label over JSON, by spreadsheet row for a blueprint. */
export type IssueNamer = (index: number, item: ValidItem) => string;
const byLabel: IssueNamer = (_i, item) => `第${item.label}题`;

function refusal(d: Extract<Decision, { ok: false }>): never {
  if (d.status === 403) throw new ForbiddenException(d.message);
  if (d.status === 409) throw new ConflictException(d.message);
  throw new BadRequestException(d.message);
}

export function itemRow(
  paperId: number,
  it: ValidItem,
  kpNames: string[] | null,
  kpIds: number[] | null,
): Partial<Item> {
  return {
    paperId,
    seq: it.seq,
    label: it.label,
    type: it.type as ItemType,
    maxScore: it.maxScore,
    scoreStep: it.scoreStep,
    roundingMode: it.roundingMode as RoundingMode,
    answerKey: it.answerKey,
    optionCount: it.optionCount,
    markingMode: it.markingMode as MarkingMode,
    tolerance: it.tolerance,
    knowledgePoints: kpNames,
    knowledgePointIds: kpIds,
    boxHeightMm: it.boxHeightMm,
    parentLabel: it.parentLabel,
    cognitiveLevel: it.cognitiveLevel,
    partialCredit: it.partialCredit,
  };
}

/**
 * The subject group's workflow on a paper: edit a draft, submit, approve or reject, lock, new version.
 * The rules are in domain/paper-workflow.ts; here they meet the database, under a row lock or a conditional
 * update so that two people acting at once cannot both succeed.
 */
@Injectable()
export class PaperWorkflowService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(KnowledgePointsService) private readonly kps: KnowledgePointsService,
  ) {}

  private async decide(
    m: EntityManager,
    actor: Actor,
    paper: Paper,
    exam: Exam,
    action: WorkflowAction,
    comment?: unknown,
  ): Promise<Extract<Decision, { ok: true }>> {
    const otherLeads = action === 'lock' ? await this.otherLeads(m, exam.allianceId, paper.subject, actor.userId) : 0;
    const hasNewerVersion =
      action === 'new_version'
        ? await m
            .getRepository(Paper)
            .existsBy({ examId: paper.examId, subject: paper.subject, version: MoreThan(paper.version) })
        : false;
    const d = decideTransition(paper.status as PaperState, action, {
      actorId: actor.userId,
      isAdmin: actor.isAdminOf(exam.allianceId),
      isLeadOfSubject: actor.isSubjectLeadOf(exam.allianceId, paper.subject),
      submittedBy: paper.submittedBy,
      otherLeads,
      hasNewerVersion,
      comment,
    });
    if (!d.ok) refusal(d);
    return d;
  }

  /** Active subject leads of the subject in the alliance, the actor excepted. */
  private async otherLeads(m: EntityManager, allianceId: number, subject: string, actorId: number): Promise<number> {
    return m
      .getRepository(UserRole)
      .createQueryBuilder('r')
      .innerJoin(User, 'u', 'u.id = r.user_id')
      .where(
        'r.role = :role AND r.alliance_id = :allianceId AND r.subject = :subject AND r.user_id <> :actorId AND u.active = 1',
        { role: Role.SubjectLead, allianceId, subject, actorId },
      )
      .getCount();
  }

  /** The paper locked for update, with its exam. */
  private async lockedRow(m: EntityManager, paperId: number): Promise<{ paper: Paper; exam: Exam }> {
    const paper = await m.getRepository(Paper).findOne({ where: { id: paperId }, lock: { mode: 'pessimistic_write' } });
    if (!paper) throw new HttpException('试卷不存在', 404);
    const exam = await m.getRepository(Exam).findOneByOrFail({ id: paper.examId });
    if (exam.status === ExamStatus.Imported) throw new HttpException(IMPORTED_EXAM_REFUSAL, 400);
    return { paper, exam };
  }

  /**
   * Checks that the paper may be edited (draft, by its subject's lead or an admin) and runs `write` in the same
   * transaction, with the paper row locked. Used by every mutation of a paper or its items.
   */
  async withEditablePaper<T>(
    actor: Actor,
    paperId: number,
    write: (m: EntityManager, paper: Paper, exam: Exam) => Promise<T>,
  ): Promise<T> {
    return this.ds.transaction(async (m) => {
      const { paper, exam } = await this.lockedRow(m, paperId);
      await this.decide(m, actor, paper, exam, 'edit');
      return write(m, paper, exam);
    });
  }

  /** Replaces every item of a draft paper (all or nothing) and recomputes full marks; the sheet layout is dropped. */
  async replaceItems(
    m: EntityManager,
    actor: Actor,
    paper: Paper,
    exam: Exam,
    items: ValidItem[],
    fullMarks: number,
    nameOf: IssueNamer = byLabel,
    source = 'json',
  ) {
    const kp = await this.kps.resolveForItems(m, exam.allianceId, paper.subject, items);
    if (kp.errors.length) {
      const errors = kp.errors.map((e) => `${nameOf(e.index, items[e.index])}：${e.message}`);
      throw new BadRequestException({
        statusCode: 400,
        message: `试卷有${errors.length}处错误：${errors.join('；')}`,
        errors,
      });
    }
    await m.getRepository(Item).delete({ paperId: paper.id });
    await m.getRepository(Item).insert(items.map((it, i) => itemRow(paper.id, it, kp.names[i], kp.ids[i])));
    await m.getRepository(Paper).update({ id: paper.id }, { fullMarks, layout: null });
    await m.getRepository(AuditLog).insert({
      userId: actor.userId,
      action: 'replace_items',
      entity: 'paper',
      entityId: String(paper.id),
      detail: { source, items: items.length, fullMarks },
    });
  }

  async editPaper(actor: Actor, paperId: number, body: EditPaperBody) {
    await this.withEditablePaper(actor, paperId, async (m, paper, exam) => {
      const title = body?.title === undefined ? paper.title : body.title;
      if (body?.items === undefined) {
        const v = validatePaper({
          subject: paper.subject,
          title,
          items: [{ label: '1', type: 'fill_in', maxScore: 1 }],
        });
        if (!v.ok)
          throw new BadRequestException({
            statusCode: 400,
            message: `试卷有误：${v.errors.join('；')}`,
            errors: v.errors,
          });
        await m.getRepository(Paper).update({ id: paper.id }, { title: v.paper.title });
        await m.getRepository(AuditLog).insert({
          userId: actor.userId,
          action: 'update',
          entity: 'paper',
          entityId: String(paper.id),
          detail: { title: v.paper.title },
        });
        return;
      }
      const v = validatePaper({ subject: paper.subject, title, items: body.items });
      if (!v.ok)
        throw new BadRequestException({
          statusCode: 400,
          message: `试卷有${v.errors.length}处错误：${v.errors.join('；')}`,
          errors: v.errors,
        });
      if (v.paper.title !== paper.title) {
        await m.getRepository(Paper).update({ id: paper.id }, { title: v.paper.title });
        await m.getRepository(AuditLog).insert({
          userId: actor.userId,
          action: 'update',
          entity: 'paper',
          entityId: String(paper.id),
          detail: { title: v.paper.title },
        });
      }
      await this.replaceItems(m, actor, paper, exam, v.paper.items, v.paper.fullMarks);
    });
  }

  /** A state change by conditional update: only from the state the decision was made on. */
  private async transition(
    actor: Actor,
    paperId: number,
    action: 'submit' | 'approve' | 'reject' | 'lock',
    comment?: unknown,
  ) {
    return this.ds.transaction(async (m) => {
      const { paper, exam } = await this.lockedRow(m, paperId);
      const d = await this.decide(m, actor, paper, exam, action, comment);
      const set: Partial<Paper> = { status: d.next as PaperStatus };
      if (action === 'submit') Object.assign(set, { submittedBy: actor.userId, reviewedBy: null, reviewComment: null });
      if (action === 'approve' || action === 'reject')
        Object.assign(set, { reviewedBy: actor.userId, reviewComment: d.comment });
      if (action === 'lock') Object.assign(set, { reviewedBy: actor.userId });
      const res = await m.getRepository(Paper).update({ id: paperId, status: paper.status }, set);
      if (!res.affected) throw new ConflictException('试卷状态已变化，请刷新后重试');
      await m.getRepository(AuditLog).insert({
        userId: actor.userId,
        action,
        entity: 'paper',
        entityId: String(paperId),
        detail: { from: paper.status, to: d.next, comment: d.comment },
      });
      return paperState({ ...paper, ...set } as Paper);
    });
  }

  submit(actor: Actor, paperId: number) {
    return this.transition(actor, paperId, 'submit');
  }
  approve(actor: Actor, paperId: number, comment?: unknown) {
    return this.transition(actor, paperId, 'approve', comment);
  }
  reject(actor: Actor, paperId: number, comment?: unknown) {
    return this.transition(actor, paperId, 'reject', comment);
  }
  lock(actor: Actor, paperId: number) {
    return this.transition(actor, paperId, 'lock');
  }

  /** Copies a locked paper (items, document) into a new draft: version + 1, previousPaperId set. */
  async newVersion(actor: Actor, paperId: number) {
    try {
      return await this.ds.transaction(async (m) => {
        const { paper, exam } = await this.lockedRow(m, paperId);
        await this.decide(m, actor, paper, exam, 'new_version');
        const copy = await m.getRepository(Paper).save({
          examId: paper.examId,
          subject: paper.subject,
          title: paper.title,
          fullMarks: paper.fullMarks,
          status: PaperStatus.Draft,
          layout: null,
          version: paper.version + 1,
          previousPaperId: paper.id,
          submittedBy: null,
          reviewedBy: null,
          reviewComment: null,
          documentKey: paper.documentKey,
          documentName: paper.documentName,
        });
        const items = await m.getRepository(Item).find({ where: { paperId: paper.id }, order: { seq: 'ASC' } });
        if (items.length)
          await m.getRepository(Item).insert(items.map(({ id: _id, ...rest }) => ({ ...rest, paperId: copy.id })));
        await m.getRepository(AuditLog).insert({
          userId: actor.userId,
          action: 'new_version',
          entity: 'paper',
          entityId: String(copy.id),
          detail: { from: paper.id, version: copy.version },
        });
        return paperState(copy);
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictException('该试卷已有更新的版本，请在最新版本上修改');
      throw err;
    }
  }
}
