// 成绩发布 over HTTP with a real worker (issue 16 items 3 and 6): the exam's state from its data, the gate that keeps
// results from principals until the admin releases them (with a reason while work is unfinished), the score version
// that each writer bumps, "outdated" after a later change, and the re-issue that clears it, both audited.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { NOT_RELEASED } from '../../src/results/release-gate.js';
import { reportProcessor } from '../../workers/processors/report.processor.js';
import { resultsProcessor } from '../../workers/processors/results.processor.js';
import { startWorkers, WorkerHost } from '../../workers/worker-host.js';
import { buildResultsFixture, ResultsFixture } from '../integration/results-fixture.js';
import { binaryBody } from '../support/binary-body.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

describe('成绩发布: state, gate, score version, outdated and re-issue', () => {
  let env: TestEnv;
  let app: INestApplication;
  let worker: WorkerHost;
  let fx: ResultsFixture;
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const as = (who: keyof ResultsFixture['users']) => ({ Authorization: `Bearer ${tokens[who]}` });
  const version = async () =>
    Number(
      (await env.ds.query('SELECT SUM(version) AS version FROM score_version WHERE exam_id = ?', [fx.examId]))[0]
        ?.version ?? 0,
    );
  const state = async (who: keyof ResultsFixture['users'] = 'admin') =>
    (await http().get(`/api/exams/${fx.examId}/state`).set(as(who)).expect(200)).body;
  /** Until the worker has computed the results at the current score version and rendered every report. */
  const computedNow = async () => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const s = await state();
      const reports = (await http().get(`/api/exams/${fx.examId}/reports`).set(as('admin'))).body;
      if (s.computed && !s.resultsOutdated && reports.every((r: { status: string }) => r.status === 'ready')) return s;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('results not computed in time');
  };

  beforeAll(async () => {
    env = await createTestEnv('release_e2e');
    fx = await buildResultsFixture(env.ds, 'rl', false);
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    worker = await startWorkers(env.config, { logger: false, processors: [resultsProcessor, reportProcessor] });
    for (const who of Object.keys(fx.users) as (keyof ResultsFixture['users'])[]) {
      const res = await http().post('/api/auth/login').send({ username: fx.users[who], password: fx.password });
      tokens[who] = res.body.token;
    }
  });
  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await env?.cleanup();
  });

  it('says where the exam stands and what is left, from its data', async () => {
    const s = await state();
    // two pages in the exceptions queue; the member school's student whose sheet is there has no read sheet
    expect(s).toMatchObject({ stage: 'scanning', label: '扫描', computed: false, released: false });
    expect(s.unfinished).toMatchObject({ unscanned: 1, exceptions: 2, unmarked: 0 });
    expect(s.todo).toEqual([
      '1 份答题卡未扫描或未识别（既无识别成功的答题卡，也未登记缺考）（河口乡中学 1）',
      '2 个扫描异常或填涂复核待处理',
      '尚未计算成绩',
      '成绩尚未发布，校长还看不到成绩和报告',
    ]);
    expect(s.stages.map((x: { label: string }) => x.label)).toEqual(['筹备', '考试', '扫描', '阅卷', '统计', '已发布']);
    // a principal sees the stage, not which schools are behind
    expect((await state('principalA')).todo[0]).toBe('1 份答题卡未扫描或未识别（既无识别成功的答题卡，也未登记缺考）');
  });

  it('computes for the admin only: principals get a Chinese 403 on every results route before release', async () => {
    await http().post(`/api/exams/${fx.examId}/results/compute`).set(as('admin')).expect(202);
    await computedNow();
    await http().get(`/api/exams/${fx.examId}/analysis`).set(as('admin')).expect(200);
    const school = fx.schools.lead;
    for (const url of [
      `/api/exams/${fx.examId}/reports`,
      `/api/exams/${fx.examId}/analysis`,
      `/api/exams/${fx.examId}/schools/${school}/students`,
      `/api/exams/${fx.examId}/exports/students.xlsx`,
      `/api/exams/${fx.examId}/exports/schools.xlsx`,
      `/api/reports/${fx.examId}/${school}.pdf`,
    ]) {
      const res = await http().get(url).set(as('principalA'));
      expect([url, res.status, res.body.message]).toEqual([url, 403, NOT_RELEASED]);
    }
  });

  it('shows what is unfinished and refuses to release without a reason; releases with one, audited', async () => {
    const preview = (await http().get(`/api/exams/${fx.examId}/release`).set(as('admin')).expect(200)).body;
    expect(preview).toMatchObject({ computed: true, needsReason: true, released: false });
    expect(preview.unfinishedLines).toHaveLength(2);
    await http().get(`/api/exams/${fx.examId}/release`).set(as('principalA')).expect(403);
    await http().post(`/api/exams/${fx.examId}/release`).set(as('principalA')).send({ reason: 'x' }).expect(403);

    const refused = await http().post(`/api/exams/${fx.examId}/release`).set(as('admin')).send({ reason: '  ' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('尚有未完成的工作');
    expect(refused.body.message).toContain('请填写发布理由');
    expect((await http().get(`/api/exams/${fx.examId}/reports`).set(as('principalA'))).status).toBe(403);

    const reason = '河口乡中学一张答题卡损坏，经教育局同意先发布';
    const ok = await http().post(`/api/exams/${fx.examId}/release`).set(as('admin')).send({ reason }).expect(201);
    expect(ok.body).toMatchObject({ released: true, reissued: false, scoreVersion: await version() });
    const audit = await env.ds.getRepository(AuditLog).find({ where: { action: 'release_results' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity: 'exam', entityId: String(fx.examId), detail: { reason } });

    expect(await state()).toMatchObject({ stage: 'released', label: '已发布', releaseOutdated: false });
    const list = (await http().get(`/api/exams/${fx.examId}/reports`).set(as('principalA')).expect(200)).body;
    expect(list.map((r: { schoolId: number; releaseOutdated: boolean }) => [r.schoolId, r.releaseOutdated])).toEqual([
      [fx.schools.lead, false],
    ]);
    const pdf = await http().get(list[0].url).set(as('principalA')).buffer(true).parse(binaryBody);
    expect(pdf.status).toBe(200);
    const analysis = (await http().get(`/api/exams/${fx.examId}/analysis`).set(as('principalA')).expect(200)).body;
    expect(analysis.release).toMatchObject({ released: true, outdated: false });
  });

  it('marks released results outdated after a later change of scores, until they are re-issued', async () => {
    const before = await version();
    // the school marks its missing student 缺考: a change of who sat
    await http()
      .post(`/api/exams/${fx.examId}/absences`)
      .set(as('admin'))
      .send({ studentId: fx.studentIds.pendingException, paperId: fx.paperId })
      .expect(200);
    expect(await version()).toBe(before + 1);
    const analysis = (await http().get(`/api/exams/${fx.examId}/analysis`).set(as('principalA')).expect(200)).body;
    expect(analysis.release).toMatchObject({ released: true, outdated: true });
    const list = (await http().get(`/api/exams/${fx.examId}/reports`).set(as('principalA')).expect(200)).body;
    expect(list[0].releaseOutdated).toBe(true);
    expect((await state()).releaseOutdated).toBe(true);

    // the fix recomputes the results (they were computed before); a re-issue then clears "outdated"
    const s = await computedNow();
    expect(s).toMatchObject({ stage: 'released', releaseOutdated: true, resultsOutdated: false });
    const again = await http()
      .post(`/api/exams/${fx.examId}/release`)
      .set(as('admin'))
      .send({ reason: '补登缺考后重新发布' })
      .expect(201);
    expect(again.body).toMatchObject({ reissued: true, scoreVersion: before + 1 });
    expect((await http().get(`/api/exams/${fx.examId}/reports`).set(as('principalA'))).body[0].releaseOutdated).toBe(
      false,
    );
    const audit = await env.ds.getRepository(AuditLog).find({ where: { action: 'reissue_results' } });
    expect(audit.map((a) => a.detail)).toEqual([
      expect.objectContaining({ reason: '补登缺考后重新发布', scoreVersion: before + 1 }),
    ]);
  });

  it('refuses a release while the results are older than the scores', async () => {
    // withdrawing the 缺考 mark changes who sat again: results are owed before anything can be re-issued
    await http()
      .delete(`/api/exams/${fx.examId}/absences/${fx.studentIds.pendingException}?paperId=${fx.paperId}`)
      .set(as('admin'))
      .expect(200);
    const held = await http().post(`/api/exams/${fx.examId}/release`).set(as('admin')).send({ reason: '再发' });
    // (the recomputation may already have run: then the release goes through as a re-issue)
    if (held.status === 409) expect(held.body.message).toContain('请先重新计算成绩与报告');
    else expect(held.status).toBe(201);
    await computedNow();
  });

  it('bumps the score version with each writer: 缺考 mark and withdrawal, discard, re-match', async () => {
    const step = async (what: string, act: () => Promise<unknown>) => {
      const v = await version();
      await act();
      expect([what, await version()]).toEqual([what, v + 1]);
    };
    await step('mark 缺考', () =>
      http()
        .post(`/api/exams/${fx.examId}/absences`)
        .set(as('admin'))
        .send({ studentId: fx.studentIds.pendingException, paperId: fx.paperId })
        .expect(200),
    );
    await step('withdraw 缺考', () =>
      http()
        .delete(`/api/exams/${fx.examId}/absences/${fx.studentIds.pendingException}?paperId=${fx.paperId}`)
        .set(as('admin'))
        .expect(200),
    );
    const [unknown] = await env.ds.query(
      "SELECT id FROM scanned_page WHERE exam_id = ? AND status = 'exception' AND student_id IS NULL",
      [fx.examId],
    );
    await step('discard an unread page', () =>
      http().post(`/api/scans/pages/${unknown.id}/discard`).set(as('admin')).send({}).expect(200),
    );
    const [read] = await env.ds.query(
      "SELECT id FROM scanned_page WHERE exam_id = ? AND status = 'processed' AND student_id = ?",
      [fx.examId, fx.studentIds.lead[0]],
    );
    // a student added to the lead school's roster since, with no sheet yet: the page was theirs
    const [{ school_id: schoolId, class_id: classId, alliance_id: allianceId }] = await env.ds.query(
      'SELECT school_id, class_id, alliance_id FROM student WHERE id = ?',
      [fx.studentIds.lead[0]],
    );
    await env.ds.query('INSERT INTO student (alliance_id, school_id, class_id, exam_no, name) VALUES (?, ?, ?, ?, ?)', [
      allianceId,
      schoolId,
      classId,
      '20259999',
      '甲补录',
    ]);
    const free = { exam_no: '20259999' };
    await step('re-match a read page', () =>
      http().post(`/api/scans/pages/${read.id}/assign`).set(as('admin')).send({ examNo: free.exam_no }).expect(200),
    );
  });

  it('counts a roster student with no sheet and no 缺考 mark as 未扫描, never as 缺考', async () => {
    const [{ school_id: schoolId, class_id: classId, alliance_id: allianceId }] = await env.ds.query(
      'SELECT school_id, class_id, alliance_id FROM student WHERE id = ?',
      [fx.studentIds.lead[1]],
    );
    const { insertId } = await env.ds.query(
      'INSERT INTO student (alliance_id, school_id, class_id, exam_no, name) VALUES (?, ?, ?, ?, ?)',
      [allianceId, schoolId, classId, '20259998', '甲未扫'],
    );
    await http().post(`/api/exams/${fx.examId}/results/compute`).set(as('admin')).expect(202);
    const deadline = Date.now() + 60_000;
    let mine: { status: string; absent: boolean } | undefined;
    while (Date.now() < deadline && !mine) {
      const rows = (await http().get(`/api/exams/${fx.examId}/schools/${schoolId}/students`).set(as('admin'))).body;
      mine = rows.find(
        (r: { studentId: number; status: string }) => r.studentId === insertId && r.status !== 'not_computed',
      );
      if (!mine) await new Promise((r) => setTimeout(r, 200));
    }
    expect(mine).toMatchObject({ status: 'unscanned', absent: false, total: null });
    const analysis = (await http().get(`/api/exams/${fx.examId}/analysis`).set(as('admin')).expect(200)).body;
    const lead = analysis.papers[0].schools.find((x: { schoolId: number }) => x.schoolId === schoolId);
    // 甲缺考 is marked 缺考; 甲未扫 has nothing, nor has 甲学生1 since the re-match above moved its page away (to
    // 甲补录, whose page waits to be read again: incomplete, not unscanned)
    expect(lead).toMatchObject({ absent: 1, unscanned: 2 });
    // the state counts sheets not read: the waiting page's too
    expect((await state()).unfinished.unscannedBySchool).toContainEqual({ name: '城关第一中学', unscanned: 3 });
  });
});
