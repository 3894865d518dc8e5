// Services against the real database: a new version is one row per (exam, subject, version) even when two leads
// ask at once; the schema refuses a duplicate version; knowledge points added concurrently are not duplicated.
import type { INestApplication } from '@nestjs/common';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { Actor } from '../../src/common/actor.js';
import { Item } from '../../src/exams/entities/item.entity.js';
import { KnowledgePoint } from '../../src/exams/entities/knowledge-point.entity.js';
import { Paper } from '../../src/exams/entities/paper.entity.js';
import { ExamsService } from '../../src/exams/exams.service.js';
import { KnowledgePointsService } from '../../src/exams/knowledge-points.service.js';
import { PaperWorkflowService } from '../../src/exams/paper-workflow.service.js';
import { createAlliance, createUser } from '../support/fixtures.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

describe('paper versions and knowledge points on the database', () => {
  let env: TestEnv;
  let app: INestApplication;
  let allianceId: number;
  let lead1: Actor;
  let lead2: Actor;
  let admin: Actor;

  beforeAll(async () => {
    env = await createTestEnv('papervers');
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    allianceId = (await createAlliance(env.ds)).id;
    const grant = (role: Role, subject: string | null = null) => ({ role, allianceId, schoolId: null, subject });
    const u1 = await createUser(env.ds, 'v_lead1', 'pass-word-9', [grant(Role.SubjectLead, '物理')]);
    const u2 = await createUser(env.ds, 'v_lead2', 'pass-word-9', [grant(Role.SubjectLead, '物理')]);
    const ua = await createUser(env.ds, 'v_admin', 'pass-word-9', [grant(Role.Admin)]);
    lead1 = new Actor(u1.id, 'v_lead1', 'v_lead1', [grant(Role.SubjectLead, '物理')]);
    lead2 = new Actor(u2.id, 'v_lead2', 'v_lead2', [grant(Role.SubjectLead, '物理')]);
    admin = new Actor(ua.id, 'v_admin', 'v_admin', [grant(Role.Admin)]);
  });
  afterAll(async () => {
    await app.close();
    await env.cleanup();
  });

  it('makes exactly one new version when two leads ask at once', async () => {
    const exams = app.get(ExamsService);
    const wf = app.get(PaperWorkflowService);
    const exam = await exams.createExam(admin, allianceId, { name: '八年级物理联考', grade: '八年级' });
    const paper = await exams.createPaper(lead1, exam.id, {
      subject: '物理',
      title: '八年级物理',
      items: [
        {
          label: '1',
          type: 'multiple_choice',
          maxScore: 4,
          answerKey: 'AB',
          partialCredit: 0.5,
          knowledgePoints: ['力学/牛顿第一定律'],
        },
        { label: '2(1)', type: 'subjective', maxScore: 6, knowledgePoints: ['牛顿第一定律'], cognitiveLevel: '运用' },
      ],
    });
    await wf.submit(lead1, paper.id);
    await wf.approve(lead2, paper.id);
    const results = await Promise.allSettled([wf.newVersion(lead1, paper.id), wf.newVersion(lead2, paper.id)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as { status: number }).status).toBe(409);
    const papers = await env.ds.getRepository(Paper).find({ where: { examId: exam.id }, order: { version: 'ASC' } });
    expect(papers.map((p) => [p.version, p.status, p.previousPaperId])).toEqual([
      [1, 'locked', null],
      [2, 'draft', paper.id],
    ]);
    const copied = await env.ds.getRepository(Item).find({ where: { paperId: papers[1].id }, order: { seq: 'ASC' } });
    expect(copied.map((i) => [i.label, i.parentLabel, i.partialCredit, i.cognitiveLevel, i.knowledgePoints])).toEqual([
      ['1', null, 0.5, null, ['牛顿第一定律']],
      ['2(1)', '2', null, '运用', ['牛顿第一定律']],
    ]);
    await expect(
      env.ds.getRepository(Paper).insert({ examId: exam.id, subject: '物理', title: 'dup', fullMarks: 1, version: 2 }),
    ).rejects.toMatchObject({ code: 'ER_DUP_ENTRY' });
  });

  it('adds knowledge-point paths idempotently, also when two requests race', async () => {
    const kps = app.get(KnowledgePointsService);
    const body = { subject: '物理', paths: ['电学/欧姆定律', '电学/串联电路/电流'] };
    const [a, b] = await Promise.all([kps.addPaths(lead1, allianceId, body), kps.addPaths(lead2, allianceId, body)]);
    expect(a.added + b.added).toBe(4);
    const rows = await env.ds
      .getRepository(KnowledgePoint)
      .find({ where: { allianceId, subject: '物理' }, order: { path: 'ASC' } });
    expect(rows.map((r) => r.path)).toEqual([
      '力学',
      '力学/牛顿第一定律',
      '电学',
      '电学/串联电路',
      '电学/串联电路/电流',
      '电学/欧姆定律',
    ]);
    const child = rows.find((r) => r.path === '电学/串联电路/电流')!;
    expect(rows.find((r) => r.id === child.parentId)!.path).toBe('电学/串联电路');
  });
});
