// The whole chain over HTTP with a real BullMQ worker: paper → sheet → 20 synthetic scans → ingestion →
// marking → results → one PDF per school, checked against the generator's truth.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import sharp from 'sharp';
import { createApiApp } from '../../src/app.factory.js';
import { HttpClient, ApiError } from '../../tools/demo/http-client.js';
import { OrgService } from '../../src/org/org.service.js';
import type { SheetLayout } from '../../src/sheets/domain/layout.js';
import { readTallyScore } from '../support/synthetic/synthetic-tally.js';
import { generateSyntheticScans } from '../support/synthetic/synthetic-scans.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const PASSWORD = 'chain-pass-2026';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(poll: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await poll();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(300);
  }
}

describe('the whole chain, end to end', () => {
  let env: TestEnv;
  let app: INestApplication;
  let worker: WorkerHost;
  let base: string;

  beforeAll(async () => {
    env = await createTestEnv('chain');
    app = await createApiApp(env.config, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    worker = await startWorkers(env.config, { logger: false });
  });
  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await env?.cleanup();
  });

  it('turns a paper and 20 scans into correct totals and one PDF per school, scoped to principals', async () => {
    const { alliance } = await app.get(OrgService).bootstrapAlliance({
      name: '测试教联体',
      code: 'chain',
      adminUsername: 'chainadmin',
      adminPassword: PASSWORD,
      adminDisplayName: '管理员',
    });
    const admin = await new HttpClient(base).login('chainadmin', PASSWORD);

    const schoolDefs = [
      { name: '城关第一中学', code: 'A', kind: 'lead', locality: 'urban' },
      { name: '河口镇中心学校', code: 'B', kind: 'member', locality: 'rural' },
    ];
    const schools: { id: number; name: string; examNos: string[] }[] = [];
    for (const [si, def] of schoolDefs.entries()) {
      const school = await admin.json('POST', `/api/alliances/${alliance.id}/schools`, def);
      await admin.json('POST', `/api/schools/${school.id}/classes`, { names: ['七(1)班'] });
      const examNos = Array.from({ length: 10 }, (_, k) => `31${si}${String(k + 1).padStart(3, '0')}`);
      const csv = ['考号,姓名,班级', ...examNos.map((n, k) => `${n},学生${si}${k},七(1)班`)].join('\n');
      const r = await admin.upload(
        `/api/schools/${school.id}/roster`,
        [{ name: 'roster.csv', data: Buffer.from(csv), type: 'text/csv' }],
        {},
        'file',
      );
      expect(r.imported).toBe(10);
      await admin.json('POST', `/api/alliances/${alliance.id}/users`, {
        username: `principal${def.code}`,
        displayName: '校长',
        password: PASSWORD,
        roles: [{ role: 'principal', schoolId: school.id }],
      });
      await admin.json('POST', `/api/alliances/${alliance.id}/users`, {
        username: `scanner${def.code}`,
        displayName: '扫描员',
        password: PASSWORD,
        roles: [{ role: 'scanner', schoolId: school.id }],
      });
      schools.push({ id: school.id, name: def.name, examNos });
    }
    const markerIds: number[] = [];
    for (const m of ['marker1', 'marker2'])
      markerIds.push(
        (
          await admin.json('POST', `/api/alliances/${alliance.id}/users`, {
            username: m,
            displayName: m,
            password: PASSWORD,
            roles: [{ role: 'marker', subject: '数学' }],
          })
        ).id,
      );

    // A paper of ten items: six single-choice with keys, four subjective (one double-marked).
    const exam = await admin.json('POST', `/api/alliances/${alliance.id}/exams`, {
      name: '期中统一检测',
      grade: '七年级',
    });
    const paper = await admin.json('POST', `/api/exams/${exam.id}/papers`, {
      subject: '数学',
      title: '七年级数学',
      items: [
        ...['A', 'B', 'C', 'D', 'A', 'B'].map((key, i) => ({
          label: String(i + 1),
          type: 'single_choice',
          maxScore: 5,
          answerKey: key,
          optionCount: 4,
        })),
        { label: '7', type: 'subjective', maxScore: 10, boxHeightMm: 35 },
        { label: '8', type: 'subjective', maxScore: 15, boxHeightMm: 35 },
        { label: '9', type: 'subjective', maxScore: 20, boxHeightMm: 40, markingMode: 'double', tolerance: 2 },
        { label: '10', type: 'subjective', maxScore: 25, boxHeightMm: 40 },
      ],
    });
    const layout: SheetLayout = await admin.json('POST', `/api/papers/${paper.id}/sheet`, { examNoDigits: 6 });
    const sheet = await admin.bytes(`/api/papers/${paper.id}/sheet.pdf`);
    expect(sheet.subarray(0, 5).toString()).toBe('%PDF-');

    // 20 synthetic scans, uploaded by each school's scanner.
    const full = await admin.json('GET', `/api/papers/${paper.id}`);
    const items = full.items.map((i: any) => ({
      id: i.id,
      type: i.type,
      maxScore: Number(i.maxScore),
      scoreStep: Number(i.scoreStep),
      answerKey: i.answerKey,
      optionCount: i.optionCount,
    }));
    // 题块: both markers are assigned every subjective item (a marker with no assignment gets nothing).
    for (const it of items.filter((i: { type: string }) => i.type === 'subjective'))
      await admin.json('PUT', `/api/marking/items/${it.id}/assignments`, { markerIds });
    const truth = new Map<string, number>();
    for (const [si, s] of schools.entries()) {
      const { files, truth: t } = await generateSyntheticScans(
        layout,
        items,
        s.examNos.map((examNo) => ({ examNo })),
        { seed: 77 + si, format: 'jpeg', distortion: 'slight' },
      );
      for (const [k, v] of t) truth.set(k, v.total);
      const scanner = await new HttpClient(base).login(`scanner${schoolDefs[si].code}`, PASSWORD);
      await scanner.upload(
        `/api/exams/${exam.id}/scans`,
        files.map((f) => ({ name: f.name, data: f.data, type: 'image/jpeg' })),
        { schoolId: String(s.id) },
      );
    }
    const status = await until(async () => {
      const st = await admin.json('GET', `/api/exams/${exam.id}/scan-status`);
      return (st.queued ?? 0) === 0 ? st : null;
    }, 180_000);
    // Each sheet has two pages (the four answer boxes do not fit on page 1): 20 students, 40 pages.
    expect(layout.pages).toHaveLength(2);
    expect(status.processed).toBe(40);
    expect(status.exception ?? 0).toBe(0);

    // Two markers mark everything, reading only the snippet image.
    const markAll = async (who: string) => {
      const m = await new HttpClient(base).login(who, PASSWORD);
      let n = 0;
      for (;;) {
        const task = await m.json('POST', '/api/marking/next', { examId: exam.id });
        if (!task) return n;
        expect(JSON.stringify(task)).not.toMatch(/student|school|examNo|name/i);
        const img = await m.bytes(task.snippetUrl);
        const { data, info } = await sharp(img).greyscale().raw().toBuffer({ resolveWithObject: true });
        const score = readTallyScore(
          {
            width: info.width,
            height: info.height,
            data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
          },
          task.scoreStep,
        );
        await m.json('POST', `/api/marking/tasks/${task.taskId}/submit`, {
          score,
          clientId: `${who}-task-${task.taskId}`,
        });
        n++;
      }
    };
    const counts = await Promise.all([markAll('marker1'), markAll('marker2')]);
    expect(counts[0] + counts[1]).toBe(20 * 5); // three single-marked items + one double-marked item

    await admin.json('POST', `/api/exams/${exam.id}/results/compute`);
    const reports = await until(async () => {
      const list = await admin.json('GET', `/api/exams/${exam.id}/reports`);
      return list.length === 2 && list.every((r: any) => r.status === 'ready') ? list : null;
    }, 180_000);

    // Every student's total equals the generator's truth.
    for (const s of schools) {
      const rows: any[] = await admin.json('GET', `/api/exams/${exam.id}/schools/${s.id}/students`);
      expect(rows).toHaveLength(10);
      for (const r of rows)
        expect({ examNo: r.examNo, total: Number(r.total) }).toEqual({ examNo: r.examNo, total: truth.get(r.examNo) });
    }

    // Principal A reads A's report; its text carries A's Chinese name. Principal B may not.
    const [a, b] = schools;
    const reportA = reports.find((r: any) => r.schoolId === a.id);
    const principalA = await new HttpClient(base).login('principalA', PASSWORD);
    // Nothing reaches a principal before 成绩发布; every sheet is read and marked, so no reason is needed.
    await expect(principalA.bytes(reportA.url)).rejects.toMatchObject({ status: 403 } satisfies Partial<ApiError>);
    expect(await admin.json('POST', `/api/exams/${exam.id}/release`, {})).toMatchObject({ released: true });
    const pdf = await principalA.bytes(reportA.url);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = mkdtempSync(join(tmpdir(), 'chain-'));
    writeFileSync(join(dir, 'a.pdf'), pdf);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'a.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain(a.name);
    expect(text).not.toContain(b.name);
    const principalB = await new HttpClient(base).login('principalB', PASSWORD);
    await expect(principalB.bytes(reportA.url)).rejects.toMatchObject({ status: 403 } satisfies Partial<ApiError>);
  });
});
