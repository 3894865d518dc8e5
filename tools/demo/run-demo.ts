// `npm run demo`: the whole chain on a demo alliance, through the real HTTP API, the real queue and a
// real worker process: two papers (数学, 英语) of one exam, each with its own sheet, scans and marking. Uses its
// own database (default tongkao_demo), dropped and rebuilt each run. Which school carries which planted
// pattern is written in demo-alliance.ts.
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../src/app.factory.js';
import { describeStartupError } from '../../src/common/startup-checks.js';
import { loadConfig, mysqlEndpoint, type AppConfig } from '../../src/config/config.js';
import { migrate } from '../../src/database/data-source.js';
import { ItemType, OBJECTIVE_TYPES } from '../../src/exams/entities/item.entity.js';
import { spearman } from '../../src/results/domain/value-added.js';
import { CountyService } from '../../src/org/county.service.js';
import { OrgService } from '../../src/org/org.service.js';
import { loadSeedLibrary } from '../../src/suggestions/seed-library.js';
import type { SheetLayout } from '../../src/sheets/domain/layout.js';
import { readTallyScore } from '../../test/support/synthetic/synthetic-tally.js';
import { generateSyntheticScans } from '../../test/support/synthetic/synthetic-scans.js';
import type { AnswerProfile, SyntheticItem } from '../../test/support/synthetic/synthetic-answers.js';
import {
  DEMO_ALLIANCE,
  DEMO_COUNTY,
  DEMO_CLASSES,
  DEMO_ENGLISH_PAPER,
  DEMO_EXAM,
  DEMO_PAPER,
  DEMO_PASSWORD,
  DEMO_PRIOR_EXAM,
  DEMO_SCHOOLS,
  demoAbility,
  demoClassOf,
  demoEnglishAbility,
  demoExamNo,
  demoMathsPriorAbility,
  demoPriorTotals,
  type DemoSchool,
} from './demo-alliance.js';
import { HttpClient } from './http-client.js';
import { demoName } from './names.js';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const step = (n: number, text: string) => console.log(`\n[${n}/${STEPS}] ${text}  (${elapsed()})`);
const progress = (text: string) => process.stdout.write(`\r      ${text}          `);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, poll: () => Promise<T | null>, timeoutMs: number, everyMs = 1000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await poll();
    if (v !== null) return v;
    if (Date.now() > until) throw new Error(`等待超时：${what}`);
    await sleep(everyMs);
  }
}

function startWorkerProcess(config: AppConfig): ChildProcess {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const entry = resolve(here, '../../workers/main.js');
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      DB_NAME: config.db.name,
      QUEUE_PREFIX: config.redis.prefix,
      DATA_DIR: config.dataDir,
      INGEST_CONCURRENCY: String(config.ingestConcurrency),
      // Its JSON log says only what went wrong (relayed below), and it takes no operators' port unless asked.
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      WORKER_OPS_PORT: process.env.WORKER_OPS_PORT ?? '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n'))
      if (/error|failed/i.test(line)) console.error(`\n      [worker] ${line}`);
  };
  child.stdout!.on('data', relay);
  child.stderr!.on('data', relay);
  return child;
}

const STEPS = 10;

interface DemoSchoolRow {
  id: number;
  code: string;
  name: string;
  demo: DemoSchool;
  examNos: string[];
  names: string[];
}

/** One paper of the exam as the demo runs it: who authors and marks it, and how a student's answers are drawn. */
interface DemoPaperRun {
  def: typeof DEMO_PAPER | typeof DEMO_ENGLISH_PAPER;
  lead: string;
  markers: string[];
  ability: (school: DemoSchool, k: number) => number;
  /** The ability last term's total of this subject is drawn from (before the school's gain). */
  priorAbility: (school: DemoSchool, k: number) => number;
  /** The school's planted departures, by item label (mapped to item ids once the paper exists). */
  profile: (school: DemoSchool) => {
    itemShift?: Record<string, number>;
    lure?: Record<string, { option: string; p: number }>;
  };
}

interface AuthoredPaper {
  run: DemoPaperRun;
  id: number;
  layout: SheetLayout;
  items: (SyntheticItem & { label: string })[];
}

const PAPERS: DemoPaperRun[] = [
  {
    def: DEMO_PAPER,
    lead: 'mathlead',
    markers: ['marker1', 'marker2', 'marker3', 'marker4'],
    ability: demoAbility,
    priorAbility: demoMathsPriorAbility,
    profile: (s) => ({ itemShift: s.mathsItemShift, lure: s.mathsLure }),
  },
  {
    def: DEMO_ENGLISH_PAPER,
    lead: 'englishlead',
    markers: ['marker5', 'marker6'],
    ability: demoEnglishAbility,
    priorAbility: demoEnglishAbility,
    profile: () => ({}),
  },
];

const truthKey = (subject: string, examNo: string) => `${subject}|${examNo}`;
const signed = (x: number, digits = 1) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

async function resetDatabase(config: AppConfig): Promise<void> {
  const admin = new DataSource({
    type: 'mysql',
    ...mysqlEndpoint(config.db),
    username: config.db.user,
    password: config.db.password,
  });
  await admin.initialize();
  await admin.query(`DROP DATABASE IF EXISTS \`${config.db.name}\``);
  await admin.destroy();
}

async function createUser(
  admin: HttpClient,
  allianceId: number,
  username: string,
  displayName: string,
  roles: unknown[],
) {
  return admin.json('POST', `/api/alliances/${allianceId}/users`, {
    username,
    displayName,
    password: DEMO_PASSWORD,
    roles,
  });
}

/** One school with its two classes, its roster (CSV through the API), its principal and its scanner. */
async function createSchool(admin: HttpClient, allianceId: number, si: number, s: DemoSchool, nameSeq: number) {
  const school = await admin.json('POST', `/api/alliances/${allianceId}/schools`, {
    name: s.name,
    code: s.code,
    kind: s.kind,
    locality: s.locality,
  });
  const { classes }: { classes: { id: number; name: string }[] } = await admin.json(
    'POST',
    `/api/schools/${school.id}/classes`,
    {
      names: DEMO_CLASSES,
      grade: '七年级',
    },
  );
  const rows = ['考号,姓名,班级'];
  const examNos: string[] = [];
  const names: string[] = [];
  for (let k = 0; k < s.students; k++) {
    const ci = demoClassOf(k);
    examNos.push(demoExamNo(si, ci, Math.floor(k / DEMO_CLASSES.length) + 1));
    names.push(demoName(nameSeq + k));
    rows.push(`${examNos[k]},${names[k]},${DEMO_CLASSES[ci]}`);
  }
  const csv = Buffer.from('\ufeff' + rows.join('\r\n') + '\r\n', 'utf8');
  const imported = await admin.upload(
    `/api/schools/${school.id}/roster`,
    [{ name: `${s.code}-名单.csv`, data: csv, type: 'text/csv' }],
    {},
    'file',
  );
  await createUser(admin, allianceId, `principal${si + 1}`, `${s.name}校长`, [
    { role: 'principal', schoolId: school.id },
  ]);
  await createUser(admin, allianceId, `scanner${si + 1}`, `${s.name}扫描员`, [
    { role: 'scanner', schoolId: school.id },
  ]);
  // teacher1: 班主任 of the first school's first class (every subject of that class, nothing of the others).
  const firstClass = classes.find((c) => c.name === DEMO_CLASSES[0]);
  if (si === 0 && firstClass)
    await createUser(admin, allianceId, 'teacher1', `${s.name}${firstClass.name}班主任`, [
      { role: 'teacher', schoolId: school.id, classId: firstClass.id },
    ]);
  console.log(
    `      ${s.name}（${s.kind === 'lead' ? '龙头校' : '成员校'}，${s.locality === 'urban' ? '城区' : '乡村'}）：导入 ${imported.imported} 名学生；预设：${s.pattern}`,
  );
  const row: DemoSchoolRow = { id: school.id, code: s.code, name: s.name, demo: s, examNos, names };
  return row;
}

async function createAlliance(app: INestApplication, baseUrl: string) {
  const { alliance, admin: adminUser } = await app.get(OrgService).bootstrapAlliance({
    name: DEMO_ALLIANCE.name,
    code: DEMO_ALLIANCE.code,
    adminUsername: 'admin',
    adminPassword: DEMO_PASSWORD,
    adminDisplayName: '联盟办公室',
  });
  // The county (区县) above the alliance and its read-only bureau user, as `npm run create-county` and
  // `npm run county-attach` make them.
  const counties = app.get(CountyService);
  const { county } = await counties.bootstrapCounty({
    name: DEMO_COUNTY.name,
    code: DEMO_COUNTY.code,
    bureauUsername: 'bureau1',
    bureauPassword: DEMO_PASSWORD,
    bureauDisplayName: '区教研室',
  });
  await counties.attachAlliance(DEMO_COUNTY.code, DEMO_ALLIANCE.code);
  console.log(`      区县「${county.name}」（代码 ${county.code}）：教联体已归属，教育局账号 bureau1（只读）`);
  const admin = await new HttpClient(baseUrl).login('admin', DEMO_PASSWORD);
  const schools: DemoSchoolRow[] = [];
  for (const [si, s] of DEMO_SCHOOLS.entries())
    schools.push(await createSchool(admin, alliance.id, si, s, 1 + schools.reduce((n, x) => n + x.examNos.length, 0)));
  const markerIds = new Map<string, number[]>();
  for (const p of PAPERS) {
    const subject = p.def.subject;
    await createUser(admin, alliance.id, p.lead, `${subject}学科组长`, [{ role: 'subject_lead', subject }]);
    const ids: number[] = [];
    for (const m of p.markers)
      ids.push(
        (await createUser(admin, alliance.id, m, `${subject}阅卷教师${m.slice(6)}`, [{ role: 'marker', subject }])).id,
      );
    markerIds.set(subject, ids);
  }
  // The subject group's 补短板建议库 for the demo paper's knowledge points, as a spreadsheet import would load it.
  const library = await loadSeedLibrary(app, alliance.id, adminUser.id);
  console.log(`      补短板建议库：导入 ${library.added.length} 条建议（数学各知识点与各类发现的通用建议）`);
  return { allianceId: alliance.id as number, admin, schools, markerIds };
}

/** Last term's totals of both subjects, from the same latent abilities as this term's answers minus each school's gain. */
async function importPriorExam(admin: HttpClient, allianceId: number, schools: DemoSchoolRow[]): Promise<number> {
  const header = DEMO_PRIOR_EXAM.subjects.map((sub) => `${sub}(${DEMO_PRIOR_EXAM.fullMarks})`);
  const lines = [['考号', '姓名', ...header].join(',')];
  for (const { school, k, scores } of demoPriorTotals(PAPERS.map((p) => p.priorAbility))) {
    const s = schools.find((x) => x.demo === school)!;
    lines.push([s.examNos[k], s.names[k], ...scores.map((x) => (x === null ? '' : String(x)))].join(','));
  }
  const csv = Buffer.from('\ufeff' + lines.join('\r\n') + '\r\n', 'utf8');
  const { subjects: _subjects, fullMarks: _fullMarks, ...fields } = DEMO_PRIOR_EXAM;
  const imported = await admin.upload(
    `/api/alliances/${allianceId}/exams/import-results`,
    [{ name: '六年级期末成绩.csv', data: csv, type: 'text/csv' }],
    fields,
    'file',
  );
  const papers = imported.papers.map((p: { subject: string; fullMarks: number }) => `${p.subject} 满分 ${p.fullMarks}`);
  console.log(
    `      考试 ${imported.examId}：${imported.students} 名学生的成绩（其中缺考 ${imported.absent} 人），${papers.join('、')}`,
  );
  return imported.examId;
}

/** The subject lead authors and locks the paper, renders its sheet and assigns the markers to its subjective items. */
async function authorPaper(
  baseUrl: string,
  examId: number,
  run: DemoPaperRun,
  markerIds: number[],
  outDir: string,
): Promise<AuthoredPaper> {
  const lead = await new HttpClient(baseUrl).login(run.lead, DEMO_PASSWORD);
  const paper = await lead.json('POST', `/api/exams/${examId}/papers`, run.def);
  await lead.json('POST', `/api/papers/${paper.id}/lock`);
  const layout: SheetLayout = await lead.json('POST', `/api/papers/${paper.id}/sheet`, { examNoDigits: 8 });
  const file = join(outDir, `答题卡-${run.def.subject}.pdf`);
  await writeFile(file, await lead.bytes(`/api/papers/${paper.id}/sheet.pdf`));
  const full = await lead.json('GET', `/api/papers/${paper.id}`);
  const items = full.items.map((i: any) => ({
    id: i.id,
    label: i.label,
    type: i.type,
    maxScore: Number(i.maxScore),
    scoreStep: Number(i.scoreStep),
    answerKey: i.answerKey,
    optionCount: i.optionCount,
  }));
  // 题块: the subject lead assigns the markers to every subjective item (a marker with no assignment gets nothing).
  for (const it of items.filter((i: { type: string }) => !OBJECTIVE_TYPES.includes(i.type as ItemType)))
    await lead.json('PUT', `/api/marking/items/${it.id}/assignments`, { markerIds });
  const kps = new Set(full.items.flatMap((i: any) => i.knowledgePoints ?? []));
  const levels = new Set(full.items.map((i: any) => i.cognitiveLevel).filter(Boolean));
  console.log(
    `      ${run.def.subject}：${items.length} 道题，满分 ${full.fullMarks}，知识点 ${kps.size} 个，认知层次 ${[...levels].join('/')}；答题卡 ${layout.pages.length} 页：${file}`,
  );
  return { run, id: paper.id, layout, items };
}

/** A school's planted profile with item labels turned into the paper's item ids. */
function profileFor(paper: AuthoredPaper, school: DemoSchool): AnswerProfile {
  const byLabel = new Map(paper.items.map((i) => [i.label, i.id]));
  const ids = <T>(rec: Record<string, T> | undefined) =>
    rec && Object.fromEntries(Object.entries(rec).map(([label, v]) => [byLabel.get(label)!, v]));
  const p = paper.run.profile(school);
  return { itemShift: ids(p.itemShift), lure: ids(p.lure) };
}

/**
 * 考务: the admin generates the exam's numbers (default rule: school, class, sequence, Damm check digit: 8 digits, as
 * the sheets' grid) and allocates rooms (each school its own, 30 seats, 同班不相邻), and downloads the 准考证, 座位表
 * and 门贴. Returns each student's exam number by roster number: the sheets are filled in with these.
 */
async function planKaowu(admin: HttpClient, examId: number, outDir: string): Promise<Map<string, string>> {
  const numbered = await admin.json('POST', `/api/exams/${examId}/candidates/numbers`, {});
  const seated = await admin.json('POST', `/api/exams/${examId}/candidates/rooms`, { scope: 'school', capacity: 30 });
  console.log(
    `      考务：生成 ${numbered.numbered} 个 ${numbered.digits} 位考号（Damm 校验位），编排 ${seated.rooms} 个考场（同校同班不相邻）`,
  );
  for (const [doc, name] of [
    ['tickets', '准考证'],
    ['seating', '座位表'],
    ['door', '门贴'],
  ]) {
    const file = join(outDir, `${name}.pdf`);
    await writeFile(file, await admin.bytes(`/api/exams/${examId}/candidates/${doc}.pdf`));
    console.log(`      ${name}：${file}`);
  }
  const { candidates } = await admin.json('GET', `/api/exams/${examId}/candidates`);
  return new Map(candidates.map((c: { rosterNo: string; examNumber: string }) => [c.rosterNo, c.examNumber]));
}

/**
 * Each school's scanner uploads both sheets of ten students at a time, the exam numbers (考务) filled in; returns each
 * student's true total per subject, by roster number.
 */
async function uploadScans(
  baseUrl: string,
  examId: number,
  papers: AuthoredPaper[],
  schools: DemoSchoolRow[],
  examNumbers: Map<string, string>,
): Promise<Map<string, number>> {
  const rosterNo = new Map([...examNumbers].map(([r, n]) => [n, r]));
  const truth = new Map<string, number>();
  const totalStudents = schools.reduce((n, s) => n + s.examNos.length, 0);
  let uploaded = 0;
  for (const [si, s] of schools.entries()) {
    const scanner = await new HttpClient(baseUrl).login(`scanner${si + 1}`, DEMO_PASSWORD);
    for (let k0 = 0; k0 < s.examNos.length; k0 += 10) {
      const files: { name: string; data: Buffer; type: string }[] = [];
      for (const [pi, paper] of papers.entries()) {
        const profile = profileFor(paper, s.demo);
        const chunk = s.examNos.slice(k0, k0 + 10).map((examNo, j) => ({
          examNo: examNumbers.get(examNo)!,
          ability: paper.run.ability(s.demo, k0 + j),
          profile,
        }));
        const { files: f, truth: t } = await generateSyntheticScans(paper.layout, paper.items, chunk, {
          seed: 20261110 + pi * 100_000 + si * 1000 + k0,
          format: 'jpeg',
          distortion: 'slight',
        });
        for (const [examNo, v] of t) truth.set(truthKey(paper.run.def.subject, rosterNo.get(examNo)!), v.total);
        files.push(...f.map((x) => ({ name: `${paper.run.def.subject}-${x.name}`, data: x.data, type: 'image/jpeg' })));
      }
      await scanner.upload(`/api/exams/${examId}/scans`, files, { schoolId: String(s.id) });
      uploaded += Math.min(10, s.examNos.length - k0);
      progress(`已上传 ${uploaded}/${totalStudents} 名学生的答题卡（${papers.length} 科）`);
    }
  }
  console.log();
  return truth;
}

/** A simulated marker: takes tasks until none is left, reads the tally in the snippet image and submits it. */
async function markAll(baseUrl: string, examId: number, markers: string[]): Promise<number> {
  let marked = 0;
  const markOne = async (who: string) => {
    const m = await new HttpClient(baseUrl).login(who, DEMO_PASSWORD);
    for (;;) {
      const task = await m.json('POST', '/api/marking/next', { examId });
      if (!task) return;
      const img = await m.bytes(task.snippetUrl);
      const { data, info } = await sharp(img).greyscale().raw().toBuffer({ resolveWithObject: true });
      const gray = {
        width: info.width,
        height: info.height,
        data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      };
      const score = Math.min(task.maxScore, readTallyScore(gray, task.scoreStep));
      await m.json('POST', `/api/marking/tasks/${task.taskId}/submit`, {
        score,
        clientId: `${who}-${task.taskId}-${task.round ?? ''}`,
        secondsSpent: 20,
      });
      marked++;
      if (marked % 20 === 0) progress(`已评 ${marked} 份`);
    }
  };
  await Promise.all(markers.map(markOne));
  return marked;
}

/** 纵看: the value-added the results job found per school beside the planted gain, for each paper and 总分. */
function printValueAdded(analysis: any, schools: DemoSchoolRow[]): void {
  for (const paper of analysis.papers) {
    const l = paper.longitudinal;
    const subject = paper.paper.paperId === 0 ? '总分' : paper.paper.subject;
    if (!l || 'unavailable' in l) {
      console.log(`      纵看（${subject}）：${l?.unavailable ?? '没有上次考试'}`);
      continue;
    }
    const found = schools.map((s) => l.schools.find((x: { schoolId: number }) => x.schoolId === s.id)?.va ?? NaN);
    const cells = schools.map((s, j) => `${s.code} ${Number.isFinite(found[j]) ? signed(found[j]) : '—'}`);
    const rho = spearman(
      found,
      schools.map((s) => s.demo.gain),
    );
    console.log(
      `      纵看（${subject}）：匹配 ${l.matched}/${l.nCurrent} 人；各校增值（分）${cells.join('，')}；与预设进步的 Spearman 相关 ${rho.toFixed(2)}`,
    );
  }
  console.log(
    `      预设进步（能力单位，约 0.9 分/0.01）：${schools.map((s) => `${s.code} ${signed(s.demo.gain, 2)}`).join('，')}`,
  );
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** Every student's total per paper against the generator's truth; how many were checked and how many differ. */
async function checkTotals(admin: HttpClient, examId: number, schools: DemoSchoolRow[], truth: Map<string, number>) {
  const bySubject = new Map<string, { checked: number; mismatched: number }>();
  const rowsOf = new Map<number, any[]>();
  for (const s of schools) {
    const rows: any[] = await admin.json('GET', `/api/exams/${examId}/schools/${s.id}/students`);
    rowsOf.set(s.id, rows);
    for (const r of rows) {
      if (r.absent || r.total === null) continue;
      const c = bySubject.get(r.subject) ?? { checked: 0, mismatched: 0 };
      bySubject.set(r.subject, c);
      c.checked++;
      if (Math.abs(Number(r.total) - (truth.get(truthKey(r.subject, r.examNo)) ?? NaN)) > 1e-9) c.mismatched++;
    }
  }
  return { bySubject, rowsOf };
}

/**
 * What the system's own figures show of each planted pattern: the school's mean per subject against the alliance,
 * the gap between its classes (数学), and its weakest knowledge point beyond its overall level (数学).
 */
function printPatterns(
  analysis: any,
  schools: DemoSchoolRow[],
  rowsOf: Map<number, any[]>,
  detailOf: Map<number, any>,
): void {
  const maths = analysis.papers.find((p: any) => p.paper.subject === DEMO_PAPER.subject && p.paper.paperId !== 0);
  for (const s of schools) {
    const rows = rowsOf.get(s.id) ?? [];
    const subjects = PAPERS.map((p) => {
      const data = analysis.papers.find((x: any) => x.paper.subject === p.def.subject && x.paper.paperId !== 0);
      const own = data?.schools.find((x: any) => x.schoolId === s.id)?.summary?.mean;
      const all = data?.alliance?.summary?.mean;
      return `${p.def.subject} ${Number.isFinite(own) ? own.toFixed(1) : '—'}（${Number.isFinite(own - all) ? signed(own - all) : '—'}）`;
    });
    const classMeans = DEMO_CLASSES.map((c) =>
      mean(
        rows
          .filter((r) => r.subject === DEMO_PAPER.subject && r.className === c && r.total !== null)
          .map((r) => Number(r.total)),
      ),
    );
    const school = maths?.schools.find((x: any) => x.schoolId === s.id);
    const overall = (school?.summary?.scoreRate ?? NaN) - (maths?.alliance?.summary?.scoreRate ?? NaN);
    // The analysis gives each school's summary; its knowledge points come with the school's own analysis.
    const own = detailOf.get(s.id)?.papers.find((p: any) => p.paper.paperId === maths?.paper.paperId)?.school;
    const kps: { knowledgePoint: string; scoreRate: number }[] = own?.knowledgePoints ?? [];
    const allianceKp = new Map<string, number>(
      (maths?.alliance?.knowledgePoints ?? []).map((k: any) => [k.knowledgePoint, k.scoreRate]),
    );
    const beyond = kps
      .map((k) => ({ kp: k.knowledgePoint, d: k.scoreRate - (allianceKp.get(k.knowledgePoint) ?? NaN) - overall }))
      .filter((k) => Number.isFinite(k.d))
      .sort((a, b) => a.d - b.d)[0];
    console.log(
      `      ${s.code} ${s.name}：${subjects.join('，')}；数学两班均分 ${classMeans.map((m) => m.toFixed(1)).join(' / ')}；` +
        `最弱知识点（扣除整体差距后）${beyond ? `${beyond.kp} ${signed(beyond.d * 100)}个百分点` : '—'}`,
    );
  }
}

async function main() {
  const base = loadConfig();
  const config: AppConfig = {
    ...base,
    db: { ...base.db, name: process.env.DEMO_DB_NAME ?? 'tongkao_demo' },
    // Its own queues unless told otherwise, so that a demo never takes another's jobs.
    redis: { ...base.redis, prefix: process.env.QUEUE_PREFIX ? base.redis.prefix : 'tongkao-demo' },
    dataDir: resolve(process.env.DEMO_DATA_DIR ?? join(base.dataDir, 'demo')),
    port: 0,
    // The demo's own output is its story: the API's request log only when asked (LOG_LEVEL).
    logLevel: process.env.LOG_LEVEL ? base.logLevel : 'silent',
    // No operators' ports unless asked (OPS_PORT): a demo beside a running service must not take its ports.
    ops: {
      ...base.ops,
      port: process.env.OPS_PORT ? base.ops.port : 0,
      workerPort: process.env.WORKER_OPS_PORT ? base.ops.workerPort : 0,
    },
  };
  const outDir = join(config.dataDir, 'out');

  step(1, `准备数据库 ${config.db.name}、Redis 队列（前缀 ${config.redis.prefix}）与数据目录 ${config.dataDir}`);
  await rm(config.dataDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await resetDatabase(config);
  console.log(`      迁移：${(await migrate(config)).join(', ')}`);

  const app = await createApiApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  // Clear what an earlier demo run left in its queues.
  const { JobProducer } = await import('../../src/queue/job-producer.js');
  const producer = app.get(JobProducer);
  for (const q of ['scan-ingest', 'results', 'reports'] as const) await producer.queue(q).obliterate({ force: true });
  const worker = startWorkerProcess(config);
  console.log(`      API ${baseUrl}；worker 进程 pid ${worker.pid}`);
  try {
    await runChain(app, baseUrl, config, outDir);
  } finally {
    worker.kill('SIGTERM');
    await app.close();
  }
}

/** Waits until the worker has read every uploaded page. */
async function waitForIngest(admin: HttpClient, examId: number): Promise<void> {
  const status = await waitFor(
    '扫描识别完成',
    async () => {
      const st = await admin.json('GET', `/api/exams/${examId}/scan-status`);
      progress(`识别：已处理 ${st.processed ?? 0}，异常 ${st.exception ?? 0}，排队 ${st.queued ?? 0}`);
      return (st.queued ?? 0) === 0 ? st : null;
    },
    20 * 60_000,
  );
  console.log(`\n      识别完成：${status.processed} 页成功，${status.exception ?? 0} 页进入异常队列`);
}

/** The admin asks for the results; the worker computes them and renders every school's report. */
async function computeAndWaitForReports(admin: HttpClient, examId: number, schools: number): Promise<any[]> {
  await admin.json('POST', `/api/exams/${examId}/results/compute`);
  const reports = await waitFor(
    '各校诊断报告生成',
    async () => {
      const list = await admin.json('GET', `/api/exams/${examId}/reports`);
      const ready = list.filter((r: any) => r.status === 'ready').length;
      progress(`报告：${ready}/${schools} 份已生成`);
      return ready === schools ? list : null;
    },
    5 * 60_000,
  );
  console.log();
  // 成绩发布: principals see results and reports only once the admin releases them (with a reason while any sheet is
  // unscanned, any answer unmarked or any exception open: the demo leaves its planted exceptions for the pages).
  const preview = await admin.json('GET', `/api/exams/${examId}/release`);
  const reason = preview.needsReason ? '演示：有意保留的扫描异常留给页面演示处理，先发布其余成绩' : '';
  await admin.json('POST', `/api/exams/${examId}/release`, { reason });
  console.log(
    `      成绩已发布${preview.unfinishedLines.length ? `（未完成：${preview.unfinishedLines.join('；')}）` : ''}`,
  );
  return reports;
}

/**
 * Every class report of every school (as the admin), and the first school's student notices: personal codes for its
 * classes, then the class PDFs to print; one code is printed for the public page /notice.
 */
async function classOutputs(admin: HttpClient, examId: number, schools: DemoSchoolRow[], outDir: string) {
  const dir = join(outDir, '班级报告');
  await mkdir(dir, { recursive: true });
  let reports = 0;
  let sample: { name: string; code: string } | null = null;
  for (const [si, school] of schools.entries()) {
    const classes: { id: number; name: string }[] = await admin.json('GET', `/api/schools/${school.id}/classes`);
    for (const c of classes) {
      const url = `/api/exams/${examId}/classes/${c.id}`;
      await writeFile(join(dir, `${school.name}${c.name}-班级报告.pdf`), await admin.bytes(`${url}/report.pdf`));
      reports++;
      if (si !== 0) continue;
      const codes: { name: string; code: string }[] = await admin.json('POST', `${url}/notice-codes`, {});
      sample ??= codes[0] ?? null;
      const file = join(outDir, `${school.name}${c.name}-学生成绩通知.pdf`);
      await writeFile(file, await admin.bytes(`${url}/notices.pdf`));
      console.log(`      ${school.name}${c.name}：${codes.length} 名学生的成绩通知（含各自的查询码）${file}`);
    }
  }
  console.log(`      各校各班的班级报告 ${reports} 份：${dir}`);
  if (sample)
    console.log(`      学生或家长查询：打开 /notice，输入 ${sample.name} 的查询码 ${sample.code}（只显示这一名学生）`);
}

/** teacher1's class report (班主任 of the first school's first class): the JSON's figures and the PDF. */
async function teacherReport(baseUrl: string, examId: number, outDir: string) {
  const teacher = await new HttpClient(baseUrl).login('teacher1', DEMO_PASSWORD);
  const me: any = await teacher.json('GET', '/api/auth/me');
  const grant = me.roles.find((r: any) => r.role === 'teacher');
  if (!grant?.classId) return console.log('      teacher1 没有班级，跳过班级报告');
  const url = `/api/exams/${examId}/classes/${grant.classId}/report`;
  const { report } = await teacher.json('GET', url);
  const file = join(outDir, `${report.schoolName}${report.className}-班级报告（班主任）.pdf`);
  await writeFile(file, await teacher.bytes(`${url}.pdf`));
  console.log(
    `      teacher1 的班级报告：${report.students.length} 名学生（${report.showsScores ? '分数与等级' : '只有等级'}），${file}`,
  );
}

/** What the rule gives a principal of a 学业质量监测: the own students' 等级, no scores (their list and their export). */
async function principalExport(baseUrl: string, examId: number, school: DemoSchoolRow, outDir: string) {
  const principal = await new HttpClient(baseUrl).login('principal1', DEMO_PASSWORD);
  const rows: any[] = await principal.json('GET', `/api/exams/${examId}/schools/${school.id}/students`);
  const file = join(outDir, `${school.name}-学生等级（校长导出）.xlsx`);
  await writeFile(file, await principal.bytes(`/api/exams/${examId}/exports/students.xlsx`));
  const withScores = rows.filter((r) => r.total !== null).length;
  for (const run of PAPERS) {
    const bands = new Map<string, number>();
    for (const r of rows.filter((x) => x.subject === run.def.subject && x.band)) {
      bands.set(r.band, (bands.get(r.band) ?? 0) + 1);
    }
    const counts = [...bands].sort(([a], [b]) => a.localeCompare(b)).map(([b, n]) => `${b} ${n}人`);
    console.log(`      ${school.name}校长看到的${run.def.subject}：${counts.join('，')}；带分数的行 ${withScores} 行`);
  }
  console.log(`      ${file}（学业质量监测：校长导出的名单只有等级，没有分数和排名）`);
}

/** The county's bureau (read-only): its alliances side by side, from the released results (GET /api/counties/:id/comparison). */
async function bureauComparison(baseUrl: string) {
  const bureau = await new HttpClient(baseUrl).login('bureau1', DEMO_PASSWORD);
  const [county] = await bureau.json('GET', '/api/counties');
  const cmp = await bureau.json('GET', `/api/counties/${county.id}/comparison`);
  const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);
  for (const g of cmp.groups)
    for (const r of g.alliances)
      console.log(
        `      区县对比（bureau1）${g.grade}·${g.subject}：${r.allianceName} 参考 ${r.students} 人，平均分 ${r.mean ?? '—'}，` +
          `优秀率 ${pct(r.excellentRate)}，及格率 ${pct(r.passRate)}，低分率 ${pct(r.lowRate)}，校际差异系数 ${r.cvOfMeans ?? '—'}`,
      );
}

async function runChain(app: INestApplication, baseUrl: string, config: AppConfig, outDir: string) {
  step(2, `创建教联体「${DEMO_ALLIANCE.name}」、${DEMO_SCHOOLS.length} 所学校、账号和学生名单`);
  const { allianceId, admin, schools, markerIds } = await createAlliance(app, baseUrl);

  step(3, `导入上次考试成绩（纵看的基准，${DEMO_PRIOR_EXAM.subjects.join('、')}）：${DEMO_PRIOR_EXAM.name}`);
  const priorExamId = await importPriorExam(admin, allianceId, schools);

  step(
    4,
    `学科组命题：${DEMO_EXAM.name}，${PAPERS.map((p) => `${p.def.subject} ${p.def.items.length} 道题`).join('、')}`,
  );
  const exam = await admin.json('POST', `/api/alliances/${allianceId}/exams`, { ...DEMO_EXAM, priorExamId });
  console.log(`      考试类型：${exam.kindLabel}·${exam.grade}。${exam.disclosure}`);
  const papers: AuthoredPaper[] = [];
  for (const run of PAPERS)
    papers.push(await authorPaper(baseUrl, exam.id, run, markerIds.get(run.def.subject)!, outDir));
  const examNumbers = await planKaowu(admin, exam.id, outDir);

  step(5, '各校扫描员上传两科答题卡的扫描图像（合成的 200dpi 灰度图，带轻微旋转、平移和噪点）');
  const truth = await uploadScans(baseUrl, exam.id, papers, schools, examNumbers);
  await waitForIngest(admin, exam.id);

  const markers = PAPERS.flatMap((p) => p.markers);
  step(6, `${markers.length} 位阅卷教师通过 HTTP 接口在线评阅两科主观题（模拟教师只看得到切割后的答题区域图像）`);
  const marked = await markAll(baseUrl, exam.id, markers);
  console.log(`\n      评阅完成：共 ${marked} 次评分`);

  step(7, '统计分析（结果任务：最终分、各科与总分、各校与联盟的平均分、标准差、三率、纵看增值）');
  const reports = await computeAndWaitForReports(admin, exam.id, schools.length);
  const analysis = await admin.json('GET', `/api/exams/${exam.id}/analysis`);
  printValueAdded(analysis, schools);

  step(8, '核对：每名学生每一科的总分与合成答卷的真实得分一致');
  const { bySubject, rowsOf } = await checkTotals(admin, exam.id, schools, truth);
  let mismatched = 0;
  for (const run of PAPERS) {
    const c = bySubject.get(run.def.subject) ?? { checked: 0, mismatched: 0 };
    mismatched += c.mismatched + (c.checked ? 0 : 1);
    console.log(`      ${run.def.subject}：${c.checked} 名学生的总分已核对，不一致 ${c.mismatched} 名`);
  }

  step(9, '预设模式在统计结果中的样子（各科平均分与联盟之差、数学两班均分、扣除整体差距后的最弱知识点）');
  const detailOf = new Map<number, any>();
  for (const s of schools)
    detailOf.set(s.id, await admin.json('GET', `/api/exams/${exam.id}/schools/${s.id}/analysis`));
  printPatterns(analysis, schools, rowsOf, detailOf);

  step(10, '下载各校诊断报告与联盟质量分析总览；校长按考试类型只能导出本校学生等级');
  for (const r of reports) {
    const file = join(outDir, `${r.schoolName}-诊断报告.pdf`);
    await writeFile(file, await admin.bytes(r.url));
    console.log(`      ${file}`);
  }
  // The bureau and alliance overview: every school named (admin at any time, the county's bureau after release).
  const overview = join(outDir, '联盟质量分析总览.pdf');
  await writeFile(overview, await admin.bytes(`/api/exams/${exam.id}/overview.pdf`));
  console.log(`      ${overview}（各校具名：增值森林图、知识点热力图、结对建议、试题质量；页面 /overview）`);
  await principalExport(baseUrl, exam.id, schools[0], outDir);
  await bureauComparison(baseUrl);
  await teacherReport(baseUrl, exam.id, outDir);
  await classOutputs(admin, exam.id, schools, outDir);
  console.log(`\n完成，用时 ${elapsed()}。`);
  console.log(
    `浏览页面：DB_NAME=${config.db.name} QUEUE_PREFIX=${config.redis.prefix} DATA_DIR=${config.dataDir} npm start，然后打开 http://127.0.0.1:3000/login`,
  );
  console.log(
    `账号（密码均为 ${DEMO_PASSWORD}）：admin（联盟管理员）、mathlead / englishlead（数学 / 英语学科组长）、marker1–4（数学阅卷）、marker5–6（英语阅卷）、principal1–6（各校校长）、scanner1–6（扫描员）、teacher1（第一所学校${DEMO_CLASSES[0]}班主任）、bureau1（区县教育局，只读：页面 /county）`,
  );
  if (mismatched) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(`\n演示失败：${describeStartupError(err)}`);
    if (process.env.DEMO_DEBUG) console.error(err);
    process.exit(1);
  },
);
