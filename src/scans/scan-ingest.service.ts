import { createHash } from 'node:crypto';
// Ingestion of one page image: read it, then record what it says in one transaction. Idempotent.
import { Pipeline } from '../queue/pipeline.js';
import { ScoreVersionRepository } from '../results/score-version.repository.js';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Tx, UnitOfWork } from '../database/unit-of-work.js';
import { supersededBy } from '../exams/domain/paper-workflow.js';
import type { SheetLayout } from '../sheets/domain/layout.js';
import { BlobStore } from '../storage/blob-store.js';
import { identityCluesOf, identityNote, identitySource } from './domain/page-identity.js';
import { alignmentJson, PageException, type Verdict } from './domain/page-verdict.js';
import { oversizeReason } from './domain/image-size.js';
import { ScanImageCodec } from './scan-image.codec.js';
import type { PageReading } from './domain/read-page.js';
import { PageStatus } from './entities/scanned-page.entity.js';
import { IngestPapersCache, type ExamRef, type PaperRow } from './ingest-papers.cache.js';
import { PageAnswersService, type StoredCut } from './page-answers.service.js';
import { PageScanner } from './page-scan.pool.js';
import type { EncodedCut } from './page-scan.js';
import { PageStudentService } from './page-student.service.js';
import { type ItemRow, ScanIngestRepository } from './scan-ingest.repository.js';
import { type PageRow, type PageSeen, ScannedPageRepository } from './scanned-page.repository.js';

export type IngestOutcome =
  | { status: PageStatus.Processed; studentId: number }
  | { status: PageStatus.Exception; code: string; reason: string }
  | { status: PageStatus.Skipped; reason: string }
  | { status: 'deferred' | 'missing' | 'discarded' };

type ReadOk = Extract<PageReading, { ok: true }>;
type Papers = { all: PaperRow[]; laid: (PaperRow & { layout: SheetLayout })[] };

@Injectable()
export class ScanIngestService {
  private readonly logger = new Logger('ScanIngest');
  /**
   * Pages this process is reading now, by id, with their batch and a promise settled once the page's outcome is
   * committed. A later page of a sheet waits here for the pages before it instead of being deferred and read twice.
   */
  private readonly reading = new Map<number, { batchId: number; recorded: Promise<unknown> }>();

  constructor(
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
    @Inject(ScanIngestRepository) private readonly repo: ScanIngestRepository,
    @Inject(IngestPapersCache) private readonly catalog: IngestPapersCache,
    @Inject(PageStudentService) private readonly students: PageStudentService,
    @Inject(PageAnswersService) private readonly answers: PageAnswersService,
    /**
     * Ingestion's own statements go through SqlPool (UnitOfWork.run): in its transaction the writes ride with the
     * COMMIT (and START TRANSACTION with the first read), 3 round trips instead of 8; its sessions are READ COMMITTED,
     * so each check after the student's row lock sees what was committed up to then.
     */
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(ScoreVersionRepository) private readonly versions: ScoreVersionRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    /** Decoding, reading and cutting, on worker threads where the module provides them; in this thread otherwise. */
    @Inject(PageScanner) private readonly scanner: PageScanner,
    @Inject(ScanImageCodec) private readonly codec: ScanImageCodec,
    @Inject(Pipeline) private readonly pipeline: Pipeline,
  ) {}

  /**
   * Reads the page and records it: objective responses, answer snippets and marking tasks, or an exception with a
   * reason for the scanner. A bad image never throws; only infrastructure failures do (and the job is retried).
   */
  async ingestPage(pageId: number): Promise<IngestOutcome> {
    const page = await this.pages.readPage(pageId);
    if (!page) return { status: 'missing' };
    if (page.status === PageStatus.Discarded) return { status: 'discarded' }; // set aside by a person: read by nothing
    const recorded = this.readAndRecord(page);
    const entry = { batchId: page.batchId, recorded: recorded.catch(() => undefined) };
    this.reading.set(page.id, entry);
    let outcome: IngestOutcome;
    try {
      outcome = await recorded;
    } finally {
      if (this.reading.get(page.id) === entry) this.reading.delete(page.id);
    }
    // A later page of the same sheet that waited for this one (it takes its student from this page) can go now.
    if (outcome.status !== 'deferred') await this.resumeFollower(page);
    // No lock orders this page's deferral and the previous page's outcome: each may have missed the other (read before
    // the other committed). Each looks again after its own commit, so at least one sees the other and nothing is stuck.
    else if (await this.previousPageDone(page)) return this.ingestPage(pageId);
    return outcome;
  }

  /** Scans the page image against the exam's papers, then decides and records its outcome. */
  private async readAndRecord(page: PageRow): Promise<IngestOutcome> {
    if (page.sourcePage !== null && page.sourcePage !== undefined) {
      const out = await this.takeOutOfTiff(page, page.sourcePage);
      if ('reason' in out) return this.recordException(page, out);
      page = { ...page, blobKey: out.blobKey, sourcePage: null };
    }
    const exam = await this.catalog.examOf(page.examId);
    const all = await this.catalog.papersOf(exam.id);
    const papers: Papers = { all, laid: all.filter((p): p is Papers['laid'][number] => !!p.layout) };
    if (!papers.laid.length)
      return this.recordException(page, { code: 'NO_LAYOUT', reason: '本次考试还没有生成答题卡，无法识别' });

    // A page in a local folder is read by the decoder itself, from its file: five file-system round trips through
    // libuv's pool fewer, and no 1 MB buffer per page on this thread's heap.
    const path = this.blobs.localPath(page.blobKey);
    const scan = await this.scanner.scan({
      image: path ? { path } : await this.blobs.get(page.blobKey),
      rotation: page.rotation,
      examId: exam.id,
      papers: papers.laid.map((p) => ({ id: p.id, layout: p.layout })),
      studentKnown: page.forcedStudentId !== null,
    });
    if (scan.kind === 'undecodable') {
      this.logger.warn(`page ${page.id}: cannot decode (${scan.message})`);
      // Too many pixels is said as such, with the size: the file is whole, it is just not a page scan.
      const size = await this.codec.dimensions(path ?? (await this.blobs.get(page.blobKey)));
      const tooBig = size && oversizeReason(size.width, size.height);
      if (tooBig) return this.recordException(page, { code: 'IMAGE_TOO_LARGE', reason: tooBig });
      return this.recordException(page, { code: 'DECODE_FAILED', reason: '图片无法解码（文件可能已损坏）' });
    }
    if (scan.kind === 'unreadable') {
      this.logger.warn(`page ${page.id}: reading failed (${scan.message})`);
      return this.recordException(page, { code: 'READ_FAILED', reason: '图片无法识别，请检查扫描质量后重新扫描' });
    }
    const reading = scan.reading;
    if (!reading.ok && reading.code === 'BLANK_PAGE') {
      await this.pages.recordSkipped(page.id, reading.reason);
      return { status: PageStatus.Skipped, reason: reading.reason };
    }
    if (!reading.ok) {
      return this.recordException(
        page,
        { code: reading.code, reason: reading.reason },
        {
          paperId: reading.paperId ?? null,
          pageNo: reading.pageNo ?? null,
          examNoRead: reading.examNoPartial ?? null,
          alignment: alignmentJson(reading.alignment),
        },
      );
    }
    return this.recordRead(page, exam, papers, reading, scan);
  }

  /** A page read ok: refused if its paper was replaced, else recorded for its student. */
  private async recordRead(
    page: PageRow,
    exam: ExamRef,
    papers: Papers,
    reading: ReadOk,
    cuts: { snippets: EncodedCut[]; crops: EncodedCut[] },
  ): Promise<IngestOutcome> {
    // A sheet printed from a version the subject group has since replaced is not read into the exam's scores.
    const read = papers.laid.find((p) => p.id === reading.paperId)!;
    const replacement = supersededBy(read, papers.all);
    if (replacement) {
      return this.recordException(
        page,
        {
          code: 'PAPER_SUPERSEDED',
          reason: `这是${read.subject}第 ${read.version} 版试卷的答题卡，该科已改用第 ${replacement.version} 版，请交联盟管理员处理`,
        },
        {
          paperId: reading.paperId,
          pageNo: reading.pageNo,
          examNoRead: reading.examNo?.examNo ?? null,
          alignment: alignmentJson(reading.alignment),
        },
      );
    }

    const items = await this.catalog.itemsOf(read);
    const [snippets, crops] = await Promise.all([
      this.store('snippets', cuts.snippets),
      this.store('omr-review', cuts.crops).then((c) => new Map(c.map((x) => [x.itemId, x.blobKey]))),
    ]);
    const seen: PageSeen = {
      paperId: reading.paperId,
      pageNo: reading.pageNo,
      examNoRead: reading.examNo?.examNo ?? null,
      // how the page was identified (a fallback from a spoilt sticker is silent, but recorded here)
      alignment: {
        ...alignmentJson(reading.alignment),
        pageCode: reading.pageCodeSource,
        ...identityNote(identityCluesOf(reading)),
      },
    };
    // A page that names no student (no assignment, no personal QR, no exam number) takes its student from the page
    // before it: wait for that one if it is being read here (after cutting this page's snippets, which need no
    // student), so that it need not be deferred and read again.
    const fromPreviousPage = page.forcedStudentId === null && identitySource(identityCluesOf(reading)) === 'previous';
    if (fromPreviousPage) await this.earlierPagesRecorded(page);

    try {
      const outcome = await this.uow.run((tx) =>
        this.recordForStudent(tx, page, exam, reading, seen, { items, snippets, crops }),
      );
      if (outcome.status === PageStatus.Processed) await this.pipeline.pageRead(page.id);
      return outcome;
    } catch (err) {
      if (err instanceof PageException) return this.recordException(page, err.verdict, seen);
      throw err;
    }
  }

  /** In the page's transaction: its student (locked), the checks, then its answers and its outcome with the COMMIT. */
  private async recordForStudent(
    tx: Tx,
    page: PageRow,
    exam: ExamRef,
    reading: ReadOk,
    seen: PageSeen,
    stored: { items: Map<number, ItemRow>; snippets: StoredCut[]; crops: Map<number, string> },
  ): Promise<IngestOutcome> {
    const student = await this.students.resolve(tx, exam, page, reading);
    if (student === 'deferred') {
      this.pages.recordDeferred(tx, page.id, seen);
      return { status: 'deferred' as const };
    }
    // Absence and an already recorded copy of this page, asked in one statement (absence decides first).
    // (the student row is locked by the lookup above: one student's pages are recorded one at a time)
    const check = await this.repo.recordingCheck(
      tx,
      { id: page.id, examId: page.examId, paperId: reading.paperId, pageNo: reading.pageNo },
      student.id,
    );
    if (check.absent) {
      throw new PageException({
        code: 'STUDENT_MARKED_ABSENT',
        reason: `考号 ${student.examNo} 的考生已标记缺考；如该生实际参加了考试，请先撤销缺考标记，再重新识别本页`,
      });
    }
    const other = check.otherId === null ? undefined : await this.pages.nameOf(tx, check.otherId);
    if (other) {
      throw new PageException({
        code: 'DUPLICATE_SHEET',
        reason: `重复答题卡：考号 ${student.examNo} 的第${reading.pageNo}页已有扫描图像（${other.originalName || '另一张扫描图像'}）`,
      });
    }
    await this.answers.record(tx, page, student.id, {
      choices: reading.choices,
      layout: reading.page,
      ...stored,
      reviewed: check.reviewed,
    });
    this.pages.recordReadPage(
      tx,
      page.id,
      { ...seen, examNoRead: reading.examNo?.examNo ?? student.examNo },
      student.id,
    );
    // A page read changes who sat and their objective scores: the exam's score version moves with it.
    await this.versions.bump(tx, page.examId);
    return { status: PageStatus.Processed as const, studentId: student.id };
  }

  /** Stores the JPEG cuts of a page (content-addressed: storing one again is a no-op). */
  private store(prefix: string, cuts: EncodedCut[]): Promise<StoredCut[]> {
    return Promise.all(
      cuts.map(async (c) => ({
        itemId: c.itemId,
        blobKey: (
          await this.blobs.putContentAddressed(
            prefix,
            Buffer.from(c.jpeg.buffer, c.jpeg.byteOffset, c.jpeg.byteLength),
            '.jpg',
          )
        ).key,
      })),
    );
  }

  /**
   * A page uploaded inside a multi-page TIFF: taken out (one page, its pixels bounded) and stored as its own PNG, which
   * the page then points at. A page beyond the pixel cap is refused by its size; an undecodable one as damaged.
   * Failing storage throws (the job is retried).
   */
  private async takeOutOfTiff(page: PageRow, sourcePage: number): Promise<{ blobKey: string } | Verdict> {
    const source = this.blobs.localPath(page.blobKey) ?? (await this.blobs.get(page.blobKey));
    const size = await this.codec.dimensions(source, sourcePage);
    const tooBig = size && oversizeReason(size.width, size.height);
    if (tooBig) return { code: 'IMAGE_TOO_LARGE', reason: tooBig };
    let png: Buffer;
    try {
      png = await this.codec.tiffPageAsPng(source, sourcePage);
    } catch (err) {
      this.logger.warn(`page ${page.id}: TIFF page ${sourcePage + 1} cannot be decoded (${(err as Error).message})`);
      return { code: 'DECODE_FAILED', reason: '图片无法解码（文件可能已损坏）' };
    }
    const hash = createHash('sha256').update(png).digest('hex');
    const blobKey = `scans/${hash.slice(0, 2)}/${hash}.png`;
    if (!(await this.blobs.exists(blobKey))) await this.blobs.put(blobKey, png);
    await this.pages.takenOut(page.id, blobKey);
    return { blobKey };
  }

  private async recordException(page: PageRow, v: Verdict, seen?: PageSeen): Promise<IngestOutcome> {
    await this.pages.recordException(page.id, v.code, v.reason, seen);
    return { status: PageStatus.Exception, code: v.code, reason: v.reason };
  }

  /** Settles once every earlier page of the batch that this process is reading now has its outcome recorded. */
  private async earlierPagesRecorded(page: PageRow) {
    const earlier = [...this.reading]
      .filter(([id, r]) => r.batchId === page.batchId && id < page.id)
      .map(([, r]) => r.recorded);
    if (earlier.length) await Promise.all(earlier);
  }

  /** True if the page before this one in the batch (blank pages aside) has its outcome. */
  private async previousPageDone(page: PageRow): Promise<boolean> {
    const status = await this.pages.previousStatus(page);
    return status !== undefined && status !== PageStatus.Queued;
  }

  /** The next image of the batch, if it is a later page that waited for this one. */
  private async resumeFollower(page: PageRow) {
    const next = await this.pages.nextInBatch(page);
    if (next && next.status === PageStatus.Queued && next.pageNo !== null && next.pageNo > 1)
      await this.ingestPage(next.id);
  }
}
