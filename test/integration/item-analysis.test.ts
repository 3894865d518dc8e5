// The results job persists the issue-5 item analysis (with option shares from the OMR marks) in exam_analysis,
// and the admin's analysis API returns it. Real MariaDB and Redis; figures worked out by hand below.
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Role } from '../../src/common/role.js';
import { WorkerModule } from '../../src/app.module.js';
import { Actor } from '../../src/common/actor.js';
import type { AnalysisSummary } from '../../src/results/domain/analysis-summary.js';
import type { ExamAnalysisData } from '../../src/results/domain/exam-analysis.js';
import { ExamAnalysis } from '../../src/results/entities/exam-analysis.entity.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { ResultsQueriesService } from '../../src/results/results-queries.service.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';
import { buildResultsFixture, ResultsFixture } from './results-fixture.js';

describe('item analysis in the stored exam analysis (real MariaDB, Redis)', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  let fx: ResultsFixture;
  let job: ResultsJobService;
  let results: ResultsQueriesService;
  const stored = async () =>
    (await env.ds.getRepository(ExamAnalysis).findOneByOrFail({ examId: fx.examId, paperId: fx.paperId }))
      .data as ExamAnalysisData;

  beforeAll(async () => {
    env = await createTestEnv('itemanalysis');
    fx = await buildResultsFixture(env.ds, 'ia');
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env.config), { logger: false });
    job = app.get(ResultsJobService);
    results = app.get(ResultsQueriesService);
    await job.computeExam(fx.examId);
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('stores P, D, reliability and option shares of the alliance (lead + member, 12 complete students)', async () => {
    const ia = (await stored()).itemAnalysis!;
    // totals 20 18 16 14 13 12 11 10 8 7 6 3; k = round(0.27 × 12) = 3
    // top (20, 18, 16): q1 3 3 3, q2 3 3 3, q3 14 12 10 · bottom (3, 6, 7): q1 0 0 3, q2 0 0 0, q3 3 6 4
    expect(ia).toMatchObject({ n: 12, groupSize: 3, reliabilityMethod: 'cronbach' });
    expect(ia.alpha).not.toBeNull();
    const [q1, q2, q3] = ia.items;
    expect(q1).toMatchObject({
      itemId: fx.itemIds[0],
      p: 0.5833,
      d: 0.6667,
      ebel: 'very_good',
      possibleWrongKey: false,
    });
    expect(q2).toMatchObject({ itemId: fx.itemIds[1], p: 0.4167, d: 1 });
    expect(q3).toMatchObject({ itemId: fx.itemIds[2], d: 0.5476, choice: null }); // (12 − 13/3)/14

    // q1 (key B): 7 of 12 marked B, the others A; top all B, bottom one B of three
    expect(q1.choice!.n).toBe(12);
    expect(q1.choice!.options).toEqual([
      { option: 'A', isKey: false, all: 0.4167, top: 0, bottom: 0.6667 },
      { option: 'B', isKey: true, all: 0.5833, top: 1, bottom: 0.3333 },
      { option: 'C', isKey: false, all: 0, top: 0, bottom: 0 },
      { option: 'D', isKey: false, all: 0, top: 0, bottom: 0 },
    ]);
    // q2 (key C): wrong answers were left blank in the fixture
    expect(q2.choice!.blank).toEqual({ all: 0.5833, top: 0, bottom: 1 });
    expect(q2.choice!.multiple).toEqual({ all: 0, top: 0, bottom: 0 });
  });

  it('stores the per-unit extras and the between-school balance', async () => {
    const data = await stored();
    expect(data.alliance.rateIntervals!.pass.low).toBeLessThan(data.alliance.summary!.passRate);
    expect(data.alliance.rateIntervals!.pass.high).toBeGreaterThan(data.alliance.summary!.passRate);
    expect(data.alliance.fullMarkCount).toBe(1); // the lead's 20
    expect(data.alliance.knowledgePoints!.map((k) => k.knowledgePoint).sort()).toEqual(
      ['一元一次方程', '整式', '有理数'].sort(),
    );
    // lead mean 82/6, member mean 56/6: two schools of 6
    expect(data.balance!.schoolIds).toEqual([fx.schools.lead, fx.schools.member]);
    expect(data.balance!.between!.meanOfMeans).toBe(11.5);
    expect(data.balance!.urbanRural!.meanGap).toBe(4.3333);
  });

  it('returns the same on a second run (idempotent) and through the admin API', async () => {
    const before = await stored();
    await job.computeExam(fx.examId);
    expect(await stored()).toEqual(before);
    const admin = new Actor(901, 'a', 'a', [
      { role: Role.Admin, allianceId: fx.allianceId, schoolId: null, subject: null },
    ]);
    const res = await results.analysisFor(admin, fx.examId);
    expect((res.papers[0] as AnalysisSummary).itemAnalysis).toEqual(before.itemAnalysis);
  });
});
