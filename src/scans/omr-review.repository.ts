import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, managerOr, queryOf, sqlOf, type Tx, writeWith } from '../database/unit-of-work.js';
import { OmrReview, OmrReviewStatus } from './entities/omr-review.entity.js';

/** An objective item a reading could not decide, as ingestion opens (or refreshes) its review. */
export interface OpenReview {
  examId: number;
  schoolId: number;
  pageId: number;
  studentId: number;
  itemId: number;
  options: string;
  readMarked: string;
  verdict: string;
  confidence: number;
  fills: number[];
  inks: number[];
  cropBlobKey: string | null;
}

/** The statements, checked in as text (queries/omr-review.repository.sql). */
export const SQL = {
  ofStudent: 'SELECT id, item_id AS itemId, status FROM omr_review WHERE student_id = ?',
  recordOpen:
    'INSERT INTO omr_review (exam_id, school_id, page_id, student_id, item_id, options, read_marked, verdict, confidence, fills, inks, crop_blob_key, status) VALUES ? ' +
    'ON DUPLICATE KEY UPDATE page_id = VALUES(page_id), read_marked = VALUES(read_marked), verdict = VALUES(verdict), confidence = VALUES(confidence), fills = VALUES(fills), inks = VALUES(inks), crop_blob_key = VALUES(crop_blob_key)',
  dropOpen: 'DELETE FROM omr_review WHERE status = ? AND id IN (?)',
  deleteLeftOver: 'DELETE FROM omr_review WHERE student_id = ? AND item_id IN (?) AND page_id <> ?',
  moveToStudent: 'UPDATE omr_review SET student_id = ?, school_id = ? WHERE page_id = ?',
  lockStatus: 'SELECT status FROM omr_review WHERE id = ? FOR UPDATE',
  countOpenOfExam: "SELECT COUNT(*) AS n FROM omr_review WHERE exam_id = ? AND status = 'open'",
  countOpenOfSchool: "SELECT COUNT(*) AS n FROM omr_review WHERE exam_id = ? AND status = 'open' AND school_id = ?",
};

/** The omr_review table's statements: objective items waiting for a person, and how each was resolved. */
@Injectable()
export class OmrReviewRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** The student's reviews by item (ingestion, in its transaction). */
  async ofStudent(tx: Tx, studentId: number): Promise<Map<number, { id: number; status: string }>> {
    const rows = (await sqlOf(tx).query(SQL.ofStudent, [studentId])) as {
      id: number;
      itemId: number;
      status: string;
    }[];
    return new Map(rows.map((r) => [Number(r.itemId), r]));
  }

  /** Opens these reviews, or refreshes what an open one shows (rides with the next round trip). */
  async recordOpen(tx: Tx, reviews: OpenReview[]): Promise<void> {
    if (!reviews.length) return;
    const values = reviews.map((r) => [
      r.examId,
      r.schoolId,
      r.pageId,
      r.studentId,
      r.itemId,
      r.options,
      r.readMarked,
      r.verdict,
      r.confidence.toFixed(3),
      JSON.stringify(r.fills),
      JSON.stringify(r.inks),
      r.cropBlobKey,
      OmrReviewStatus.Open,
    ]);
    await writeWith(tx, SQL.recordOpen, [values]);
  }

  /** Open reviews of items a new reading decided with confidence (resolved ones stand; rides with the next round trip). */
  async dropOpen(tx: Tx, ids: number[]): Promise<void> {
    if (!ids.length) return;
    await writeWith(tx, SQL.dropOpen, [OmrReviewStatus.Open, ids]);
  }

  /** The student's reviews of these items from any other page (left over: a re-matched page brings its own). */
  async deleteLeftOver(tx: Tx, studentId: number, itemIds: number[], pageId: number): Promise<void> {
    if (!itemIds.length) return;
    await queryOf(tx).query(SQL.deleteLeftOver, [studentId, itemIds, pageId]);
  }

  /** The page's reviews follow it to another student (resolved ones with their decision). */
  async moveToStudent(tx: Tx, pageId: number, student: { id: number; schoolId: number }): Promise<void> {
    await queryOf(tx).query(SQL.moveToStudent, [student.id, student.schoolId, pageId]);
  }

  findById(id: number): Promise<OmrReview | null> {
    return this.ds.getRepository(OmrReview).findOneBy({ id });
  }

  /** The exam's reviews (of one school, or all), by id. */
  ofExam(examId: number, schoolId: number | null): Promise<OmrReview[]> {
    return this.ds.getRepository(OmrReview).find({
      where: schoolId !== null ? { examId, schoolId } : { examId },
      order: { id: 'ASC' },
    });
  }

  /** Open reviews of the exam (of one school, or all). */
  async countOpen(examId: number, schoolId: number | null): Promise<number> {
    const [{ n }] =
      schoolId !== null
        ? await this.ds.query(SQL.countOpenOfSchool, [examId, schoolId])
        : await this.ds.query(SQL.countOpenOfExam, [examId]);
    return Number(n);
  }

  /** The review's status, locked until the transaction ends (two people resolving it at once go one after the other). */
  async lockStatus(tx: Tx, id: number): Promise<OmrReviewStatus | undefined> {
    const rows: { status: OmrReviewStatus }[] = await managerOf(tx).query(SQL.lockStatus, [id]);
    return rows[0]?.status;
  }

  /** A person decided what is marked. */
  async markResolved(tx: Tx, id: number, marked: string, userId: number): Promise<void> {
    await managerOr(tx, this.ds)
      .getRepository(OmrReview)
      .update(
        { id },
        { status: OmrReviewStatus.Resolved, resolvedMarked: marked, resolvedBy: userId, resolvedAt: new Date() },
      );
  }
}
