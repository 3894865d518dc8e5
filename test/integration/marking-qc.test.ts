// Marking quality control on the real API and MariaDB: three simulated markers on one double-marked item
// (double marking with third marking and arbitration), one of them lenient. Third marking and arbitration happen as
// the rules say; seeds catch the lenient marker, who is suspended and whose work since the last good seed is
// re-queued for the others; at the end every final score equals the expected one.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { In } from 'typeorm';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { MarkingMode } from '../../src/exams/entities/item.entity.js';
import { MarkEvent } from '../../src/marking/entities/mark-event.entity.js';
import { MarkingTask, TaskStatus } from '../../src/marking/entities/marking-task.entity.js';
import { MarkerItemState, MarkSupersession } from '../../src/marking/entities/qc.entities.js';
import { QcRandom } from '../../src/marking/qc-random.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { QUEUES } from '../../src/queue/jobs.js';
import { FinalItemScore } from '../../src/marking/entities/final-item-score.entity.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { seedMarkingExam, SeededExam } from '../e2e/marking-fixtures.js';
import { createAlliance, createSchool, createUser } from '../support/fixtures.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

type Scorer = (trueScore: number, index: number) => number;

describe('marking quality control with three markers, one lenient', () => {
  let env: TestEnv;
  let app: INestApplication;
  let allianceId: number;
  let schoolIds: number[];
  const tokens = new Map<string, string>();
  const ids = new Map<string, number>();
  /** Values the QC draw returns next (then 0.99: live). A seed takes two: the draw and the pick among seeds. */
  const script: number[] = [];
  let cid = 0;
  const clientId = () => `qc-${process.pid}-${Date.now()}-${cid++}`;
  const http = () => request(app.getHttpServer());
  const as = (user: string) => ({
    post: (url: string, body: object = {}) =>
      http()
        .post(url)
        .set('Authorization', `Bearer ${tokens.get(user)}`)
        .send(body),
    put: (url: string, body: object = {}) =>
      http()
        .put(url)
        .set('Authorization', `Bearer ${tokens.get(user)}`)
        .send(body),
    get: (url: string) =>
      http()
        .get(url)
        .set('Authorization', `Bearer ${tokens.get(user)}`),
  });

  beforeAll(async () => {
    env = await createTestEnv('marking_qc');
    const a = await createAlliance(env.ds, '城乡教联体');
    allianceId = a.id;
    schoolIds = [
      (await createSchool(env.ds, a.id, '实验中学', 'Q1')).id,
      (await createSchool(env.ds, a.id, '乡村中学', 'Q2')).id,
    ];
    const users: [string, { role: Role; allianceId: number; subject?: string | null; schoolId?: number }[]][] = [
      ['A', [{ role: Role.Marker, allianceId: a.id, subject: '数学' }]],
      ['B', [{ role: Role.Marker, allianceId: a.id, subject: '数学' }]],
      ['L', [{ role: Role.Marker, allianceId: a.id, subject: '数学' }]],
      ['N', [{ role: Role.Marker, allianceId: a.id, subject: '数学' }]],
      ['lead', [{ role: Role.SubjectLead, allianceId: a.id, subject: '数学' }]],
      ['lead_cn', [{ role: Role.SubjectLead, allianceId: a.id, subject: '语文' }]],
      ['scanner', [{ role: Role.Scanner, allianceId: a.id, schoolId: schoolIds[0] }]],
    ];
    for (const [name, grants] of users) ids.set(name, (await createUser(env.ds, `qc_${name}`, 'pass-1234', grants)).id);
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    app.get(QcRandom).next = () => (script.length ? script.shift()! : 0.99);
    for (const [name] of users) {
      const res = await http()
        .post('/api/auth/login')
        .send({ username: `qc_${name}`, password: 'pass-1234' });
      expect(res.status).toBe(200);
      tokens.set(name, res.body.token);
    }
  });
  afterAll(async () => {
    await app?.get(JobProducer).queue(QUEUES.results).obliterate({ force: true });
    await app?.close();
    await env?.cleanup();
  });

  const seedExam = (mode: MarkingMode, studentsPerSchool: number, tolerance = 1): Promise<SeededExam> =>
    seedMarkingExam(env.ds, app.get(BlobStore), {
      allianceId,
      schoolIds,
      uploaderId: ids.get('scanner')!,
      studentsPerSchool,
      items: [{ label: '20', mode, maxScore: 10, step: 1, tolerance }],
      markerIds: ['A', 'B', 'L'].map((n) => ids.get(n)!),
    });

  it('catches the lenient marker with seeds, suspends them, re-queues their work, and ends with the expected scores', async () => {
    const s = await seedExam(MarkingMode.DoubleArbitration, 6); // 12 answers
    const item = s.items[0];
    const snippets = s.snippets.get(item.id)!;
    // True scores. 0 (G) is genuinely ambiguous: B reads it as 2. 9–11 become seeds with these definitive scores.
    const truth = [5, 4, 3, 6, 2, 7, 0, 5, 1, 10, 1, 2];
    const indexOf = new Map(snippets.map((sn, i) => [sn.token, i]));
    const scorers: Record<string, Scorer> = {
      A: (t) => t,
      B: (t, i) => (i === 0 ? 2 : t),
      L: (t) => Math.min(10, t + 3), // lenient: invisible at the top of the scale only
    };
    // A known queue order (the fixture's shuffle is random): answer k, round r at 2k + r.
    await env.ds.query(
      'UPDATE marking_task SET shuffle_key = (SELECT 2 * COUNT(*) FROM answer_snippet x WHERE x.item_id = ? AND x.id < marking_task.snippet_id) + round WHERE item_id = ?',
      [item.id, item.id],
    );

    // The lead's QC settings and three seeds; the lead also makes their definitive scores final (explicitly, with a
    // reason), so those answers leave live marking.
    const set = await as('lead').put(`/api/marking/items/${item.id}/qc`, {
      seedRate: 0.2,
      seedMisses: 2,
      seedWindow: 4,
      seedTolerance: 1,
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      seedRate: 0.2,
      seedMisses: 2,
      seedWindow: 4,
      seedTolerance: 1,
      selfRate: 0,
      trialRequired: false,
    });
    expect((await as('lead_cn').put(`/api/marking/items/${item.id}/qc`, { seedRate: 0.5 })).status).toBe(403);
    const bad = await as('lead').put(`/api/marking/items/${item.id}/qc`, { seedRate: 1.5 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('测评卷比例应为 0–1 之间的小数');
    for (const k of [9, 10, 11]) {
      const res = await as('lead').post(`/api/marking/items/${item.id}/references`, {
        token: snippets[k].token,
        kind: 'seed',
        score: truth[k],
        asFinal: true,
        reason: '专家组定分',
      });
      expect(res.status).toBe(200);
      const audit = await env.ds
        .getRepository(AuditLog)
        .findOneByOrFail({ action: 'marking.reference_final', entityId: String(snippets[k].id) });
      expect(audit.detail).toMatchObject({
        score: truth[k],
        reason: '专家组定分',
        previousScore: null,
        stateBefore: 'pending',
      });
    }
    expect(
      (await as('lead').get(`/api/marking/items/${item.id}/references`)).body.references.map(
        (r: { score: number }) => r.score,
      ),
    ).toEqual([10, 1, 2]);

    const seen: { user: string; index: number; taskId: number; body: Record<string, unknown> }[] = [];
    /** One marker's turn: next, then submit the score this marker would give. false when nothing is left. */
    async function turn(user: string, draws: number[] = []): Promise<boolean> {
      script.push(...draws);
      const res = await as(user).post('/api/marking/next', { examId: s.exam.id });
      script.length = 0;
      if (res.status === 204) return false;
      expect(res.status).toBe(200);
      const index = indexOf.get(res.body.snippetUrl.split('/').pop())!;
      seen.push({ user, index, taskId: res.body.taskId, body: res.body });
      const sub = await as(user).post(`/api/marking/tasks/${res.body.taskId}/submit`, {
        score: scorers[user](truth[index], index),
        clientId: clientId(),
        secondsSpent: 10 + index,
      });
      expect(sub.status).toBe(200);
      // Third rounds go to the front of the queue, so the scenario below does not depend on chance.
      await env.ds.query('UPDATE marking_task SET shuffle_key = -1 WHERE item_id = ? AND round = 3', [item.id]);
      return true;
    }
    const tasksOf = (k: number) =>
      env.ds.getRepository(MarkingTask).findBy({ snippetId: snippets[k].id, kind: 'live' as never });

    // G: L 8, A 5 → apart by more than the tolerance → a third round; B 2 is near neither → arbitration.
    await turn('L');
    await turn('A');
    expect((await tasksOf(0)).filter((t) => t.round === 3)).toHaveLength(1);
    await turn('B');
    // H: L 7, A 4 → third round; B 4 agrees with A → final mean of A and B = 4.
    await turn('L');
    await turn('A');
    await turn('B');
    expect(seen.map((x) => `${x.user}${x.index}`)).toEqual(['L0', 'A0', 'B0', 'L1', 'A1', 'B1']);
    expect(
      (await env.ds.getRepository(FinalItemScore).findOneBy({ studentId: s.students[1].id, itemId: item.id }))?.score,
    ).toBe(4);
    expect(
      await env.ds.getRepository(FinalItemScore).findOneBy({ studentId: s.students[0].id, itemId: item.id }),
    ).toBeNull();
    let console_ = (await as('lead').get(`/api/marking/console?examId=${s.exam.id}`)).body;
    expect(console_.arbitration.map((x: { token: string }) => x.token)).toEqual([snippets[0].token]);
    expect(console_.arbitration[0].marks.map((m: { score: number }) => m.score)).toEqual([8, 5, 2]);

    // L's first seed (true 10): lenient marking does not show at the top of the scale: a good seed.
    await turn('L', [0, 0]);
    // Indistinguishable: a seed comes with exactly the fields and URL shape of a live answer.
    const seedTask = seen.at(-1)!;
    expect(seedTask.index).toBe(9);
    expect(Object.keys(seedTask.body).sort()).toEqual(Object.keys(seen[0].body).sort());
    expect(seedTask.body.snippetUrl).toMatch(/^\/api\/marking\/snippets\/[0-9a-f]{24}$/);
    // Then L marks two live answers, and misses two seeds (4 for 1, 5 for 2): K = 2 misses within 4 → suspended.
    await turn('L');
    await turn('L');
    expect(seen.slice(-2).map((x) => x.index)).toEqual([2, 3]);
    await turn('L', [0, 0]);
    expect(
      await env.ds.getRepository(MarkerItemState).findOneBy({ itemId: item.id, markerId: ids.get('L')! }),
    ).toBeNull();
    await turn('L', [0, 0]);
    const state = await env.ds
      .getRepository(MarkerItemState)
      .findOneByOrFail({ itemId: item.id, markerId: ids.get('L')! });
    expect(state.suspended).toBe(true);
    expect(state.reason).toContain('测评卷');
    expect(await turn('L')).toBe(false);

    // L's live marks since the last good seed (answers 2 and 3) are superseded and re-queued; the events stay.
    const lEvents = await env.ds
      .getRepository(MarkEvent)
      .find({ where: { markerId: ids.get('L')!, kind: 'live' }, order: { id: 'ASC' } });
    expect(lEvents.map((e) => e.snippetId)).toEqual([0, 1, 2, 3].map((k) => snippets[k].id));
    const superseded = await env.ds
      .getRepository(MarkSupersession)
      .find({ where: { markEventId: In(lEvents.map((e) => e.id)) }, order: { markEventId: 'ASC' } });
    expect(superseded.map((x) => [x.markEventId, x.reason])).toEqual([
      [lEvents[2].id, 'suspended'],
      [lEvents[3].id, 'suspended'],
    ]);
    for (const k of [2, 3]) {
      const r1 = (await tasksOf(k)).filter((t) => t.round === 1).sort((x, y) => x.attempt - y.attempt);
      expect(r1.map((t) => [t.attempt, t.status])).toEqual([
        [0, TaskStatus.Void],
        [1, TaskStatus.Pending],
      ]);
    }
    expect(
      (
        await env.ds
          .getRepository(AuditLog)
          .findBy({ action: 'marking.requeue', entityId: In([lEvents[2].id, lEvents[3].id].map(String)) })
      ).length,
    ).toBe(2);

    // A and B drain the pool (each meets one seed on the way, marked right).
    await turn('A', [0, 0]);
    await turn('B', [0, 0]);
    for (let i = 0; i < 40; i++) {
      const a = await turn('A');
      const b = await turn('B');
      if (!a && !b) break;
    }
    // Nobody ever marked an answer twice, and L's re-queued answers went to the other two.
    const live = await env.ds.getRepository(MarkEvent).find({ where: { itemId: item.id, kind: 'live' } });
    const pairs = live.filter((e) => e.round < 9).map((e) => `${e.snippetId}:${e.markerId}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(live.filter((e) => e.markerId === ids.get('L')!)).toHaveLength(4);

    // The console: L suspended, 1 of 3 seeds agreed, lenient against the group; the arbitration queue still holds G.
    console_ = (await as('lead').get(`/api/marking/console?examId=${s.exam.id}`)).body;
    const it0 = console_.items[0];
    const byName = (id: number) => it0.markers.find((x: { markerId: number }) => x.markerId === id);
    expect(byName(ids.get('L')!)).toMatchObject({
      suspended: true,
      seeds: 3,
      seedAgreement: 0.3333,
      count: 2,
      thirdRate: 1,
    });
    expect(byName(ids.get('L')!).meanVsGroup).toBeGreaterThan(2);
    expect(byName(ids.get('A')!)).toMatchObject({ suspended: false, seeds: 1, seedAgreement: 1, count: 9 });
    expect(byName(ids.get('A')!).thirdRate).toBeCloseTo(2 / 9, 3);
    expect(byName(ids.get('B')!).arbitrationRate).toBeGreaterThan(0);
    expect(it0.tasks.pending).toBe(0);
    expect(it0.minutesLeft).toBe(0);
    expect(console_.arbitration.map((x: { token: string }) => x.token)).toEqual([snippets[0].token]);

    // The lead arbitrates G; every answer now has its expected final score.
    const arb = await as('lead').post(`/api/marking/snippets/${snippets[0].token}/arbitrate`, {
      score: 5,
      reason: '按评分细则',
    });
    expect(arb.status).toBe(200);
    const finals = await env.ds.getRepository(FinalItemScore).findBy({ itemId: item.id });
    const byStudent = new Map(finals.map((f) => [f.studentId, f.score]));
    expect(s.students.map((st) => byStudent.get(st.id))).toEqual(truth);
    const open = await env.ds.query(
      `SELECT COUNT(*) AS n FROM marking_task WHERE item_id = ? AND status IN ('pending', 'leased')`,
      [item.id],
    );
    expect(Number(open[0].n)).toBe(0);

    // Restore: L may mark again (nothing is left), and the old misses no longer count.
    const restored = await as('lead').post(`/api/marking/items/${item.id}/markers/${ids.get('L')}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ suspended: false, phase: 'live' });
  });
  it('assignments, trial marking with automatic pass or approval, self re-marking, a daily cap, and 回评', async () => {
    const s = await seedMarkingExam(env.ds, app.get(BlobStore), {
      allianceId,
      schoolIds,
      uploaderId: ids.get('scanner')!,
      studentsPerSchool: 3,
      items: [
        { label: '21', mode: MarkingMode.Double, maxScore: 10, step: 1, tolerance: 1 },
        { label: '22', mode: MarkingMode.Single, maxScore: 10, step: 1, tolerance: 0 },
      ],
    });
    const [i1, i2] = s.items;
    const sn1 = s.snippets.get(i1.id)!;
    const sn2 = s.snippets.get(i2.id)!;
    const truth = [3, 6, 2, 8, 5, 1];
    const indexIn = (list: { token: string }[], url: string) => list.findIndex((x) => x.token === url.split('/').pop());
    const next = (user: string, body: object) => as(user).post('/api/marking/next', { examId: s.exam.id, ...body });
    const submit = (user: string, taskId: number, score: number) =>
      as(user).post(`/api/marking/tasks/${taskId}/submit`, { score, clientId: clientId() });

    // 题块: A is assigned item 21 only, B both items, L item 22; N, with no assignment at all, gets nothing.
    expect((await next('N', {})).status).toBe(204);
    expect((await next('N', { itemId: i1.id })).status).toBe(204);
    expect(
      (
        await as('lead').put(`/api/marking/items/${i1.id}/assignments`, { markerIds: [ids.get('A'), ids.get('B')] })
      ).body.markers.map((m: { markerId: number }) => m.markerId),
    ).toEqual([ids.get('A'), ids.get('B')]);
    expect(
      (await as('lead').put(`/api/marking/items/${i2.id}/assignments`, { markerIds: [ids.get('B'), ids.get('L')] }))
        .status,
    ).toBe(200);
    expect((await next('N', {})).status).toBe(204);
    const open21 = await env.ds.query(
      `SELECT COUNT(*) AS n FROM marking_task WHERE item_id = ? AND status = 'pending'`,
      [i1.id],
    );
    expect(Number(open21[0].n)).toBeGreaterThan(0);
    const notMarker = await as('lead').put(`/api/marking/items/${i1.id}/assignments`, { markerIds: [ids.get('lead')] });
    expect(notMarker.status).toBe(400);
    expect(notMarker.body.message).toContain('不是本联盟数学学科的阅卷教师');
    expect((await as('lead_cn').get(`/api/marking/items/${i1.id}/assignments`)).status).toBe(403);
    expect((await next('A', { itemId: i2.id })).status).toBe(204);

    // 试评 on item 22: two answers with definitive scores, automatic pass at 100 % agreement.
    await as('lead').put(`/api/marking/items/${i2.id}/qc`, { trialRequired: true, trialPassRate: 1 });
    for (const k of [0, 1])
      expect(
        (
          await as('lead').post(`/api/marking/items/${i2.id}/references`, {
            token: sn2[k].token,
            kind: 'trial',
            score: truth[k],
          })
        ).status,
      ).toBe(200);
    for (const [user, off] of [
      ['B', 0],
      ['L', 3],
    ] as const) {
      for (let n = 0; n < 2; n++) {
        const t = await next(user, { itemId: i2.id });
        expect(t.status).toBe(200);
        const k = indexIn(sn2, t.body.snippetUrl);
        expect([0, 1]).toContain(k);
        expect((await submit(user, t.body.taskId, truth[k] + off)).status).toBe(200);
      }
    }
    // B agreed on both: live at once. L missed both: no live answers until the lead approves.
    const b = await next('B', { itemId: i2.id });
    expect(b.status).toBe(200);
    expect(indexIn(sn2, b.body.snippetUrl)).toBeGreaterThanOrEqual(2);
    expect((await next('L', { itemId: i2.id })).status).toBe(204);
    let con = (await as('lead').get(`/api/marking/console?examId=${s.exam.id}`)).body;
    const lOn2 = con.items
      .find((x: { itemId: number }) => x.itemId === i2.id)
      .markers.find((m: { markerId: number }) => m.markerId === ids.get('L'));
    expect(lOn2).toMatchObject({ phase: 'trial', trial: { marked: 2, agreed: 0, references: 2, verdict: 'fail' } });
    expect((await as('lead').post(`/api/marking/items/${i2.id}/markers/${ids.get('L')}/approve`)).body).toMatchObject({
      phase: 'live',
      suspended: false,
    });
    expect((await next('L', { itemId: i2.id })).status).toBe(200);

    // Item 21: self re-marking at a set rate, and a daily cap of 6 marks.
    await as('lead').put(`/api/marking/items/${i1.id}/qc`, { selfRate: 0.5, dailyCap: 6, reviewSize: 8 });
    const aMarks: { taskId: number; k: number }[] = [];
    for (let n = 0; n < 4; n++) {
      const t = await next('A', { itemId: i1.id });
      const k = indexIn(sn1, t.body.snippetUrl);
      aMarks.push({ taskId: t.body.taskId, k });
      expect((await submit('A', t.body.taskId, truth[k])).status).toBe(200);
    }
    // The draw says "self": A's oldest mark not among the last three comes back, looking like any answer.
    script.push(0.3, 0);
    const again = await next('A', { itemId: i1.id });
    script.length = 0;
    expect(indexIn(sn1, again.body.snippetUrl)).toBe(aMarks[0].k);
    expect(again.body.taskId).not.toBe(aMarks[0].taskId);
    expect((await submit('A', again.body.taskId, truth[aMarks[0].k])).status).toBe(200);
    const selfEvent = await env.ds.getRepository(MarkEvent).findOneByOrFail({ taskId: again.body.taskId });
    expect(selfEvent).toMatchObject({ kind: 'self', agreed: true, round: 0 });
    const fifth = await next('A', { itemId: i1.id });
    expect(fifth.status).toBe(200);
    expect((await submit('A', fifth.body.taskId, truth[indexIn(sn1, fifth.body.snippetUrl)])).status).toBe(200);
    expect((await next('A', { itemId: i1.id })).status).toBe(204); // 6 marks today: the cap

    // 回评: the last marks, newest first, changeable while the answer has no final score.
    const review = await as('A').get(`/api/marking/review?itemId=${i1.id}`);
    expect(review.status).toBe(200);
    expect(review.body.marks).toHaveLength(6);
    expect(review.body.marks.every((m: { changeable: boolean }) => m.changeable)).toBe(true);
    const first = review.body.marks.at(-1);
    expect(first.score).toBe(truth[aMarks[0].k]);
    const change = { score: truth[aMarks[0].k] + 1, clientId: clientId() };
    const changed = await as('A').post(`/api/marking/marks/${first.markEventId}/revise`, change);
    expect(changed.status).toBe(200);
    expect((await as('A').post(`/api/marking/marks/${first.markEventId}/revise`, change)).body.markEventId).toBe(
      changed.body.markEventId,
    ); // repeated: one mark
    expect(
      (await as('A').post(`/api/marking/marks/${first.markEventId}/revise`, { score: 1, clientId: clientId() })).status,
    ).toBe(409);
    expect(
      (await as('B').post(`/api/marking/marks/${changed.body.markEventId}/revise`, { score: 1, clientId: clientId() }))
        .status,
    ).toBe(404);
    const old = await env.ds.getRepository(MarkEvent).findOneByOrFail({ id: first.markEventId });
    expect(old.score).toBe(truth[aMarks[0].k]); // the old event is untouched
    expect(await env.ds.getRepository(MarkSupersession).findOneBy({ markEventId: old.id })).toMatchObject({
      reason: 'review',
      replacementEventId: changed.body.markEventId,
    });

    // B marks the other rounds: finals use A's changed mark, and then 回评 can no longer change them.
    for (let n = 0; n < 20; n++) {
      const t = await next('B', { itemId: i1.id });
      if (t.status === 204) break;
      expect((await submit('B', t.body.taskId, truth[indexIn(sn1, t.body.snippetUrl)])).status).toBe(200);
    }
    const f0 = await env.ds
      .getRepository(FinalItemScore)
      .findOneByOrFail({ studentId: s.students[aMarks[0].k].id, itemId: i1.id });
    expect(f0.score).toBe(truth[aMarks[0].k] + 1); // mean of A's changed mark and B's, rounded half up
    const after = (await as('A').get(`/api/marking/review?itemId=${i1.id}`)).body.marks;
    const latest = after.find((m: { markEventId: number }) => m.markEventId === changed.body.markEventId);
    expect(latest.changeable).toBe(false);
    const late = await as('A').post(`/api/marking/marks/${changed.body.markEventId}/revise`, {
      score: 0,
      clientId: clientId(),
    });
    expect(late.status).toBe(409);
    expect(late.body.message).toBe('该答卷已出分，不能再修改');
    con = (await as('lead').get(`/api/marking/console?examId=${s.exam.id}`)).body;
    const aOn1 = con.items
      .find((x: { itemId: number }) => x.itemId === i1.id)
      .markers.find((m: { markerId: number }) => m.markerId === ids.get('A'));
    expect(aOn1).toMatchObject({ assigned: true, selfChecks: 1, selfConsistency: 1, count: 5 });
  });
  it('serves the subject-lead console page, and refuses the console API to markers and other subjects', async () => {
    const page = await http().get('/lead');
    expect(page.status).toBe(200);
    // The page is a built shell: its heading and its call of the console API are in the script it loads.
    const entry = /<script type="module"[^>]* src="([^"]+)"/.exec(page.text)?.[1];
    expect(entry).toMatch(/^\/assets\/lead-[\w-]+\.js$/);
    const script = await http().get(entry!);
    expect(script.status).toBe(200);
    expect(script.text).toContain('阅卷管理（学科组长）');
    expect(script.text).toContain('/api/marking/console?examId=');
    const s = await seedExam(MarkingMode.Double, 1);
    expect((await as('A').get(`/api/marking/console?examId=${s.exam.id}`)).status).toBe(403);
    const cn = await as('lead_cn').get(`/api/marking/console?examId=${s.exam.id}`);
    expect(cn.status).toBe(200);
    expect(cn.body.items).toEqual([]); // a 语文 lead sees no 数学 item
    const mine = await as('lead').get(`/api/marking/console?examId=${s.exam.id}`);
    expect(mine.body.items.map((i: { label: string; minutesLeft: number | null }) => [i.label, i.minutesLeft])).toEqual(
      [['20', null]],
    ); // nothing marked yet: no pace
    expect(
      (await as('lead').post(`/api/marking/items/${s.items[0].id}/markers/${ids.get('A')}/suspend`, { reason: 7 }))
        .status,
    ).toBe(400);
  });

  it('a reference answer settles nothing unless the lead says so; arbitration only for answers waiting for it; overrides need a reason', async () => {
    const s = await seedExam(MarkingMode.DoubleArbitration, 2); // 4 answers; A, B and L assigned
    const item = s.items[0];
    const sn = s.snippets.get(item.id)!;
    await env.ds.query(
      'UPDATE marking_task SET shuffle_key = (SELECT 2 * COUNT(*) FROM answer_snippet x WHERE x.item_id = ? AND x.id < marking_task.snippet_id) + round WHERE item_id = ?',
      [item.id, item.id],
    );
    const finalOf = async (k: number) =>
      (await env.ds.getRepository(FinalItemScore).findOneBy({ studentId: s.students[k].id, itemId: item.id }))?.score ??
      null;
    const arbitrate = (k: number, body: object) =>
      as('lead').post(`/api/marking/snippets/${sn[k].token}/arbitrate`, body);
    const mark = async (user: string, expected: number, score: number) => {
      const t = await as(user).post('/api/marking/next', { itemId: item.id });
      expect(t.status).toBe(200);
      expect(t.body.snippetUrl.split('/').pop()).toBe(sn[expected].token);
      expect(
        (await as(user).post(`/api/marking/tasks/${t.body.taskId}/submit`, { score, clientId: clientId() })).status,
      ).toBe(200);
    };

    // A seed's definitive score is for quality control: the answer stays in live marking, no final score appears.
    expect(
      (
        await as('lead').post(`/api/marking/items/${item.id}/references`, {
          token: sn[0].token,
          kind: 'seed',
          score: 7,
        })
      ).status,
    ).toBe(200);
    expect(await finalOf(0)).toBeNull();
    const open0 = await env.ds.getRepository(MarkingTask).findBy({ snippetId: sn[0].id, kind: 'live' as never });
    expect(open0.map((t) => t.status)).toEqual([TaskStatus.Pending, TaskStatus.Pending]);
    const noReason = await as('lead').post(`/api/marking/items/${item.id}/references`, {
      token: sn[0].token,
      kind: 'seed',
      score: 7,
      asFinal: true,
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toBe('将标准分定为最终得分必须填写原因');

    // Arbitration while the answer is still being marked: refused, nothing written.
    const early = await arbitrate(0, { score: 5 });
    expect(early.status).toBe(409);
    expect(early.body.message).toBe('该答卷尚在评阅中，未到仲裁环节');
    expect(await env.ds.getRepository(MarkEvent).countBy({ snippetId: sn[0].id })).toBe(0);

    // A and B agree on answer 0: its final score comes from their marks by the rules, not from the seed's 7.
    await mark('A', 0, 6);
    await mark('B', 0, 6);
    expect(await finalOf(0)).toBe(6);
    const settled = await arbitrate(0, { score: 7 });
    expect(settled.status).toBe(409);
    expect(settled.body.message).toBe('该答卷已出分，无需仲裁；如需改判，请选择改判并填写原因');
    expect((await arbitrate(0, { score: 7, override: true })).body.message).toBe('改判已出分的答卷必须填写原因');
    expect((await arbitrate(0, { score: 7, override: true, reason: '   ' })).status).toBe(400);
    expect(await finalOf(0)).toBe(6);
    // An explicit override with a reason: final, audited with the score it replaced.
    const over = await arbitrate(0, { score: 7, override: true, reason: '复核：第二步应得分' });
    expect(over.status).toBe(200);
    expect(over.body).toMatchObject({ score: 7, basis: 'arbitration' });
    expect(await finalOf(0)).toBe(7);
    const audit = await env.ds
      .getRepository(AuditLog)
      .findOneByOrFail({ action: 'marking.override', entityId: String(sn[0].id) });
    expect(audit.userId).toBe(ids.get('lead'));
    expect(audit.detail).toMatchObject({
      score: 7,
      previousScore: 6,
      previousRule: 'double_arbitration-v1',
      stateBefore: 'final',
      reason: '复核：第二步应得分',
    });
    // Override of an answer that has no final score yet: refused.
    expect((await arbitrate(1, { score: 3, override: true, reason: '提前定分' })).status).toBe(409);

    // Answer 1: A 2, B 8 → a third round; not yet for the lead. L 5 is near neither → waiting for arbitration.
    await mark('A', 1, 2);
    await mark('B', 1, 8);
    expect((await arbitrate(1, { score: 4 })).status).toBe(409);
    await env.ds.query('UPDATE marking_task SET shuffle_key = -1 WHERE item_id = ? AND round = 3', [item.id]);
    await mark('L', 1, 5);
    expect(await finalOf(1)).toBeNull();
    const arb = await arbitrate(1, { score: 4, reason: '按评分细则' });
    expect(arb.status).toBe(200);
    expect(await finalOf(1)).toBe(4);
    expect(
      (
        await env.ds
          .getRepository(AuditLog)
          .findOneByOrFail({ action: 'marking.arbitrate', entityId: String(sn[1].id) })
      ).detail,
    ).toMatchObject({ stateBefore: 'need_arbitration', previousScore: null });
    // Arbitrated once: a second arbitration is an override, refused without one.
    expect((await arbitrate(1, { score: 5 })).status).toBe(409);
    expect(await finalOf(1)).toBe(4);
  });
});
