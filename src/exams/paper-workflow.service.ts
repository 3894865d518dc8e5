import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
} from '@nestjs/common';
import { UserRepository } from '../auth/user.repository.js';
import { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { isDuplicateKey } from '../database/errors.js';
import { type Tx, UnitOfWork } from '../database/unit-of-work.js';
import { decideTransition, type Decision, type PaperState, type WorkflowAction } from './domain/paper-workflow.js';
import { IMPORTED_EXAM_REFUSAL } from './domain/results-import.js';
import { Exam, ExamStatus } from './entities/exam.entity.js';
import { Paper, PaperStatus } from './entities/paper.entity.js';
import { ExamAccess } from './exam-access.js';
import { ItemRepository } from './item.repository.js';
import { PaperRepository, type PaperReview } from './paper.repository.js';

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

function refusal(d: Extract<Decision, { ok: false }>): never {
  if (d.status === 403) throw new ForbiddenException(d.message);
  if (d.status === 409) throw new ConflictException(d.message);
  throw new BadRequestException(d.message);
}

/** What the reviewer's step records besides the status. */
function reviewOf(actor: Actor, action: 'submit' | 'approve' | 'reject' | 'lock', comment: string | null): PaperReview {
  if (action === 'submit') return { submittedBy: actor.userId, reviewedBy: null, reviewComment: null };
  if (action === 'lock') return { reviewedBy: actor.userId };
  return { reviewedBy: actor.userId, reviewComment: comment };
}

/**
 * The subject group's workflow on a paper: submit, approve or reject, lock, new version, and the gate every edit of a
 * draft passes (PaperEditingService). The rules are in domain/paper-workflow.ts; here they meet the database, under a
 * row lock or a conditional update so that two people acting at once cannot both succeed.
 */
@Injectable()
export class PaperWorkflowService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(ItemRepository) private readonly items: ItemRepository,
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
  ) {}

  private async decide(
    tx: Tx,
    actor: Actor,
    paper: Paper,
    exam: Exam,
    action: WorkflowAction,
    comment?: unknown,
  ): Promise<Extract<Decision, { ok: true }>> {
    const otherLeads =
      action === 'lock' ? await this.users.countActiveLeads(exam.allianceId, paper.subject, actor.userId, tx) : 0;
    const hasNewerVersion = action === 'new_version' ? await this.papers.hasNewerVersion(tx, paper) : false;
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

  /** The paper locked for update, with its exam. */
  private async lockedRow(tx: Tx, paperId: number): Promise<{ paper: Paper; exam: Exam }> {
    const paper = await this.papers.lockForUpdate(tx, paperId);
    if (!paper) throw new HttpException('试卷不存在', 404);
    const exam = await this.exams.get(paper.examId, tx);
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
    write: (tx: Tx, paper: Paper, exam: Exam) => Promise<T>,
  ): Promise<T> {
    return this.uow.runOrm(async (tx) => {
      const { paper, exam } = await this.lockedRow(tx, paperId);
      await this.decide(tx, actor, paper, exam, 'edit');
      return write(tx, paper, exam);
    });
  }

  /** A state change by conditional update: only from the state the decision was made on. */
  private async transition(
    actor: Actor,
    paperId: number,
    action: 'submit' | 'approve' | 'reject' | 'lock',
    comment?: unknown,
  ) {
    return this.uow.runOrm(async (tx) => {
      const { paper, exam } = await this.lockedRow(tx, paperId);
      const d = await this.decide(tx, actor, paper, exam, action, comment);
      const next = d.next as PaperStatus;
      const review = reviewOf(actor, action, d.comment);
      if (!(await this.papers.transition(tx, paperId, paper.status, next, review)))
        throw new ConflictException('试卷状态已变化，请刷新后重试');
      await this.audit.record(
        {
          userId: actor.userId,
          action,
          entity: 'paper',
          entityId: String(paperId),
          detail: { from: paper.status, to: d.next, comment: d.comment },
        },
        tx,
      );
      return paperState({ ...paper, status: next, ...review } as Paper);
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
      return await this.uow.runOrm(async (tx) => {
        const { paper, exam } = await this.lockedRow(tx, paperId);
        await this.decide(tx, actor, paper, exam, 'new_version');
        const copy = await this.papers.create(tx, {
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
        await this.items.copy(tx, paper.id, copy.id);
        await this.audit.record(
          {
            userId: actor.userId,
            action: 'new_version',
            entity: 'paper',
            entityId: String(copy.id),
            detail: { from: paper.id, version: copy.version },
          },
          tx,
        );
        return paperState(copy);
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictException('该试卷已有更新的版本，请在最新版本上修改');
      throw err;
    }
  }
}
