// Marking set-up over HTTP: 题块 and their markers, the workload, item rules locked once marking started, the trial
// rule, why a marker has nothing to mark, and the monitoring figures against the database.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { Item, MarkingMode } from '../../src/exams/entities/item.entity.js';
import { FinalItemScore } from '../../src/marking/entities/final-item-score.entity.js';
import { MarkerAssignment } from '../../src/marking/entities/qc.entities.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { QUEUES } from '../../src/queue/jobs.js';
import { Student } from '../../src/org/entities/student.entity.js';
import { ExamAbsence } from '../../src/scans/entities/exam-absence.entity.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { createAlliance, createSchool, createUser } from '../support/fixtures.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';
import { seedMarkingExam, SeededExam } from './marking-fixtures.js';

describe('marking set-up over HTTP', () => {
  let env: TestEnv;
  let app: INestApplication;
  let s: SeededExam;
  let schoolIds: number[];
  const tokens = new Map<string, string>();
  const ids = new Map<string, number>();
  let cid = 0;

  const http = () => request(app.getHttpServer());
  const auth = (user: string) => `Bearer ${tokens.get(user)}`;
  const get = (user: string, url: string) => http().get(url).set('Authorization', auth(user));
  const post = (user: string, url: string, body: object = {}) =>
    http().post(url).set('Authorization', auth(user)).send(body);
  const put = (user: string, url: string, body: object) => http().put(url).set('Authorization', auth(user)).send(body);
  const setup = (user = 'lead') => get(user, `/api/marking/setup?examId=${s.exam.id}`);
  const idle = (user: string) => get(user, `/api/marking/idle?examId=${s.exam.id}`);
  /** Leases and marks until the marker gets nothing; the number of marks. */
  async function markAll(user: string, score = 4): Promise<number> {
    let n = 0;
    for (;;) {
      const t = await post(user, '/api/marking/next', { examId: s.exam.id });
      if (t.status === 204) return n;
      expect(t.status).toBe(200);
      const r = await post(user, `/api/marking/tasks/${t.body.taskId}/submit`, {
        score,
        clientId: `cid-setup-${cid++}`,
      });
      expect(r.status).toBe(200);
      n++;
    }
  }

  beforeAll(async () => {
    env = await createTestEnv('marking_setup_e2e');
    const a = await createAlliance(env.ds, '城乡教联体');
    const s1 = await createSchool(env.ds, a.id, '实验中学', 'S1');
    const s2 = await createSchool(env.ds, a.id, '乡村中学', 'S2');
    schoolIds = [s1.id, s2.id];
    const users: [string, { role: Role; allianceId: number; subject?: string | null; schoolId?: number }[]][] = [
      ['m1', [{ role: Role.Marker, allianceId: a.id, subject: '数学' }]],
      ['m2', [{ role: Role.Marker, allianceId: a.id, subject: '数学' }]],
      ['m3', [{ role: Role.Marker, allianceId: a.id, subject: '数学' }]],
      ['cn', [{ role: Role.Marker, allianceId: a.id, subject: '语文' }]],
      ['lead', [{ role: Role.SubjectLead, allianceId: a.id, subject: '数学' }]],
      ['lead_cn', [{ role: Role.SubjectLead, allianceId: a.id, subject: '语文' }]],
      ['admin', [{ role: Role.Admin, allianceId: a.id }]],
      ['scanner', [{ role: Role.Scanner, allianceId: a.id, schoolId: s1.id }]],
    ];
    for (const [name, grants] of users) ids.set(name, (await createUser(env.ds, name, 'pass-1234', grants)).id);
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    for (const [name] of users) {
      const res = await http().post('/api/auth/login').send({ username: name, password: 'pass-1234' });
      expect(res.status).toBe(200);
      tokens.set(name, res.body.token);
    }
    s = await seedMarkingExam(env.ds, app.get(BlobStore), {
      allianceId: a.id,
      schoolIds,
      uploaderId: ids.get('scanner')!,
      studentsPerSchool: 3,
      items: [
        { label: '17', mode: MarkingMode.Double, maxScore: 10, tolerance: 1 },
        { label: '18', mode: MarkingMode.Single, maxScore: 8 },
      ],
    });
  });
  afterAll(async () => {
    await app?.get(JobProducer).queue(QUEUES.results).obliterate({ force: true });
    await app?.close();
    await env?.cleanup();
  });

  it('tells a marker with no 题块 that nothing is assigned, not that all is marked', async () => {
    expect((await post('m1', '/api/marking/next', { examId: s.exam.id })).status).toBe(204);
    const r = await idle('m1');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ reason: 'unassigned', items: [] });
    expect(r.body.text).toContain('还没有被分配题块');
    expect((await get('lead', `/api/marking/idle?examId=${s.exam.id}`)).status).toBe(403);
  });

  it('creates a 题块, assigns two markers, and shows the workload and what is left unassigned', async () => {
    const [i17, i18] = s.items;
    const before = await setup();
    expect(before.status).toBe(200);
    expect(before.body.items.map((i: { label: string }) => i.label)).toEqual(['17', '18']);
    expect(before.body.workload.warnings).toContain('第17题不在任何题块中，也没有阅卷教师');
    // Only the markers of the subject are offered.
    expect(before.body.markers.map((m: { id: number }) => m.id).sort()).toEqual(
      ['m1', 'm2', 'm3'].map((m) => ids.get(m)).sort(),
    );
    // The 语文 lead may not put 数学 items in a 题块; the 语文 marker may not be assigned to one.
    expect(
      (await post('lead_cn', '/api/marking/blocks', { examId: s.exam.id, name: '解答', itemIds: [i17.id] })).status,
    ).toBe(400);
    const created = await post('lead', '/api/marking/blocks', { examId: s.exam.id, name: '解答题', itemIds: [i17.id] });
    expect(created.status).toBe(201);
    const blockId = created.body.blockId;
    expect(created.body.blocks).toEqual([
      { id: blockId, paperId: s.paper.id, name: '解答题', itemIds: [i17.id], markerIds: [] },
    ]);
    expect(created.body.workload.warnings).toContain('题块「解答题」还没有分配阅卷教师');
    expect(
      (await post('lead', '/api/marking/blocks', { examId: s.exam.id, name: '解答题', itemIds: [i18.id] })).status,
    ).toBe(409);
    const wrong = await put('lead', `/api/marking/blocks/${blockId}/markers`, { markerIds: [ids.get('cn')] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toContain('不是本联盟数学学科的阅卷教师');

    const assigned = await put('lead', `/api/marking/blocks/${blockId}/markers`, {
      markerIds: [ids.get('m1'), ids.get('m2')],
    });
    expect(assigned.status).toBe(200);
    const rows = await env.ds
      .getRepository(MarkerAssignment)
      .find({ where: { itemId: i17.id }, order: { markerId: 'ASC' } });
    expect(rows.map((r) => r.markerId)).toEqual([ids.get('m1'), ids.get('m2')]);
    // 6 answers double-marked, shared by two markers: 6 rounds each, all still open.
    expect(assigned.body.workload.markers).toEqual([
      { markerId: ids.get('m1'), expected: 6, open: 6 },
      { markerId: ids.get('m2'), expected: 6, open: 6 },
    ]);
    expect(assigned.body.workload.warnings).toEqual(['第18题不在任何题块中，也没有阅卷教师']);
    expect(assigned.body.blocks[0].markerIds).toEqual([ids.get('m1'), ids.get('m2')]);
  });

  it('keeps an item’s rules open before the first mark, except the mode once tasks exist', async () => {
    const i17 = s.items[0];
    const mode = await put('lead', `/api/marking/items/${i17.id}/rules`, {
      markingMode: 'single',
      tolerance: 1,
      scoreStep: 1,
    });
    expect(mode.status).toBe(409);
    expect(mode.body.message).toContain('评卷方式不能再改');
    const bad = await put('lead', `/api/marking/items/${i17.id}/rules`, {
      markingMode: 'double',
      tolerance: 1,
      scoreStep: 3,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('不是步长 3 的整数倍');
    const tol = await put('lead', `/api/marking/items/${i17.id}/rules`, {
      markingMode: 'double',
      tolerance: 2,
      scoreStep: 0.5,
    });
    expect(tol.status).toBe(200);
    const row = await env.ds.getRepository(Item).findOneByOrFail({ id: i17.id });
    expect([row.tolerance, row.scoreStep]).toEqual([2, 0.5]);
    const item = tol.body.items.find((i: { itemId: number }) => i.itemId === i17.id);
    expect(item.locks.markingMode.locked).toBe(true);
    expect(item.locks.tolerance.locked).toBe(false);
  });

  it('says 今日已达上限, then 等待双评配对, then 全部评完, and locks the rules once marked', async () => {
    const i17 = s.items[0];
    expect((await put('lead', `/api/marking/items/${i17.id}/qc`, { dailyCap: 1 })).status).toBe(200);
    expect(await markAll('m1')).toBe(1);
    const capped = await idle('m1');
    expect(capped.body.reason).toBe('daily_cap');
    expect(capped.body.text).toContain('今日已达每日评阅上限（1 份）');

    const locked = await put('lead', `/api/marking/items/${i17.id}/rules`, {
      markingMode: 'double',
      tolerance: 3,
      scoreStep: 0.5,
    });
    expect(locked.status).toBe(409);
    expect(locked.body.message).toContain('本题已开始阅卷（已有 1 次评分）');
    const view = (await setup()).body.items.find((i: { itemId: number }) => i.itemId === i17.id);
    expect(view.locks.tolerance).toEqual({ locked: true, reason: locked.body.message });

    expect((await put('lead', `/api/marking/items/${i17.id}/qc`, { dailyCap: null })).status).toBe(200);
    // m1 takes one round of every answer; the other rounds wait for m2.
    expect(await markAll('m1')).toBe(5);
    const pair = await idle('m1');
    expect(pair.body.reason).toBe('waiting_pair');
    expect(pair.body.items).toEqual([
      expect.objectContaining({ itemId: i17.id, reason: 'waiting_pair', openForOthers: 6, openForMe: 0 }),
    ]);
    expect(pair.body.text).toContain('剩余 6 份');
    expect(await markAll('m2')).toBe(6);
    const done = await idle('m1');
    expect(done.body.reason).toBe('all_done');
    expect(done.body.text).toContain('全部评完');
    expect(await env.ds.getRepository(FinalItemScore).countBy({ itemId: i17.id })).toBe(6);
  });

  it('lets the lead pick trial answers and set the pass rule as N of M', async () => {
    const i17 = s.items[0];
    const noTrials = await put('lead', `/api/marking/items/${i17.id}/trial`, { required: true, passNeeded: 1 });
    expect(noTrials.status).toBe(400);
    const answers = await get('lead', `/api/marking/items/${i17.id}/answers`);
    expect(answers.status).toBe(200);
    expect(answers.body.answers).toHaveLength(6);
    for (const a of answers.body.answers.slice(0, 3))
      expect(
        (await post('lead', `/api/marking/items/${i17.id}/references`, { token: a.token, kind: 'trial', score: 4 }))
          .status,
      ).toBe(200);
    expect((await put('lead', `/api/marking/items/${i17.id}/trial`, { required: true, passNeeded: 4 })).status).toBe(
      400,
    );
    const ok = await put('lead', `/api/marking/items/${i17.id}/trial`, { required: true, passNeeded: 2 });
    expect(ok.status).toBe(200);
    const qc = ok.body.items.find((i: { itemId: number }) => i.itemId === i17.id).qc;
    expect(qc).toMatchObject({ trialRequired: true, trialPassNeeded: 2, trialAnswers: 3 });
    expect((await get('lead', `/api/marking/items/${i17.id}/answers`)).body.answers[0].references).toEqual([
      { kind: 'trial', score: 4 },
    ]);
    // One trial answer taken out again: 2 remain; the share kept (2 of 3) now asks for both.
    const token = answers.body.answers[0].token;
    const del = () =>
      http().delete(`/api/marking/items/${i17.id}/references/${token}?kind=trial`).set('Authorization', auth('lead'));
    const removed = await del();
    expect(removed.status).toBe(200);
    expect(removed.body.items.find((i: { itemId: number }) => i.itemId === i17.id).qc).toMatchObject({
      trialAnswers: 2,
      trialPassNeeded: 2,
    });
    expect((await del()).status).toBe(404);
    expect(
      (
        await http()
          .delete(`/api/marking/items/${i17.id}/references/${token}?kind=x`)
          .set('Authorization', auth('lead'))
      ).status,
    ).toBe(400);
  });

  it('shows the admin marking progress and scanning progress that match the database', async () => {
    const [i17, i18] = s.items;
    const m = await get('admin', `/api/marking/monitor?examId=${s.exam.id}`);
    expect(m.status).toBe(200);
    const finals = await env.ds.getRepository(FinalItemScore).countBy({ itemId: i17.id });
    expect(m.body.items.find((i: { itemId: number }) => i.itemId === i17.id)).toMatchObject({
      answers: 6,
      final: finals,
      open: 0,
      ratePerHour: 12,
      minutesLeft: 0,
    });
    // Item 18 has no marker: its answers wait and nobody marks them, so there is no estimate.
    expect(m.body.items.find((i: { itemId: number }) => i.itemId === i18.id)).toMatchObject({
      final: 0,
      open: 6,
      markers: 0,
      minutesLeft: null,
    });
    expect(m.body.subjects).toEqual([
      expect.objectContaining({ subject: '数学', answers: 12, final: 6, open: 6, ratePerHour: 12, minutesLeft: null }),
    ]);
    expect((await get('lead_cn', `/api/marking/monitor?examId=${s.exam.id}`)).body.items).toEqual([]);

    // One more student in school 1 with no page: 未扫描 until marked 缺考.
    const cls = s.students[0].classId;
    const extra = await env.ds
      .getRepository(Student)
      .save({ allianceId: s.exam.allianceId, schoolId: schoolIds[0], classId: cls, examNo: 'X999', name: '补录学生' });
    const scan = async () => {
      const r = await get('admin', `/api/exams/${s.exam.id}/scan-progress`);
      expect(r.status).toBe(200);
      return r.body;
    };
    let p = await scan();
    expect(p.schools.find((x: { schoolId: number }) => x.schoolId === schoolIds[0])).toMatchObject({
      expected: 4,
      pagesRead: 3,
      exceptions: 0,
      absent: 0,
      unscanned: 1,
    });
    expect(p.total).toMatchObject({ expected: 7, pagesRead: 6, unscanned: 1 });
    await env.ds.getRepository(ExamAbsence).save({
      examId: s.exam.id,
      paperId: s.paper.id,
      schoolId: schoolIds[0],
      studentId: extra.id,
      markedBy: ids.get('scanner')!,
    });
    p = await scan();
    expect(p.schools.find((x: { schoolId: number }) => x.schoolId === schoolIds[0])).toMatchObject({
      absent: 1,
      unscanned: 0,
      minutesLeft: 0,
    });
    expect((await get('lead', `/api/exams/${s.exam.id}/scan-progress`)).status).toBe(403);
  });
});
