// 总分 of a two-subject exam through ResultsJobService and the school report: the results fixture's 数学 paper plus a
// 语文 paper, with students absent from one subject only. Expected figures are worked out by hand below.
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { execFileSync } from 'node:child_process';
import { Role } from '../../src/common/role.js';
import { WorkerModule } from '../../src/app.module.js';
import { Actor } from '../../src/common/actor.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { Item, ItemType } from '../../src/exams/entities/item.entity.js';
import { Paper, PaperStatus } from '../../src/exams/entities/paper.entity.js';
import { ReportRenderService } from '../../src/reports/report-render.service.js';
import type { AnalysisSummary } from '../../src/results/domain/analysis-summary.js';
import type { ExamAnalysisData } from '../../src/results/domain/exam-analysis.js';
import { stratifiedAlpha } from '../../src/results/domain/statistics.js';
import { ExamAnalysis } from '../../src/results/entities/exam-analysis.entity.js';
import { ExamAnalysisRepository } from '../../src/results/exam-analysis.repository.js';
import { FinalItemScore, ScoreSource } from '../../src/marking/entities/final-item-score.entity.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { ResultsQueriesService } from '../../src/results/results-queries.service.js';
import { ScanBatch } from '../../src/scans/entities/scan-batch.entity.js';
import { ExamAbsence } from '../../src/scans/entities/exam-absence.entity.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';
import { buildResultsFixture, NAMES, ResultsFixture } from './results-fixture.js';

describe('总分 of a several-subject exam (MariaDB, pdfkit)', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  let fx: ResultsFixture;
  let job: ResultsJobService;
  let results: ResultsQueriesService;
  let chinese: Paper;
  let summary: Awaited<ReturnType<ResultsJobService['computeExam']>>;
  // Through the repository: each school's part is stored in a row of its own (exam_school_analysis).
  const total = async () =>
    (await new ExamAnalysisRepository(env.ds).dataOf(fx.examId, [0]))[0] as ExamAnalysisData & {
      subjectTotal: { rule: string };
      itemAnalysis: unknown;
    };

  beforeAll(async () => {
    env = await createTestEnv('subject_totals');
    fx = await buildResultsFixture(env.ds, 'tot');
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env.config), { logger: false });
    job = app.get(ResultsJobService);
    results = app.get(ResultsQueriesService);
    // 语文 (10 marks, one marked item). Lead: all six sit it (9 8 7 6 5 4), and so does the student absent from 数学 (8).
    // Member: b1–b5 score 5, b6 is absent from 语文 only, b7 (数学 not fully marked) scores 10; the student whose
    // 数学 sheet is in the exceptions queue has no 语文 sheet. Comparison: 6 each.
    chinese = await env.ds
      .getRepository(Paper)
      .save({ examId: fx.examId, subject: '语文', title: '七年级语文', fullMarks: 10, status: PaperStatus.Locked });
    const item = await env.ds.getRepository(Item).save({
      paperId: chinese.id,
      seq: 1,
      label: '1',
      type: ItemType.Subjective,
      maxScore: 10,
      answerKey: null,
      knowledgePoints: [],
    });
    const [{ id: uploader }] = await env.ds.query('SELECT id FROM user WHERE username = ?', [fx.users.admin]);
    let n = 0;
    const sit = async (schoolId: number, studentId: number, score: number) => {
      const batch = await env.ds
        .getRepository(ScanBatch)
        .save({ examId: fx.examId, schoolId, uploadedBy: uploader, originalName: 'yuwen.zip' });
      await env.ds.getRepository(ScannedPage).save({
        examId: fx.examId,
        batchId: batch.id,
        schoolId,
        paperId: chinese.id,
        contentHash: `yw${n++}`.padStart(64, '0'),
        blobKey: `scans/yw${n}.jpg`,
        studentId,
        pageNo: 1,
        status: PageStatus.Processed,
      });
      await env.ds.getRepository(FinalItemScore).save({
        examId: fx.examId,
        paperId: chinese.id,
        studentId,
        itemId: item.id,
        score,
        source: ScoreSource.Marking,
        ruleVersion: 'single-v1',
      });
    };
    for (const [i, id] of fx.studentIds.lead.entries()) await sit(fx.schools.lead, id, 9 - i);
    await sit(fx.schools.lead, fx.studentIds.absent, 8);
    for (const [i, id] of fx.studentIds.member.entries())
      if (i !== 5) await sit(fx.schools.member, id, i === 6 ? 10 : 5);
    for (const id of fx.studentIds.comparison) await sit(fx.schools.comparison, id, 6);
    // b6 and the exceptions-queue student are marked 缺考 on 语文 by their school (no mark: 未扫描, not 缺考)
    for (const studentId of [fx.studentIds.member[5], fx.studentIds.pendingException])
      await env.ds.getRepository(ExamAbsence).save({
        examId: fx.examId,
        paperId: chinese.id,
        schoolId: fx.schools.member,
        studentId,
        markedBy: uploader,
      });
    summary = await job.computeExam(fx.examId);
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('adds a 总分 entry after the papers: absent from any subject counts as 缺考, an unmarked subject as incomplete', () => {
    expect(summary.papers.map((p) => p.subject)).toEqual(['数学', '语文', '总分']);
    // lead 7: the 数学 absentee is 缺考 for 总分; member 8: b6 and the exceptions-queue student 缺考, b7 incomplete
    expect(summary.papers[2]).toEqual({
      paperId: 0,
      subject: '总分',
      roster: 21,
      absent: 3,
      unscanned: 0,
      incomplete: 1,
      included: 17,
    });
  });

  it('stores hand-checked alliance figures over students who sat both subjects, subjects as items', async () => {
    const d = await total();
    expect(d.paper).toEqual({ paperId: 0, subject: '总分', fullMarks: 30 });
    expect(d.items.map((i) => [i.itemId, i.label, i.maxScore])).toEqual([
      [fx.paperId, '数学', 20],
      [chinese.id, '语文', 10],
    ]);
    // lead 29 26 21 19 16 10; member 21 17 15 13 12 → 199 / 11
    expect(d.alliance).toMatchObject({ roster: 15, absent: 3, incomplete: 1, n: 11, participationRate: 0.8 }); // 参考率 = 12 who sat both / 15
    expect(d.alliance.summary).toMatchObject({ n: 11, mean: 18.0909, min: 10, max: 29 });
    // 数学 135/11, 语文 64/11 over the same 11 students
    expect(d.alliance.items!.map((i) => i.mean)).toEqual([12.2727, 5.8182]);
    const lead = d.schools.find((s) => s.schoolId === fx.schools.lead)!;
    expect(lead).toMatchObject({ roster: 7, absent: 1, n: 6, suppressed: false });
    expect(lead.summary!.mean).toBe(20.1667); // 121 / 6
    expect(d.schools.find((s) => s.schoolId === fx.schools.member)).toMatchObject({
      roster: 8,
      absent: 2,
      incomplete: 1,
      n: 5,
      suppressed: true,
      summary: null,
    });
    expect(d.itemAnalysis).toBeNull();
    expect(d.subjectTotal.rule).toContain('任一科缺考的学生计为总分缺考');
  });

  it('leaves the paper analyses as they were and lists 总分 last to the admin', async () => {
    const r = await results.analysisFor(
      new Actor(901, 'a', 'a', [{ role: Role.Admin, allianceId: fx.allianceId, schoolId: null, subject: null }]),
      fx.examId,
    );
    expect(r.papers.map((p) => p.paper.subject)).toEqual(['数学', '语文', '总分']);
    expect((r.papers[0] as AnalysisSummary).alliance.summary!.mean).toBe(11.5); // as in results.test.ts
  });

  it('is idempotent', async () => {
    const before = await total();
    const again = await job.computeExam(fx.examId);
    expect(again.papers).toEqual(summary.papers);
    expect(await total()).toEqual(before);
    expect(await env.ds.getRepository(ExamAnalysis).count({ where: { examId: fx.examId } })).toBe(3);
  });

  it('prints a 总分 section in the school PDF with the subjects and the rule', async () => {
    const out = await app.get(ReportRenderService).renderSchoolReport(fx.examId, fx.schools.lead);
    const text = (
      await app
        .get(BlobStore)
        .withLocalFile(out.blobKey!, (p) => execFileSync('pdftotext', ['-layout', p, '-'], { encoding: 'utf8' }))
    ).replace(/\s+/g, '');
    expect(text).toContain('总分与学科均衡');
    expect(text).toContain('总分：数学、语文共2科，满分30分。');
    expect(text).toContain('任一科缺考的学生计为总分缺考');
    expect(text).toContain('三、各科得分率');
    expect(text).toContain('数学语文科目'); // the chart's categories and axis title
    expect(text).toContain('20.17'); // lead 总分 mean
    expect(text).not.toContain(NAMES.member);
  });

  it("reports with a later exam's 总分 value-added the stratified α of this exam's subjects", async () => {
    // This exam's subjects as stored α (set here: a one-item 语文 paper has none of its own).
    for (const [paperId, alpha] of [
      [fx.paperId, 0.8],
      [chinese.id, 0.7],
    ] as const) {
      const row = await env.ds.getRepository(ExamAnalysis).findOneByOrFail({ examId: fx.examId, paperId });
      const data = row.data as ExamAnalysisData;
      await env.ds.getRepository(ExamAnalysis).update(
        { id: row.id },
        {
          data: {
            ...data,
            itemAnalysis: {
              n: 11,
              groupSize: 3,
              reliabilityMethod: 'alpha',
              sem: null,
              items: [],
              ...(data.itemAnalysis ?? {}),
              alpha,
            },
          } as never,
        },
      );
    }
    // The next exam, same two subjects, linked to this one; every lead and member student sits both.
    const next = await env.ds
      .getRepository(Exam)
      .save({ allianceId: fx.allianceId, name: '下次统考', grade: '七年级', priorExamId: fx.examId });
    const [{ id: uploader }] = await env.ds.query('SELECT id FROM user WHERE username = ?', [fx.users.admin]);
    const papers = [];
    for (const [subject, full] of [
      ['数学', 20],
      ['语文', 10],
    ] as const) {
      const paper = await env.ds
        .getRepository(Paper)
        .save({ examId: next.id, subject, title: subject, fullMarks: full, status: PaperStatus.Locked });
      const item = await env.ds.getRepository(Item).save({
        paperId: paper.id,
        seq: 1,
        label: '1',
        type: ItemType.Subjective,
        maxScore: full,
        answerKey: null,
        knowledgePoints: [],
      });
      papers.push({ paper, item, full });
    }
    let n = 0;
    for (const [schoolId, ids] of [
      [fx.schools.lead, fx.studentIds.lead],
      [fx.schools.member, fx.studentIds.member],
    ] as const) {
      const batch = await env.ds
        .getRepository(ScanBatch)
        .save({ examId: next.id, schoolId, uploadedBy: uploader, originalName: 'next.zip' });
      for (const [i, studentId] of ids.entries()) {
        for (const { paper, item, full } of papers) {
          await env.ds.getRepository(ScannedPage).save({
            examId: next.id,
            batchId: batch.id,
            schoolId,
            paperId: paper.id,
            contentHash: `nx${n++}`.padStart(64, '0'),
            blobKey: `scans/nx${n}.jpg`,
            studentId,
            pageNo: 1,
            status: PageStatus.Processed,
          });
          await env.ds.getRepository(FinalItemScore).save({
            examId: next.id,
            paperId: paper.id,
            studentId,
            itemId: item.id,
            score: (i * 3 + full) % (full + 1),
            source: ScoreSource.Marking,
            ruleVersion: 'single-v1',
          });
        }
      }
    }
    await job.computeExam(next.id);
    const l = (
      (await env.ds.getRepository(ExamAnalysis).findOneByOrFail({ examId: next.id, paperId: 0 })).data as {
        longitudinal: { priorPaperId: number; model: { priorReliability: number } };
      }
    ).longitudinal;
    expect(l.priorPaperId).toBe(0);
    // Expected: 1 − Σσ²ᵢ(1 − αᵢ)/σ²ₓ over the students with both subjects' totals in this exam.
    const rows: { studentId: number; paperId: number; total: string }[] = await env.ds.query(
      'SELECT student_id AS studentId, paper_id AS paperId, total FROM student_result WHERE exam_id = ? AND paper_id IN (?) AND absent = 0 AND total IS NOT NULL',
      [fx.examId, [fx.paperId, chinese.id]],
    );
    const both = [...new Set(rows.map((r) => r.studentId))].filter(
      (id) => rows.filter((r) => r.studentId === id).length === 2,
    );
    const part = (paperId: number) =>
      both.map((id) => Number(rows.find((r) => r.studentId === id && Number(r.paperId) === paperId)!.total));
    const expected = stratifiedAlpha([part(fx.paperId), part(chinese.id)], [0.8, 0.7])!;
    expect(both.length).toBeGreaterThan(5);
    // Reported with the method (the model needs no α, so there is no threshold to check).
    expect(l.model.priorReliability).toBeCloseTo(expected, 4);
  });
});
