// Writes a generated cohort (domain/generator) into the database as if it had been scanned and marked:
// alliance, schools, their classes (one per school unless asked), students, a prior and a current exam (linked), papers (one per
// subject: the cohort's own and any further ones, see addSubject), items, one processed page per present
// student and paper, and final item scores. Used by tests, the demo and
// bench:analysis. Inserts are multi-row and batched: 3 million item scores must load in minutes, not hours.
import { DataSource, EntityManager } from 'typeorm';
import { User } from '../../../src/auth/entities/user.entity.js';
import { Exam, ExamStatus } from '../../../src/exams/entities/exam.entity.js';
import { Item, ItemType } from '../../../src/exams/entities/item.entity.js';
import { Paper, PaperStatus } from '../../../src/exams/entities/paper.entity.js';
import { Alliance } from '../../../src/org/entities/alliance.entity.js';
import { SchoolClass } from '../../../src/org/entities/school-class.entity.js';
import { Locality, School, SchoolKind } from '../../../src/org/entities/school.entity.js';
import { ScanBatch } from '../../../src/scans/entities/scan-batch.entity.js';
import { PageStatus } from '../../../src/scans/entities/scanned-page.entity.js';
import type { SyntheticCohort, SyntheticExam } from './synthetic-cohort.js';
import { ScoreSource } from '../../../src/marking/entities/final-item-score.entity.js';

export interface LoadedCohort {
  allianceId: number;
  schoolIds: number[];
  /** Database id of each generated student, by generator index. */
  studentIds: number[];
  priorExamId: number;
  currentExamId: number;
  priorPaperId: number;
  currentPaperId: number;
  priorItemIds: number[];
  currentItemIds: number[];
  /** Every subject's papers, the cohort's own first. */
  papers: { subject: string; priorPaperId: number; currentPaperId: number; currentItemIds: number[] }[];
}

/** A further subject of the cohort (from addSubject), loaded as a second paper of both exams. */
export interface ExtraSubject {
  subject: string;
  prior: SyntheticExam;
  current: SyntheticExam;
}

export interface LoadOptions {
  code?: string;
  subject?: string;
  /**
   * 'items' (default): the prior exam gets pages and item scores like the current one (compute it first).
   * 'results': only its student_result rows are written, as if it had been computed long ago (faster).
   */
  prior?: 'items' | 'results';
  batchRows?: number;
  /**
   * 'responses' (default): 0/1 items are written as OMR readings (objective_response), which the results job
   * turns into final scores, as after a real scan; 'final': every item straight into final_item_score.
   */
  objective?: 'responses' | 'final';
  /** Called after each batch of item scores with rows written so far. */
  progress?: (rows: number) => void;
  /** Further subjects of the same students: one more paper per subject in each exam. */
  extraSubjects?: ExtraSubject[];
  /** Classes per school (1): a school's students are dealt to them in turn, by generator index. */
  classesPerSchool?: number;
}

const COGNITIVE_LEVELS = ['了解', '理解', '掌握', '运用'];

/** INSERT of many rows of numbers and pre-escaped literals, in batches. */
async function insertRows(
  m: EntityManager | DataSource,
  head: string,
  rows: Iterable<string>,
  batch: number,
  onBatch?: (n: number) => void,
): Promise<number> {
  let buf: string[] = [];
  let n = 0;
  for (const r of rows) {
    buf.push(r);
    if (buf.length >= batch) {
      await m.query(`${head} VALUES ${buf.join(',')}`);
      n += buf.length;
      buf = [];
      onBatch?.(n);
    }
  }
  if (buf.length) {
    await m.query(`${head} VALUES ${buf.join(',')}`);
    n += buf.length;
    onBatch?.(n);
  }
  return n;
}

export async function loadCohort(ds: DataSource, c: SyntheticCohort, opts: LoadOptions = {}): Promise<LoadedCohort> {
  const code = opts.code ?? `SYN${c.options.seed}_${Date.now().toString(36)}`;
  const subject = opts.subject ?? '数学';
  const batch = opts.batchRows ?? 5000;
  const alliance = await ds.getRepository(Alliance).save({ name: `模拟教联体${c.options.seed}`, code });
  const schools = await ds.getRepository(School).save(
    c.schools.map((s) => ({
      allianceId: alliance.id,
      name: `${s.locality === 'urban' ? '城区' : '乡村'}模拟学校${String(s.index + 1).padStart(3, '0')}`,
      code: `S${String(s.index + 1).padStart(4, '0')}`,
      kind: s.kind === 'lead' ? SchoolKind.Lead : SchoolKind.Member,
      locality: s.locality === 'urban' ? Locality.Urban : Locality.Rural,
    })),
  );
  const perSchool = Math.max(1, opts.classesPerSchool ?? 1);
  const classes = await ds
    .getRepository(SchoolClass)
    .save(
      schools.flatMap((s) =>
        Array.from({ length: perSchool }, (_, k) => ({ schoolId: s.id, name: `七年级(${k + 1})班`, grade: '七年级' })),
      ),
    );
  const classOf = (st: { index: number; school: number }) => classes[st.school * perSchool + (st.index % perSchool)].id;
  const uploader = await ds.getRepository(User).save({
    username: `syn_${code}`.slice(0, 60),
    displayName: '模拟扫描员',
    passwordHash: '-',
    allianceId: alliance.id,
    active: true,
  });

  // Students: ids are allocated consecutively by the multi-row insert; read them back by exam number.
  const examNo = (i: number) => `${9000000 + i}`;
  await insertRows(
    ds,
    'INSERT INTO student (alliance_id, school_id, class_id, exam_no, name)',
    (function* () {
      for (const st of c.students)
        yield `(${alliance.id},${schools[st.school].id},${classOf(st)},'${examNo(st.index)}','学生${st.index + 1}')`;
    })(),
    batch,
  );
  const idRows: { id: number; examNo: string }[] = await ds.query(
    'SELECT id, exam_no AS examNo FROM student WHERE alliance_id = ?',
    [alliance.id],
  );
  const byNo = new Map(idRows.map((r) => [r.examNo, Number(r.id)]));
  const studentIds = c.students.map((st) => byNo.get(examNo(st.index))!);

  const makeExam = async (name: string, priorExamId: number | null) =>
    ds
      .getRepository(Exam)
      .save({ allianceId: alliance.id, name, grade: '七年级', status: ExamStatus.Marking, priorExamId });
  const makePaper = async (examId: number, paperSubject: string, e: SyntheticExam) => {
    const paper = await ds.getRepository(Paper).save({
      examId,
      subject: paperSubject,
      title: `七年级${paperSubject}`,
      fullMarks: e.fullMarks,
      status: PaperStatus.Locked,
    });
    const items = await ds.getRepository(Item).save(
      e.items.map((it) => ({
        paperId: paper.id,
        seq: it.seq,
        label: String(it.seq),
        type: it.maxScore === 1 ? ItemType.SingleChoice : ItemType.Subjective,
        maxScore: it.maxScore,
        answerKey: it.maxScore === 1 ? 'A' : null,
        knowledgePoints: [`知识点${1 + (it.seq % 6)}`],
        cognitiveLevel: COGNITIVE_LEVELS[it.seq % COGNITIVE_LEVELS.length],
      })),
    );
    return { paper, itemIds: items.map((i) => i.id) };
  };

  const writeSheets = async (examId: number, paperId: number, itemIds: number[], e: SyntheticExam) => {
    const batches = await ds
      .getRepository(ScanBatch)
      .save(schools.map((s) => ({ examId, schoolId: s.id, uploadedBy: uploader.id, originalName: 'synthetic.zip' })));
    await insertRows(
      ds,
      'INSERT INTO scanned_page (exam_id, batch_id, school_id, paper_id, content_hash, blob_key, status, student_id, page_no)',
      (function* () {
        for (const st of c.students) {
          if (!Number.isFinite(e.totals[st.index])) continue;
          yield `(${examId},${batches[st.school].id},${schools[st.school].id},${paperId},'${paperId}-${st.index}','synthetic','${PageStatus.Processed}',${studentIds[st.index]},1)`;
        }
      })(),
      batch,
    );
    const k = itemIds.length;
    const omr = (j: number) => (opts.objective ?? 'responses') === 'responses' && e.items[j].maxScore === 1;
    let written = 0;
    const progress = opts.progress && ((n: number) => opts.progress!(written + n));
    written += await insertRows(
      ds,
      'INSERT INTO final_item_score (exam_id, paper_id, student_id, item_id, score, source, rule_version)',
      (function* () {
        for (const st of c.students) {
          if (!Number.isFinite(e.totals[st.index])) continue;
          const sid = studentIds[st.index];
          for (let j = 0; j < k; j++)
            if (!omr(j))
              yield `(${examId},${paperId},${sid},${itemIds[j]},${e.scores[st.index * k + j]},'${ScoreSource.Marking}','synthetic')`;
        }
      })(),
      batch,
      progress,
    );
    if (!e.items.some((_, j) => omr(j))) return;
    const pageRows: { id: number; studentId: number }[] = await ds.query(
      'SELECT id, student_id AS studentId FROM scanned_page WHERE exam_id = ? AND paper_id = ?',
      [examId, paperId],
    );
    const pageOf = new Map(pageRows.map((r) => [Number(r.studentId), Number(r.id)]));
    await insertRows(
      ds,
      'INSERT INTO objective_response (exam_id, page_id, student_id, item_id, marked, score)',
      (function* () {
        for (const st of c.students) {
          if (!Number.isFinite(e.totals[st.index])) continue;
          const sid = studentIds[st.index];
          for (let j = 0; j < k; j++) {
            if (!omr(j)) continue;
            const x = e.scores[st.index * k + j];
            yield `(${examId},${pageOf.get(sid)},${sid},${itemIds[j]},'${x ? 'A' : 'B'}',${x})`;
          }
        }
      })(),
      batch,
      progress,
    );
  };

  const subjects = [{ subject, prior: c.prior, current: c.current }, ...(opts.extraSubjects ?? [])];
  const priorExam = await makeExam('上学期期末统考（模拟）', null);
  const currentExam = await makeExam('本学期期中统考（模拟）', priorExam.id);
  const papers: (LoadedCohort['papers'][number] & { priorItemIds: number[] })[] = [];
  for (const sub of subjects) {
    const prior = await makePaper(priorExam.id, sub.subject, sub.prior);
    if ((opts.prior ?? 'items') === 'items') await writeSheets(priorExam.id, prior.paper.id, prior.itemIds, sub.prior);
    else await writePriorResults(ds, priorExam.id, prior.paper.id, sub.prior, c, studentIds, schools, batch);
    const current = await makePaper(currentExam.id, sub.subject, sub.current);
    await writeSheets(currentExam.id, current.paper.id, current.itemIds, sub.current);
    papers.push({
      subject: sub.subject,
      priorPaperId: prior.paper.id,
      currentPaperId: current.paper.id,
      currentItemIds: current.itemIds,
      priorItemIds: prior.itemIds,
    });
  }
  return {
    allianceId: alliance.id,
    schoolIds: schools.map((s) => s.id),
    studentIds,
    priorExamId: priorExam.id,
    currentExamId: currentExam.id,
    priorPaperId: papers[0].priorPaperId,
    currentPaperId: papers[0].currentPaperId,
    priorItemIds: papers[0].priorItemIds,
    currentItemIds: papers[0].currentItemIds,
    papers: papers.map(({ priorItemIds: _p, ...rest }) => rest),
  };
}

/** The prior exam as if computed long ago: only its student_result rows (faster than pages and item scores). */
async function writePriorResults(
  ds: DataSource,
  examId: number,
  paperId: number,
  e: SyntheticExam,
  c: SyntheticCohort,
  studentIds: number[],
  schools: School[],
  batch: number,
): Promise<void> {
  await insertRows(
    ds,
    'INSERT INTO student_result (exam_id, paper_id, student_id, school_id, total, absent)',
    (function* () {
      for (const st of c.students) {
        const t = e.totals[st.index];
        yield `(${examId},${paperId},${studentIds[st.index]},${schools[st.school].id},${Number.isFinite(t) ? t : 'NULL'},${Number.isFinite(t) ? 0 : 1})`;
      }
    })(),
    batch,
  );
}
