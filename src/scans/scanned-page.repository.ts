import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { SqlPool } from '../database/sql-pool.js';
import { managerOf, managerOr, queryOf, sqlOf, type Tx } from '../database/unit-of-work.js';
import { PageStatus, ScannedPage } from './entities/scanned-page.entity.js';

/** The columns of a page's row that ingestion reads, under their entity names. */
const PAGE_COLUMNS =
  'id, exam_id AS examId, batch_id AS batchId, school_id AS schoolId, paper_id AS paperId, blob_key AS blobKey, original_name AS originalName, status, student_id AS studentId, page_no AS pageNo, forced_student_id AS forcedStudentId, rotation, source_page AS sourcePage';

/** A page's row as ingestion reads it. */
export type PageRow = Pick<
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
  | 'sourcePage'
>;

/** What a notice or the copy-page job reads of a read page (its row's version: see NoticePageRow). */
const NOTICE_COLUMNS =
  "id, student_id AS studentId, paper_id AS paperId, page_no AS pageNo, blob_key AS blobKey, source_page AS sourcePage, reduced_blob_key AS reducedBlobKey, rotation, alignment, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') AS version";

/** A read page of a student, for the notices: the reduced copy, or what rendering one from the original needs. */
export interface NoticePageRow {
  id: number;
  studentId: number;
  paperId: number;
  pageNo: number;
  blobKey: string;
  /** The page's index in a multi-page TIFF blob it is still inside; null for a page of its own. */
  sourcePage: number | null;
  reducedBlobKey: string | null;
  rotation: number;
  /** The row's last change (updated_at to the microsecond, as text): a copy is recorded only if it has not moved. */
  version: string;
  /**
   * As stored by ingestion (scans/domain/page-verdict.ts alignmentJson): its transform maps layout points to pixels,
   * and its homography, where four fiducials gave one, does so on a keystoned page.
   */
  alignment: {
    transform?: { a: number; b: number; c: number; d: number; e: number; f: number };
    homography?: number[];
  } | null;
}

/** What a reading found on the page (paper, page number, exam number, alignment), kept whatever its outcome. */
export interface PageSeen {
  paperId: number | null;
  pageNo: number | null;
  examNoRead: string | null;
  alignment: unknown;
}

/**
 * Ingestion's statements on the SqlPool, checked in as text (queries/scanned-page.repository.sql). A page's outcome is
 * one plain UPDATE of its row, with its columns in the order each outcome has always written them.
 */
export const SQL = {
  readSheetsBySchool: `SELECT st.school_id AS schoolId, COUNT(DISTINCT p.student_id, p.paper_id) AS n FROM scanned_page p
    JOIN student st ON st.id = p.student_id
    WHERE p.exam_id = ? AND p.status = 'processed' AND p.paper_id IN (?) GROUP BY st.school_id`,
  readPage: `SELECT ${PAGE_COLUMNS} FROM scanned_page WHERE id = ?`,
  previousInBatch: `SELECT ${PAGE_COLUMNS} FROM scanned_page WHERE batch_id = ? AND id < ? AND status NOT IN (?, ?) ORDER BY id DESC LIMIT 1`,
  previousStatus:
    'SELECT status FROM scanned_page WHERE batch_id = ? AND id < ? AND status <> ? ORDER BY id DESC LIMIT 1',
  nextInBatch:
    'SELECT id, status, page_no AS pageNo FROM scanned_page WHERE batch_id = ? AND id > ? AND status NOT IN (?, ?) ORDER BY id ASC LIMIT 1',
  placesOf:
    'SELECT id, exam_id AS examId, school_id AS schoolId, original_name AS originalName FROM scanned_page WHERE id IN (?)',
  takenOut: 'UPDATE scanned_page SET blob_key = ?, source_page = NULL WHERE id = ? AND source_page IS NOT NULL',
  nameOf: 'SELECT id, original_name AS originalName FROM scanned_page WHERE id = ?',
  noticePages: `SELECT ${NOTICE_COLUMNS} FROM scanned_page WHERE student_id IN (?) AND exam_id = ? AND status = ? ORDER BY student_id, paper_id, page_no`,
  copySource: `SELECT ${NOTICE_COLUMNS}, exam_id AS examId FROM scanned_page WHERE id = ? AND status = ? AND student_id IS NOT NULL`,
  setReduced:
    "UPDATE scanned_page SET reduced_blob_key = ?, updated_at = updated_at WHERE id = ? AND reduced_blob_key IS NULL AND DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') = ?",
  copiesOwed:
    'SELECT id FROM scanned_page WHERE status = ? AND student_id IS NOT NULL AND reduced_blob_key IS NULL AND updated_at < NOW(6) - INTERVAL ? SECOND ORDER BY id LIMIT ?',
  recordReadPage:
    // (assignments run left to right: the copy is compared with the alignment before it is overwritten)
    'UPDATE scanned_page SET reduced_blob_key = IF(alignment <=> ?, reduced_blob_key, NULL), paper_id = ?, page_no = ?, exam_no_read = ?, alignment = ?, student_id = ?, status = ?, exception_code = ?, exception_reason = ?, updated_at = CURRENT_TIMESTAMP(6) WHERE id = ?',
  recordSeen:
    'UPDATE scanned_page SET paper_id = ?, page_no = ?, exam_no_read = ?, alignment = ?, status = ?, exception_code = ?, exception_reason = ?, student_id = ?, updated_at = CURRENT_TIMESTAMP(6) WHERE id = ?',
  recordUnread:
    'UPDATE scanned_page SET status = ?, exception_code = ?, exception_reason = ?, student_id = ?, updated_at = CURRENT_TIMESTAMP(6) WHERE id = ?',
  recordSkipped:
    'UPDATE scanned_page SET status = ?, exception_code = ?, exception_reason = ?, student_id = ?, paper_id = ?, page_no = ?, updated_at = CURRENT_TIMESTAMP(6) WHERE id = ?',
  giveUp:
    'UPDATE scanned_page SET status = ?, exception_code = ?, exception_reason = ?, updated_at = CURRENT_TIMESTAMP(6) WHERE id = ? AND status = ?',
  stuckQueued:
    'SELECT id, exam_id AS examId, content_hash AS contentHash FROM scanned_page WHERE status = ? AND updated_at < NOW(6) - INTERVAL ? SECOND ORDER BY id LIMIT ?',
  itemsOnPage:
    'SELECT item_id AS itemId FROM objective_response WHERE page_id = ? UNION SELECT item_id FROM omr_review WHERE page_id = ? UNION SELECT item_id FROM answer_snippet WHERE page_id = ?',
};

/** `alignment` is stored as JSON. */
const seenParams = (s: PageSeen) => [
  s.paperId,
  s.pageNo,
  s.examNoRead,
  s.alignment === null ? null : JSON.stringify(s.alignment),
];

/** The scanned_page table's statements: one uploaded page image, its reading and its outcome. */
@Injectable()
export class ScannedPageRepository {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    /** Ingestion's statements go through SqlPool (see ScanIngestService). */
    @Inject(SqlPool) private readonly sql: SqlPool,
  ) {}

  // ── Ingestion (SqlPool) ──────────────────────────────────────────────────────────────────────────────────────────

  async readPage(id: number): Promise<PageRow | undefined> {
    const [page] = (await this.sql.query(SQL.readPage, [id])) as PageRow[];
    return page;
  }

  /** The page scanned just before this one in its batch, blank and discarded pages aside. */
  async previousInBatch(tx: Tx, page: PageRow): Promise<PageRow | undefined> {
    const [prev] = (await sqlOf(tx).query(SQL.previousInBatch, [
      page.batchId,
      page.id,
      PageStatus.Skipped,
      PageStatus.Discarded,
    ])) as PageRow[];
    return prev;
  }

  /**
   * Pages still waiting to be read a while after their last change: their jobs may have been lost (Redis restarted
   * without persistence, a job's retries spent while MySQL was away). The reconciliation queues them again.
   */
  async stuckQueued(
    olderThanSeconds: number,
    limit: number,
  ): Promise<{ id: number; examId: number; contentHash: string }[]> {
    return (await this.sql.query(SQL.stuckQueued, [PageStatus.Queued, olderThanSeconds, limit])) as {
      id: number;
      examId: number;
      contentHash: string;
    }[];
  }

  /**
   * A page the reconciliation gave up on (its ingest job kept failing): an exception with `reason`, if it is still
   * 'queued' (a retry that read it meanwhile wins).
   */
  async giveUp(id: number, code: string, reason: string): Promise<void> {
    await this.sql.query(SQL.giveUp, [PageStatus.Exception, code, reason.slice(0, 300), id, PageStatus.Queued]);
  }

  /** The page, taken out of its multi-page TIFF, is now its own image `blobKey`. */
  async takenOut(id: number, blobKey: string): Promise<void> {
    await this.sql.query(SQL.takenOut, [blobKey, id]);
  }

  /** Where these pages belong (exam, school) and their file names, for the 失败任务 page. */
  async placesOf(ids: number[]): Promise<{ id: number; examId: number; schoolId: number; originalName: string }[]> {
    if (!ids.length) return [];
    return (await this.sql.query(SQL.placesOf, [ids])) as {
      id: number;
      examId: number;
      schoolId: number;
      originalName: string;
    }[];
  }

  /** The status of the page before this one in its batch (blank pages aside), if there is one. */
  async previousStatus(page: PageRow): Promise<string | undefined> {
    const [prev] = (await this.sql.query(SQL.previousStatus, [page.batchId, page.id, PageStatus.Skipped])) as {
      status: string;
    }[];
    return prev?.status;
  }

  /** The next image of the batch, blank and discarded pages aside. */
  async nextInBatch(page: PageRow): Promise<{ id: number; status: string; pageNo: number | null } | undefined> {
    const [next] = (await this.sql.query(SQL.nextInBatch, [
      page.batchId,
      page.id,
      PageStatus.Skipped,
      PageStatus.Discarded,
    ])) as { id: number; status: string; pageNo: number | null }[];
    return next;
  }

  async nameOf(tx: Tx, id: number): Promise<{ id: number; originalName: string } | undefined> {
    const [page] = (await sqlOf(tx).query(SQL.nameOf, [id])) as { id: number; originalName: string }[];
    return page;
  }

  /**
   * The page read for its student (sent with the transaction's COMMIT). A reduced copy of an earlier reading is kept
   * if this reading aligned the page the same (reading a page twice changes nothing), else dropped: the copy-page
   * job that follows makes the one of this reading.
   */
  recordReadPage(tx: Tx, id: number, seen: PageSeen, studentId: number): void {
    const params = seenParams(seen);
    sqlOf(tx).later(SQL.recordReadPage, [params[3], ...params, studentId, PageStatus.Processed, null, null, id]);
  }

  /** The page waits for the page before it, which is not read yet (sent with the transaction's COMMIT). */
  recordDeferred(tx: Tx, id: number, seen: PageSeen): void {
    sqlOf(tx).later(SQL.recordSeen, [...seenParams(seen), PageStatus.Queued, null, null, null, id]);
  }

  /** An exception for the scanner, with its reason in Chinese and what the reading found, if it found anything. */
  async recordException(id: number, code: string, reason: string, seen?: PageSeen): Promise<void> {
    const verdict = [PageStatus.Exception, code, reason.slice(0, 300), null];
    if (seen) await this.sql.query(SQL.recordSeen, [...seenParams(seen), ...verdict, id]);
    else await this.sql.query(SQL.recordUnread, [...verdict, id]);
  }

  /** A blank page (the back of a duplex scan): left out, not an exception. */
  async recordSkipped(id: number, reason: string): Promise<void> {
    await this.sql.query(SQL.recordSkipped, [PageStatus.Skipped, null, reason, null, null, null, id]);
  }

  // ── Student notices ──────────────────────────────────────────────────────────────────────────────────────────────

  /** The read pages of these students in the exam, with their reduced copies (null where the page predates them). */
  async noticePages(examId: number, studentIds: number[]): Promise<NoticePageRow[]> {
    if (!studentIds.length) return [];
    const rows: Record<string, unknown>[] = await this.sql.query(SQL.noticePages, [
      studentIds,
      examId,
      PageStatus.Processed,
    ]);
    return rows.map(noticeRow);
  }

  /** A page read for a student, as the copy-page job renders its reduced copy from it; null if it is not (any more). */
  async copySource(id: number): Promise<(NoticePageRow & { examId: number }) | null> {
    const [row] = await this.sql.query(SQL.copySource, [id, PageStatus.Processed]);
    return row ? { ...noticeRow(row), examId: Number(row.examId) } : null;
  }

  /** Read pages of students without a reduced copy since a while (the copy-page job was lost): the oldest first. */
  async copiesOwed(olderThanSeconds: number, limit: number): Promise<number[]> {
    const rows: { id: number }[] = await this.sql.query(SQL.copiesOwed, [
      PageStatus.Processed,
      olderThanSeconds,
      limit,
    ]);
    return rows.map((r) => Number(r.id));
  }

  /**
   * The page's reduced copy, recorded unless the page was read again since `version` (that reading's own copy
   * follows); the row's updated_at is left as it was.
   */
  async setReduced(id: number, key: string, version: string): Promise<void> {
    await this.sql.query(SQL.setReduced, [key, id, version]);
  }

  // ── Uploads, views and a person's fixes ──────────────────────────────────────────────────────────────────────────

  findById(id: number, tx?: Tx): Promise<ScannedPage | null> {
    return managerOr(tx, this.ds).getRepository(ScannedPage).findOneBy({ id });
  }

  /** The exam's page with this image, if it was uploaded before. */
  findByContentHash(examId: number, contentHash: string): Promise<ScannedPage | null> {
    return this.ds.getRepository(ScannedPage).findOneBy({ examId, contentHash });
  }

  /** A newly uploaded page, queued for reading. Throws ER_DUP_ENTRY if the same image arrived meanwhile. */
  insertUploaded(
    page: Pick<ScannedPage, 'examId' | 'batchId' | 'schoolId' | 'contentHash' | 'blobKey' | 'originalName'>,
  ): Promise<ScannedPage> {
    return this.ds.getRepository(ScannedPage).save({ ...page, status: PageStatus.Queued });
  }

  /**
   * An upload's new pages, all in the transaction that creates their batch. The same image stored meanwhile by a
   * concurrent upload is left out (INSERT IGNORE on the exam's content hash); the rows this batch got are returned.
   */
  async insertUploadedMany(
    tx: Tx,
    at: { examId: number; batchId: number; schoolId: number },
    pages: { contentHash: string; blobKey: string; originalName: string; sourcePage?: number | null }[],
  ): Promise<{ id: number; examId: number; contentHash: string }[]> {
    const m = managerOf(tx);
    for (let i = 0; i < pages.length; i += 500) {
      const part = pages.slice(i, i + 500);
      await m.query(
        `INSERT IGNORE INTO scanned_page (exam_id, batch_id, school_id, content_hash, blob_key, original_name, status, source_page) VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        part.flatMap((p) => [
          at.examId,
          at.batchId,
          at.schoolId,
          p.contentHash,
          p.blobKey,
          p.originalName,
          PageStatus.Queued,
          p.sourcePage ?? null,
        ]),
      );
    }
    return m.query(
      'SELECT id, exam_id AS examId, content_hash AS contentHash FROM scanned_page WHERE batch_id = ? ORDER BY id',
      [at.batchId],
    );
  }

  /** The exam's pages in one status (of one school, or all), by id. */
  inStatus(examId: number, status: PageStatus, schoolId: number | null): Promise<ScannedPage[]> {
    return this.ds.getRepository(ScannedPage).find({
      where: { examId, status, ...(schoolId !== null ? { schoolId } : {}) },
      order: { id: 'ASC' },
    });
  }

  /**
   * Sheets read (student × paper with a read page) of these papers of the exam, by the student's school (a sheet
   * read for a student of another school counts where the student is on the roster).
   */
  async readSheetsBySchool(examId: number, paperIds: number[]): Promise<Map<number, number>> {
    if (!paperIds.length) return new Map();
    const rows: { schoolId: number; n: number | string }[] = await this.ds.query(SQL.readSheetsBySchool, [
      examId,
      paperIds,
    ]);
    return new Map(rows.map((r) => [Number(r.schoolId), Number(r.n)]));
  }

  /** Pages of the exam by status (of one school, or all). */
  async countByStatus(examId: number, schoolId: number | null): Promise<Map<string, number>> {
    const qb = this.ds
      .getRepository(ScannedPage)
      .createQueryBuilder('p')
      .select('p.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('p.examId = :examId', { examId });
    if (schoolId !== null) qb.andWhere('p.schoolId = :schoolId', { schoolId });
    const rows: { status: string; n: string }[] = await qb.groupBy('p.status').getRawMany();
    return new Map(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** A school's pages of one paper that are read or waiting to be read, by page number. */
  readOrQueued(examId: number, paperId: number, schoolId: number): Promise<ScannedPage[]> {
    return this.ds.getRepository(ScannedPage).find({
      where: { examId, paperId, schoolId, status: In([PageStatus.Processed, PageStatus.Queued]) },
      order: { pageNo: 'ASC', id: 'ASC' },
    });
  }

  /** A page of the paper read for the student (page `pageNo`, or any), if there is one. */
  findRead(
    where: { examId: number; paperId: number; studentId: number; pageNo?: number },
    tx?: Tx,
  ): Promise<ScannedPage | null> {
    return managerOr(tx, this.ds)
      .getRepository(ScannedPage)
      .findOneBy({ ...where, status: PageStatus.Processed });
  }

  /** The next image of the page's batch, blank and discarded pages aside. */
  nextAfter(page: Pick<ScannedPage, 'id' | 'batchId'>, tx?: Tx): Promise<ScannedPage | null> {
    return managerOr(tx, this.ds)
      .getRepository(ScannedPage)
      .createQueryBuilder('p')
      .where('p.batchId = :batchId AND p.id > :id AND p.status NOT IN (:...gone)', {
        batchId: page.batchId,
        id: page.id,
        gone: [PageStatus.Skipped, PageStatus.Discarded],
      })
      .orderBy('p.id', 'ASC')
      .getOne();
  }

  /** Pages refused because the student was marked 缺考 (assigned to them, or with their exam number read). */
  refusedAsAbsent(examId: number, student: { id: number; examNo: string }): Promise<ScannedPage[]> {
    return this.ds
      .getRepository(ScannedPage)
      .createQueryBuilder('p')
      .where(
        'p.examId = :examId AND p.status = :exception AND p.exceptionCode = :code AND (p.forcedStudentId = :id OR p.examNoRead = :examNo)',
        {
          examId,
          exception: PageStatus.Exception,
          code: 'STUDENT_MARKED_ABSENT',
          id: student.id,
          examNo: student.examNo,
        },
      )
      .orderBy('p.id', 'ASC')
      .getMany();
  }

  /** Items the page's answers were recorded for (objective responses, OMR reviews, snippets). */
  async itemsOnPage(tx: Tx, pageId: number): Promise<number[]> {
    const rows: { itemId: number }[] = await queryOf(tx).query(SQL.itemsOnPage, [pageId, pageId, pageId]);
    return rows.map((r) => Number(r.itemId));
  }

  /**
   * A person changed the pages (student, rotation, restored): they wait to be read again, with no verdict until then.
   * `changes` are written with it.
   */
  async queueForReread(
    ids: number[],
    changes: Partial<Pick<ScannedPage, 'forcedStudentId' | 'schoolId' | 'rotation'>> = {},
    tx?: Tx,
  ): Promise<void> {
    if (!ids.length) return;
    await managerOr(tx, this.ds)
      .getRepository(ScannedPage)
      .update({ id: In(ids) }, { ...changes, status: PageStatus.Queued, exceptionCode: null, exceptionReason: null });
  }

  /** Set aside by a person: read and counted by nothing until restored. */
  async discard(tx: Tx, id: number): Promise<void> {
    await managerOr(tx, this.ds)
      .getRepository(ScannedPage)
      .update({ id }, { status: PageStatus.Discarded, studentId: null });
  }

  /** The page's answers moved to another student (re-matched): the page goes with them (queued to be read again, or not). */
  async moveToStudent(
    tx: Tx,
    id: number,
    patch: Pick<ScannedPage, 'studentId' | 'schoolId'> & Partial<Pick<ScannedPage, 'forcedStudentId' | 'status'>>,
  ): Promise<void> {
    await managerOr(tx, this.ds).getRepository(ScannedPage).update({ id }, patch);
  }

  /** Those of these students with a scanned page in any exam (the roster may not remove them). */
  async studentsAmong(studentIds: number[]): Promise<number[]> {
    if (!studentIds.length) return [];
    const rows = await this.ds
      .getRepository(ScannedPage)
      .createQueryBuilder('p')
      .select('DISTINCT p.studentId', 'studentId')
      .where('p.studentId IN (:...ids)', { ids: studentIds })
      .getRawMany<{ studentId: number }>();
    return rows.map((r) => Number(r.studentId));
  }
}

/** A notice row as the pool returns it, typed. */
function noticeRow(r: Record<string, unknown>): NoticePageRow {
  return {
    ...(r as unknown as NoticePageRow),
    id: Number(r.id),
    studentId: Number(r.studentId),
    paperId: Number(r.paperId),
    pageNo: Number(r.pageNo),
    rotation: Number(r.rotation),
    sourcePage: r.sourcePage === null || r.sourcePage === undefined ? null : Number(r.sourcePage),
    alignment:
      typeof r.alignment === 'string' ? JSON.parse(r.alignment) : ((r.alignment as NoticePageRow['alignment']) ?? null),
  };
}
