// Two counties for the bureau tests: 城关区 (two alliances) and 西山区 (one), each alliance with a released 七年级
// 数学 exam whose analysis (with 纵看 against a prior exam) is written straight to exam_analysis, and 城关 alliance
// 1 also with a later exam that is not released. Bureau users: bureau1 (城关区), bureau_xs (西山区).
import type { DataSource } from 'typeorm';
import { Role } from '../../src/common/role.js';
import { ExamKind } from '../../src/exams/domain/exam-disclosure.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { Item, ItemType } from '../../src/exams/entities/item.entity.js';
import { Paper, PaperStatus } from '../../src/exams/entities/paper.entity.js';
import { BureauUser } from '../../src/org/entities/bureau-user.entity.js';
import { County } from '../../src/org/entities/county.entity.js';
import { Alliance } from '../../src/org/entities/alliance.entity.js';
import { Locality, SchoolKind } from '../../src/org/entities/school.entity.js';
import { analysePaper } from '../../src/results/domain/exam-analysis.js';
import type { StudentOutcome } from '../../src/results/domain/student-outcomes.js';
import { longitudinal } from '../../src/results/domain/value-added.js';
import { createAlliance, createSchool, createUser } from './fixtures.js';
import { releaseResults } from './release.js';

export const COUNTY_PASSWORD = 'county-pass-1';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CountyAllianceFixture {
  allianceId: number;
  name: string;
  examId: number;
  paperId: number;
  schoolIds: number[];
  schoolNames: string[];
}

export interface CountyFixture {
  countyA: number;
  countyB: number;
  a1: CountyAllianceFixture;
  a2: CountyAllianceFixture;
  b1: CountyAllianceFixture;
  /** a1's later exam, analysed but not released. */
  unreleasedExamId: number;
}

interface SchoolSpec {
  name: string;
  kind: SchoolKind;
  locality: Locality;
  n: number;
  effect: number;
  va: number;
}

async function examWithAnalysis(
  ds: DataSource,
  allianceId: number,
  name: string,
  examDate: string,
  schools: { id: number; spec: SchoolSpec }[],
  seed: number,
): Promise<{ examId: number; paperId: number }> {
  const prior = await ds
    .getRepository(Exam)
    .save({ allianceId, name: `${name}（上学期）`, grade: '七年级', gradeYear: 7, kind: ExamKind.QualityMonitoring });
  const exam = await ds.getRepository(Exam).save({
    allianceId,
    name,
    grade: '七年级',
    gradeYear: 7,
    kind: ExamKind.QualityMonitoring,
    examDate,
  });
  const paper = await ds
    .getRepository(Paper)
    .save({ examId: exam.id, subject: '数学', title: '数学', fullMarks: 100, status: PaperStatus.Locked });
  const items = await ds.getRepository(Item).save(
    [1, 2, 3, 4].map((seq) => ({
      paperId: paper.id,
      seq,
      label: String(seq),
      type: ItemType.Subjective,
      maxScore: 25,
      answerKey: null,
      knowledgePoints: [`知识点${seq}`],
    })),
  );
  const rand = rng(seed);
  const outcomes: StudentOutcome[] = [];
  const current: { studentId: number; schoolId: number; total: number }[] = [];
  const priorTotals = new Map<number, number>();
  let sid = seed * 10_000;
  for (const { id, spec } of schools)
    for (let i = 0; i < spec.n; i++) {
      const ability = 62 + spec.effect + 28 * (rand() + rand() + rand() - 1.5);
      const total = Math.round(Math.min(100, Math.max(0, ability + spec.va + 6 * (rand() - 0.5))));
      const q = Math.floor(total / 4);
      const parts = [q, q, q, total - 3 * q];
      outcomes.push({
        studentId: sid,
        schoolId: id,
        status: 'complete',
        total,
        itemScores: Object.fromEntries(items.map((it, k) => [it.id, parts[k]])),
      });
      current.push({ studentId: sid, schoolId: id, total });
      priorTotals.set(sid, Math.round(Math.min(100, Math.max(0, ability + 8 * (rand() - 0.5)))));
      sid++;
    }
  const schoolRows = schools.map(({ id, spec }) => ({
    schoolId: id,
    name: spec.name,
    kind: spec.kind as 'lead' | 'member' | 'comparison',
    locality: spec.locality as 'urban' | 'rural',
  }));
  const data = analysePaper({
    examId: exam.id,
    paper: { paperId: paper.id, subject: '数学', fullMarks: 100 },
    thresholds: { excellent: 0.85, pass: 0.6, low: 0.4 },
    items: items.map((it) => ({
      itemId: it.id,
      seq: it.seq,
      label: it.label,
      maxScore: 25,
      knowledgePoints: it.knowledgePoints,
    })),
    schools: schoolRows,
    outcomes,
  });
  const l = longitudinal({
    schools: schoolRows.filter((s) => s.kind !== 'comparison'),
    current: current.filter((c) => schools.find((s) => s.id === c.schoolId)!.spec.kind !== SchoolKind.Comparison),
    prior: priorTotals,
  });
  const stored = {
    ...data,
    anonymisationKey: `county-key-${seed}`,
    longitudinal: { ...l, priorExamId: prior.id, priorExamName: prior.name, priorPaperId: 1 },
  };
  await ds.query('INSERT INTO exam_analysis (exam_id, paper_id, data) VALUES (?, ?, ?)', [
    exam.id,
    paper.id,
    JSON.stringify(stored),
  ]);
  return { examId: exam.id, paperId: paper.id };
}

async function allianceWithExam(
  ds: DataSource,
  name: string,
  code: string,
  countyId: number,
  specs: SchoolSpec[],
  seed: number,
): Promise<CountyAllianceFixture> {
  const a = await createAlliance(ds, name, code);
  await ds.getRepository(Alliance).update({ id: a.id }, { countyId });
  const schools: { id: number; spec: SchoolSpec }[] = [];
  for (const [i, spec] of specs.entries())
    schools.push({ id: (await createSchool(ds, a.id, spec.name, `${code}-${i}`, spec.kind, spec.locality)).id, spec });
  const { examId, paperId } = await examWithAnalysis(
    ds,
    a.id,
    '2026年秋季七年级学业质量监测',
    '2026-11-20',
    schools,
    seed,
  );
  await releaseResults(ds, examId);
  return {
    allianceId: a.id,
    name,
    examId,
    paperId,
    schoolIds: schools.map((s) => s.id),
    schoolNames: specs.map((s) => s.name),
  };
}

const S = (name: string, kind: SchoolKind, locality: Locality, n: number, effect: number, va: number): SchoolSpec => ({
  name,
  kind,
  locality,
  n,
  effect,
  va,
});

export async function buildCountyFixture(ds: DataSource, tag = 'c'): Promise<CountyFixture> {
  const countyA = await ds.getRepository(County).save({ name: '城关区', code: `CGQ-${tag}` });
  const countyB = await ds.getRepository(County).save({ name: '西山区', code: `XSQ-${tag}` });
  const a1 = await allianceWithExam(
    ds,
    '城关第一教联体',
    `cg1-${tag}`,
    countyA.id,
    [
      S('城关一中', SchoolKind.Lead, Locality.Urban, 120, 10, 5),
      S('河口乡中学', SchoolKind.Member, Locality.Rural, 60, -6, -4),
      S('柳树乡中学', SchoolKind.Member, Locality.Rural, 45, -3, 1),
      S('县实验中学', SchoolKind.Comparison, Locality.Urban, 80, 5, 0),
    ],
    11,
  );
  const a2 = await allianceWithExam(
    ds,
    '城关第二教联体',
    `cg2-${tag}`,
    countyA.id,
    [
      S('城关二中', SchoolKind.Lead, Locality.Urban, 100, 4, 1),
      S('石桥镇中学', SchoolKind.Member, Locality.Rural, 70, -2, 2),
      S('白杨乡中学', SchoolKind.Member, Locality.Rural, 40, -8, -2),
    ],
    12,
  );
  const b1 = await allianceWithExam(
    ds,
    '西山教联体',
    `xs1-${tag}`,
    countyB.id,
    [
      S('西山中学', SchoolKind.Lead, Locality.Urban, 90, 2, 0),
      S('龙门乡中学', SchoolKind.Member, Locality.Rural, 50, -5, 0),
    ],
    13,
  );
  const later = await examWithAnalysis(
    ds,
    a1.allianceId,
    '2026年冬季七年级学业质量监测（未发布）',
    '2026-12-20',
    a1.schoolIds.map((id, i) => ({
      id,
      spec: [
        S('城关一中', SchoolKind.Lead, Locality.Urban, 120, 10, 5),
        S('河口乡中学', SchoolKind.Member, Locality.Rural, 60, -6, -4),
        S('柳树乡中学', SchoolKind.Member, Locality.Rural, 45, -3, 1),
        S('县实验中学', SchoolKind.Comparison, Locality.Urban, 80, 5, 0),
      ][i],
    })),
    14,
  );
  for (const [username, countyId] of [
    ['bureau1', countyA.id],
    ['bureau_xs', countyB.id],
  ] as const) {
    const u = await createUser(ds, username, COUNTY_PASSWORD, [], null);
    await ds.getRepository(BureauUser).save({ userId: u.id, countyId });
  }
  await createUser(ds, 'cg1_admin', COUNTY_PASSWORD, [{ role: Role.Admin, allianceId: a1.allianceId }]);
  await createUser(ds, 'cg1_principal', COUNTY_PASSWORD, [
    { role: Role.Principal, allianceId: a1.allianceId, schoolId: a1.schoolIds[1] },
  ]);
  return { countyA: countyA.id, countyB: countyB.id, a1, a2, b1, unreleasedExamId: later.examId };
}
