// The OMR review queue: objective items the scan could not decide with confidence, listed for the scanner of the
// school (or an admin) with a crop of the bubbles and their measures; resolving one scores it. Scope checked here.
import { ScoreVersionRepository } from '../results/score-version.repository.js';
import {
  BadRequestException,
  GoneException,
  Inject,
  Injectable,
  NotFoundException,
  StreamableFile,
} from '@nestjs/common';
import { assertScope, type Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { Role } from '../common/role.js';
import { type Tx, UnitOfWork } from '../database/unit-of-work.js';
import { ExamStatus } from '../exams/entities/exam.entity.js';
import type { Item } from '../exams/entities/item.entity.js';
import { ExamAccess } from '../exams/exam-access.js';
import { ItemRepository } from '../exams/item.repository.js';
import { StudentRepository } from '../org/student.repository.js';
import { BlobStore } from '../storage/blob-store.js';
import { PURGED, ScanPurgeRepository } from './scan-purge.repository.js';
import { normaliseAnswer, scoreObjective } from './domain/score-objective.js';
import { type OmrReview, OmrReviewStatus } from './entities/omr-review.entity.js';
import { ObjectiveResponseRepository } from './objective-response.repository.js';
import { OmrReviewRepository } from './omr-review.repository.js';
import { ScanAccess } from './scan-access.js';

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
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(ScanAccess) private readonly access: ScanAccess,
    @Inject(OmrReviewRepository) private readonly reviews: OmrReviewRepository,
    @Inject(ObjectiveResponseRepository) private readonly responses: ObjectiveResponseRepository,
    @Inject(ItemRepository) private readonly items: ItemRepository,
    @Inject(StudentRepository) private readonly students: StudentRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(ScanPurgeRepository) private readonly purges: ScanPurgeRepository,
    @Inject(ScoreVersionRepository) private readonly versions: ScoreVersionRepository,
  ) {}

  async list(
    actor: Actor,
    examId: number,
    rawSchoolId: unknown,
    rawStatus: unknown,
  ): Promise<{ open: number; items: (OmrReviewView & { reason: string })[] }> {
    const { schoolId } = await this.access.school(actor, examId, rawSchoolId, {
      adminMayOmit: true,
      message: '无权查看该学校的填涂复核',
    });
    const status = rawStatus === undefined || rawStatus === '' ? OmrReviewStatus.Open : String(rawStatus);
    if (![OmrReviewStatus.Open, OmrReviewStatus.Resolved, 'all'].includes(status))
      throw new BadRequestException('状态应为 open、resolved 或 all');
    const all = await this.reviews.ofExam(examId, schoolId);
    const rows = status === 'all' ? all : all.filter((r) => r.status === status);
    const items = await this.views(rows);
    await this.audit.record({
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
    if (await this.purges.of(review.examId)) throw new GoneException(PURGED);
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
    const [item] = await this.items.byIds([review.itemId]);
    if (!item) throw new NotFoundException('该复核项不存在');
    const letters = markedLetters(item, review, raw);
    // A single choice filled twice is recorded as it is ("AB") and scores 0 by the key rule.
    const exam = await this.exams.get(review.examId);
    if (exam.status === ExamStatus.Published) throw new BadRequestException('该考试成绩已发布，不能再修改填涂结果');

    const score = scoreObjective(
      {
        type: objectiveType(item),
        maxScore: item.maxScore,
        answerKey: item.answerKey,
        partialCredit: item.partialCredit,
      },
      letters,
    );
    await this.uow.runOrm((tx) => this.recordResolution(tx, actor, review, letters, score));
    const [view] = await this.views([(await this.reviews.findById(review.id))!]);
    return { ...view, score };
  }

  /** The item scored as the person decided, the review closed and the decision audited, in one transaction. */
  private async recordResolution(tx: Tx, actor: Actor, review: OmrReview, letters: string, score: number) {
    const before = await this.reviews.lockStatus(tx, review.id);
    await this.responses.recordScores(tx, [
      {
        examId: review.examId,
        pageId: review.pageId,
        studentId: review.studentId,
        itemId: review.itemId,
        marked: letters,
        score,
        fills: review.fills,
      },
    ]);
    await this.reviews.markResolved(tx, review.id, letters, actor.userId);
    await this.versions.bump(tx, review.examId);
    await this.audit.record(
      {
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
      },
      tx,
    );
  }

  private async reviewInScope(actor: Actor, id: number): Promise<OmrReview> {
    const review = await this.reviews.findById(id);
    if (!review) throw new NotFoundException('该复核项不存在');
    const exam = await this.exams.forActor(actor, review.examId);
    assertScope(actor.canActForSchool(Role.Scanner, exam.allianceId, review.schoolId), '无权处理该学校的填涂复核');
    return review;
  }

  private async views(rows: OmrReview[]): Promise<OmrReviewView[]> {
    if (!rows.length) return [];
    const items = new Map((await this.items.byIds(rows.map((r) => r.itemId))).map((i) => [i.id, i]));
    const students = new Map((await this.students.byIds(rows.map((r) => r.studentId))).map((s) => [s.id, s]));
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
}

const objectiveType = (item: Item) => item.type as 'single_choice' | 'multiple_choice' | 'true_false';

/** The letters a person says are marked, checked against the item's options ('' for blank); 400 in Chinese if not. */
function markedLetters(item: Item, review: OmrReview, raw: string): string {
  const marked = normaliseAnswer(objectiveType(item), raw);
  const options = review.options.split('');
  const letters = raw.trim() === '' ? '' : marked;
  if (raw.trim() !== '' && !letters)
    throw new BadRequestException(`填涂结果“${raw}”无效，可选项为 ${options.join('、')}`);
  const bad = letters.split('').filter((l) => l && !options.includes(l));
  if (bad.length)
    throw new BadRequestException(`第${item.label}题没有选项 ${bad.join('、')}，可选项为 ${options.join('、')}`);
  return letters;
}
