// Ingestion of one page image: read it, then record what it says in one transaction. Idempotent.
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { randomBytes, randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { type Sql, SqlPool, type SqlTx, writeLater } from '../database/sql-pool.js';
import { Exam } from '../exams/entities/exam.entity.js';
import { type Item, MarkingMode, OBJECTIVE_TYPES } from '../exams/entities/item.entity.js';
import { supersededBy } from '../exams/domain/paper-workflow.js';
import { PaperStatus, type Paper } from '../exams/entities/paper.entity.js';
import type { Student } from '../org/entities/student.entity.js';
import type { PageLayout, SheetLayout } from '../sheets/domain/layout.js';
import { BlobStore } from '../storage/blob-store.js';
import type { ChoiceReading } from './domain/omr.js';
import type { Alignment } from './domain/read-page.js';
import { scoreObjective } from './domain/score-objective.js';
import { OmrReviewStatus } from './entities/omr-review.entity.js';
import { PageStatus, type ScannedPage } from './entities/scanned-page.entity.js';
import { PageScanner } from './page-scan.pool.js';
import type { EncodedCut } from './page-scan.js';
import { ScanImageCodec } from './scan-image.codec.js';

export type IngestOutcome =
  | { status: PageStatus.Processed; studentId: number }
  | { status: PageStatus.Exception; code: string; reason: string }
  | { status: PageStatus.Skipped; reason: string }
  | { status: 'deferred' | 'missing' | 'discarded' };

interface Verdict {
  code: string;
  reason: string;
}
class PageException extends Error {
  constructor(readonly verdict: Verdict) {
    super(verdict.reason);
  }
}

type ExamRef = Pick<Exam, 'id' | 'allianceId'>;

interface CutSnippet {
  itemId: number;
  blobKey: string;
}

@Injectable()
export class ScanIngestService {
  private readonly logger = new Logger('ScanIngest');
  /**
   * Pages this process is reading now, by id, with their batch and a promise settled once the page's outcome is
   * committed. A later page of a sheet waits here for the pages before it instead of being deferred and read twice.
   */
  private readonly reading = new Map<number, { batchId: number; recorded: Promise<unknown> }>();
  private readonly exams = new Map<number, ExamRef>();
  private readonly layouts = new Map<number, { hash: string; layout: SheetLayout }>();
  private readonly lockedItems = new Map<number, Map<number, ItemRow>>();
  private readonly scanner: PageScanner;

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    /**
     * Ingestion's own statements go through SqlPool: in its transaction the writes ride with the COMMIT (and START
     * TRANSACTION with the first read), 3 round trips instead of 8; its sessions are READ COMMITTED, so each check
     * after the student's row lock sees what was committed up to then.
     */
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(ScanImageCodec) codec: ScanImageCodec,
    /** Decoding, reading and cutting, on worker threads where the module provides them; in this thread otherwise. */
    @Optional() @Inject(PageScanner) scanner?: PageScanner,
  ) {
    this.scanner = scanner ?? new PageScanner(codec, 0);
  }

  /**
   * Reads the page and records it: objective responses, answer snippets and marking tasks, or an exception with a
   * reason for the scanner. A bad image never throws; only infrastructure failures do (and the job is retried).
   */
  async ingestPage(pageId: number): Promise<IngestOutcome> {
    const [page] = (await this.sql.query(`SELECT ${PAGE_COLUMNS} FROM scanned_page WHERE id = ?`, [
      pageId,
    ])) as PageRow[];
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

  private async readAndRecord(page: PageRow): Promise<IngestOutcome> {
    const exam = await this.examOf(page.examId);
    const allPapers = await this.papersOf(exam.id);
    const papers = allPapers.filter((p): p is PaperRow & { layout: SheetLayout } => !!p.layout);
    if (!papers.length)
      return this.recordException(page, { code: 'NO_LAYOUT', reason: '本次考试还没有生成答题卡，无法识别' });

    // A page in a local folder is read by the decoder itself, from its file: five file-system round trips through
    // libuv's pool fewer, and no 1 MB buffer per page on this thread's heap.
    const path = this.blobs.localPath(page.blobKey);
    const scan = await this.scanner.scan({
      image: path ? { path } : await this.blobs.get(page.blobKey),
      rotation: page.rotation,
      examId: exam.id,
      papers: papers.map((p) => ({ id: p.id, layout: p.layout })),
      studentKnown: page.forcedStudentId !== null,
    });
    if (scan.kind === 'undecodable') {
      this.logger.warn(`page ${page.id}: cannot decode (${scan.message})`);
      return this.recordException(page, { code: 'DECODE_FAILED', reason: '图片无法解码（文件可能已损坏）' });
    }
    if (scan.kind === 'unreadable') {
      this.logger.warn(`page ${page.id}: reading failed (${scan.message})`);
      return this.recordException(page, { code: 'READ_FAILED', reason: '图片无法识别，请检查扫描质量后重新扫描' });
    }
    const reading = scan.reading;
    if (!reading.ok && reading.code === 'BLANK_PAGE') {
      await updatePage(this.sql, page.id, {
        status: PageStatus.Skipped,
        exceptionCode: null,
        exceptionReason: reading.reason,
        studentId: null,
        paperId: null,
        pageNo: null,
      });
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

    // A sheet printed from a version the subject group has since replaced is not read into the exam's scores.
    const read = papers.find((p) => p.id === reading.paperId)!;
    const replacement = supersededBy(read, allPapers);
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

    const itemById = await this.itemsOf(read);
    const [snippets, crops] = await Promise.all([
      this.store('snippets', scan.snippets),
      this.store('omr-review', scan.crops).then((c) => new Map(c.map((x) => [x.itemId, x.blobKey]))),
    ]);
    const seen = {
      paperId: reading.paperId,
      pageNo: reading.pageNo,
      examNoRead: reading.examNo?.examNo ?? null,
      alignment: { ...alignmentJson(reading.alignment), pageCode: reading.pageCodeSource },
    };
    // A page that names no student (no assignment, no personal QR, no exam number) takes its student from the page
    // before it: wait for that one if it is being read here (after cutting this page's snippets, which need no
    // student), so that it need not be deferred and read again.
    const fromPreviousPage = page.forcedStudentId === null && reading.studentId === null && !reading.examNo;
    if (fromPreviousPage) await this.earlierPagesRecorded(page);

    try {
      return await this.sql.transaction(async (m) => {
        const student =
          page.forcedStudentId !== null
            ? await this.assignedStudent(m, exam, page, page.forcedStudentId)
            : reading.studentId !== null
              ? await this.studentByQr(m, exam, page, reading.studentId, reading.examNo?.examNo ?? null)
              : reading.examNo
                ? await this.studentByExamNo(m, exam, page, reading.examNo.examNo!)
                : await this.studentOfPreviousPage(m, page, reading.paperId, reading.pageNo);
        if (student === 'deferred') {
          updatePageLater(m, page.id, {
            ...seen,
            status: PageStatus.Queued,
            exceptionCode: null,
            exceptionReason: null,
            studentId: null,
          });
          return { status: 'deferred' as const };
        }
        // Absence and an already recorded copy of this page, asked in one statement (absence decides first).
        // (the student row is locked by the lookup above: one student's pages are recorded one at a time)
        // (and whether the student has any OMR review rows at all: most have none, and then they need not be read)
        const [check] = (await m.query(
          'SELECT EXISTS (SELECT 1 FROM exam_absence WHERE paper_id = ? AND student_id = ?) AS absent, ' +
            '(SELECT id FROM scanned_page WHERE exam_id = ? AND paper_id = ? AND page_no = ? AND student_id = ? AND status = ? AND id <> ? ORDER BY id LIMIT 1) AS otherId, ' +
            'EXISTS (SELECT 1 FROM omr_review WHERE student_id = ?) AS reviewed',
          [
            reading.paperId,
            student.id,
            page.examId,
            reading.paperId,
            reading.pageNo,
            student.id,
            PageStatus.Processed,
            page.id,
            student.id,
          ],
        )) as { absent: number | string; otherId: number | null; reviewed: number | string }[];
        if (Number(check.absent)) {
          throw new PageException({
            code: 'STUDENT_MARKED_ABSENT',
            reason: `考号 ${student.examNo} 的考生已标记缺考；如该生实际参加了考试，请先撤销缺考标记，再重新识别本页`,
          });
        }
        const other =
          check.otherId === null
            ? null
            : (
                (await m.query('SELECT id, original_name AS originalName FROM scanned_page WHERE id = ?', [
                  check.otherId,
                ])) as { id: number; originalName: string }[]
              )[0];
        if (other) {
          throw new PageException({
            code: 'DUPLICATE_SHEET',
            reason: `重复答题卡：考号 ${student.examNo} 的第${reading.pageNo}页已有扫描图像（${other.originalName || `#${other.id}`}）`,
          });
        }
        await this.recordObjective(
          m,
          page,
          student.id,
          reading.choices,
          itemById,
          crops,
          reading.page,
          Number(check.reviewed) > 0,
        );
        await this.recordSnippets(m, page, student.id, snippets, itemById);
        updatePageLater(m, page.id, {
          ...seen,
          examNoRead: reading.examNo?.examNo ?? student.examNo,
          studentId: student.id,
          status: PageStatus.Processed,
          exceptionCode: null,
          exceptionReason: null,
        });
        return { status: PageStatus.Processed as const, studentId: student.id };
      });
    } catch (err) {
      if (err instanceof PageException) return this.recordException(page, err.verdict, seen);
      throw err;
    }
  }

  /**
   * The exam's papers with their layouts parsed. Their rows are read for every page, with each layout's hash (a
   * generated column); a layout's JSON is fetched only when its hash is new here. A layout is the same object as long
   * as its hash is the same: every page of an exam names all its papers, and the scan threads are sent a layout
   * object only once (page-scan.pool.ts). Nothing mutates it.
   */
  private async papersOf(examId: number): Promise<PaperRow[]> {
    const rows = (await this.sql.query(
      'SELECT id, subject, version, status, layout_hash AS layoutHash FROM paper WHERE exam_id = ? ORDER BY id',
      [examId],
    )) as (Omit<PaperRow, 'layout'> & { layoutHash: string | null })[];
    const unknown = rows
      .filter((p) => p.layoutHash !== null && this.layouts.get(p.id)?.hash !== p.layoutHash)
      .map((p) => p.id);
    if (unknown.length) {
      if (this.layouts.size + unknown.length > 1000) this.layouts.clear();
      for (const id of unknown) this.layouts.delete(id);
      const fetched = (await this.sql.query(
        `SELECT id, layout, layout_hash AS layoutHash FROM paper WHERE id IN (${unknown.map(() => '?').join(', ')})`,
        unknown,
      )) as { id: number; layout: string | null; layoutHash: string | null }[];
      // hash and JSON from the same row read: a layout rewritten since the first read is cached as what it now is
      for (const f of fetched)
        if (f.layout !== null && f.layoutHash !== null)
          this.layouts.set(f.id, { hash: f.layoutHash, layout: JSON.parse(f.layout) as SheetLayout });
    }
    // (a layout rewritten between the two reads is the newer one, whose hash the next page will see; one removed, none)
    return rows.map(({ layoutHash, ...p }) => ({
      ...p,
      layout: layoutHash === null ? null : (this.layouts.get(p.id)?.layout ?? null),
    }));
  }

  /**
   * The items of the paper a page was read as, by id. A locked paper's items never change (a correction is a new
   * version), so they are read once per process; a paper in any other state is read for every page.
   */
  private async itemsOf(paper: Pick<PaperRow, 'id' | 'status'>): Promise<Map<number, ItemRow>> {
    const known = paper.status === PaperStatus.Locked ? this.lockedItems.get(paper.id) : undefined;
    if (known) return known;
    const rows = (await this.sql.query(
      'SELECT id, type, max_score AS maxScore, answer_key AS answerKey, partial_credit AS partialCredit, marking_mode AS markingMode FROM item WHERE paper_id = ?',
      [paper.id],
    )) as ItemRow[];
    const items = new Map(
      rows.map((i) => [
        i.id,
        {
          ...i,
          maxScore: Number(i.maxScore),
          partialCredit: i.partialCredit === null ? null : Number(i.partialCredit),
        },
      ]),
    );
    if (paper.status === PaperStatus.Locked) {
      if (this.lockedItems.size >= 1000) this.lockedItems.clear();
      this.lockedItems.set(paper.id, items);
    }
    return items;
  }

  /** The exam's id and alliance, which never change: looked up once per exam, not per page. */
  private async examOf(id: number): Promise<ExamRef> {
    const known = this.exams.get(id);
    if (known) return known;
    const { allianceId } = await this.ds
      .getRepository(Exam)
      .findOneOrFail({ where: { id }, select: { id: true, allianceId: true } });
    if (this.exams.size >= 1000) this.exams.clear();
    const ref = { id, allianceId };
    this.exams.set(id, ref);
    return ref;
  }

  private async studentByExamNo(m: Sql, exam: ExamRef, page: PageRow, examNo: string): Promise<StudentRow> {
    const [student] = (await m.query(
      `SELECT ${STUDENT_COLUMNS} FROM student WHERE alliance_id = ? AND exam_no = ? FOR UPDATE`,
      [exam.allianceId, examNo],
    )) as StudentRow[];
    if (!student) throw new PageException({ code: 'STUDENT_UNKNOWN', reason: `考号 ${examNo} 不在名单中` });
    if (student.schoolId !== page.schoolId) {
      throw new PageException({
        code: 'STUDENT_OTHER_SCHOOL',
        reason: `考号 ${examNo} 不是本校考生，请核对答题卡或交联盟管理员处理`,
      });
    }
    return student;
  }

  /** The student a person assigned the page to (exceptions workflow), locked like the others. */
  private async assignedStudent(m: Sql, exam: ExamRef, page: PageRow, studentId: number): Promise<StudentRow> {
    const [student] = (await m.query(`SELECT ${STUDENT_COLUMNS} FROM student WHERE id = ? FOR UPDATE`, [
      studentId,
    ])) as StudentRow[];
    if (!student || student.allianceId !== exam.allianceId)
      throw new PageException({ code: 'STUDENT_UNKNOWN', reason: '指定的考生不在名单中' });
    if (student.schoolId !== page.schoolId)
      throw new PageException({
        code: 'STUDENT_OTHER_SCHOOL',
        reason: `考号 ${student.examNo} 不是本校考生，请核对答题卡或交联盟管理员处理`,
      });
    return student;
  }

  /**
   * A personalised sheet names its student in the QR code on every page. Exam-number bubbles, if filled too, must
   * name the same student: a disagreement is for a person to settle, never a guess either way.
   */
  private async studentByQr(
    m: Sql,
    exam: ExamRef,
    page: PageRow,
    studentId: number,
    examNoRead: string | null,
  ): Promise<StudentRow> {
    const [student] = (await m.query(
      `SELECT ${STUDENT_COLUMNS} FROM student WHERE id = ? AND alliance_id = ? FOR UPDATE`,
      [studentId, exam.allianceId],
    )) as StudentRow[];
    if (!student)
      throw new PageException({
        code: 'STUDENT_UNKNOWN',
        reason: '答题卡二维码中的考生不在名单中，请核对答题卡或交联盟管理员处理',
      });
    if (student.schoolId !== page.schoolId) {
      throw new PageException({
        code: 'STUDENT_OTHER_SCHOOL',
        reason: `答题卡二维码中的考生（考号 ${student.examNo}）不是本校考生，请核对答题卡或交联盟管理员处理`,
      });
    }
    if (examNoRead !== null && examNoRead !== student.examNo) {
      throw new PageException({
        code: 'EXAMNO_MISMATCH',
        reason: `填涂的考号 ${examNoRead} 与答题卡上印制的考生（${student.name}，考号 ${student.examNo}）不一致，请核对`,
      });
    }
    return student;
  }

  /**
   * Page 2 onwards of a sheet for anyone carries no exam number: it belongs to the student of the page scanned just before it in the same
   * batch, which must be the previous page of the same sheet. If that page is not read yet, this one waits for it.
   */
  private async studentOfPreviousPage(
    m: Sql,
    page: PageRow,
    paperId: number,
    pageNo: number,
  ): Promise<StudentRow | 'deferred'> {
    // Blank pages (backs of duplex scans) and pages a person discarded are not part of the sequence.
    const [prev] = (await m.query(
      `SELECT ${PAGE_COLUMNS} FROM scanned_page WHERE batch_id = ? AND id < ? AND status NOT IN (?, ?) ORDER BY id DESC LIMIT 1`,
      [page.batchId, page.id, PageStatus.Skipped, PageStatus.Discarded],
    )) as PageRow[];
    const noOwner = `无法确定第${pageNo}页所属考生：`;
    if (!prev)
      throw new PageException({
        code: 'PAGE_ORDER',
        reason: `${noOwner}本批次中它前面没有第${pageNo - 1}页，请与第1页一起按顺序扫描`,
      });
    if (prev.status === PageStatus.Queued) return 'deferred';
    if (prev.status === PageStatus.Exception && prev.paperId === paperId && prev.pageNo === pageNo - 1) {
      throw new PageException({
        code: 'PREVIOUS_PAGE_EXCEPTION',
        reason: `${noOwner}前一页（第${pageNo - 1}页）识别异常，请先处理前一页`,
      });
    }
    if (
      prev.status !== PageStatus.Processed ||
      prev.paperId !== paperId ||
      prev.pageNo !== pageNo - 1 ||
      prev.studentId === null
    ) {
      throw new PageException({
        code: 'PAGE_ORDER',
        reason: `${noOwner}前一张图片不是同一答题卡的第${pageNo - 1}页，请按顺序扫描`,
      });
    }
    const [student] = (await m.query(`SELECT ${STUDENT_COLUMNS} FROM student WHERE id = ? FOR UPDATE`, [
      prev.studentId,
    ])) as StudentRow[];
    if (!student) throw new Error(`student ${prev.studentId} of page ${prev.id} not found`);
    return student;
  }

  /** Stores the JPEG cuts of a page (content-addressed: storing one again is a no-op). */
  private store(prefix: string, cuts: EncodedCut[]): Promise<CutSnippet[]> {
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
   * Objective items read with confidence are scored; the others go to the review queue and are not scored until a
   * person resolves them. A resolved review stands: reading the same page again does not reopen or overwrite it.
   */
  private async recordObjective(
    m: Sql,
    page: PageRow,
    studentId: number,
    choices: ChoiceReading[],
    items: Map<number, ItemRow>,
    crops: Map<number, string>,
    layout: PageLayout,
    reviewed: boolean,
  ) {
    // One statement per kind of row (not per item): the batch lock is held for the whole transaction.
    if (!choices.length) return;
    const reviews = new Map<number, { id: number; status: string }>(
      reviewed
        ? (
            (await m.query('SELECT id, item_id AS itemId, status FROM omr_review WHERE student_id = ?', [
              studentId,
            ])) as { id: number; itemId: number; status: string }[]
          ).map((r) => [Number(r.itemId), r])
        : [],
    );
    const responses: unknown[][] = [];
    const toReview: unknown[][] = [];
    const reviewedItems: number[] = [];
    const closedReviews: number[] = [];
    for (const c of choices) {
      const item = items.get(c.itemId);
      if (!item || !OBJECTIVE_TYPES.includes(item.type)) continue; // layout out of date with the paper: nothing to score against
      const prior = reviews.get(item.id);
      if (prior?.status === OmrReviewStatus.Resolved) continue;
      if (c.needsReview) {
        const options = (layout.objective.find((b) => b.itemId === item.id)?.options ?? []).join('');
        toReview.push([
          page.examId,
          page.schoolId,
          page.id,
          studentId,
          item.id,
          options,
          c.marked,
          c.verdict,
          c.confidence.toFixed(3),
          JSON.stringify(c.fills),
          JSON.stringify(c.inks),
          crops.get(item.id) ?? null,
          OmrReviewStatus.Open,
        ]);
        reviewedItems.push(item.id);
        continue;
      }
      if (prior) closedReviews.push(prior.id);
      const score = scoreObjective(
        {
          type: item.type as 'single_choice' | 'multiple_choice' | 'true_false',
          maxScore: item.maxScore,
          answerKey: item.answerKey,
          partialCredit: item.partialCredit,
        },
        c.marked,
      );
      responses.push([page.examId, page.id, studentId, item.id, c.marked, score.toFixed(2), JSON.stringify(c.fills)]);
    }
    if (toReview.length) {
      writeLater(
        m,
        `INSERT INTO omr_review (exam_id, school_id, page_id, student_id, item_id, options, read_marked, verdict, confidence, fills, inks, crop_blob_key, status) VALUES ${rows(toReview)} ` +
          'ON DUPLICATE KEY UPDATE page_id = VALUES(page_id), read_marked = VALUES(read_marked), verdict = VALUES(verdict), confidence = VALUES(confidence), fills = VALUES(fills), inks = VALUES(inks), crop_blob_key = VALUES(crop_blob_key)',
        toReview.flat(),
      );
      // not scored until a person decides
      writeLater(
        m,
        `DELETE FROM objective_response WHERE student_id = ? AND item_id IN (${reviewedItems.map(() => '?').join(', ')})`,
        [studentId, ...reviewedItems],
      );
    }
    if (closedReviews.length)
      writeLater(m, `DELETE FROM omr_review WHERE status = ? AND id IN (${closedReviews.map(() => '?').join(', ')})`, [
        OmrReviewStatus.Open,
        ...closedReviews,
      ]);
    if (responses.length) {
      writeLater(
        m,
        `INSERT INTO objective_response (exam_id, page_id, student_id, item_id, marked, score, fills) VALUES ${rows(responses)} ` +
          'ON DUPLICATE KEY UPDATE page_id = VALUES(page_id), marked = VALUES(marked), score = VALUES(score), fills = VALUES(fills)',
        responses.flat(),
      );
    }
  }

  private async recordSnippets(
    m: Sql,
    page: PageRow,
    studentId: number,
    snippets: CutSnippet[],
    items: Map<number, ItemRow>,
  ) {
    const kept = snippets.filter((s) => {
      const item = items.get(s.itemId);
      return item && !OBJECTIVE_TYPES.includes(item.type);
    });
    if (!kept.length) return;
    // The token is random and kept on re-runs: snippet URLs reveal nothing and stay stable.
    writeLater(
      m,
      `INSERT INTO answer_snippet (exam_id, page_id, student_id, item_id, blob_key, token) VALUES ${rows(kept.map(() => [0, 0, 0, 0, 0, 0]))} ` +
        'ON DUPLICATE KEY UPDATE page_id = VALUES(page_id), blob_key = VALUES(blob_key)',
      kept.flatMap((s) => [page.examId, page.id, studentId, s.itemId, s.blobKey, randomBytes(16).toString('hex')]),
    );
    // The tasks of the snippets' rows (new or kept), in the same statement that finds their ids: (item, round, shuffle
    // key) per task as a derived table joined to the student's snippets of those items.
    const tasks: unknown[][] = [];
    for (const s of kept)
      for (const round of markingRounds(items.get(s.itemId)!)) tasks.push([s.itemId, round, randomInt(0, 2 ** 31 - 1)]);
    writeLater(
      m,
      'INSERT INTO marking_task (exam_id, item_id, snippet_id, round, status, shuffle_key) ' +
        `SELECT ?, s.item_id, s.id, t.round, 'pending', t.shuffle_key FROM answer_snippet s JOIN (${tasks.map((_, n) => (n ? 'SELECT ?, ?, ?' : 'SELECT ? AS item_id, ? AS round, ? AS shuffle_key')).join(' UNION ALL ')}) t ON t.item_id = s.item_id ` +
        'WHERE s.student_id = ? AND s.item_id IN (' +
        kept.map(() => '?').join(', ') +
        ') ON DUPLICATE KEY UPDATE marking_task.id = marking_task.id',
      [page.examId, ...tasks.flat(), studentId, ...kept.map((s) => s.itemId)],
    );
  }

  private async recordException(
    page: PageRow,
    v: Verdict,
    seen: Partial<Pick<ScannedPage, 'paperId' | 'pageNo' | 'examNoRead' | 'alignment'>> = {},
  ): Promise<IngestOutcome> {
    await updatePage(this.sql, page.id, {
      ...seen,
      status: PageStatus.Exception,
      exceptionCode: v.code,
      exceptionReason: v.reason.slice(0, 300),
      studentId: null,
    });
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
    const [prev] = (await this.sql.query(
      'SELECT status FROM scanned_page WHERE batch_id = ? AND id < ? AND status <> ? ORDER BY id DESC LIMIT 1',
      [page.batchId, page.id, PageStatus.Skipped],
    )) as { status: string }[];
    return !!prev && prev.status !== PageStatus.Queued;
  }

  /** The next image of the batch, if it is a later page that waited for this one. */
  private async resumeFollower(page: PageRow) {
    const [next] = (await this.sql.query(
      'SELECT id, status, page_no AS pageNo FROM scanned_page WHERE batch_id = ? AND id > ? AND status NOT IN (?, ?) ORDER BY id ASC LIMIT 1',
      [page.batchId, page.id, PageStatus.Skipped, PageStatus.Discarded],
    )) as { id: number; status: string; pageNo: number | null }[];
    if (next && next.status === PageStatus.Queued && next.pageNo !== null && next.pageNo > 1)
      await this.ingestPage(next.id);
  }
}

/** "(?, ?, …), (?, ?, …)" for a multi-row INSERT of these rows. */
function rows(values: unknown[][]): string {
  return values.map((r) => `(${r.map(() => '?').join(', ')})`).join(', ');
}

/** Rounds of marking an item's snippet needs from the start: double marking is two blind rounds; a third is added only on disagreement. */
export function markingRounds(item: Pick<Item, 'markingMode'>): number[] {
  return item.markingMode === MarkingMode.Single ? [1] : [1, 2];
}

type PagePatch = Partial<
  Pick<
    ScannedPage,
    'paperId' | 'pageNo' | 'examNoRead' | 'alignment' | 'status' | 'exceptionCode' | 'exceptionReason' | 'studentId'
  >
>;
const PAGE_PATCH_COLUMNS: Record<keyof PagePatch, string> = {
  paperId: 'paper_id',
  pageNo: 'page_no',
  examNoRead: 'exam_no_read',
  alignment: 'alignment',
  status: 'status',
  exceptionCode: 'exception_code',
  exceptionReason: 'exception_reason',
  studentId: 'student_id',
};

/** One plain UPDATE of the page's row (undefined fields untouched; `alignment` stored as JSON), as TypeORM's update() wrote it. */
function updatePage(m: Sql, id: number, patch: PagePatch) {
  return m.query(...pageUpdate(id, patch));
}

/** updatePage inside a transaction, sent with its COMMIT. */
function updatePageLater(m: SqlTx, id: number, patch: PagePatch) {
  m.later(...pageUpdate(id, patch));
}

function pageUpdate(id: number, patch: PagePatch): [string, unknown[]] {
  const keys = (Object.keys(patch) as (keyof PagePatch)[]).filter((k) => patch[k] !== undefined);
  const values = keys.map((k) =>
    k === 'alignment' ? (patch.alignment === null ? null : JSON.stringify(patch.alignment)) : patch[k],
  );
  return [
    `UPDATE scanned_page SET ${keys.map((k) => `${PAGE_PATCH_COLUMNS[k]} = ?, `).join('')}updated_at = CURRENT_TIMESTAMP(6) WHERE id = ?`,
    [...values, id],
  ];
}

/** The columns of a page's row that ingestion reads, under their entity names. */
const PAGE_COLUMNS =
  'id, exam_id AS examId, batch_id AS batchId, school_id AS schoolId, paper_id AS paperId, blob_key AS blobKey, original_name AS originalName, status, student_id AS studentId, page_no AS pageNo, forced_student_id AS forcedStudentId, rotation';
type PageRow = Pick<
  ScannedPage,
  | 'id'
  | 'examId'
  | 'batchId'
  | 'schoolId'
  | 'paperId'
  | 'blobKey'
  | 'originalName'
  | 'status'
  | 'studentId'
  | 'pageNo'
  | 'forcedStudentId'
  | 'rotation'
>;
const STUDENT_COLUMNS =
  'id, alliance_id AS allianceId, school_id AS schoolId, class_id AS classId, exam_no AS examNo, name';
type StudentRow = Pick<Student, 'id' | 'allianceId' | 'schoolId' | 'classId' | 'examNo' | 'name'>;
type PaperRow = Pick<Paper, 'id' | 'subject' | 'version' | 'status' | 'layout'>;
type ItemRow = Pick<Item, 'id' | 'type' | 'maxScore' | 'answerKey' | 'partialCredit' | 'markingMode'>;

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
