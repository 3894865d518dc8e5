import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import { ExamAccess, examChecks } from '../exams/exam-access.js';
import { ExamRepository } from '../exams/exam.repository.js';
import { IMPROVEMENT_FORMULAS, type ImprovementFormulaName, improvementFormulaOf } from './domain/value-added.js';

type LongitudinalPatch = Partial<Pick<Exam, 'priorExamId' | 'improvementFormula'>>;

const NO_SUCH_PRIOR = '上次考试不存在或不属于本联盟';

/** An exam's 纵看 settings: the same cohort's prior exam and the 提升系数 formula. */
@Injectable()
export class LongitudinalSettingsService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(ExamAccess) private readonly access: ExamAccess,
    @Inject(ExamRepository) private readonly exams: ExamRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
  ) {}

  /**
   * PATCH /api/exams/:id/longitudinal { priorExamId?, improvementFormula? }: links the exam to the same cohort's prior
   * exam (纵看, value-added). Admin of the alliance; the prior exam must be of the same alliance, not the
   * exam itself nor one that already follows it (no cycles). Results must be recomputed afterwards.
   */
  async update(actor: Actor, examId: number, body: { priorExamId?: unknown; improvementFormula?: unknown }) {
    const exam = await this.access.forActor(actor, examId, examChecks.admin, '只有本联盟的管理员可以修改考试设置');
    const b = body ?? {};
    const patch: LongitudinalPatch = {};
    if (b.priorExamId !== undefined) patch.priorExamId = await this.priorExamIdOf(exam, b.priorExamId);
    if (b.improvementFormula !== undefined) patch.improvementFormula = formulaOf(b.improvementFormula);
    if (!Object.keys(patch).length) throw new BadRequestException('请提供 priorExamId 或 improvementFormula');
    await this.uow.runOrm(async (tx) => {
      // the prior exam is held until the link is written: deleting an imported exam checks for links under its lock
      if (patch.priorExamId && !(await this.exams.holdShared(tx, patch.priorExamId)))
        throw new BadRequestException(NO_SUCH_PRIOR);
      await this.exams.updateLongitudinal(tx, examId, patch);
      await this.audit.record(
        { userId: actor.userId, action: 'update', entity: 'exam', entityId: String(examId), detail: patch },
        tx,
      );
    });
    const saved = await this.access.get(examId);
    return {
      id: saved.id,
      priorExamId: saved.priorExamId,
      improvementFormula: saved.improvementFormula,
      // The formula the analysis will use: 'va_over_se' (the old default) now means the size-neutral one (issue 15).
      improvementFormulaDescription: IMPROVEMENT_FORMULAS[improvementFormulaOf(saved.improvementFormula)],
    };
  }

  /** The prior exam to link (null or '' unlinks): an exam of the same alliance that does not follow this one. */
  private async priorExamIdOf(exam: Exam, raw: unknown): Promise<number | null> {
    if (raw === null || raw === '') return null;
    const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(id) || id <= 0) throw new BadRequestException('上次考试（priorExamId）应为考试编号或 null');
    if (id === exam.id) throw new BadRequestException('上次考试不能是本次考试自身');
    const prior = await this.exams.findById(id);
    if (!prior || prior.allianceId !== exam.allianceId) throw new BadRequestException(NO_SUCH_PRIOR);
    // Walk the prior chain: linking to an exam that (indirectly) follows this one would make a cycle.
    const seen = new Set<number>([exam.id]);
    for (let cur: Exam | null = prior; cur?.priorExamId; cur = await this.exams.findById(cur.priorExamId)) {
      if (seen.has(cur.priorExamId))
        throw new BadRequestException('不能形成循环：所选上次考试本身以本次考试为上次考试');
      seen.add(cur.priorExamId);
    }
    return id;
  }
}

function formulaOf(raw: unknown): ImprovementFormulaName {
  if (typeof raw !== 'string' || !(raw in IMPROVEMENT_FORMULAS))
    throw new BadRequestException(
      `提升系数公式（improvementFormula）应为 ${Object.keys(IMPROVEMENT_FORMULAS).join(' 或 ')}`,
    );
  return raw as ImprovementFormulaName;
}
