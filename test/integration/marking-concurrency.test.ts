// MarkingLeaseService under concurrency, on the real MariaDB: leasing with SKIP LOCKED, and the two rounds of one
// answer submitted at the same moment (whichever commits second must see both marks and resolve the score).
import type { INestApplication } from '@nestjs/common';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { Actor } from '../../src/common/actor.js';
import { MarkingMode } from '../../src/exams/entities/item.entity.js';
import { MarkingTask, TaskStatus } from '../../src/marking/entities/marking-task.entity.js';
import { MarkingLeaseService } from '../../src/marking/marking-lease.service.js';
import { FinalItemScore } from '../../src/marking/entities/final-item-score.entity.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { seedMarkingExam } from '../e2e/marking-fixtures.js';
import { createAlliance, createSchool, createUser } from '../support/fixtures.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

describe('MarkingLeaseService under concurrency', () => {
  let env: TestEnv;
  let app: INestApplication;
  let svc: MarkingLeaseService;
  let allianceId: number;
  let schoolIds: number[];
  let uploaderId: number;
  const actors: Actor[] = [];
  let n = 0;
  const cid = () => `int-${process.pid}-${n++}-${Date.now()}`;

  beforeAll(async () => {
    env = await createTestEnv('marking_conc');
    const a = await createAlliance(env.ds);
    allianceId = a.id;
    schoolIds = [
      (await createSchool(env.ds, a.id, '一中', 'Y1')).id,
      (await createSchool(env.ds, a.id, '二中', 'Y2')).id,
    ];
    uploaderId = (
      await createUser(env.ds, 'scan', 'pass-1234', [{ role: Role.Scanner, allianceId: a.id, schoolId: schoolIds[0] }])
    ).id;
    for (let i = 0; i < 20; i++) {
      const grants = [{ role: Role.Marker, allianceId: a.id, schoolId: null, subject: '数学' }];
      const u = await createUser(env.ds, `mk${i}`, 'pass-1234', grants);
      actors.push(new Actor(u.id, u.username, u.displayName, grants));
    }
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    svc = app.get(MarkingLeaseService);
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  const seed = (mode: MarkingMode, studentsPerSchool: number, tolerance = 1) =>
    seedMarkingExam(env.ds, app.get(BlobStore), {
      allianceId,
      schoolIds,
      uploaderId,
      studentsPerSchool,
      items: [{ label: '9', mode, tolerance }],
      markerIds: actors.map((a) => a.userId),
    });

  it('20 markers at once lease 15 tasks: each task once, the rest get nothing', async () => {
    const s = await seed(MarkingMode.Single, 8); // 16 snippets
    // Take one task out of the pool first so 15 remain.
    await env.ds.query(`UPDATE marking_task SET status = 'done' WHERE exam_id = ? ORDER BY id LIMIT 1`, [s.exam.id]);
    const got = await Promise.all(actors.map((a) => svc.next(a, { examId: s.exam.id })));
    const ids = got.filter((g) => g !== null).map((g) => g!.taskId);
    expect(ids).toHaveLength(15);
    expect(new Set(ids).size).toBe(15);
    expect(got.filter((g) => g === null)).toHaveLength(5);
    const leased = await env.ds.getRepository(MarkingTask).findBy({ examId: s.exam.id, status: TaskStatus.Leased });
    expect(leased.map((t) => t.id).sort()).toEqual([...ids].sort());
  });

  it('resolves every answer whose two rounds are submitted at the same moment', async () => {
    const s = await seed(MarkingMode.DoubleArbitration, 5, 1); // 10 snippets, 20 tasks
    const [a, b] = actors;
    // Two markers in parallel: a holds round 1, b holds round 2 of every snippet.
    const tasks = await env.ds.getRepository(MarkingTask).findBy({ examId: s.exam.id });
    const far = new Date(Date.now() + 600_000);
    for (const t of tasks)
      await env.ds
        .getRepository(MarkingTask)
        .update(
          { id: t.id },
          { status: TaskStatus.Leased, leasedBy: t.round === 1 ? a.userId : b.userId, leaseExpiresAt: far },
        );
    // Even snippets agree (5 and 6 → 5.5 → 6), odd ones disagree (2 and 8 → third marking).
    const snippetIndex = new Map(s.snippets.get(s.items[0].id)!.map((sn, i) => [sn.id, i]));
    const scoreOf = (t: MarkingTask) =>
      snippetIndex.get(t.snippetId)! % 2 === 0 ? (t.round === 1 ? 5 : 6) : t.round === 1 ? 2 : 8;
    await Promise.all(
      tasks.map((t) => svc.submit(t.round === 1 ? a : b, t.id, { score: scoreOf(t), clientId: cid() })),
    );

    const finals = await env.ds.getRepository(FinalItemScore).findBy({ examId: s.exam.id });
    expect(finals).toHaveLength(5);
    expect(finals.every((f) => f.score === 6 && f.ruleVersion === 'double_arbitration-v1')).toBe(true);
    const thirds = await env.ds.getRepository(MarkingTask).findBy({ examId: s.exam.id, round: 3 });
    expect(thirds).toHaveLength(5);
    expect(thirds.every((t) => t.status === TaskStatus.Pending && snippetIndex.get(t.snippetId)! % 2 === 1)).toBe(true);

    // Third markers can never be a or b; c marks them all 7 → near 8 only → 7.5 → 8.
    expect(await svc.next(a, { examId: s.exam.id })).toBeNull();
    expect(await svc.next(b, { examId: s.exam.id })).toBeNull();
    const c = actors[2];
    for (let r = await svc.next(c, { examId: s.exam.id }); r; r = await svc.next(c, { examId: s.exam.id }))
      await svc.submit(c, r.taskId, { score: 7, clientId: cid() });
    const all = await env.ds.getRepository(FinalItemScore).findBy({ examId: s.exam.id });
    expect(all.map((f) => f.score).sort()).toEqual([6, 6, 6, 6, 6, 8, 8, 8, 8, 8]);
  });

  it('a marker prefetching from two tabs at once gets one task, never the other round of the current answer', async () => {
    const s = await seed(MarkingMode.Double, 2); // 4 snippets, 8 tasks
    const m = actors[5];
    const current = (await svc.next(m, { examId: s.exam.id }))!;
    const ahead = await Promise.all(
      Array.from({ length: 6 }, () => svc.next(m, { examId: s.exam.id, exceptTaskId: current.taskId })),
    );
    const ids = new Set(ahead.map((x) => x!.taskId));
    expect(ids.size).toBe(1);
    const [aheadId] = [...ids];
    expect(aheadId).not.toBe(current.taskId);
    const rows = await env.ds.getRepository(MarkingTask).findBy({ examId: s.exam.id, leasedBy: m.userId });
    expect(rows).toHaveLength(2);
    expect(rows[0].snippetId).not.toBe(rows[1].snippetId);
  });

  it('hands a lapsed lease to another marker, never to one who marked the answer or holds its other round', async () => {
    const s = await seed(MarkingMode.Double, 1); // 2 snippets, 4 tasks
    const [a, b, c] = [actors[10], actors[11], actors[12]];
    // a marks round 1 of one answer and holds round 1 of the other; b leases round 2 of the first and goes away.
    const t1 = (await svc.next(a, { examId: s.exam.id }))!;
    await svc.submit(a, t1.taskId, { score: 1, clientId: cid() });
    const first = await env.ds.getRepository(MarkingTask).findOneByOrFail({ id: t1.taskId });
    const other = await env.ds
      .getRepository(MarkingTask)
      .findOneByOrFail({ snippetId: first.snippetId, round: first.round === 1 ? 2 : 1 });
    // Leases are moved by editing rows: b holds the first answer's other round, a the other answer's round 1, both lapsed.
    const held = (await svc.next(a, { examId: s.exam.id }))!;
    const heldRow = await env.ds.getRepository(MarkingTask).findOneByOrFail({ id: held.taskId });
    expect(heldRow.snippetId).not.toBe(first.snippetId);
    await env.ds.query(`UPDATE marking_task SET status = 'leased', leased_by = ?, lease_expires_at = ? WHERE id = ?`, [
      b.userId,
      new Date(Date.now() - 60_000),
      other.id,
    ]);
    await env.ds.query('UPDATE marking_task SET lease_expires_at = ? WHERE id = ?', [
      new Date(Date.now() - 60_000),
      held.taskId,
    ]);
    // Every other task of the exam is taken by someone else (and current), so only the two lapsed ones are left.
    await env.ds.query(
      `UPDATE marking_task SET status = 'leased', leased_by = ?, lease_expires_at = ? WHERE exam_id = ? AND status = 'pending'`,
      [actors[13].userId, new Date(Date.now() + 600_000), s.exam.id],
    );
    // a: the lapsed round of the answer it marked is not for it; its own lapsed lease is.
    const again = (await svc.next(a, { examId: s.exam.id }))!;
    expect(again.taskId).toBe(held.taskId);
    // c takes the lapsed round b left; then nothing is left for c (it now holds the other round's answer).
    const taken = (await svc.next(c, { examId: s.exam.id }))!;
    expect(taken.taskId).toBe(other.id);
    expect((await env.ds.getRepository(MarkingTask).findOneByOrFail({ id: other.id })).leasedBy).toBe(c.userId);
  });
});
