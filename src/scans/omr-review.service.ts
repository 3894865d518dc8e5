// The OMR review queue: objective items the scan could not decide with confidence, listed for the scanner of the
// school (or an admin) with a crop of the bubbles and their measures; resolving one scores it. Scope checked here.
import { BadRequestException, Inject, Injectable, NotFoundException, StreamableFile } from '@nestjs/common';
import { parseOptionalId } from '../common/parse-id.js';
import { DataSource } from 'typeorm';
import { Role } from '../common/role.js';
import { assertScope, type Actor } from '../common/actor.js';
import { AuditLog } from '../common/entities/audit-log.entity.js';
import { Exam, ExamStatus } from '../exams/entities/exam.entity.js';
import { Item } from '../exams/entities/item.entity.js';
import { School } from '../org/entities/school.entity.js';
import { Student } from '../org/entities/student.entity.js';
import { BlobStore } from '../storage/blob-store.js';
import { normaliseAnswer, scoreObjective } from './domain/score-objective.js';
import { OmrReview, OmrReviewStatus } from './entities/omr-review.entity.js';

export interface OmrReviewView {
  id: number;
  status: OmrReviewStatus;
  schoolId: number;
  pageId: number;
  studentId: number;
  examNo: string | null;
  itemId: number;
  itemLabel: string;
  options: string[];
  /** What the scan read as marked (options it was sure of). */
  readMarked: string;
  verdict: string;
  confidence: number;
  fills: number[] | null;
  cropUrl: string | null;
  pageImageUrl: string;
  resolvedMarked: string | null;
}

const VERDICT_TEXT: Record<string, string> = {
  ambiguous: '填涂不清（半涂、过浅或擦除不净）',
  single: '填涂较浅，需确认',
  multiple: '填涂较浅，需确认',
  blank: '疑似有填涂痕迹，需确认',
};

@Injectable()
export class OmrReviewService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(BlobStore) private readonly blobs: BlobStore,
  ) {}

  async list(
    actor: Actor,
    examId: number,
    rawSchoolId: unknown,
    rawStatus: unknown,
  ): Promise<{ open: number; items: (OmrReviewView & { reason: string })[] }> {
    const exam = await this.examOrFail(examId, actor);
    const schoolId = parseOptionalId(rawSchoolId, '学校编号');
    if (schoolId === null) {
      if (!actor.isAdminOf(exam.allianceId)) throw new BadRequestException('请指定学校（schoolId）');
    } else {
      const school = await this.ds.getRepository(School).findOneBy({ id: schoolId });
      if (!school || school.allianceId !== exam.allianceId) throw new NotFoundException('该学校不在本次考试的联盟中');
      assertScope(actor.canActForSchool(Role.Scanner, exam.allianceId, schoolId), '无权查看该学校的填涂复核');
    }
    const status = rawStatus === undefined || rawStatus === '' ? OmrReviewStatus.Open : String(rawStatus);
    if (![OmrReviewStatus.Open, OmrReviewStatus.Resolved, 'all'].includes(status))
      throw new BadRequestException('状态应为 open、resolved 或 all');
    const where: { examId: number; schoolId?: number } = { examId };
    if (schoolId !== null) where.schoolId = schoolId;
    const all = await this.ds.getRepository(OmrReview).find({ where, order: { id: 'ASC' } });
    const rows = status === 'all' ? all : all.filter((r) => r.status === status);
    const items = await this.views(rows);
    await this.ds.getRepository(AuditLog).insert({
      userId: actor.userId,
      action: 'view_omr_review',
      entity: 'exam',
      entityId: String(examId),
      detail: { schoolId, count: rows.length },
    });
    return {
      open: all.filter((r) => r.status === OmrReviewStatus.Open).length,
      items: items.map((v) => ({ ...v, reason: VERDICT_TEXT[v.verdict] ?? '需人工确认' })),
    };
  }

  async crop(actor: Actor, id: number): Promise<StreamableFile> {
    const review = await this.reviewInScope(actor, id);
    if (!review.cropBlobKey) throw new NotFoundException('该题没有截图');
    return new StreamableFile(this.blobs.stream(review.cropBlobKey), { type: 'image/jpeg', disposition: 'inline' });
  }

  /** Decides what is marked (`''` for blank): scores the item by its key, closes the review, writes an audit row. */
  async resolve(
    actor: Actor,
    id: number,
    body: { marked?: unknown } | undefined,
  ): Promise<OmrReviewView & { score: number }> {
    const review = await this.reviewInScope(actor, id);
    const raw = body?.marked;
    if (typeof raw !== 'string')
      throw new BadRequestException('请给出填涂结果 marked（如 "B"，多选如 "AC"，未作答为 ""）');
    const item = await this.ds.getRepository(Item).findOneByOrFail({ id: review.itemId });
    const type = item.type as 'single_choice' | 'multiple_choice' | 'true_false';
    const marked = normaliseAnswer(type, raw);
    const options = review.options.split('');
    const letters = raw.trim() === '' ? '' : marked;
    if (raw.trim() !== '' && !letters)
      throw new BadRequestException(`填涂结果“${raw}”无效，可选项为 ${options.join('、')}`);
    const bad = letters.split('').filter((l) => l && !options.includes(l));
    if (bad.length)
      throw new BadRequestException(`第${item.label}题没有选项 ${bad.join('、')}，可选项为 ${options.join('、')}`);
    // A single choice filled twice is recorded as it is ("AB") and scores 0 by the key rule.
    const exam = await this.ds.getRepository(Exam).findOneByOrFail({ id: review.examId });
    if (exam.status === ExamStatus.Published) throw new BadRequestException('该考试成绩已发布，不能再修改填涂结果');

    const score = scoreObjective(
      { type, maxScore: item.maxScore, answerKey: item.answerKey, partialCredit: item.partialCredit },
      letters,
    );
    await this.ds.transaction(async (m) => {
      const locked = await m.query('SELECT status FROM omr_review WHERE id = ? FOR UPDATE', [review.id]);
      const before = locked[0]?.status;
      await m.query(
        'INSERT INTO objective_response (exam_id, page_id, student_id, item_id, marked, score, fills) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
          'ON DUPLICATE KEY UPDATE page_id = VALUES(page_id), marked = VALUES(marked), score = VALUES(score), fills = VALUES(fills)',
        [
          review.examId,
          review.pageId,
          review.studentId,
          review.itemId,
          letters,
          score.toFixed(2),
          JSON.stringify(review.fills),
        ],
      );
      await m.update(
        OmrReview,
        { id: review.id },
        { status: OmrReviewStatus.Resolved, resolvedMarked: letters, resolvedBy: actor.userId, resolvedAt: new Date() },
      );
      await m.getRepository(AuditLog).insert({
        userId: actor.userId,
        action: 'resolve_omr_review',
        entity: 'omr_review',
        entityId: String(review.id),
        detail: {
          examId: review.examId,
          studentId: review.studentId,
          itemId: review.itemId,
          readMarked: review.readMarked,
          previous: before === OmrReviewStatus.Resolved ? review.resolvedMarked : null,
          marked: letters,
          score,
        },
      });
    });
    const [view] = await this.views([await this.ds.getRepository(OmrReview).findOneByOrFail({ id: review.id })]);
    return { ...view, score };
  }

  private async reviewInScope(actor: Actor, id: number): Promise<OmrReview> {
    const review = await this.ds.getRepository(OmrReview).findOneBy({ id });
    if (!review) throw new NotFoundException('该复核项不存在');
    const exam = await this.examOrFail(review.examId, actor);
    assertScope(actor.canActForSchool(Role.Scanner, exam.allianceId, review.schoolId), '无权处理该学校的填涂复核');
    return review;
  }

  private async views(rows: OmrReview[]): Promise<OmrReviewView[]> {
    if (!rows.length) return [];
    const items = new Map(
      (await this.ds.getRepository(Item).findBy(rows.map((r) => ({ id: r.itemId })))).map((i) => [i.id, i]),
    );
    const students = new Map(
      (await this.ds.getRepository(Student).findBy(rows.map((r) => ({ id: r.studentId })))).map((s) => [s.id, s]),
    );
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      schoolId: r.schoolId,
      pageId: r.pageId,
      studentId: r.studentId,
      examNo: students.get(r.studentId)?.examNo ?? null,
      itemId: r.itemId,
      itemLabel: items.get(r.itemId)?.label ?? String(r.itemId),
      options: r.options.split(''),
      readMarked: r.readMarked,
      verdict: r.verdict,
      confidence: r.confidence,
      fills: r.fills,
      cropUrl: r.cropBlobKey ? `/api/omr-review/${r.id}/crop` : null,
      pageImageUrl: `/api/scans/pages/${r.pageId}/image`,
      resolvedMarked: r.resolvedMarked,
    }));
  }

  private async examOrFail(examId: number, actor: Actor): Promise<Exam> {
    const exam = await this.ds.getRepository(Exam).findOneBy({ id: examId });
    if (!exam) throw new NotFoundException('考试不存在');
    assertScope(actor.belongsTo(exam.allianceId), '无权访问该考试');
    return exam;
  }
}
