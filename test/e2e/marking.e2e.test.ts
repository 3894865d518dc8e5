import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { MarkingMode } from '../../src/exams/entities/item.entity.js';
import { MarkEvent } from '../../src/marking/entities/mark-event.entity.js';
import { MarkingTask, TaskStatus } from '../../src/marking/entities/marking-task.entity.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { QUEUES } from '../../src/queue/jobs.js';
import { FinalItemScore } from '../../src/marking/entities/final-item-score.entity.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { createAlliance, createSchool, createUser } from '../support/fixtures.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';
import { ItemSpec, seedMarkingExam, SeededExam } from './marking-fixtures.js';

describe('online marking over HTTP', () => {
  let env: TestEnv;
  let app: INestApplication;
  let allianceId: number;
  let schoolIds: number[];
  let schoolNames: string[];
  let uploaderId: number;
  const tokens = new Map<string, string>();
  const userIds = new Map<string, number>();
  const markers = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9'];

  const http = () => request(app.getHttpServer());
  const as = (user: string) => ({
    post: (url: string, body: object = {}) =>
      http()
        .post(url)
        .set('Authorization', `Bearer ${tokens.get(user)}`)
        .send(body),
    get: (url: string) =>
      http()
        .get(url)
        .set('Authorization', `Bearer ${tokens.get(user)}`),
  });
  const next = (user: string, body: object) => as(user).post('/api/marking/next', body);
  const submit = (user: string, taskId: number, body: object) =>
    as(user).post(`/api/marking/tasks/${taskId}/submit`, body);
  let cid = 0;
  const clientId = () => `cid-${process.pid}-${Date.now()}-${cid++}`;
  const seed = (items: ItemSpec[], studentsPerSchool: number): Promise<SeededExam> =>
    seedMarkingExam(env.ds, app.get(BlobStore), {
      allianceId,
      schoolIds,
      uploaderId,
      studentsPerSchool,
      items,
      markerIds: markers.map((m) => userIds.get(m)!),
    });
  const taskRow = (id: number) => env.ds.getRepository(MarkingTask).findOneByOrFail({ id });
  const resultsJobsFor = async (examId: number) => {
    const jobs = await app
      .get(JobProducer)
      .queue(QUEUES.results)
      .getJobs(['waiting', 'delayed', 'active', 'completed', 'prioritized']);
    return jobs.filter((j) => j?.data?.examId === examId);
  };

  beforeAll(async () => {
    env = await createTestEnv('marking_e2e');
    const a = await createAlliance(env.ds, '城乡教联体');
    allianceId = a.id;
    const s1 = await createSchool(env.ds, a.id, '实验中学', 'S1');
    const s2 = await createSchool(env.ds, a.id, '乡村中学', 'S2');
    schoolIds = [s1.id, s2.id];
    schoolNames = [s1.name, s2.name];
    const other = await createAlliance(env.ds, '另一个学区');
    const users: [string, { role: Role; allianceId: number; subject?: string | null; schoolId?: number }[]][] = [
      ...markers.map((m): [string, { role: Role; allianceId: number; subject?: string | null }[]] => [
        m,
        [{ role: Role.Marker, allianceId: a.id, subject: '数学' }],
      ]),
      ['chinese', [{ role: Role.Marker, allianceId: a.id, subject: '语文' }]],
      ['outsider', [{ role: Role.Marker, allianceId: other.id, subject: null }]],
      ['lead', [{ role: Role.SubjectLead, allianceId: a.id, subject: '数学' }]],
      ['lead_cn', [{ role: Role.SubjectLead, allianceId: a.id, subject: '语文' }]],
      ['scanner', [{ role: Role.Scanner, allianceId: a.id, schoolId: s1.id }]],
    ];
    for (const [name, grants] of users) userIds.set(name, (await createUser(env.ds, name, 'pass-1234', grants)).id);
    uploaderId = userIds.get('scanner')!;
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    for (const [name] of users) {
      const res = await http().post('/api/auth/login').send({ username: name, password: 'pass-1234' });
      expect(res.status).toBe(200);
      tokens.set(name, res.body.token);
    }
  });
  afterAll(async () => {
    await app?.get(JobProducer).queue(QUEUES.results).obliterate({ force: true });
    await app?.close();
    await env?.cleanup();
  });

  it('gives 8 concurrent markers 8 distinct tasks, blind, and serves the snippet only to whom it may', async () => {
    const s = await seed([{ label: '17', mode: MarkingMode.Single, maxScore: 10, step: 0.5 }], 4);
    const results = await Promise.all(markers.slice(0, 8).map((m) => next(m, { examId: s.exam.id })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    const ids = results.map((r) => r.body.taskId);
    expect(new Set(ids).size).toBe(8);
    // Blind: exactly these fields, and nothing that names a student, a school or a class.
    for (const r of results) {
      expect(Object.keys(r.body).sort()).toEqual([
        'examId',
        'itemId',
        'itemLabel',
        'leaseExpiresAt',
        'maxScore',
        'scoreStep',
        'snippetUrl',
        'taskId',
      ]);
      expect(r.body).toMatchObject({ itemLabel: '17', maxScore: 10, scoreStep: 0.5 });
      expect(r.body.snippetUrl).toMatch(/^\/api\/marking\/snippets\/[0-9a-f]{24}$/);
      for (const word of ['studentId', 'schoolId', 'classId', 'name', 'examNo', ...schoolNames, ...s.studentNames])
        expect(r.text).not.toContain(word);
      const lease = new Date(r.body.leaseExpiresAt).getTime() - Date.now();
      expect(lease).toBeGreaterThan(9 * 60_000);
      expect(lease).toBeLessThanOrEqual(10 * 60_000 + 1000);
    }
    const rows = await Promise.all(ids.map(taskRow));
    expect(rows.map((t) => t.status)).toEqual(Array(8).fill(TaskStatus.Leased));
    expect(new Set(rows.map((t) => t.leasedBy)).size).toBe(8);

    // Asking again returns the lease already held; a ninth marker finds nothing left.
    const again = await next('m1', { examId: s.exam.id });
    expect(again.body.taskId).toBe(ids[0]);
    const ninth = await next('m9', { examId: s.exam.id });
    expect(ninth.status).toBe(204);
    // Other subject and other alliance: nothing, or refused.
    expect((await next('chinese', { examId: s.exam.id })).status).toBe(204);
    const out = await next('outsider', { examId: s.exam.id });
    expect(out.status).toBe(403);
    expect(out.body.message).toBe('您不是该考试的阅卷教师');

    // The image: JPEG bytes as stored, no identifying headers.
    const url = results[0].body.snippetUrl;
    const img = await as('m1').get(url).buffer(true);
    expect(img.status).toBe(200);
    expect(img.headers['content-type']).toBe('image/jpeg');
    expect(img.headers['content-disposition']).toBeUndefined();
    expect(img.headers['cache-control']).toBe('private, no-store');
    expect(img.body.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const token = url.split('/').pop();
    const snippet = [...s.snippets.values()][0].find((x) => x.token === token)!;
    expect(Buffer.compare(img.body, await app.get(BlobStore).get(snippet.blobKey))).toBe(0);
    expect((await as('m2').get(url)).status).toBe(403);
    expect((await as('lead').get(url)).status).toBe(200);
    expect((await as('lead_cn').get(url)).status).toBe(403);
    expect((await as('outsider').get(url)).status).toBe(403);
    expect((await as('m1').get('/api/marking/snippets/nope')).status).toBe(404);

    // An expired lease goes back to the pool.
    await env.ds.query('UPDATE marking_task SET lease_expires_at = ? WHERE id = ?', [
      new Date(Date.now() - 1000),
      ids[7],
    ]);
    const reclaimed = await next('m9', { examId: s.exam.id });
    expect(reclaimed.status).toBe(200);
    expect(reclaimed.body.taskId).toBe(ids[7]);
    expect((await taskRow(ids[7])).leasedBy).toBe(userIds.get('m9'));
  });

  it('checks scores, and a repeated submit with the same clientId stores one mark', async () => {
    const s = await seed([{ label: '18', mode: MarkingMode.Single, maxScore: 10, step: 0.5 }], 2);
    const t = (await next('m1', { examId: s.exam.id })).body;

    for (const bad of [10.5, 7.25, -1]) {
      const res = await submit('m1', t.taskId, { score: bad, clientId: clientId() });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('分数应为 0–10 之间、步长 0.5 的整数倍');
    }
    expect((await submit('m1', t.taskId, { clientId: clientId() })).body.message).toBe('请输入分数，或标记为问题卷');
    expect((await submit('m1', t.taskId, { score: 3, clientId: '' })).status).toBe(400);
    // Not the lease holder.
    const foreign = await submit('m2', t.taskId, { score: 3, clientId: clientId() });
    expect(foreign.status).toBe(409);
    expect(await env.ds.getRepository(MarkEvent).countBy({ taskId: t.taskId })).toBe(0);
    expect((await taskRow(t.taskId)).status).toBe(TaskStatus.Leased);

    const id = clientId();
    const version = async () =>
      Number(
        (await env.ds.query('SELECT SUM(version) AS version FROM score_version WHERE exam_id = ?', [s.exam.id]))[0]
          ?.version ?? 0,
      );
    const v0 = await version();
    const [a, b, c] = await Promise.all(
      [1, 2, 3].map(() => submit('m1', t.taskId, { score: 7.5, clientId: id, secondsSpent: 12 })),
    );
    // the mark that settled the answer moved the score version once (the repeats stored nothing)
    expect(await version()).toBe(v0 + 1);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(b.body).toEqual(a.body);
    expect(c.body).toEqual(a.body);
    const d = await submit('m1', t.taskId, { score: 7.5, clientId: id });
    expect(d.body).toEqual(a.body);
    expect(a.body).toMatchObject({ taskId: t.taskId, score: 7.5, problem: null });
    expect(await env.ds.getRepository(MarkEvent).countBy({ clientId: id })).toBe(1);
    expect(await env.ds.getRepository(MarkEvent).countBy({ taskId: t.taskId })).toBe(1);
    // A new clientId on a task already done is refused, not stored.
    const twice = await submit('m1', t.taskId, { score: 5, clientId: clientId() });
    expect(twice.status).toBe(409);
    expect(twice.body.message).toBe('该题已提交过评分');
    // The same clientId used by someone else is refused.
    const t2 = (await next('m2', { examId: s.exam.id })).body;
    expect((await submit('m2', t2.taskId, { score: 1, clientId: id })).status).toBe(409);

    const task = await taskRow(t.taskId);
    expect(task.status).toBe(TaskStatus.Done);
    const snippet = s.snippets.get(s.items[0].id)!.find((x) => x.id === task.snippetId)!;
    const final = await env.ds
      .getRepository(FinalItemScore)
      .findOneByOrFail({ studentId: snippet.studentId, itemId: s.items[0].id });
    expect(final).toMatchObject({
      score: 7.5,
      source: 'marking',
      ruleVersion: 'single-v1',
      examId: s.exam.id,
      paperId: s.paper.id,
    });
  });

  it('never gives one marker both rounds of a snippet, even while prefetching', async () => {
    const s = await seed([{ label: '19', mode: MarkingMode.Double, tolerance: 10 }], 2); // 4 snippets, 8 tasks
    const got: number[] = [];
    let current = (await next('m3', { examId: s.exam.id })).body;
    while (current) {
      got.push(current.taskId);
      // The page asks for the next task before submitting the current one.
      const ahead = await next('m3', { examId: s.exam.id, exceptTaskId: current.taskId });
      if (ahead.status === 200) expect(ahead.body.taskId).not.toBe(current.taskId);
      const res = await submit('m3', current.taskId, { score: 5, clientId: clientId() });
      expect(res.status).toBe(200);
      current = ahead.status === 200 ? ahead.body : null;
    }
    expect(got).toHaveLength(4);
    const snippetsOfM3 = (await Promise.all(got.map(taskRow))).map((t) => t.snippetId);
    expect(new Set(snippetsOfM3).size).toBe(4);
    // The second marker gets exactly the other round of each snippet.
    const other: number[] = [];
    for (
      let r = await next('m4', { examId: s.exam.id });
      r.status === 200;
      r = await next('m4', { examId: s.exam.id })
    ) {
      other.push((await taskRow(r.body.taskId)).snippetId);
      expect((await submit('m4', r.body.taskId, { score: 6, clientId: clientId() })).status).toBe(200);
    }
    expect(other.sort()).toEqual([...snippetsOfM3].sort());
    const dup = await env.ds.query(
      'SELECT snippet_id, marker_id, COUNT(*) c FROM mark_event WHERE exam_id = ? GROUP BY snippet_id, marker_id HAVING c > 1',
      [s.exam.id],
    );
    expect(dup).toEqual([]);
    // Both within tolerance: mean 5.5, half up to step 1 → 6.
    const finals = await env.ds.getRepository(FinalItemScore).findBy({ examId: s.exam.id });
    expect(finals.map((f) => [f.score, f.ruleVersion])).toEqual(Array(4).fill([6, 'double-v1']));
  });

  it('third-marks disagreements, resolves by the rules, arbitrates, then queues results', async () => {
    const s = await seed(
      [
        { label: '20', mode: MarkingMode.DoubleArbitration, maxScore: 10, step: 1, tolerance: 2 },
        { label: '21', mode: MarkingMode.Double, maxScore: 10, step: 1, tolerance: 2 },
      ],
      2,
    );
    const [arbItem, dblItem] = s.items;
    const arbSn = s.snippets.get(arbItem.id)!;
    const dblSn = s.snippets.get(dblItem.id)!;
    // Planned marks per snippet and round, and the final score the rules give.
    const plan = new Map<number, { marks: number[]; final: number | null; rule: string }>([
      [arbSn[0].id, { marks: [6, 7], final: 7, rule: 'double_arbitration-v1' }], // agree: 6.5 → 7
      [arbSn[1].id, { marks: [2, 8, 7], final: 8, rule: 'double_arbitration-v1' }], // third near 8 only: 7.5 → 8
      [arbSn[2].id, { marks: [2, 8, 5], final: null, rule: 'arbitration-v1' }], // near neither: arbitration
      [arbSn[3].id, { marks: [3, 7, 5], final: 6, rule: 'double_arbitration-v1' }], // near both, tie: higher pair 6
      [dblSn[0].id, { marks: [1, 9, 5], final: 5, rule: 'double-v1' }], // plain double, near neither: median
      [dblSn[1].id, { marks: [4, 4], final: 4, rule: 'double-v1' }],
      [dblSn[2].id, { marks: [0, 10, 9], final: 10, rule: 'double-v1' }], // 9.5 → 10
      [dblSn[3].id, { marks: [5, 8, 4], final: 5, rule: 'double-v1' }], // third near 5 only: 4.5 → 5
    ]);

    // Markers take turns until nothing is left; each scores by the plan.
    let progress = true;
    while (progress) {
      progress = false;
      for (const m of markers) {
        const r = await next(m, { examId: s.exam.id });
        if (r.status !== 200) continue;
        progress = true;
        const t = await taskRow(r.body.taskId);
        const score = plan.get(t.snippetId)!.marks[t.round - 1];
        expect(score).toBeDefined();
        const sr = await submit(m, t.id, { score, clientId: clientId() });
        expect([sr.status, sr.body.score]).toEqual([200, score]);
      }
    }
    const tasks = await env.ds.getRepository(MarkingTask).findBy({ examId: s.exam.id });
    for (const [snippetId, p] of plan) {
      expect(
        tasks
          .filter((t) => t.snippetId === snippetId)
          .map((t) => t.round)
          .sort(),
      ).toEqual(p.marks.map((_, i) => i + 1));
    }
    expect(tasks.every((t) => t.status === TaskStatus.Done)).toBe(true);
    // Three different markers on every third-marked snippet.
    const markersPerSnippet = await env.ds.query(
      'SELECT snippet_id, COUNT(DISTINCT marker_id) n, COUNT(*) c FROM mark_event WHERE exam_id = ? GROUP BY snippet_id',
      [s.exam.id],
    );
    for (const row of markersPerSnippet) expect(Number(row.n)).toBe(Number(row.c));

    const finalOf = async (snippetId: number) => {
      const sn = [...arbSn, ...dblSn].find((x) => x.id === snippetId)!;
      return env.ds.getRepository(FinalItemScore).findOneBy({ studentId: sn.studentId, itemId: sn.itemId });
    };
    for (const [snippetId, p] of plan) {
      const f = await finalOf(snippetId);
      if (p.final === null) expect(f).toBeNull();
      else expect([f?.score, f?.ruleVersion]).toEqual([p.final, p.rule]);
    }
    // One answer waits for the subject lead: nothing for the results queue yet.
    expect(await resultsJobsFor(s.exam.id)).toHaveLength(0);
    const progressRes = await as('lead').get(`/api/marking/progress?examId=${s.exam.id}`);
    expect(progressRes.status).toBe(200);
    const p20 = progressRes.body.items.find((i: { label: string }) => i.label === '20');
    expect(p20).toMatchObject({ snippets: 4, final: 3, awaitingLead: 1, tasks: { pending: 0, leased: 0, done: 11 } });

    const queue = await as('lead').get(`/api/marking/arbitration?examId=${s.exam.id}`);
    expect(queue.status).toBe(200);
    expect(queue.body.snippets).toHaveLength(1);
    expect(queue.body.snippets[0]).toMatchObject({
      token: arbSn[2].token,
      state: 'need_arbitration',
      marks: [
        { round: 1, score: 2 },
        { round: 2, score: 8 },
        { round: 3, score: 5 },
      ],
    });
    expect((await as('lead_cn').get(`/api/marking/arbitration?examId=${s.exam.id}`)).body.snippets).toHaveLength(0);

    const url = `/api/marking/snippets/${arbSn[2].token}/arbitrate`;
    expect((await as('m1').post(url, { score: 6 })).status).toBe(403);
    expect((await as('lead_cn').post(url, { score: 6 })).status).toBe(403);
    const bad = await as('lead').post(url, { score: 6.5 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('分数应为 0–10 之间、步长 1 的整数倍');
    const arb = await as('lead').post(url, { score: 6, reason: '按评分细则第2条' });
    expect(arb.status).toBe(200);
    expect(arb.body).toMatchObject({ score: 6, ruleVersion: 'arbitration-v1', basis: 'arbitration' });
    expect(await finalOf(arbSn[2].id)).toMatchObject({ score: 6, ruleVersion: 'arbitration-v1' });
    const audit = await env.ds
      .getRepository(AuditLog)
      .findOneByOrFail({ action: 'marking.arbitrate', entityId: String(arbSn[2].id) });
    expect(audit).toMatchObject({
      userId: userIds.get('lead'),
      detail: { score: 6, previousScore: null, reason: '按评分细则第2条' },
    });
    // The arbitration is an immutable mark like the others.
    expect(await env.ds.getRepository(MarkEvent).countBy({ snippetId: arbSn[2].id })).toBe(4);

    // Everything is final: one results job for the exam.
    const jobs = await resultsJobsFor(s.exam.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].name).toBe('compute-results');
  });

  it("reports progress per item, with the caller's own count, within scope", async () => {
    const s = await seed(
      [
        { label: '22', mode: MarkingMode.DoubleArbitration, tolerance: 1 },
        { label: '23', mode: MarkingMode.Single },
      ],
      2,
    );
    const t = (await next('m5', { examId: s.exam.id, itemId: s.items[0].id })).body;
    expect(t.itemId).toBe(s.items[0].id);
    await submit('m5', t.taskId, { problem: 'illegible', clientId: clientId() });
    await next('m5', { examId: s.exam.id, itemId: s.items[1].id });

    const res = await as('m5').get(`/api/marking/progress?examId=${s.exam.id}`);
    expect(res.status).toBe(200);
    expect(res.body.mine).toBe(1);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        label: '22',
        snippets: 4,
        final: 0,
        tasks: { pending: 7, leased: 0, done: 1 },
        mine: 1,
      }),
      expect.objectContaining({
        label: '23',
        snippets: 4,
        final: 0,
        tasks: { pending: 3, leased: 1, done: 0 },
        mine: 0,
      }),
    ]);
    expect((await as('chinese').get(`/api/marking/progress?examId=${s.exam.id}`)).body.items).toEqual([]);
    expect((await as('outsider').get(`/api/marking/progress?examId=${s.exam.id}`)).status).toBe(403);
    expect((await as('scanner').get(`/api/marking/progress?examId=${s.exam.id}`)).status).toBe(403);
    expect((await as('m5').get('/api/marking/progress')).body.message).toBe('请指定考试');
    const mark = await env.ds.getRepository(MarkEvent).findOneByOrFail({ taskId: t.taskId });
    expect(mark).toMatchObject({ score: null, problem: 'illegible' });
  });
});
