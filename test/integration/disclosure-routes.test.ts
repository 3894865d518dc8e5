// Every route of the application that serves results, exports or reports consults the rule of
// src/exams/domain/exam-disclosure.ts: it carries @Discloses(views), whose guard is attached and refuses a reader the
// rule refuses. The routes are enumerated from the running application's module graph, so a new controller or route
// is checked without being listed here.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { ExamKind, VIEWS } from '../../src/exams/domain/exam-disclosure.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { Paper, PaperStatus } from '../../src/exams/entities/paper.entity.js';
import { DISCLOSES_KEY, DisclosureGuard, type DisclosesMeta } from '../../src/exams/exam-disclosure.guard.js';
import { createAlliance, createSchool, createUser } from '../support/fixtures.js';
import { type AppRoute, appRoutes, fillPath } from '../support/routes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

/** Features whose every read serves results, exports or reports. */
const RESULT_MODULES = ['ResultsModule', 'ReportsModule'];
/** Path words that say a route serves results, exports or reports, whichever feature holds it. */
const RESULT_WORDS =
  /(^|\/)(analysis|results?|exports?|reports?|notices?|scores?|ranks?|ranking|grade-bands?|overview|class-reports?)(\/|\.|$)/;
/** Words that make even a write a results route (it hands results out: an export, a report, a notice). */
const HANDS_OUT = /(^|\/)(exports?|reports?|notices?)(\/|\.|$)/;
/**
 * Not results: a paper's blueprint and template, the answer sheet, the suggestion library, the paper; marking and
 * scanning progress (counts of work done, no scores of students).
 */
const NOT_RESULTS = /blueprint|sheet\.pdf$|suggestions|\/document$|\/marking(\/|$)|scan/;

/** Routes of the results feature that serve no results, each with the reason. Keep this list short and argued. */
const NOT_RESULT_ROUTES: Record<string, string> = {
  'GET /api/exams/:id/state': 'the lifecycle stage and what is left to do (counts of work), for every member',
  'GET /api/exams/:id/release': "the admin's 成绩发布 preview: what is unfinished (counts), no scores",
};

/**
 * Results routes without an account or an exam in the address, which ask the rule in their service instead of the
 * guard. Keep this list short and argued.
 */
const RULE_IN_SERVICE: Record<string, string> = {
  'GET /api/counties/:id/comparison.pdf':
    "the county's bureau: a county names no single exam; CountyComparisonService asks disclosureFor per exam of its alliances (school_comparison, alliance_stats) and takes released results only",
  'POST /api/notice':
    'a student or parent with a personal code: the code names the student and the exam; NoticesService.open asks the rule for the readers student and parent (noticeAllowed, showsOwnScore)',
};

/** Does the route serve results, exports or reports? Only /api/ routes carry data (pages are empty shells). */
export function servesResults(r: Pick<AppRoute, 'method' | 'path' | 'module'>): boolean {
  if (!r.path.startsWith('/api/') || NOT_RESULTS.test(r.path)) return false;
  if (`${r.method} ${r.path}` in NOT_RESULT_ROUTES) return false;
  if (HANDS_OUT.test(r.path)) return true;
  return r.method === 'GET' && (RESULT_MODULES.includes(r.module) || RESULT_WORDS.test(r.path));
}

describe('the classifier of results routes', () => {
  const route = (method: string, path: string, module = 'SomeModule') => ({ method, path, module });
  it.each([
    [route('GET', '/api/exams/:id/analysis', 'ResultsModule'), true],
    [route('GET', '/api/exams/:id/classes/:classId/report', 'TeachersModule'), true],
    [route('GET', '/api/notices/:code'), true],
    [route('POST', '/api/exams/:id/notices/print'), true],
    [route('GET', '/api/counties/:id/overview'), true],
    [route('GET', '/api/exams/:id/exports/students.xlsx'), true],
    [route('GET', '/api/exams/:id/scores'), true],
    [route('POST', '/api/exams/:id/results/compute', 'ResultsModule'), false],
    [route('PATCH', '/api/exams/:id/longitudinal', 'ResultsModule'), false],
    [route('GET', '/api/papers/:id/blueprint.xlsx', 'ExamsModule'), false],
    [route('GET', '/api/papers/:paperId/sheet.pdf', 'SheetsModule'), false],
    [route('GET', '/api/exams/:examId/scan-status', 'ScansModule'), false],
    [route('GET', '/reports', 'WebModule'), false],
    [route('GET', '/api/exams/:id/marking/overview', 'MarkingModule'), false],
    // 考务 prints are not results
    [route('GET', '/api/exams/:id/admission-tickets.pdf', 'ExamsModule'), false],
    [route('GET', '/api/exams/:id/rooms/:roomId/seating.pdf', 'ExamsModule'), false],
  ])('%j → %s', (r, serves) => expect(servesResults(r)).toBe(serves));
});

describe('every results, exports and reports route consults the exam-disclosure rule', () => {
  let env: TestEnv;
  let app: INestApplication;
  let routes: AppRoute[];
  let examId: number;
  let schoolId: number;
  const tokens: Record<string, string> = {};
  const password = 'routes-pass-1';

  beforeAll(async () => {
    env = await createTestEnv('disclosure_routes');
    const home = await createAlliance(env.ds, '东城教联体', 'dr-home');
    const other = await createAlliance(env.ds, '西城教联体', 'dr-other');
    schoolId = (await createSchool(env.ds, home.id, '东城一中', 'dr-s1')).id;
    examId = (
      await env.ds.getRepository(Exam).save({
        allianceId: home.id,
        name: '2026年秋季七年级学业质量监测',
        grade: '七年级',
        gradeYear: 7,
        kind: ExamKind.QualityMonitoring,
      })
    ).id;
    await env.ds
      .getRepository(Paper)
      .save({ examId, subject: '数学', title: '七年级数学', fullMarks: 100, status: PaperStatus.Locked });
    // Passes every route's @Roles (admin, somewhere), but in the exam's alliance is only a marker: the rule refuses
    // a marker every view, so only the disclosure guard stands between this user and the route.
    await createUser(env.ds, 'dr_outsider', password, [
      { role: Role.Admin, allianceId: other.id },
      { role: Role.SubjectLead, allianceId: other.id, subject: '数学' },
      { role: Role.Principal, allianceId: other.id, schoolId: null },
      { role: Role.Marker, allianceId: home.id, subject: '数学' },
    ]);
    await createUser(env.ds, 'dr_admin', password, [{ role: Role.Admin, allianceId: home.id }]);
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    for (const u of ['dr_outsider', 'dr_admin']) {
      const res = await request(app.getHttpServer()).post('/api/auth/login').send({ username: u, password });
      tokens[u] = res.body.token;
    }
    routes = appRoutes(app);
  });

  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('finds the routes of the application (what the HTTP server serves)', () => {
    expect(routes.length).toBeGreaterThan(80);
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(keys).toContain('GET /api/exams/:id/analysis');
    expect(keys).toContain('GET /api/reports/:examId/:schoolId.pdf');
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('marks every results route with @Discloses and attaches the guard that enforces it', () => {
    const serving = routes.filter((r) => servesResults(r) && !(`${r.method} ${r.path}` in RULE_IN_SERVICE));
    expect(serving.length).toBeGreaterThanOrEqual(7);
    const offenders = serving
      .filter((r) => {
        const meta = Reflect.getMetadata(DISCLOSES_KEY, r.handler) as DisclosesMeta | undefined;
        return (
          !meta?.views.length ||
          !meta.views.every((v) => VIEWS.includes(v)) ||
          !r.path.includes(`:${meta.examParam}`) ||
          !r.guards.includes(DisclosureGuard)
        );
      })
      .map((r) => `${r.method} ${r.path} (${r.controller}.${r.handlerName})`);
    expect(offenders).toEqual([]);
  });

  it('each of those routes refuses, by the rule, a user whose only role in the exam’s alliance sees nothing', async () => {
    const serving = routes.filter((r) => servesResults(r) && !(`${r.method} ${r.path}` in RULE_IN_SERVICE));
    for (const r of serving) {
      const url = fillPath(r.path, { id: examId, examId, schoolId });
      const res = await request(app.getHttpServer())
        [r.method.toLowerCase() as 'get'](url)
        .set('Authorization', `Bearer ${tokens.dr_outsider}`);
      expect({ route: `${r.method} ${r.path}`, status: res.status, message: res.body?.message }).toEqual({
        route: `${r.method} ${r.path}`,
        status: 403,
        message: expect.stringMatching(/^按本次考试（学业质量监测·七年级）的成绩使用规定，当前账号不能查看/),
      });
    }
  });

  it("lets the exam's admin through the same routes (they answer what the exam has: nothing computed yet)", async () => {
    for (const r of routes.filter(servesResults)) {
      const url = fillPath(r.path, { id: examId, examId, schoolId });
      const res = await request(app.getHttpServer())
        [r.method.toLowerCase() as 'get'](url)
        .set('Authorization', `Bearer ${tokens.dr_admin}`);
      expect({ route: `${r.method} ${r.path}`, refused: res.status === 403 }).toEqual({
        route: `${r.method} ${r.path}`,
        refused: false,
      });
    }
  });
});
