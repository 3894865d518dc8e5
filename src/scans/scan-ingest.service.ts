// Ingestion of one page image: read it, then record what it says in one transaction. Idempotent.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes, randomInt } from 'node:crypto';
import { DataSource, EntityManager, type QueryDeepPartialEntity } from 'typeorm';
import { Exam } from '../exams/entities/exam.entity.js';
import { Item, MarkingMode, OBJECTIVE_TYPES } from '../exams/entities/item.entity.js';
import { Paper } from '../exams/entities/paper.entity.js';
import { School } from '../org/entities/school.entity.js';
import { Student } from '../org/entities/student.entity.js';
import type { PageLayout, SheetLayout } from '../sheets/domain/layout.js';
import { BlobStore } from '../storage/blob-store.js';
import { cutBox, normaliseContrast } from './domain/cut-snippet.js';
import type { GrayImage } from './domain/gray-image.js';
import { readPage, type Alignment, type PageReading, type SheetFrame } from './domain/read-page.js';
import { scoreObjective } from './domain/score-objective.js';
import { PageStatus, ScannedPage } from './entities/scanned-page.entity.js';
import { ScanImageCodec } from './scan-image.codec.js';

/** Snippets keep a little of the page round the box, so writing over the frame is not lost. */
const SNIPPET_MARGIN_PT = 4;
/** Snippet resolution cap (200 dpi): enough to read handwriting, small enough to load fast for markers. */
const SNIPPET_MAX_PX_PER_PT = 200 / 72;

export type IngestOutcome =
  | { status: PageStatus.Processed; studentId: number }
  | { status: PageStatus.Exception; code: string; reason: string }
  | { status: 'deferred' | 'missing' };

interface Verdict {
  code: string;
  reason: string;
}
class PageException extends Error {
  constructor(readonly verdict: Verdict) {
    super(verdict.reason);
  }
}

interface CutSnippet {
  itemId: number;
  blobKey: string;
}

@Injectable()
export class ScanIngestService {
  private readonly logger = new Logger('ScanIngest');

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(ScanImageCodec) private readonly codec: ScanImageCodec,
  ) {}

  /**
   * Reads the page and records it: objective responses, answer snippets and marking tasks, or an exception with a
   * reason for the scanner. A bad image never throws; only infrastructure failures do (and the job is retried).
   */
  async ingestPage(pageId: number): Promise<IngestOutcome> {
    const page = await this.ds.getRepository(ScannedPage).findOneBy({ id: pageId });
    if (!page) return { status: 'missing' };
    const outcome = await this.readAndRecord(page);
    // A later page of the same sheet that waited for this one (it takes its student from this page) can go now.
    if (outcome.status !== 'deferred') await this.resumeFollower(page);
    return outcome;
  }

  private async readAndRecord(page: ScannedPage): Promise<IngestOutcome> {
    const exam = await this.ds.getRepository(Exam).findOneByOrFail({ id: page.examId });
    const papers = (await this.ds.getRepository(Paper).findBy({ examId: exam.id })).filter((p): p is Paper & { layout: SheetLayout } => !!p.layout);
    if (!papers.length) return this.recordException(page, { code: 'NO_LAYOUT', reason: '本次考试还没有生成答题卡，无法识别' });

    let reading: PageReading;
    let image: GrayImage;
    try {
      image = await this.codec.decodeGray(await this.blobs.get(page.blobKey));
    } catch (err) {
      this.logger.warn(`page ${page.id}: cannot decode (${(err as Error).message})`);
      return this.recordException(page, { code: 'DECODE_FAILED', reason: '图片无法解码（文件可能已损坏）' });
    }
    const first = papers[0].layout;
    const frame: SheetFrame = { page: first.page, fiducials: first.pages[0].fiducials, pageCodeCells: first.pages[0].pageCode.cells };
    const byId = new Map(papers.map((p) => [p.id, p.layout]));
    try {
      reading = readPage(image, frame, (paperId, pageNo) => byId.get(paperId)?.pages.find((p) => p.pageNo === pageNo) ?? null);
    } catch (err) {
      this.logger.warn(`page ${page.id}: reading failed (${(err as Error).stack})`);
      return this.recordException(page, { code: 'READ_FAILED', reason: '图片无法识别，请检查扫描质量后重新扫描' });
    }
    if (!reading.ok) {
      return this.recordException(page, { code: reading.code, reason: reading.reason }, { paperId: reading.paperId ?? null, pageNo: reading.pageNo ?? null, examNoRead: reading.examNoPartial ?? null, alignment: alignmentJson(reading.alignment) });
    }

    const items = await this.ds.getRepository(Item).findBy({ paperId: reading.paperId });
    const itemById = new Map(items.map((i) => [i.id, i]));
    const snippets = await this.cutSnippets(image, reading.alignment, reading.page);
    const seen = { paperId: reading.paperId, pageNo: reading.pageNo, examNoRead: reading.examNo?.examNo ?? null, alignment: alignmentJson(reading.alignment) };

    try {
      return await this.ds.transaction(async (m) => {
        await lockBatch(m, page.batchId);
        const student = reading.examNo ? await this.studentByExamNo(m, exam, page, reading.examNo.examNo!) : await this.studentOfPreviousPage(m, page, reading.paperId, reading.pageNo);
        if (student === 'deferred') {
          await updatePage(m, page.id, { ...seen, status: PageStatus.Queued, exceptionCode: null, exceptionReason: null, studentId: null });
          return { status: 'deferred' as const };
        }
        await m.query('SELECT id FROM student WHERE id = ? FOR UPDATE', [student.id]);
        const other = await m
          .getRepository(ScannedPage)
          .createQueryBuilder('p')
          .where('p.examId = :examId AND p.paperId = :paperId AND p.pageNo = :pageNo AND p.studentId = :studentId AND p.status = :processed AND p.id <> :id', {
            examId: page.examId,
            paperId: reading.paperId,
            pageNo: reading.pageNo,
            studentId: student.id,
            processed: PageStatus.Processed,
            id: page.id,
          })
          .getOne();
        if (other) {
          throw new PageException({ code: 'DUPLICATE_SHEET', reason: `重复答题卡：考号 ${student.examNo} 的第${reading.pageNo}页已有扫描图像（${other.originalName || `#${other.id}`}）` });
        }
        await this.recordObjective(m, page, student.id, reading.choices, itemById);
        await this.recordSnippets(m, page, student.id, snippets, itemById);
        await updatePage(m, page.id, { ...seen, examNoRead: reading.examNo?.examNo ?? student.examNo, studentId: student.id, status: PageStatus.Processed, exceptionCode: null, exceptionReason: null });
        return { status: PageStatus.Processed as const, studentId: student.id };
      });
    } catch (err) {
      if (err instanceof PageException) return this.recordException(page, err.verdict, seen);
      throw err;
    }
  }

  private async studentByExamNo(m: EntityManager, exam: Exam, page: ScannedPage, examNo: string): Promise<Student> {
    const student = await m.getRepository(Student).findOneBy({ allianceId: exam.allianceId, examNo });
    if (!student) throw new PageException({ code: 'STUDENT_UNKNOWN', reason: `考号 ${examNo} 不在名单中` });
    if (student.schoolId !== page.schoolId) {
      const school = await m.getRepository(School).findOneBy({ id: student.schoolId });
      throw new PageException({ code: 'STUDENT_OTHER_SCHOOL', reason: `考号 ${examNo} 属于${school?.name ?? '其他学校'}，不是本批次学校的考生` });
    }
    return student;
  }

  /**
   * Page 2 onwards carries no exam number: it belongs to the student of the page scanned just before it in the same
   * batch, which must be the previous page of the same sheet. If that page is not read yet, this one waits for it.
   */
  private async studentOfPreviousPage(m: EntityManager, page: ScannedPage, paperId: number, pageNo: number): Promise<Student | 'deferred'> {
    const prev = await m.getRepository(ScannedPage).createQueryBuilder('p').where('p.batchId = :batchId AND p.id < :id', { batchId: page.batchId, id: page.id }).orderBy('p.id', 'DESC').getOne();
    const noOwner = `无法确定第${pageNo}页所属考生：`;
    if (!prev) throw new PageException({ code: 'PAGE_ORDER', reason: `${noOwner}本批次中它前面没有第${pageNo - 1}页，请与第1页一起按顺序扫描` });
    if (prev.status === PageStatus.Queued) return 'deferred';
    if (prev.status === PageStatus.Exception && prev.paperId === paperId && prev.pageNo === pageNo - 1) {
      throw new PageException({ code: 'PREVIOUS_PAGE_EXCEPTION', reason: `${noOwner}前一页（第${pageNo - 1}页）识别异常，请先处理前一页` });
    }
    if (prev.status !== PageStatus.Processed || prev.paperId !== paperId || prev.pageNo !== pageNo - 1 || prev.studentId === null) {
      throw new PageException({ code: 'PAGE_ORDER', reason: `${noOwner}前一张图片不是同一答题卡的第${pageNo - 1}页，请按顺序扫描` });
    }
    return m.getRepository(Student).findOneByOrFail({ id: prev.studentId });
  }

  private async cutSnippets(image: GrayImage, alignment: Alignment, layout: PageLayout): Promise<CutSnippet[]> {
    const k = Math.min(alignment.scale, SNIPPET_MAX_PX_PER_PT);
    const out: CutSnippet[] = [];
    for (const block of layout.subjective) {
      const snippet = normaliseContrast(cutBox(image, alignment.transform, block.box, SNIPPET_MARGIN_PT, k));
      const { key } = await this.blobs.putContentAddressed('snippets', await this.codec.encodeJpeg(snippet, 80), '.jpg');
      out.push({ itemId: block.itemId, blobKey: key });
    }
    return out;
  }

  private async recordObjective(m: EntityManager, page: ScannedPage, studentId: number, choices: { itemId: number; marked: string; fills: number[] }[], items: Map<number, Item>) {
    for (const c of choices) {
      const item = items.get(c.itemId);
      if (!item || !OBJECTIVE_TYPES.includes(item.type)) continue; // layout out of date with the paper: nothing to score against
      const score = scoreObjective({ type: item.type as 'single_choice' | 'multiple_choice' | 'true_false', maxScore: item.maxScore, answerKey: item.answerKey }, c.marked);
      await m.query(
        'INSERT INTO objective_response (exam_id, page_id, student_id, item_id, marked, score, fills) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
          'ON DUPLICATE KEY UPDATE page_id = VALUES(page_id), marked = VALUES(marked), score = VALUES(score), fills = VALUES(fills)',
        [page.examId, page.id, studentId, item.id, c.marked, score.toFixed(2), JSON.stringify(c.fills)],
      );
    }
  }

  private async recordSnippets(m: EntityManager, page: ScannedPage, studentId: number, snippets: CutSnippet[], items: Map<number, Item>) {
    for (const s of snippets) {
      const item = items.get(s.itemId);
      if (!item || OBJECTIVE_TYPES.includes(item.type)) continue;
      // The token is random and kept on re-runs: snippet URLs reveal nothing and stay stable.
      await m.query(
        'INSERT INTO answer_snippet (exam_id, page_id, student_id, item_id, blob_key, token) VALUES (?, ?, ?, ?, ?, ?) ' +
          'ON DUPLICATE KEY UPDATE page_id = VALUES(page_id), blob_key = VALUES(blob_key)',
        [page.examId, page.id, studentId, item.id, s.blobKey, randomBytes(16).toString('hex')],
      );
      const [{ id: snippetId }] = await m.query('SELECT id FROM answer_snippet WHERE student_id = ? AND item_id = ?', [studentId, item.id]);
      for (const round of markingRounds(item)) {
        await m.query(
          'INSERT INTO marking_task (exam_id, item_id, snippet_id, round, status, shuffle_key) VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id',
          [page.examId, item.id, snippetId, round, 'pending', randomInt(0, 2 ** 31 - 1)],
        );
      }
    }
  }

  private async recordException(page: ScannedPage, v: Verdict, seen: Partial<Pick<ScannedPage, 'paperId' | 'pageNo' | 'examNoRead' | 'alignment'>> = {}): Promise<IngestOutcome> {
    await this.ds.transaction(async (m) => {
      await lockBatch(m, page.batchId);
      await updatePage(m, page.id, { ...seen, status: PageStatus.Exception, exceptionCode: v.code, exceptionReason: v.reason.slice(0, 300), studentId: null });
    });
    return { status: PageStatus.Exception, code: v.code, reason: v.reason };
  }

  /** The next image of the batch, if it is a later page that waited for this one. */
  private async resumeFollower(page: ScannedPage) {
    const next = await this.ds.getRepository(ScannedPage).createQueryBuilder('p').where('p.batchId = :batchId AND p.id > :id', { batchId: page.batchId, id: page.id }).orderBy('p.id', 'ASC').getOne();
    if (next && next.status === PageStatus.Queued && next.pageNo !== null && next.pageNo > 1) await this.ingestPage(next.id);
  }
}

/** Rounds of marking an item's snippet needs from the start: double marking is two blind rounds; a third is added only on disagreement. */
export function markingRounds(item: Pick<Item, 'markingMode'>): number[] {
  return item.markingMode === MarkingMode.Single ? [1] : [1, 2];
}

/** `alignment` is typed unknown (free-form JSON), which TypeORM's deep-partial type cannot express. */
function updatePage(m: EntityManager, id: number, patch: Partial<ScannedPage>) {
  return m.update(ScannedPage, { id }, patch as QueryDeepPartialEntity<ScannedPage>);
}

/** Serialises the writes of one batch's pages, so a page and the page after it never miss each other. */
async function lockBatch(m: EntityManager, batchId: number) {
  await m.query('SELECT id FROM scan_batch WHERE id = ? FOR UPDATE', [batchId]);
}

function alignmentJson(a: Alignment | undefined) {
  if (!a) return null;
  const r = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
  const t = a.transform;
  return {
    transform: { a: r(t.a, 6), b: r(t.b, 6), c: r(t.c, 3), d: r(t.d, 6), e: r(t.e, 6), f: r(t.f, 3) },
    rmsPx: r(a.rmsPx, 3),
    maxPx: r(a.maxPx, 3),
    fiducialsFound: a.fiducialsFound,
    dpi: r(a.scale * 72, 1),
    rotationDeg: r(a.rotationDeg, 3),
    upsideDown: a.upsideDown,
  };
}

