import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The notice_code table's statements (checked in as queries/notice-code.repository.sql). */
export const SQL = {
  insert:
    'INSERT INTO notice_code (exam_id, student_id, school_id, class_id, code_hash, code_sealed, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)',
  revokeStudents:
    'UPDATE notice_code SET revoked_at = CURRENT_TIMESTAMP(3), revoked_by = ? WHERE exam_id = ? AND class_id = ? AND student_id IN (?) AND revoked_at IS NULL',
  ofClass:
    'SELECT id, student_id AS studentId, code_sealed AS codeSealed, created_at AS createdAt, revoked_at AS revokedAt FROM notice_code WHERE exam_id = ? AND class_id = ? ORDER BY id',
  byHash:
    'SELECT id, exam_id AS examId, student_id AS studentId, school_id AS schoolId, class_id AS classId, revoked_at AS revokedAt FROM notice_code WHERE code_hash = ?',
};

export interface NoticeCodeRow {
  id: number;
  studentId: number;
  codeSealed: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface NoticeCodeHit {
  id: number;
  examId: number;
  studentId: number;
  schoolId: number;
  classId: number;
  revokedAt: Date | null;
}

@Injectable()
export class NoticeCodeRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** New codes of a class; the students' earlier live codes are revoked in the same transaction. */
  async replace(
    at: { examId: number; schoolId: number; classId: number; by: number },
    codes: { studentId: number; codeHash: string; codeSealed: string }[],
  ): Promise<void> {
    if (!codes.length) return;
    await this.ds.transaction(async (m) => {
      await m.query(SQL.revokeStudents, [at.by, at.examId, at.classId, codes.map((c) => c.studentId)]);
      // one row per statement: a class is at most a few dozen students
      for (const c of codes)
        await m.query(SQL.insert, [at.examId, c.studentId, at.schoolId, at.classId, c.codeHash, c.codeSealed, at.by]);
    });
  }

  async revoke(at: { examId: number; classId: number; by: number }, studentIds: number[]): Promise<number> {
    if (!studentIds.length) return 0;
    const r = await this.ds.query(SQL.revokeStudents, [at.by, at.examId, at.classId, studentIds]);
    return Number(r?.affectedRows ?? 0);
  }

  async ofClass(examId: number, classId: number): Promise<NoticeCodeRow[]> {
    const rows: NoticeCodeRow[] = await this.ds.query(SQL.ofClass, [examId, classId]);
    return rows.map((r) => ({ ...r, id: Number(r.id), studentId: Number(r.studentId) }));
  }

  async byHash(codeHash: string): Promise<NoticeCodeHit | null> {
    const [r] = await this.ds.query(SQL.byHash, [codeHash]);
    return r
      ? {
          ...r,
          id: Number(r.id),
          examId: Number(r.examId),
          studentId: Number(r.studentId),
          schoolId: Number(r.schoolId),
          classId: Number(r.classId),
        }
      : null;
  }
}
