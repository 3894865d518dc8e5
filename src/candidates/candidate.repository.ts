import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, managerOr, queryOf, type Tx } from '../database/unit-of-work.js';

/** A student of the exam's grade with what numbering and seating need, and what the exam gave them so far. */
export interface CandidateRow {
  studentId: number;
  name: string;
  rosterNo: string;
  schoolId: number;
  schoolName: string;
  schoolCode: string;
  classId: number;
  className: string;
  examNumber: string | null;
  roomId: number | null;
  roomNo: number | null;
  roomName: string | null;
  seat: number | null;
  special: boolean;
}

/** What a read exam number says within an exam (ingestion). */
export interface ExamNumberLookup {
  /** The exam has exam numbers of its own; when false, the roster's numbers identify students. */
  numbered: boolean;
  /** The student with that exam number, if any. */
  studentId: number | null;
  /** The check-digit scheme of the exam's rule ('damm', 'luhn', 'none'), null when not numbered. */
  checkDigit: string | null;
}

export interface CandidatePlanRow {
  numberRule: unknown;
  checkDigit: string | null;
  numberedAt: Date | null;
  seating: unknown;
  seatedAt: Date | null;
}

const CHUNK = 1000;

const CANDIDATES =
  'SELECT st.id AS studentId, st.name, st.exam_no AS rosterNo, sc.id AS schoolId, sc.name AS schoolName, sc.code AS schoolCode, ' +
  'cl.id AS classId, cl.name AS className, c.exam_number AS examNumber, c.room_id AS roomId, r.room_no AS roomNo, ' +
  'r.name AS roomName, c.seat, COALESCE(c.special, 0) AS special ' +
  'FROM student st JOIN school sc ON sc.id = st.school_id JOIN school_class cl ON cl.id = st.class_id ' +
  'LEFT JOIN exam_candidate c ON c.exam_id = ? AND c.student_id = st.id LEFT JOIN exam_room r ON r.id = c.room_id ';

const row = (r: CandidateRow): CandidateRow => ({ ...r, special: !!Number(r.special) });

/** Exam candidates (exam_candidate) and the 考务 settings they were made with (exam_candidate_plan). */
@Injectable()
export class CandidateRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /**
   * Who holds the exam number in the exam, and whether the exam has numbers of its own at all, in one statement.
   * Runs in either kind of transaction (ingestion uses the SqlPool's).
   */
  async studentByExamNumber(tx: Tx, examId: number, examNumber: string): Promise<ExamNumberLookup> {
    const [r] = (await queryOf(tx).query(
      'SELECT (SELECT student_id FROM exam_candidate WHERE exam_id = ? AND exam_number = ?) AS studentId, ' +
        '(SELECT check_digit FROM exam_candidate_plan WHERE exam_id = ? AND numbered_at IS NOT NULL) AS checkDigit',
      [examId, examNumber, examId],
    )) as { studentId: number | null; checkDigit: string | null }[];
    return {
      numbered: r.checkDigit !== null,
      studentId: r.studentId === null ? null : Number(r.studentId),
      checkDigit: r.checkDigit,
    };
  }

  /** The student holding the exam number in the exam (outside ingestion), or null. */
  async studentIdByExamNumber(examId: number, examNumber: string): Promise<number | null> {
    const [r] = await this.ds.query(
      'SELECT student_id AS s FROM exam_candidate WHERE exam_id = ? AND exam_number = ?',
      [examId, examNumber],
    );
    return r ? Number(r.s) : null;
  }

  /** The student's exam number in the exam, null when the exam gave them none. */
  async numberOf(tx: Tx | undefined, examId: number, studentId: number): Promise<string | null> {
    const q = tx ? queryOf(tx) : this.ds;
    const [r] = (await q.query('SELECT exam_number AS n FROM exam_candidate WHERE exam_id = ? AND student_id = ?', [
      examId,
      studentId,
    ])) as { n: string | null }[];
    return r?.n ?? null;
  }

  /** The exam numbers of these students in the exam (studentId → number), for those that have one. */
  async numbersOf(examId: number, studentIds: number[]): Promise<Map<number, string>> {
    if (!studentIds.length) return new Map();
    const rows: { s: number; n: string }[] = await this.ds.query(
      'SELECT student_id AS s, exam_number AS n FROM exam_candidate WHERE exam_id = ? AND student_id IN (?) AND exam_number IS NOT NULL',
      [examId, studentIds],
    );
    return new Map(rows.map((r) => [Number(r.s), r.n]));
  }

  /** The alliance's students of the exam's grade (classes without a grade count: we cannot tell), with their exam rows. */
  async candidatesOf(examId: number, allianceId: number, grade: string, tx?: Tx): Promise<CandidateRow[]> {
    const rows: CandidateRow[] = await managerOr(tx, this.ds).query(
      CANDIDATES +
        "WHERE st.alliance_id = ? AND (? = '' OR cl.grade = '' OR cl.grade = ?) ORDER BY sc.code, sc.id, cl.name, st.exam_no",
      [examId, allianceId, grade, grade],
    );
    return rows.map(row);
  }

  /** The candidates seated in one room, by seat. */
  async ofRoom(examId: number, roomId: number): Promise<CandidateRow[]> {
    const rows: CandidateRow[] = await this.ds.query(CANDIDATES + 'WHERE c.room_id = ? ORDER BY c.seat', [
      examId,
      roomId,
    ]);
    return rows.map(row);
  }

  /** One candidate of the exam (with room and seat), or null. */
  async findOne(examId: number, studentId: number): Promise<CandidateRow | null> {
    const rows: CandidateRow[] = await this.ds.query(CANDIDATES + 'WHERE st.id = ?', [examId, studentId]);
    return rows.length ? row(rows[0]) : null;
  }

  /** How many of the exam's candidates have an exam number. */
  async numberedCount(examId: number): Promise<number> {
    const [r] = await this.ds.query(
      'SELECT COUNT(*) AS n FROM exam_candidate WHERE exam_id = ? AND exam_number IS NOT NULL',
      [examId],
    );
    return Number(r.n);
  }

  /** Writes every student's exam number (studentId → number); others of the exam lose theirs. */
  async replaceNumbers(tx: Tx, examId: number, numbers: Map<number, string>): Promise<void> {
    const m = managerOf(tx);
    // Cleared first: a number may move from one student to another, and the unique key holds after every statement.
    await m.query('UPDATE exam_candidate SET exam_number = NULL WHERE exam_id = ?', [examId]);
    const entries = [...numbers.entries()];
    for (let i = 0; i < entries.length; i += CHUNK) {
      const chunk = entries.slice(i, i + CHUNK);
      await m.query(
        'INSERT INTO exam_candidate (exam_id, student_id, exam_number) VALUES ' +
          chunk.map(() => '(?, ?, ?)').join(', ') +
          ' ON DUPLICATE KEY UPDATE exam_number = VALUES(exam_number)',
        chunk.flatMap(([studentId, n]) => [examId, studentId, n]),
      );
    }
  }

  /** Flags exactly these students of the exam for a special room. */
  async setSpecial(tx: Tx, examId: number, studentIds: number[]): Promise<void> {
    const m = managerOf(tx);
    await m.query('UPDATE exam_candidate SET special = 0 WHERE exam_id = ?', [examId]);
    for (let i = 0; i < studentIds.length; i += CHUNK) {
      const chunk = studentIds.slice(i, i + CHUNK);
      await m.query(
        'INSERT INTO exam_candidate (exam_id, student_id, special) VALUES ' +
          chunk.map(() => '(?, ?, 1)').join(', ') +
          ' ON DUPLICATE KEY UPDATE special = 1',
        chunk.flatMap((s) => [examId, s]),
      );
    }
  }

  /** Seats the students (studentId, room id, seat); every other candidate of the exam loses room and seat. */
  async replaceSeats(
    tx: Tx,
    examId: number,
    seats: { studentId: number; roomId: number; seat: number }[],
  ): Promise<void> {
    const m = managerOf(tx);
    await m.query('UPDATE exam_candidate SET room_id = NULL, seat = NULL WHERE exam_id = ?', [examId]);
    for (let i = 0; i < seats.length; i += CHUNK) {
      const chunk = seats.slice(i, i + CHUNK);
      await m.query(
        'INSERT INTO exam_candidate (exam_id, student_id, room_id, seat) VALUES ' +
          chunk.map(() => '(?, ?, ?, ?)').join(', ') +
          ' ON DUPLICATE KEY UPDATE room_id = VALUES(room_id), seat = VALUES(seat)',
        chunk.flatMap((s) => [examId, s.studentId, s.roomId, s.seat]),
      );
    }
  }

  /** The exam's 考务 settings, null before any were saved. */
  async plan(examId: number, tx?: Tx): Promise<CandidatePlanRow | null> {
    const [r] = await managerOr(tx, this.ds).query(
      'SELECT number_rule AS numberRule, check_digit AS checkDigit, numbered_at AS numberedAt, seating, seated_at AS seatedAt ' +
        'FROM exam_candidate_plan WHERE exam_id = ?',
      [examId],
    );
    if (!r) return null;
    return {
      ...r,
      numberRule: r.numberRule ? JSON.parse(r.numberRule) : null,
      seating: r.seating ? JSON.parse(r.seating) : null,
    };
  }

  /** Records the rule the exam's numbers were generated with, now. */
  async saveNumberRule(tx: Tx, examId: number, rule: unknown, checkDigit: string): Promise<void> {
    await managerOf(tx).query(
      'INSERT INTO exam_candidate_plan (exam_id, number_rule, check_digit, numbered_at) VALUES (?, ?, ?, NOW()) ' +
        'ON DUPLICATE KEY UPDATE number_rule = VALUES(number_rule), check_digit = VALUES(check_digit), numbered_at = NOW()',
      [examId, JSON.stringify(rule), checkDigit],
    );
  }

  /** Records the settings the exam's rooms were allocated with, now. */
  async saveSeating(tx: Tx, examId: number, seating: unknown): Promise<void> {
    await managerOf(tx).query(
      'INSERT INTO exam_candidate_plan (exam_id, seating, seated_at) VALUES (?, ?, NOW()) ' +
        'ON DUPLICATE KEY UPDATE seating = VALUES(seating), seated_at = NOW()',
      [examId, JSON.stringify(seating)],
    );
  }

  /** Locks the exam's plan row (created if missing): one generation or allocation of an exam at a time. */
  async lockPlan(tx: Tx, examId: number): Promise<void> {
    const m = managerOf(tx);
    await m.query('INSERT IGNORE INTO exam_candidate_plan (exam_id) VALUES (?)', [examId]);
    await m.query('SELECT exam_id FROM exam_candidate_plan WHERE exam_id = ? FOR UPDATE', [examId]);
  }
}
