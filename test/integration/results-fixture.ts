// A small exam written straight to the database, shared by the results and reports tests.
// Figures expected from it are worked out by hand in the tests.
import { DataSource } from 'typeorm';
import { Role } from '../../src/common/role.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { Item, ItemType } from '../../src/exams/entities/item.entity.js';
import { Paper, PaperStatus } from '../../src/exams/entities/paper.entity.js';
import { SchoolClass } from '../../src/org/entities/school-class.entity.js';
import { Locality, SchoolKind } from '../../src/org/entities/school.entity.js';
import { Student } from '../../src/org/entities/student.entity.js';
import { FinalItemScore, ScoreSource } from '../../src/marking/entities/final-item-score.entity.js';
import { ExamAbsence } from '../../src/scans/entities/exam-absence.entity.js';
import { ObjectiveResponse } from '../../src/scans/entities/objective-response.entity.js';
import { ScanBatch } from '../../src/scans/entities/scan-batch.entity.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import { createAlliance, createSchool, createUser } from '../support/fixtures.js';
import { releaseResults } from '../support/release.js';

export const NAMES = { lead: '城关第一中学', member: '河口乡中学', comparison: '县实验中学' };

/** [q1, q2, q3] per student; null q3 = subjective marking not finished. q1/q2 objective (3 marks each, keys B and C), q3 subjective (14). */
type Row = [number, number, number | null];
// prettier-ignore
const A_ROWS: Row[] = [
  [3, 3, 14], // 20
  [3, 3, 12], // 18
  [3, 0, 11], // 14
  [0, 3, 10], // 13
  [3, 0, 8], // 11
  [0, 0, 6], // 6
];
// prettier-ignore
const B_ROWS: Row[] = [
  [3, 3, 10], // 16
  [3, 0, 9], // 12
  [0, 3, 7], // 10
  [0, 0, 8], // 8
  [3, 0, 4], // 7
  [0, 0, 3], // 3
  [3, 3, null], // b7: incomplete, subjective not marked yet
];
// prettier-ignore
const C_ROWS: Row[] = [
  [3, 3, 10], // 16
  [3, 0, 10], // 13
  [0, 3, 10], // 13
  [3, 3, 8], // 14
  [0, 0, 10], // 10
  [0, 0, 9], // c6: OMR says 0 on q1, a marking correction says 3 → 12
];

export interface ResultsFixture {
  allianceId: number;
  examId: number;
  paperId: number;
  schools: { lead: number; member: number; comparison: number };
  itemIds: number[];
  studentIds: {
    lead: number[];
    member: number[];
    comparison: number[];
    absent: number;
    pendingException: number;
    otherGrade: number;
  };
  users: { admin: string; principalA: string; principalB: string; marker: string };
  password: string;
}

/** `released` false: the results are not released to principals (成绩发布) until a test does it. */
export async function buildResultsFixture(ds: DataSource, tag = 'r', released = true): Promise<ResultsFixture> {
  const alliance = await createAlliance(ds, '城南教联体', `CN${tag}${Date.now().toString(36)}`);
  const lead = await createSchool(ds, alliance.id, NAMES.lead, 'S01', SchoolKind.Lead, Locality.Urban);
  const member = await createSchool(ds, alliance.id, NAMES.member, 'S02', SchoolKind.Member, Locality.Rural);
  const comparison = await createSchool(
    ds,
    alliance.id,
    NAMES.comparison,
    'S99',
    SchoolKind.Comparison,
    Locality.Urban,
  );
  const password = 'test-pass-123';
  const users = { admin: `adm_${tag}`, principalA: `pa_${tag}`, principalB: `pb_${tag}`, marker: `mk_${tag}` };
  const admin = await createUser(ds, users.admin, password, [{ role: Role.Admin, allianceId: alliance.id }]);
  await createUser(ds, users.principalA, password, [
    { role: Role.Principal, allianceId: alliance.id, schoolId: lead.id },
  ]);
  await createUser(ds, users.principalB, password, [
    { role: Role.Principal, allianceId: alliance.id, schoolId: member.id },
  ]);
  await createUser(ds, users.marker, password, [{ role: Role.Marker, allianceId: alliance.id, subject: '数学' }]);

  const exam = await ds
    .getRepository(Exam)
    .save({ allianceId: alliance.id, name: '2025学年第一学期期中统考', grade: '七年级' });
  const paper = await ds
    .getRepository(Paper)
    .save({ examId: exam.id, subject: '数学', title: '七年级数学', fullMarks: 20, status: PaperStatus.Locked });
  const items = await ds.getRepository(Item).save([
    {
      paperId: paper.id,
      seq: 1,
      label: '1',
      type: ItemType.SingleChoice,
      maxScore: 3,
      answerKey: 'B',
      knowledgePoints: ['有理数'],
    },
    {
      paperId: paper.id,
      seq: 2,
      label: '2',
      type: ItemType.SingleChoice,
      maxScore: 3,
      answerKey: 'C',
      knowledgePoints: ['整式'],
    },
    {
      paperId: paper.id,
      seq: 3,
      label: '3',
      type: ItemType.Subjective,
      maxScore: 14,
      answerKey: null,
      knowledgePoints: ['一元一次方程'],
    },
  ]);
  const [q1, q2, q3] = items;

  let examNo = 20250001;
  let hash = 0;
  const classOf = async (schoolId: number, name: string, grade: string) =>
    ds.getRepository(SchoolClass).save({ schoolId, name, grade });
  const student = async (schoolId: number, classId: number, name: string) =>
    ds.getRepository(Student).save({ allianceId: alliance.id, schoolId, classId, examNo: String(examNo++), name });
  const batchOf = async (schoolId: number) =>
    ds.getRepository(ScanBatch).save({ examId: exam.id, schoolId, uploadedBy: admin.id, originalName: 'batch.zip' });
  const page = async (batchId: number, schoolId: number, studentId: number | null, status: PageStatus) =>
    ds.getRepository(ScannedPage).save({
      examId: exam.id,
      batchId,
      schoolId,
      paperId: paper.id,
      contentHash: `h${tag}-${hash++}`.padStart(64, '0'),
      blobKey: `scans/${hash}.jpg`,
      studentId,
      pageNo: 1,
      status,
      exceptionReason: status === PageStatus.Exception ? '定位点无法识别' : null,
    });

  const seed = async (schoolId: number, prefix: string, rows: Row[]) => {
    const cls = await classOf(schoolId, '七(1)班', '七年级');
    const batch = await batchOf(schoolId);
    const ids: number[] = [];
    for (const [i, [s1, s2, s3]] of rows.entries()) {
      const st = await student(schoolId, cls.id, `${prefix}学生${i + 1}`);
      ids.push(st.id);
      const p = await page(batch.id, schoolId, st.id, PageStatus.Processed);
      await ds.getRepository(ObjectiveResponse).save([
        { examId: exam.id, pageId: p.id, studentId: st.id, itemId: q1.id, marked: s1 ? 'B' : 'A', score: s1 },
        { examId: exam.id, pageId: p.id, studentId: st.id, itemId: q2.id, marked: s2 ? 'C' : '', score: s2 },
      ]);
      if (s3 !== null) {
        await ds.getRepository(FinalItemScore).save({
          examId: exam.id,
          paperId: paper.id,
          studentId: st.id,
          itemId: q3.id,
          score: s3,
          source: ScoreSource.Marking,
          ruleVersion: 'double-v1',
        });
      }
    }
    return { ids, cls, batch };
  };

  const a = await seed(lead.id, '甲', A_ROWS);
  const absent = await student(lead.id, a.cls.id, '甲缺考'); // no page at all, marked 缺考 by the school
  await ds.getRepository(ExamAbsence).save({
    examId: exam.id,
    paperId: paper.id,
    schoolId: lead.id,
    studentId: absent.id,
    markedBy: admin.id,
  });
  const other = await classOf(lead.id, '八(1)班', '八年级');
  const otherGrade = await student(lead.id, other.id, '八年级学生'); // not in this exam's roster
  const b = await seed(member.id, '乙', B_ROWS);
  const pending = await student(member.id, b.cls.id, '乙待处理');
  await page(b.batch.id, member.id, pending.id, PageStatus.Exception); // sheet read but sent to the exceptions queue
  await page(b.batch.id, member.id, null, PageStatus.Exception); // unreadable, nobody known
  const c = await seed(comparison.id, '丙', C_ROWS);
  // A correction made through marking on an objective item must survive recomputation.
  await ds.getRepository(FinalItemScore).save({
    examId: exam.id,
    paperId: paper.id,
    studentId: c.ids[5],
    itemId: q1.id,
    score: 3,
    source: ScoreSource.Marking,
    ruleVersion: 'arbitration-v1',
  });

  if (released) await releaseResults(ds, exam.id, admin.id);
  return {
    allianceId: alliance.id,
    examId: exam.id,
    paperId: paper.id,
    schools: { lead: lead.id, member: member.id, comparison: comparison.id },
    itemIds: items.map((i) => i.id),
    studentIds: {
      lead: a.ids,
      member: b.ids,
      comparison: c.ids,
      absent: absent.id,
      pendingException: pending.id,
      otherGrade: otherGrade.id,
    },
    users,
    password,
  };
}
