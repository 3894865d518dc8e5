import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, type Tx } from '../database/unit-of-work.js';
import type { ExamViolation } from './entities/exam-violation.entity.js';

export interface ViolationRow {
  id: number;
  studentId: number;
  paperId: number;
  subject: string;
  kind: string;
  note: string;
  recordedBy: string;
  createdAt: Date;
}

/** 违纪 records of exams. */
@Injectable()
export class ExamViolationRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  async record(tx: Tx, v: Omit<ExamViolation, 'id' | 'createdAt'>): Promise<number> {
    const res = await managerOf(tx).query(
      'INSERT INTO exam_violation (exam_id, paper_id, student_id, room_id, kind, note, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [v.examId, v.paperId, v.studentId, v.roomId, v.kind, v.note, v.recordedBy],
    );
    return Number(res.insertId);
  }

  /** Those of these students who have a 违纪 record (the roster keeps them: a record is never deleted with a student). */
  async studentsAmong(studentIds: number[]): Promise<number[]> {
    if (!studentIds.length) return [];
    const rows: { id: number }[] = await this.ds.query(
      `SELECT DISTINCT student_id AS id FROM exam_violation WHERE student_id IN (${studentIds.map(() => '?').join(', ')})`,
      studentIds,
    );
    return rows.map((r) => Number(r.id));
  }

  /** The records of the students seated in a room, oldest first. */
  ofRoom(examId: number, roomId: number): Promise<ViolationRow[]> {
    return this.ds.query(
      'SELECT v.id, v.student_id AS studentId, v.paper_id AS paperId, p.subject, v.kind, v.note, ' +
        'u.display_name AS recordedBy, v.created_at AS createdAt FROM exam_violation v ' +
        'JOIN paper p ON p.id = v.paper_id LEFT JOIN `user` u ON u.id = v.recorded_by ' +
        'WHERE v.exam_id = ? AND v.student_id IN (SELECT student_id FROM exam_candidate WHERE exam_id = ? AND room_id = ?) ' +
        'ORDER BY v.id',
      [examId, examId, roomId],
    );
  }
}
