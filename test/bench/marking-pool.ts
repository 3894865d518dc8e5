// The pools of bench:marking: an exam with BENCH_ITEMS double-marked items, written in bulk SQL (no images needed).
import { randomBytes, randomInt } from 'node:crypto';
import type { TestEnv } from '../support/test-env.js';

export const SUBJECT = '数学';

export interface Pool {
  examId: number;
  itemIds: number[];
  /** The score a snippet "deserves": markers give it ±1, so most pairs agree and some need a third mark. */
  base: Map<number, number>;
}

/** An exam with ITEMS double-marked items and `students` answers per item, written in bulk SQL (no images needed). */
export async function seedPool(
  env: TestEnv,
  allianceId: number,
  schoolId: number,
  uploaderId: number,
  students: number,
  tag: string,
  ITEMS = Number(process.env.BENCH_ITEMS ?? 4),
): Promise<Pool> {
  const ds = env.ds;
  const ex = await ds.query(`INSERT INTO exam (alliance_id, name, grade, status) VALUES (?, ?, '八年级', 'marking')`, [
    allianceId,
    `压测${tag}`,
  ]);
  const examId = Number(ex.insertId);
  const pa = await ds.query(
    `INSERT INTO paper (exam_id, subject, title, full_marks, status) VALUES (?, ?, ?, 100, 'locked')`,
    [examId, SUBJECT, `试卷${tag}`],
  );
  const paperId = Number(pa.insertId);
  const itemIds: number[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const it = await ds.query(
      `INSERT INTO item (paper_id, seq, label, type, max_score, score_step, rounding_mode, marking_mode, tolerance) VALUES (?, ?, ?, 'subjective', 10, 1, 'half_up', 'double', 1)`,
      [paperId, i + 1, String(20 + i)],
    );
    itemIds.push(Number(it.insertId));
  }
  const cl = await ds.query(`INSERT INTO school_class (school_id, name, grade) VALUES (?, ?, '八年级')`, [
    schoolId,
    `压测班${tag}`,
  ]);
  const classId = Number(cl.insertId);
  const bt = await ds.query(
    `INSERT INTO scan_batch (exam_id, school_id, uploaded_by, original_name, page_count) VALUES (?, ?, ?, 'bench.zip', ?)`,
    [examId, schoolId, uploaderId, students],
  );
  const batchId = Number(bt.insertId);
  const base = new Map<number, number>();
  const CH = 1000;
  for (let from = 0; from < students; from += CH) {
    const n = Math.min(CH, students - from);
    const st = await ds.query(
      `INSERT INTO student (alliance_id, school_id, class_id, exam_no, name) VALUES ${Array(n).fill('(?, ?, ?, ?, ?)').join(',')}`,
      Array.from({ length: n }, (_, k) => [
        allianceId,
        schoolId,
        classId,
        `${tag}${from + k}`.slice(0, 20),
        `考生${from + k}`,
      ]).flat(),
    );
    const firstStudent = Number(st.insertId);
    const pg = await ds.query(
      `INSERT INTO scanned_page (exam_id, batch_id, school_id, paper_id, content_hash, blob_key, status, student_id, page_no) VALUES ${Array(n).fill("(?, ?, ?, ?, ?, 'bench/none.jpg', 'processed', ?, 1)").join(',')}`,
      Array.from({ length: n }, (_, k) => [
        examId,
        batchId,
        schoolId,
        paperId,
        randomBytes(16).toString('hex'),
        firstStudent + k,
      ]).flat(),
    );
    const firstPage = Number(pg.insertId);
    for (const itemId of itemIds) {
      const sn = await ds.query(
        `INSERT INTO answer_snippet (exam_id, page_id, student_id, item_id, blob_key, token) VALUES ${Array(n).fill("(?, ?, ?, ?, 'bench/none.jpg', ?)").join(',')}`,
        Array.from({ length: n }, (_, k) => [
          examId,
          firstPage + k,
          firstStudent + k,
          itemId,
          randomBytes(12).toString('hex'),
        ]).flat(),
      );
      const firstSnippet = Number(sn.insertId);
      for (let k = 0; k < n; k++) base.set(firstSnippet + k, 1 + randomInt(0, 9));
      await ds.query(
        `INSERT INTO marking_task (exam_id, item_id, snippet_id, round, status, shuffle_key) VALUES ${Array(n * 2)
          .fill("(?, ?, ?, ?, 'pending', ?)")
          .join(',')}`,
        Array.from({ length: n }, (_, k) =>
          [1, 2].map((round) => [examId, itemId, firstSnippet + k, round, randomInt(0, 2 ** 31 - 1)]).flat(),
        ).flat(),
      );
    }
  }
  return { examId, itemIds, base };
}
