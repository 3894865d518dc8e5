// `npm run demo`: the whole chain on a demo alliance, through the real HTTP API, the real queue and a
// real worker process. Uses its own database (default tongkao_demo), dropped and rebuilt each run.
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../src/app.factory.js';
import { describeStartupError } from '../../src/common/startup-checks.js';
import { loadConfig, mysqlEndpoint, type AppConfig } from '../../src/config/config.js';
import { migrate } from '../../src/database/data-source.js';
import { ItemType, OBJECTIVE_TYPES } from '../../src/exams/entities/item.entity.js';
import { spearman } from '../../src/results/domain/value-added.js';
import { OrgService } from '../../src/org/org.service.js';
import type { SheetLayout } from '../../src/sheets/domain/layout.js';
import { readTallyScore } from '../../test/support/synthetic/synthetic-tally.js';
import { mulberry32 } from '../../test/support/synthetic/synthetic-scan.js';
import { generateSyntheticScans } from '../../test/support/synthetic/synthetic-scans.js';
import {
  DEMO_ALLIANCE,
  DEMO_CLASSES,
  DEMO_EXAM,
  DEMO_PAPER,
  DEMO_PASSWORD,
  DEMO_PRIOR_EXAM,
  DEMO_SCHOOLS,
  demoAbility,
  demoExamNo,
  demoPriorScore,
  type DemoSchool,
} from './demo-alliance.js';
import { HttpClient } from './http-client.js';
import { demoName } from './names.js';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const step = (n: number, text: string) => console.log(`\n[${n}/9] ${text}  (${elapsed()})`);
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

async function main() {
  const base = loadConfig();
  const config: AppConfig = {
    ...base,
    db: { ...base.db, name: process.env.DEMO_DB_NAME ?? 'tongkao_demo' },
    redis: { ...base.redis, prefix: 'tongkao-demo' },
    dataDir: resolve(process.env.DEMO_DATA_DIR ?? join(base.dataDir, 'demo')),
    port: 0,
  };
  const outDir = join(config.dataDir, 'out');

  step(1, `准备数据库 ${config.db.name}、Redis 队列与数据目录 ${config.dataDir}`);
  await rm(config.dataDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  {
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

  let priorExamId: number;
  try {
    step(2, `创建教联体「${DEMO_ALLIANCE.name}」、${DEMO_SCHOOLS.length} 所学校、账号和学生名单`);
    const { alliance } = await app.get(OrgService).bootstrapAlliance({
      name: DEMO_ALLIANCE.name,
      code: DEMO_ALLIANCE.code,
      adminUsername: 'admin',
      adminPassword: DEMO_PASSWORD,
      adminDisplayName: '联盟办公室',
    });
    const admin = await new HttpClient(baseUrl).login('admin', DEMO_PASSWORD);
    const schools: { id: number; code: string; name: string; demo: DemoSchool; examNos: string[]; names: string[] }[] =
      [];
    let nameSeq = 1;
    for (const [si, s] of DEMO_SCHOOLS.entries()) {
      const school = await admin.json('POST', `/api/alliances/${alliance.id}/schools`, {
        name: s.name,
        code: s.code,
        kind: s.kind,
        locality: s.locality,
      });
      await admin.json('POST', `/api/schools/${school.id}/classes`, { names: DEMO_CLASSES, grade: '七年级' });
      const rows = ['考号,姓名,班级'];
      const examNos: string[] = [];
      const names: string[] = [];
      for (let k = 0; k < s.students; k++) {
        const ci = k % DEMO_CLASSES.length;
        const examNo = demoExamNo(si, ci, Math.floor(k / DEMO_CLASSES.length) + 1);
        examNos.push(examNo);
        names.push(demoName(nameSeq++));
        rows.push(`${examNo},${names[k]},${DEMO_CLASSES[ci]}`);
      }
      const csv = Buffer.from('\ufeff' + rows.join('\r\n') + '\r\n', 'utf8');
      const imported = await admin.upload(
        `/api/schools/${school.id}/roster`,
        [{ name: `${s.code}-名单.csv`, data: csv, type: 'text/csv' }],
        {},
        'file',
      );
      await admin.json('POST', `/api/alliances/${alliance.id}/users`, {
        username: `principal${si + 1}`,
        displayName: `${s.name}校长`,
        password: DEMO_PASSWORD,
        roles: [{ role: 'principal', schoolId: school.id }],
      });
      await admin.json('POST', `/api/alliances/${alliance.id}/users`, {
        username: `scanner${si + 1}`,
        displayName: `${s.name}扫描员`,
        password: DEMO_PASSWORD,
        roles: [{ role: 'scanner', schoolId: school.id }],
      });
      schools.push({ id: school.id, code: s.code, name: s.name, demo: s, examNos, names });
      console.log(
        `      ${s.name}（${s.kind === 'lead' ? '龙头校' : '成员校'}，${s.locality === 'urban' ? '城区' : '乡村'}）：导入 ${imported.imported} 名学生`,
      );
    }
    await admin.json('POST', `/api/alliances/${alliance.id}/users`, {
      username: 'mathlead',
      displayName: '数学学科组长',
      password: DEMO_PASSWORD,
      roles: [{ role: 'subject_lead', subject: DEMO_PAPER.subject }],
    });
    const markerNames = ['marker1', 'marker2', 'marker3', 'marker4'];
    const markerIds: number[] = [];
    for (const m of markerNames)
      markerIds.push(
        (
          await admin.json('POST', `/api/alliances/${alliance.id}/users`, {
            username: m,
            displayName: `阅卷教师${m.slice(-1)}`,
            password: DEMO_PASSWORD,
            roles: [{ role: 'marker', subject: DEMO_PAPER.subject }],
          })
        ).id,
      );

    step(3, `导入上次考试成绩（纵看的基准）：${DEMO_PRIOR_EXAM.name}`);
    {
      // Last term's totals come from the same latent ability as this term's answers, minus each school's planted gain.
      const rng = mulberry32(20260626);
      const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
      const lines = ['考号,姓名,' + `${DEMO_PRIOR_EXAM.subject}(${DEMO_PRIOR_EXAM.fullMarks})`];
      for (const s of schools) {
        s.examNos.forEach((examNo, k) => {
          // A few students missed last term's exam (blank = 缺考): they have no prior score to match.
          const score = rng() < 0.02 ? '' : String(demoPriorScore(demoAbility(s.demo, k), s.demo, gauss()));
          lines.push(`${examNo},${s.names[k]},${score}`);
        });
      }
      const csv = Buffer.from('\ufeff' + lines.join('\r\n') + '\r\n', 'utf8');
      const { subject: _subject, fullMarks: _fullMarks, ...fields } = DEMO_PRIOR_EXAM;
      const imported = await admin.upload(
        `/api/alliances/${alliance.id}/exams/import-results`,
        [{ name: '六年级期末成绩.csv', data: csv, type: 'text/csv' }],
        fields,
        'file',
      );
      priorExamId = imported.examId;
      console.log(
        `      考试 ${imported.examId}：${imported.students} 名学生的成绩（其中缺考 ${imported.absent} 人），满分 ${imported.papers[0].fullMarks}`,
      );
    }

    step(4, `学科组命题：${DEMO_EXAM.name}，${DEMO_PAPER.items.length} 道题`);
    const exam = await admin.json('POST', `/api/alliances/${alliance.id}/exams`, { ...DEMO_EXAM, priorExamId });
    const lead = await new HttpClient(baseUrl).login('mathlead', DEMO_PASSWORD);
    const paper = await lead.json('POST', `/api/exams/${exam.id}/papers`, DEMO_PAPER);
    await lead.json('POST', `/api/papers/${paper.id}/lock`);
    const layout: SheetLayout = await lead.json('POST', `/api/papers/${paper.id}/sheet`, { examNoDigits: 8 });
    const sheetPdf = await lead.bytes(`/api/papers/${paper.id}/sheet.pdf`);
    await writeFile(join(outDir, '答题卡.pdf'), sheetPdf);
    const full = await lead.json('GET', `/api/papers/${paper.id}`);
    console.log(`      满分 ${full.fullMarks}，答题卡 ${layout.pages.length} 页：${join(outDir, '答题卡.pdf')}`);

    step(5, '各校扫描员上传扫描图像（合成的 200dpi 灰度图，带轻微旋转、平移和噪点）');
    const items = full.items.map((i: any) => ({
      id: i.id,
      type: i.type,
      maxScore: Number(i.maxScore),
      scoreStep: Number(i.scoreStep),
      answerKey: i.answerKey,
      optionCount: i.optionCount,
    }));
    // 题块: the subject lead assigns the markers to every subjective item (a marker with no assignment gets nothing).
    for (const it of items.filter((i: { type: string }) => !OBJECTIVE_TYPES.includes(i.type as ItemType)))
      await lead.json('PUT', `/api/marking/items/${it.id}/assignments`, { markerIds });
    const truth = new Map<string, number>();
    let uploaded = 0;
    const totalStudents = schools.reduce((n, s) => n + s.examNos.length, 0);
    for (const [si, s] of schools.entries()) {
      const scanner = await new HttpClient(baseUrl).login(`scanner${si + 1}`, DEMO_PASSWORD);
      const students = s.examNos.map((examNo, k) => ({ examNo, ability: demoAbility(s.demo, k) }));
      for (let k = 0; k < students.length; k += 10) {
        const chunk = students.slice(k, k + 10);
        const { files, truth: t } = await generateSyntheticScans(layout, items, chunk, {
          seed: 20261110 + si * 1000 + k,
          format: 'jpeg',
          distortion: 'slight',
        });
        for (const [examNo, v] of t) truth.set(examNo, v.total);
        await scanner.upload(
          `/api/exams/${exam.id}/scans`,
          files.map((f) => ({ name: f.name, data: f.data, type: 'image/jpeg' })),
          { schoolId: String(s.id) },
        );
        uploaded += chunk.length;
        progress(`已上传 ${uploaded}/${totalStudents} 名学生的答题卡`);
      }
    }
    console.log();
    const status = await waitFor(
      '扫描识别完成',
      async () => {
        const st = await admin.json('GET', `/api/exams/${exam.id}/scan-status`);
        progress(`识别：已处理 ${st.processed ?? 0}，异常 ${st.exception ?? 0}，排队 ${st.queued ?? 0}`);
        return (st.queued ?? 0) === 0 ? st : null;
      },
      15 * 60_000,
    );
    console.log(`\n      识别完成：${status.processed} 页成功，${status.exception ?? 0} 页进入异常队列`);

    step(6, `${markerNames.length} 位阅卷教师通过 HTTP 接口在线评阅主观题（模拟教师只看得到切割后的答题区域图像）`);
    let marked = 0;
    const markOne = async (who: string) => {
      const m = await new HttpClient(baseUrl).login(who, DEMO_PASSWORD);
      for (;;) {
        const task = await m.json('POST', '/api/marking/next', { examId: exam.id });
        if (!task) return;
        const img = await m.bytes(task.snippetUrl);
        const { data, info } = await sharp(img).greyscale().raw().toBuffer({ resolveWithObject: true });
        const score = Math.min(
          task.maxScore,
          readTallyScore(
            {
              width: info.width,
              height: info.height,
              data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
            },
            task.scoreStep,
          ),
        );
        await m.json('POST', `/api/marking/tasks/${task.taskId}/submit`, {
          score,
          clientId: `${who}-${task.taskId}-${task.round ?? ''}`,
          secondsSpent: 20,
        });
        marked++;
        if (marked % 20 === 0) progress(`已评 ${marked} 份`);
      }
    };
    await Promise.all(markerNames.map(markOne));
    console.log(`\n      评阅完成：共 ${marked} 次评分`);

    step(7, '统计分析（结果任务：最终分、总分、各校与联盟的平均分、标准差、三率、纵看增值）');
    await admin.json('POST', `/api/exams/${exam.id}/results/compute`);
    const reports = await waitFor(
      '各校诊断报告生成',
      async () => {
        const list = await admin.json('GET', `/api/exams/${exam.id}/reports`);
        const ready = list.filter((r: any) => r.status === 'ready').length;
        progress(`报告：${ready}/${schools.length} 份已生成`);
        return ready === schools.length ? list : null;
      },
      5 * 60_000,
    );
    console.log();
    {
      const analysis = await admin.json('GET', `/api/exams/${exam.id}/analysis`);
      const l = analysis.papers[0]?.longitudinal;
      if (!l || 'unavailable' in l) console.log(`      纵看：${l?.unavailable ?? '没有上次考试'}`);
      else {
        const found = schools.map((s) => l.schools.find((x: { schoolId: number }) => x.schoolId === s.id)?.va ?? NaN);
        const cells = schools.map(
          (s, j) =>
            `${s.code} ${Number.isFinite(found[j]) ? (found[j] >= 0 ? '+' : '') + found[j].toFixed(1) : '—'}（预设 ${s.demo.gain >= 0 ? '+' : ''}${s.demo.gain}）`,
        );
        console.log(
          `      纵看：匹配 ${l.matched}/${l.nCurrent} 人；各校增值（分）${cells.join('，')}；与预设进步的 Spearman 相关 ${spearman(
            found,
            schools.map((s) => s.demo.gain),
          ).toFixed(2)}`,
        );
      }
    }

    step(8, '核对：每名学生的总分与合成答卷的真实得分一致');
    let checked = 0;
    let mismatched = 0;
    for (const s of schools) {
      const rows: any[] = await admin.json('GET', `/api/exams/${exam.id}/schools/${s.id}/students`);
      for (const r of rows) {
        if (r.absent || r.total === null) continue;
        checked++;
        if (Math.abs(Number(r.total) - (truth.get(r.examNo) ?? NaN)) > 1e-9) mismatched++;
      }
    }
    console.log(`      ${checked} 名学生的总分已核对，不一致 ${mismatched} 名`);

    step(9, '下载各校诊断报告');
    for (const r of reports) {
      const pdf = await admin.bytes(r.url);
      const file = join(outDir, `${r.schoolName}-诊断报告.pdf`);
      await writeFile(file, pdf);
      console.log(`      ${file}`);
    }
    console.log(`\n完成，用时 ${elapsed()}。`);
    console.log(
      `浏览页面：DB_NAME=${config.db.name} QUEUE_PREFIX=${config.redis.prefix} DATA_DIR=${config.dataDir} npm start，然后打开 http://127.0.0.1:3000/login`,
    );
    console.log(
      `账号（密码均为 ${DEMO_PASSWORD}）：admin（联盟管理员）、mathlead（数学学科组长）、marker1–4（阅卷教师）、principal1–6（各校校长）、scanner1–6（扫描员）`,
    );
    if (mismatched) process.exitCode = 1;
  } finally {
    worker.kill('SIGTERM');
    await app.close();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(`\n演示失败：${describeStartupError(err)}`);
    if (process.env.DEMO_DEBUG) console.error(err);
    process.exit(1);
  },
);
