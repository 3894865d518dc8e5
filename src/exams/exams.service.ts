import { ScoreVersionRepository } from '../results/score-version.repository.js';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Role } from '../common/role.js';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { isDuplicateKey } from '../database/errors.js';
import { type Tx, UnitOfWork } from '../database/unit-of-work.js';
import { OrgAccess } from '../org/org-access.js';
import {
  DEFAULT_BAND_CUTOFFS,
  describeBands,
  EXAM_KINDS,
  explainDisclosure,
  explainGrade,
  GRADE_YEARS,
  gradeLabel,
  KIND_LABEL,
  kindsAllowed,
  levelOf,
  stageOf,
  STAGE_LABEL,
} from './domain/exam-disclosure.js';
import { validateExam } from './domain/exam-settings.js';
import { IMPORTED_EXAM_REFUSAL } from './domain/results-import.js';
import { parseReleaseAt, RELEASE_AT_ERROR } from './domain/release-time.js';
import { validatePaper, type ValidPaper } from './domain/paper-validation.js';
import type { CreateExamBody, CreatePaperBody } from './dto/exams.dto.js';
import { Exam, ExamStatus } from './entities/exam.entity.js';
import { Item } from './entities/item.entity.js';
import { Paper, PaperStatus } from './entities/paper.entity.js';
import { ExamAccess, examChecks } from './exam-access.js';
import { ExamRepository } from './exam.repository.js';
import { ItemRepository } from './item.repository.js';
import { KnowledgePointsService } from './knowledge-points.service.js';
import { PaperRepository } from './paper.repository.js';
import { PaperWorkflowService } from './paper-workflow.service.js';

export interface PaperWithItems {
  paper: Paper;
  /** The paper's exam: its allianceId is the scope for every check on the paper. */
  exam: Exam;
  /** Ordered by seq. */
  items: Item[];
}

function invalid(summary: string, errors: string[]): never {
  throw new BadRequestException({ statusCode: 400, message: `${summary}：${errors.join('；')}`, errors });
}

const examView = (e: Exam) => ({
  id: e.id,
  allianceId: e.allianceId,
  name: e.name,
  grade: e.grade,
  gradeYear: e.gradeYear,
  stage: e.gradeYear ? stageOf(e.gradeYear) : null,
  kind: e.kind,
  kindLabel: KIND_LABEL[e.kind],
  gradeBandCutoffs: e.gradeBandCutoffs,
  /** Who gets what of its results (domain/exam-disclosure.ts), in words. */
  disclosure: explainDisclosure(levelOf(e), e.gradeBandCutoffs),
  examDate: e.examDate,
  status: e.status,
  excellentRatio: e.excellentRatio,
  passRatio: e.passRatio,
  lowRatio: e.lowRatio,
  releaseAt: e.releaseAt,
  priorExamId: e.priorExamId,
  createdAt: e.createdAt,
});

const paperSummary = (p: Paper) => ({
  id: p.id,
  examId: p.examId,
  subject: p.subject,
  title: p.title,
  fullMarks: p.fullMarks,
  status: p.status,
  version: p.version,
  hasSheet: !!p.layout,
});

const itemView = (i: Item, showKeys: boolean) => ({
  id: i.id,
  seq: i.seq,
  label: i.label,
  type: i.type,
  maxScore: i.maxScore,
  scoreStep: i.scoreStep,
  roundingMode: i.roundingMode,
  optionCount: i.optionCount,
  markingMode: i.markingMode,
  tolerance: i.tolerance,
  knowledgePoints: i.knowledgePoints,
  boxHeightMm: i.boxHeightMm,
  parentLabel: i.parentLabel,
  cognitiveLevel: i.cognitiveLevel,
  partialCredit: i.partialCredit,
  knowledgePointIds: i.knowledgePointIds,
  ...(showKeys ? { answerKey: i.answerKey } : {}),
});

/** Exams and their papers (统一命题): creation, reading with scope, locking. */
@Injectable()
export class ExamsService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(ExamAccess) private readonly access: ExamAccess,
    @Inject(ExamRepository) private readonly exams: ExamRepository,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(ItemRepository) private readonly items: ItemRepository,
    @Inject(OrgAccess) private readonly org: OrgAccess,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(KnowledgePointsService) private readonly kps: KnowledgePointsService,
    @Inject(PaperWorkflowService) private readonly workflow: PaperWorkflowService,
    @Inject(ScoreVersionRepository) private readonly versions: ScoreVersionRepository,
  ) {}

  /** A paper with its exam and items (ordered by seq), answer keys included: callers decide what to show. */
  async paperWithItems(paperId: number): Promise<PaperWithItems> {
    const paper = await this.papers.findById(paperId);
    if (!paper) throw new NotFoundException('试卷不存在');
    const [exam, items] = await Promise.all([this.access.get(paper.examId), this.items.ofPaper(paperId)]);
    return { paper, exam, items };
  }

  async createExam(actor: Actor, allianceId: number, body: CreateExamBody) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以创建考试');
    await this.org.alliance(allianceId);
    const v = validateExam(body ?? {});
    const releaseAt = body?.releaseAt === undefined || body.releaseAt === '' ? null : parseReleaseAt(body.releaseAt);
    const prior = await this.priorExamOf(allianceId, body?.priorExamId);
    if (!v.ok || releaseAt === undefined || typeof prior === 'string') {
      invalid('考试设置有误', [
        ...(v.ok ? [] : v.errors),
        ...(releaseAt === undefined ? [RELEASE_AT_ERROR] : []),
        ...(typeof prior === 'string' ? [prior] : []),
      ]);
    }
    const exam = await this.uow.runOrm(async (tx) => {
      const e = await this.exams.create(tx, { allianceId, ...v.exam, releaseAt, priorExamId: prior });
      await this.versions.ensure(tx, e.id);
      await this.audit.record(
        {
          userId: actor.userId,
          action: 'create',
          entity: 'exam',
          entityId: String(e.id),
          detail: { name: e.name, grade: e.grade, kind: e.kind, priorExamId: prior },
        },
        tx,
      );
      return e;
    });
    return examView(await this.access.get(exam.id));
  }

  /**
   * 纵看 link given at creation: an existing exam of the same alliance (a new exam cannot close a cycle).
   * Returns the id, null when none is given, or the Chinese reason it is refused.
   */
  private async priorExamOf(allianceId: number, raw: unknown): Promise<number | null | string> {
    if (raw === undefined || raw === null || raw === '') return null;
    const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isInteger(id) || id <= 0) return '上次考试（priorExamId）应为考试编号';
    const prior = await this.exams.findById(id);
    if (!prior || prior.allianceId !== allianceId) return '上次考试不存在或不属于本联盟';
    return id;
  }

  /** The rule as the exam pages show it: per grade, the kinds allowed and what each means for 成绩 (in Chinese). */
  examRules() {
    return {
      kinds: EXAM_KINDS.map((k) => ({ kind: k, label: KIND_LABEL[k] })),
      defaultBandCutoffs: DEFAULT_BAND_CUTOFFS,
      defaultBands: describeBands(DEFAULT_BAND_CUTOFFS),
      grades: GRADE_YEARS.map((y) => ({
        gradeYear: y,
        label: gradeLabel(y),
        stage: STAGE_LABEL[stageOf(y)],
        explanation: explainGrade(y),
        kinds: kindsAllowed(y).map((kind) => ({
          kind,
          label: KIND_LABEL[kind],
          disclosure: explainDisclosure({ kind, gradeYear: y }, null),
        })),
      })),
    };
  }

  async listExams(actor: Actor, allianceId: number) {
    assertScope(actor.belongsTo(allianceId), '无权查看该联盟的考试');
    return (await this.exams.ofAlliance(allianceId)).map(examView);
  }

  async getExam(actor: Actor, examId: number) {
    const exam = await this.access.forActor(actor, examId, examChecks.member, '无权查看该考试');
    const papers = await this.papers.ofExam(examId);
    return { ...examView(exam), papers: papers.map(paperSummary) };
  }

  /** Admin of the alliance, or the subject lead of the paper's subject there. */
  async createPaper(actor: Actor, examId: number, body: CreatePaperBody) {
    const exam = await this.access.forActor(
      actor,
      examId,
      (a, e) =>
        a.isAdminOf(e.allianceId) || a.grants.some((g) => g.role === Role.SubjectLead && g.allianceId === e.allianceId),
      '只有本联盟管理员或学科组长可以创建试卷',
    );
    if (exam.status === ExamStatus.Imported) throw new BadRequestException(IMPORTED_EXAM_REFUSAL);
    const v = validatePaper(body ?? {});
    if (!v.ok) invalid(`试卷有${v.errors.length}处错误`, v.errors);
    const input = v.paper;
    assertScope(
      actor.isSubjectLeadOf(exam.allianceId, input.subject),
      `只有“${input.subject}”学科组长或联盟管理员可以创建该学科试卷`,
    );
    if (await this.papers.subjectTaken(examId, input.subject))
      throw new ConflictException(`本次考试已有“${input.subject}”试卷`);
    let paperId: number;
    try {
      paperId = await this.uow.runOrm((tx) => this.insertPaper(tx, actor, exam, input));
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictException(`本次考试已有“${input.subject}”试卷`);
      throw err;
    }
    return this.getPaper(actor, paperId);
  }

  /** A new draft with its items (knowledge points resolved against the tree, which grows with new paths). */
  private async insertPaper(tx: Tx, actor: Actor, exam: Exam, input: ValidPaper): Promise<number> {
    const p = await this.papers.create(tx, {
      examId: exam.id,
      subject: input.subject,
      title: input.title,
      fullMarks: input.fullMarks,
      status: PaperStatus.Draft,
      layout: null,
    });
    const kp = await this.kps.resolveForItems(tx, exam.allianceId, input.subject, input.items);
    if (kp.errors.length)
      invalid(
        `试卷有${kp.errors.length}处错误`,
        kp.errors.map((e) => `第${input.items[e.index].label}题：${e.message}`),
      );
    await this.items.insertForPaper(tx, p.id, input.items, kp);
    await this.audit.record(
      {
        userId: actor.userId,
        action: 'create',
        entity: 'paper',
        entityId: String(p.id),
        detail: { examId: exam.id, subject: p.subject, items: input.items.length },
      },
      tx,
    );
    return p.id;
  }

  /** Any role in the alliance may read a paper; answer keys only for the admin and that subject's lead. */
  async getPaper(actor: Actor, paperId: number) {
    const { paper, exam, items } = await this.paperWithItems(paperId);
    assertScope(actor.belongsTo(exam.allianceId), '无权查看该试卷');
    const showKeys = actor.isSubjectLeadOf(exam.allianceId, paper.subject);
    return {
      ...paperSummary(paper),
      examName: exam.name,
      hasLayout: paper.layout !== null,
      version: paper.version,
      previousPaperId: paper.previousPaperId,
      submittedBy: paper.submittedBy,
      reviewedBy: paper.reviewedBy,
      reviewComment: paper.reviewComment,
      hasDocument: paper.documentKey !== null,
      items: items.map((i) => itemView(i, showKeys)),
    };
  }

  /**
   * draft / in_review → locked in one step: admins always; a subject lead only when no other subject lead of that
   * subject exists in the alliance (otherwise: submit, and a second lead or an admin approves). See domain/paper-workflow.ts.
   */
  async lockPaper(actor: Actor, paperId: number) {
    await this.paperWithItems(paperId);
    const p = await this.workflow.lock(actor, paperId);
    return paperSummary(p as Paper);
  }

  /** The moment the paper PDFs of the exam stop being confidential (null: not released). Admin of the alliance. */
  async setReleaseAt(actor: Actor, examId: number, body: { releaseAt?: unknown }) {
    await this.access.forActor(actor, examId, examChecks.admin, '只有本联盟管理员可以设置试卷公开时间');
    const releaseAt = parseReleaseAt(body?.releaseAt);
    if (releaseAt === undefined) throw new BadRequestException(RELEASE_AT_ERROR);
    await this.exams.setReleaseAt(examId, releaseAt);
    await this.audit.record({
      userId: actor.userId,
      action: 'set_release_at',
      entity: 'exam',
      entityId: String(examId),
      detail: { releaseAt },
    });
    return examView(await this.access.get(examId));
  }
}
