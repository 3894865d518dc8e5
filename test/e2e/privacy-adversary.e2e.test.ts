// Issue 14 §11's adversary: from everything a principal can fetch over HTTP (the analysis JSON, schools.xlsx, its
// school's PDF with the vector paths of its charts), recover other schools' head counts and the own students'
// alliance ranks. Every attack must fail on what is served; the same attacks on the exact figures (the admin's JSON,
// which is what principals were served before, and a chart drawn from them) succeed, so the attacks are real.
import type { INestApplication } from '@nestjs/common';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { Item, ItemType } from '../../src/exams/entities/item.entity.js';
import { Paper, PaperStatus } from '../../src/exams/entities/paper.entity.js';
import { Alliance } from '../../src/org/entities/alliance.entity.js';
import { BureauUser } from '../../src/org/entities/bureau-user.entity.js';
import { County } from '../../src/org/entities/county.entity.js';
import { Locality, SchoolKind } from '../../src/org/entities/school.entity.js';
import { ReportRenderService } from '../../src/reports/report-render.service.js';
import { ReportRepository } from '../../src/reports/report.repository.js';
import { analysePaper } from '../../src/results/domain/exam-analysis.js';
import type { StudentOutcome } from '../../src/results/domain/student-outcomes.js';
import { longitudinal } from '../../src/results/domain/value-added.js';
import { binaryBody } from '../support/binary-body.js';
import { createAlliance, createSchool, createUser } from '../support/fixtures.js';
import {
  denominatorAttack,
  forestWhiskers,
  pdfContent,
  rankAttack,
  shrinkageAttack,
  widthAttack,
} from '../support/privacy-attacks.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';
import { releaseResults } from '../support/release.js';
import { execFileSync } from 'node:child_process';
import { ExamKind } from '../../src/exams/domain/exam-disclosure.js';
import { SchoolClass } from '../../src/org/entities/school-class.entity.js';
import { Student } from '../../src/org/entities/student.entity.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { buildResultsFixture, type ResultsFixture } from '../integration/results-fixture.js';

const SIZES = { own: 48, others: [37, 52, 61, 83, 120] };
const FULL = 100;

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

describe('privacy adversary: what a principal can fetch does not give head counts or ranks away', () => {
  let env: TestEnv;
  let app: INestApplication;
  let examId: number;
  let ownId: number;
  let allianceId: number;
  const otherIds: number[] = [];
  const trueN = new Map<number, number>();
  const ownTotals: number[] = [];
  let token = '';
  let adminToken = '';
  let principal: any;
  let admin: any;
  let xlsx: ExcelJS.Workbook;
  let pdf: Buffer;
  /** The result page's JSON of the own school (GET /api/exams/:id/schools/:schoolId/report). */
  let page: any;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    env = await createTestEnv('privacy_adv');
    const ds = env.ds;
    const alliance = await createAlliance(ds, '隐私测试教联体', `PV${Date.now().toString(36)}`);
    allianceId = alliance.id;
    const own = await createSchool(ds, alliance.id, '本校中学', 'P00', SchoolKind.Member, Locality.Rural);
    ownId = own.id;
    trueN.set(own.id, SIZES.own);
    for (const [i, n] of SIZES.others.entries()) {
      const s = await createSchool(
        ds,
        alliance.id,
        `他校${i}`,
        `P0${i + 1}`,
        i === 4 ? SchoolKind.Lead : SchoolKind.Member,
        i % 2 ? Locality.Urban : Locality.Rural,
      );
      otherIds.push(s.id);
      trueN.set(s.id, n);
    }
    const password = 'test-pass-123';
    await createUser(ds, 'pv_principal', password, [
      { role: Role.Principal, allianceId: alliance.id, schoolId: own.id },
    ]);
    await createUser(ds, 'pv_admin', password, [{ role: Role.Admin, allianceId: alliance.id }]);
    const prior = await ds.getRepository(Exam).save({ allianceId: alliance.id, name: '上学期期末', grade: '七年级' });
    const exam = await ds.getRepository(Exam).save({ allianceId: alliance.id, name: '期中统考', grade: '七年级' });
    examId = exam.id;
    const paper = await ds
      .getRepository(Paper)
      .save({ examId, subject: '数学', title: '数学', fullMarks: FULL, status: PaperStatus.Locked });
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

    // Students: school effects on ability, a prior total, this total with a school value-added; the own school holds
    // the alliance's three best (100, 99, 98), everyone else stays at or below 89.
    const rand = rng(14);
    const outcomes: StudentOutcome[] = [];
    const current: { studentId: number; schoolId: number; total: number }[] = [];
    const priorTotals = new Map<number, number>();
    let sid = 1;
    const schools = [own.id, ...otherIds];
    schools.forEach((schoolId, j) => {
      const effect = [-6, 8, -3, 2, -9, 10][j];
      const va = [4, -2, 0, 3, -3, 1][j];
      for (let i = 0; i < trueN.get(schoolId)!; i++) {
        const ability = 62 + effect + 14 * (rand() + rand() + rand() - 1.5) * 2;
        let total = Math.round(Math.min(89, Math.max(0, ability + va + 6 * (rand() - 0.5))));
        if (schoolId === own.id && i < 3) total = 100 - i;
        const parts = [0, 0, 0, 0];
        let left = total;
        for (let k = 0; k < 4; k++) {
          parts[k] =
            k === 3 ? left : Math.min(25, Math.max(0, Math.min(left, Math.round(total / 4 + 4 * (rand() - 0.5)))));
          left -= parts[k];
        }
        if (left !== 0 || parts.some((p) => p > 25 || p < 0)) parts.splice(0, 4, ...spread(total));
        const itemScores = Object.fromEntries(items.map((it, k) => [it.id, parts[k]]));
        outcomes.push({ studentId: sid, schoolId, status: 'complete', total, itemScores });
        current.push({ studentId: sid, schoolId, total });
        priorTotals.set(sid, Math.round(Math.min(100, Math.max(0, ability + 8 * (rand() - 0.5)))));
        if (schoolId === own.id) ownTotals.push(total);
        sid++;
      }
    });
    const schoolRows = [
      { schoolId: own.id, name: own.name, kind: 'member' as const, locality: 'rural' as const },
      ...otherIds.map((id, i) => ({
        schoolId: id,
        name: `他校${i}`,
        kind: (i === 4 ? 'lead' : 'member') as 'lead' | 'member',
        locality: (i % 2 ? 'urban' : 'rural') as 'urban' | 'rural',
      })),
    ];
    const data = analysePaper({
      examId,
      paper: { paperId: paper.id, subject: '数学', fullMarks: FULL },
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
    const l = longitudinal({ schools: schoolRows, current, prior: priorTotals });
    const stored = {
      ...data,
      anonymisationKey: 'adversary-test-key',
      longitudinal: { ...l, priorExamId: prior.id, priorExamName: prior.name, priorPaperId: 1 },
    };
    await ds.query('INSERT INTO exam_analysis (exam_id, paper_id, data) VALUES (?, ?, ?)', [
      examId,
      paper.id,
      JSON.stringify(stored),
    ]);

    app = await createApiApp(env.config, { logger: false });
    await app.init();
    await app.get(ReportRepository).markQueued(examId, [own.id], 0);
    expect((await app.get(ReportRenderService).renderSchoolReport(examId, own.id)).status).toBe('ready');

    const login = async (u: string) =>
      (await http().post('/api/auth/login').send({ username: u, password })).body.token;
    await releaseResults(ds, examId);
    token = await login('pv_principal');
    adminToken = await login('pv_admin');
    const get = (url: string, t = token) => http().get(url).set('Authorization', `Bearer ${t}`);
    principal = (await get(`/api/exams/${examId}/analysis`).expect(200)).body;
    admin = (await get(`/api/exams/${examId}/analysis`, adminToken).expect(200)).body;
    const x = await get(`/api/exams/${examId}/exports/schools.xlsx`).buffer(true).parse(binaryBody).expect(200);
    xlsx = new ExcelJS.Workbook();
    await xlsx.xlsx.load(x.body as unknown as ArrayBuffer);
    pdf = (await get(`/api/reports/${examId}/${own.id}.pdf`).buffer(true).parse(binaryBody).expect(200)).body as Buffer;
    page = (await get(`/api/exams/${examId}/schools/${own.id}/report`).expect(200)).body;
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  const allianceN = () => SIZES.own + SIZES.others.reduce((a, b) => a + b, 0);

  it('common denominator of the rates (and mean) in the JSON and in schools.xlsx pins no head count', () => {
    const p = principal.papers[0];
    expect(p.otherSchools).toHaveLength(5);
    for (const o of p.otherSchools) {
      const s = o.summary;
      const rates = [s.excellentRate, s.passRate, s.lowRate].filter((r: number | null) => r !== null);
      expect(SIZES.others).not.toContain(denominatorAttack(rates, s.mean, 0.05, 0.1, allianceN()).pinned);
    }
    const ws = xlsx.worksheets[0];
    const head = (ws.getRow(1).values as string[]).slice(1);
    const col = (name: string) => head.indexOf(name) + 1;
    let rows = 0;
    ws.eachRow((row, i) => {
      const name = String(row.getCell(1).value ?? '');
      if (i === 1 || !/^学校[A-Z]$/.test(name)) return;
      rows++;
      expect(row.getCell(col('参考人数')).value ?? null).toBeNull();
      const rates = ['优秀率(%)', '及格率(%)', '低分率(%)']
        .map((h) => row.getCell(col(h)).value as number | null)
        .filter((v) => v !== null)
        .map((v) => v! / 100);
      // served at 2 decimals of a percent: what an attacker can use is that precision
      // taken at face value (2 decimals of a percent), 5% steps "pin" multiples of 20: never a true head count
      const pinned = denominatorAttack(
        rates,
        row.getCell(col('平均分')).value as number,
        1e-4,
        1e-4,
        allianceN(),
      ).pinned;
      expect(SIZES.others).not.toContain(pinned);
    });
    expect(rows).toBe(5);
  });

  it('the same attack on the exact figures (admin JSON = what principals were served before) pins every head count', () => {
    for (const s of admin.papers[0].schools.filter((x: any) => x.schoolId !== ownId)) {
      const rates = [s.summary.excellentRate, s.summary.passRate, s.summary.lowRate];
      expect(denominatorAttack(rates, s.summary.mean, 1e-4, 1e-4, allianceN()).pinned).toBe(trueN.get(s.schoolId));
    }
  });

  it('interval widths and shrinkage ratios of the served value-added pin no head count', () => {
    const l = principal.papers[0].longitudinal;
    const own = l.ownSchools[0];
    const ownW = own.ciHigh - own.ciLow;
    for (const o of l.otherSchools) {
      expect(widthAttack(ownW, own.matched, o.ciHigh - o.ciLow, 1, allianceN()).pinned).toBeNull();
      expect(shrinkageAttack(l.tau2, own.se, own.matched, o.va, o.vaShrunk, 0.5, allianceN()).pinned).toBeNull();
      expect(o.improvement).toBeNull(); // the 提升系数 (VA/SE, or shrunken VA over σ beside the VA) is withheld
    }
    // The control of the old method (an interval of width 2·t·s/√n, which this attack inverted exactly) is gone: the
    // two-level model's widths also carry the uncertainty of the variances, so they are no longer t·s/√n. The served
    // widths are whole points either way, which is what the assertions above hold.
    expect(admin.papers[0].longitudinal.version).toBe(2);
  });

  it("the PDF's vector paths carry only the rounded intervals: whisker widths pin no head count", () => {
    const whiskers = forestWhiskers(pdfContent(pdf));
    const l = principal.papers[0].longitudinal;
    const own = l.ownSchools[0];
    const mine = whiskers.filter((w) => w.own);
    const others = whiskers.filter((w) => !w.own);
    expect(mine).toHaveLength(1);
    expect(others).toHaveLength(5);
    // the own whisker has the own school's exact interval: its length sets the scale (points per score point)
    const ownW = own.ciHigh - own.ciLow;
    const perPoint = (mine[0].x2 - mine[0].x1) / ownW;
    let tried = 0;
    for (const w of others) {
      tried++;
      // coordinates are written to 0.1 pt: the width is read to ±0.1 pt
      const width = (w.x2 - w.x1) / perPoint;
      const pinned = widthAttack(ownW, own.matched, width, 0.1 / perPoint, allianceN()).pinned;
      expect(SIZES.others).not.toContain(pinned);
      // what the whisker shows is the served, whole-point interval, nothing finer
      expect(Math.abs(width - Math.round(width))).toBeLessThan(0.15);
    }
    expect(tried).toBe(5);
  });

  it("the result page's JSON names no other school, gives no head count, and its rates and intervals pin none", () => {
    const text = JSON.stringify(page);
    for (const i of SIZES.others.keys()) expect(text).not.toContain(`他校${i}`);
    const s = page.sections[0];
    const col = (name: string) => s.peerTable.header.indexOf(name);
    const lettered = s.peerTable.rows.filter((r: string[]) => /^学校[A-Z]$/.test(r[0]));
    expect(lettered).toHaveLength(5);
    const pct = (x: string) => (x === '—' ? null : Number(x.replace('%', '')) / 100);
    for (const r of lettered) {
      expect(r[col('参考人数')]).toBe('—');
      const rates = [pct(r[col('优秀率')]), pct(r[col('及格率')])].filter((x): x is number => x !== null);
      // served to 0.1 of a percent, the mean to 0.01
      const pinned = denominatorAttack(rates, Number(r[col('平均分')]), 1e-3, 1e-2, allianceN()).pinned;
      expect(SIZES.others).not.toContain(pinned);
    }
    // the forest plot's rows are the served whole-point intervals: their widths pin no head count
    const forest = s.charts.find((c: { kind: string }) => c.kind === 'forest');
    const own = principal.papers[0].longitudinal.ownSchools[0];
    const others = forest.rows.filter((r: { own: boolean }) => !r.own);
    expect(others).toHaveLength(5);
    for (const r of others) {
      expect(Number.isInteger(r.high - r.low)).toBe(true);
      expect(widthAttack(own.ciHigh - own.ciLow, own.matched, r.high - r.low, 1, allianceN()).pinned).toBeNull();
    }
    // the value-added table of the others withholds the 提升系数 as the analysis JSON does
    const va = s.valueAdded.peerTable;
    for (const r of va.rows.filter((x: string[]) => /^学校[A-Z]$/.test(x[0])))
      expect(r[va.header.indexOf('提升系数')]).toBe('—');
  });

  it('the bureau and alliance overview (every school named, exact figures) is not served to a principal', async () => {
    const get = (url: string, t: string) => http().get(url).set('Authorization', `Bearer ${t}`);
    const full = await get(`/api/exams/${examId}/overview`, adminToken).expect(200);
    const others = (full.body.overview.subjects[0].schools as { schoolId: number; name: string }[]).filter((s) =>
      otherIds.includes(s.schoolId),
    );
    expect(others).toHaveLength(SIZES.others.length);
    for (const url of [`/api/exams/${examId}/overview`, `/api/exams/${examId}/overview.pdf`]) {
      const res = await get(url, token);
      expect(res.status).toBe(403);
      const body = JSON.stringify(res.body ?? '');
      for (const o of others) expect(body).not.toContain(o.name);
      expect(body).not.toMatch(/"n":|"va":|"mean":/);
    }
    // The page itself is a shell without data: nothing about any school is in it.
    const shell = await http().get('/overview').expect(200);
    for (const o of others) expect(shell.text).not.toContain(o.name);
  });

  it("one school's analysis (its classes, per-item figures, detail): the principal gets the own school's only", async () => {
    const get = (url: string, t: string) => http().get(url).set('Authorization', `Bearer ${t}`);
    const url = (id: number) => `/api/exams/${examId}/schools/${id}/analysis`;
    for (const id of otherIds) {
      expect((await get(url(id), adminToken)).status).toBe(200);
      const res = await get(url(id), token);
      expect(res.status).toBe(403);
      expect(JSON.stringify(res.body)).not.toMatch(/"n":|"mean":|"classes":/);
    }
    const mine = (await get(url(ownId), token).expect(200)).body;
    expect(mine.view).toBe('principal');
    expect(mine.papers.map((p: { school: { schoolId: number } }) => p.school.schoolId)).toEqual(
      mine.papers.map(() => ownId),
    );
    const text = JSON.stringify(mine);
    for (const id of otherIds) expect(text).not.toMatch(new RegExp(`"schoolIds?":\\[?${id}\\b`));
    expect(mine.papers[0].school).not.toHaveProperty('schoolIds');
  });

  it('alliance bands, maximum and own totals pin no rank of an own student (they did from the exact figures)', () => {
    const p = principal.papers[0];
    expect(rankAttack(p.alliance.bands, p.alliance.summary.max, ownTotals)).toEqual([]);
    const a = admin.papers[0].alliance;
    expect(rankAttack(a.bands, a.summary.max, ownTotals)).toEqual([1, 2, 3]);
  });

  it('the county views (issue 17): nothing for the principal; the bureau’s comparison names no school and no count of one', async () => {
    const county = await env.ds
      .getRepository(County)
      .save({ name: '隐私测试区', code: `PVQ${Date.now().toString(36)}` });
    await env.ds.getRepository(Alliance).update({ id: allianceId }, { countyId: county.id });
    const bureau = await createUser(env.ds, 'pv_bureau', 'test-pass-123', [], null);
    await env.ds.getRepository(BureauUser).save({ userId: bureau.id, countyId: county.id });
    const get = (url: string, t: string) => http().get(url).set('Authorization', `Bearer ${t}`);
    expect((await get('/api/counties', token).expect(200)).body).toEqual([]);
    expect((await get(`/api/counties/${county.id}/comparison`, token)).status).toBe(403);
    const bureauToken = (
      await http().post('/api/auth/login').send({ username: 'pv_bureau', password: 'test-pass-123' })
    ).body.token;
    const cmp = (await get(`/api/counties/${county.id}/comparison`, bureauToken).expect(200)).body;
    const row = cmp.groups[0].alliances[0];
    expect(row.students).toBe(allianceN());
    const text = JSON.stringify(cmp);
    for (const name of ['本校中学', '他校0', '他校4']) expect(text).not.toContain(name);
    expect(text).not.toMatch(/"schoolId"|"schools"|"topN"/);
    // The bureau's analysis names the schools (the rule's school_comparison) but never carries the anonymisation
    // key, which would map every principal's letters back to schools.
    const analysis = (await get(`/api/exams/${examId}/analysis`, bureauToken).expect(200)).body;
    expect(analysis.view).toBe('bureau');
    expect(analysis.papers[0].anonymisationKey).toBeUndefined();
    expect(JSON.stringify(analysis)).not.toContain('adversary-test-key');
  });
});

// Issue 17 §6: a parent's code shows one student only. The holder of one code tries to reach another student (other
// ids in the body, the class's routes without a session) and to read anything about other students or the alliance
// out of what the code serves (names, exam numbers, figures, distribution-shaped keys from which a rank could follow).
describe('privacy adversary: a notice code shows one student only', () => {
  let env: TestEnv;
  let app: INestApplication;
  let fx: ResultsFixture;
  let classId: number;
  let codes: { studentId: number; name: string; code: string }[];
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    env = await createTestEnv('privacy_notice');
    fx = await buildResultsFixture(env.ds, 'pn');
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    await app.get(ResultsJobService).computeExam(fx.examId);
    classId = Number(
      (await env.ds.query('SELECT class_id AS c FROM student WHERE id = ?', [fx.studentIds.lead[0]]))[0].c,
    );
    const token = (await http().post('/api/auth/login').send({ username: fx.users.admin, password: fx.password })).body
      .token;
    codes = (
      await http()
        .post(`/api/exams/${fx.examId}/classes/${classId}/notice-codes`)
        .set('Authorization', `Bearer ${token}`)
        .send({})
        .expect(201)
    ).body;
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  const keysOf = (v: unknown, out = new Set<string>()): Set<string> => {
    if (Array.isArray(v)) v.forEach((x) => keysOf(x, out));
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        out.add(k);
        keysOf(x, out);
      }
    return out;
  };

  it('other ids in the request change nothing: the code decides the student', async () => {
    const mine = codes[1];
    const others = [...fx.studentIds.lead, ...fx.studentIds.member].filter((id) => id !== mine.studentId);
    for (const body of [
      { code: mine.code, studentId: others[0] },
      { code: mine.code, student_id: others[1], examId: fx.examId + 1, classId: classId + 1 },
    ]) {
      const res = await http().post('/api/notice').send(body).expect(200);
      expect(res.body.notice.student.name).toBe(mine.name);
    }
    // the class's routes need an account: a code holder without one gets nothing
    await http().get(`/api/exams/${fx.examId}/classes/${classId}/notices.pdf`).expect(401);
    await http().get(`/api/exams/${fx.examId}/classes/${classId}/notice-codes`).expect(401);
    await http().get('/api/notice').expect(404);
  });

  it('what one code serves names no other student and carries no figure of others (no rank can follow)', async () => {
    const mine = codes[2];
    const res = (await http().post('/api/notice').send({ code: mine.code }).expect(200)).body;
    const names = (await env.ds.query('SELECT name, exam_no AS examNo FROM student WHERE id <> ?', [
      mine.studentId,
    ])) as {
      name: string;
      examNo: string;
    }[];
    const text = JSON.stringify(res);
    for (const n of names) {
      expect(text).not.toContain(n.name);
      expect(text).not.toContain(n.examNo);
    }
    // no aggregate or distribution of any group is served: nothing a rank could be read from
    const keys = keysOf(res);
    for (const k of [
      'mean',
      'median',
      'max',
      'min',
      'bands',
      'rank',
      'percentile',
      'n',
      'alliance',
      'allianceRate',
      'class',
      'school',
      'sd',
    ])
      expect(keys).not.toContain(k);
    // for a 学业质量监测 the notice holds no number but those of the exam's name and the 等级 cut-offs
    const allowed = new Set(
      [...`${res.notice.examName} ${res.notice.bandsText}`.matchAll(/\d+(?:\.\d+)?/g)].map((m) => m[0]),
    );
    // (ids and printed labels of the paper's items aside: the marks say 对/错/部分得分 beside them)
    const bare = {
      ...res.notice,
      subjects: res.notice.subjects.map(({ marks, paperId, ...rest }: any) => {
        expect(marks.every((m: any) => ['对', '错', '部分得分', '待评'].includes(m.text))).toBe(true);
        return rest;
      }),
    };
    const served = [...JSON.stringify(bare).matchAll(/\d+(?:\.\d+)?/g)].map((m) => m[0]);
    expect(
      served.filter(
        (x) => !allowed.has(x) && !res.notice.student.name.includes(x) && !res.notice.student.className.includes(x),
      ),
    ).toEqual([]);
    // the exact figures exist (the alliance's knowledge-point rates the notice compares with), and are not served
    const analysis = (await env.ds.query('SELECT data FROM exam_analysis WHERE exam_id = ?', [fx.examId]))[0].data;
    const rates = (typeof analysis === 'string' ? JSON.parse(analysis) : analysis).alliance.knowledgePoints.map(
      (k: { scoreRate: number }) => String(k.scoreRate),
    );
    expect(rates.length).toBeGreaterThan(0);
    for (const r of rates) expect(served).not.toContain(r);
  });
});

function spread(total: number): number[] {
  const base = Math.floor(total / 4);
  const parts = [base, base, base, base];
  for (let k = 0; k < total - base * 4; k++) parts[k]++;
  return parts;
}

describe('privacy adversary: what a teacher can fetch says nothing of another class’s students', () => {
  let env: TestEnv;
  let app: INestApplication;
  let fx: Awaited<ReturnType<typeof buildResultsFixture>>;
  let own: number;
  let sibling: number;
  let token = '';
  let adminToken = '';
  const http = () => request(app.getHttpServer());
  const get = (url: string, t = token) => http().get(url).set('Authorization', `Bearer ${t}`);
  // 甲学生5 (11 points) and 甲学生6 (6 points) sit in 七(2)班; the teacher is 班主任 of 七(1)班 (甲学生1–4, 甲缺考).
  const SIBLING_SUM = 11 + 6;

  beforeAll(async () => {
    env = await createTestEnv('privacy_teacher');
    fx = await buildResultsFixture(env.ds, 'pt', false);
    // 九年级 joint exam: the teacher may read the own class's scores (the strongest position for the attack).
    await env.ds.getRepository(Exam).update(fx.examId, { kind: ExamKind.Joint, gradeYear: 9 });
    const classes = env.ds.getRepository(SchoolClass);
    own = (await classes.findOneByOrFail({ schoolId: fx.schools.lead, name: '七(1)班' })).id;
    sibling = (await classes.save({ schoolId: fx.schools.lead, name: '七(2)班', grade: '七年级' })).id;
    await env.ds.getRepository(Student).update(fx.studentIds.lead.slice(4), { classId: sibling });
    await createUser(env.ds, 'pt_teacher', fx.password, [
      { role: Role.Teacher, allianceId: fx.allianceId, schoolId: fx.schools.lead, classId: own },
    ]);
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    await app.get(ResultsJobService).computeExam(fx.examId);
    await releaseResults(env.ds, fx.examId);
    const login = async (u: string) =>
      (await http().post('/api/auth/login').send({ username: u, password: fx.password })).body.token;
    token = await login('pt_teacher');
    adminToken = await login(fx.users.admin);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  /** The other class's sum of totals = school mean × school n − the own class's totals (the teacher knows them). */
  const differenceAttack = (school: { n: number; mean: number | null } | null, ownTotals: number[]) =>
    school && school.mean !== null ? Math.round(school.n * school.mean - ownTotals.reduce((a, b) => a + b, 0)) : null;

  it('the class report: own class only; the school’s figures, which would give the other class away, are withheld', async () => {
    const res = await get(`/api/exams/${fx.examId}/classes/${own}/report`).expect(200);
    const r = res.body.report;
    const ownTotals: number[] = r.students.flatMap((s: { papers: { score: number | null }[] }) =>
      s.papers.map((p) => p.score).filter((x): x is number => x !== null),
    );
    expect(ownTotals).toEqual([20, 18, 14, 13]);
    const col = (i: number) => r.sections[0].mainTable.rows.map((x: string[]) => x[i]);
    const served = col(2)[1] === '—' ? null : { n: Number(col(2)[0]), mean: Number(col(2)[1]) };
    expect(differenceAttack(served, ownTotals)).toBeNull();
    // The attack is real: on the exact figures of the school (the admin's analysis) it gives the other class away.
    const exact = (await get(`/api/exams/${fx.examId}/analysis`, adminToken).expect(200)).body.papers[0].schools.find(
      (x: { schoolId: number }) => x.schoolId === fx.schools.lead,
    );
    expect(differenceAttack({ n: exact.n, mean: exact.summary.mean }, ownTotals)).toBe(SIBLING_SUM);
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/甲学生5|甲学生6|乙学生|丙学生|河口乡中学|县实验中学|学校[A-Z]/);
    for (const id of [...fx.studentIds.lead.slice(4), ...fx.studentIds.member])
      expect(text).not.toContain(`"studentId":${id},`);
  });

  it('the class report PDF names nobody of another class', async () => {
    const pdf = (
      await get(`/api/exams/${fx.examId}/classes/${own}/report.pdf`).buffer(true).parse(binaryBody).expect(200)
    ).body as Buffer;
    const text = execFileSync('pdftotext', ['-', '-'], { input: pdf, encoding: 'utf8' });
    expect(text).toContain('甲学生1');
    expect(text).not.toMatch(/甲学生5|甲学生6|乙学生|丙学生|河口乡中学|县实验中学/);
  });

  it('the class’s notices PDF (班主任) names nobody of another class', async () => {
    const pdf = (
      await get(`/api/exams/${fx.examId}/classes/${own}/notices.pdf`).buffer(true).parse(binaryBody).expect(200)
    ).body as Buffer;
    const text = execFileSync('pdftotext', ['-', '-'], { input: pdf, encoding: 'utf8' });
    expect(text).toContain('甲学生1');
    expect(text).not.toMatch(/甲学生5|甲学生6|乙学生|丙学生|河口乡中学|县实验中学/);
  });

  it('every other results route refuses the teacher', async () => {
    const urls = [
      `/api/exams/${fx.examId}/classes/${sibling}/report`,
      `/api/exams/${fx.examId}/classes/${sibling}/report.pdf`,
      `/api/exams/${fx.examId}/classes/${sibling}/notices.pdf`,
      `/api/exams/${fx.examId}/classes/${own}/notice-codes`,
      `/api/exams/${fx.examId}/analysis`,
      `/api/exams/${fx.examId}/schools/${fx.schools.lead}/analysis`,
      `/api/exams/${fx.examId}/schools/${fx.schools.lead}/students`,
      `/api/exams/${fx.examId}/exports/students.xlsx`,
      `/api/exams/${fx.examId}/exports/items.xlsx`,
      `/api/exams/${fx.examId}/exports/schools.xlsx`,
      `/api/exams/${fx.examId}/reports`,
      `/api/reports/${fx.examId}/${fx.schools.lead}.pdf`,
    ];
    for (const url of urls) expect({ url, status: (await get(url)).status }).toEqual({ url, status: 403 });
  });
});
