// Retention (PIPL): an exam's scans, snippets and OMR crops are deleted once its period after the results' release
// has passed, by an admin's request or by the scheduled purge; audited; results and the school report stay; an image
// another exam names too is kept; image requests answer 410 afterwards.
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from '../../src/app.module.js';
import { Actor } from '../../src/common/actor.js';
import { Role } from '../../src/common/role.js';
import { Exam } from '../../src/exams/entities/exam.entity.js';
import { ReportRenderService } from '../../src/reports/report-render.service.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { ResultsQueriesService } from '../../src/results/results-queries.service.js';
import { AnswerSnippet } from '../../src/scans/entities/answer-snippet.entity.js';
import { PurgeScansModule } from '../../src/scans/cli/purge-scans.js';
import { ScanRetentionService } from '../../src/scans/scan-retention.service.js';
import { ScansService } from '../../src/scans/scans.service.js';
import { ScanExceptionViewsService } from '../../src/scans/scan-exception-views.service.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';
import { buildResultsFixture, ResultsFixture } from './results-fixture.js';

describe('retention of scans and snippets (MariaDB)', () => {
  let env: TestEnv;
  let fx: ResultsFixture;
  let app: INestApplicationContext;
  let retention: ScanRetentionService;
  let blobs: BlobStore;
  let adminId: number;
  let pageKeys: string[];
  let reducedKeys: string[];
  let snippetKeys: string[];
  const shared = 'snippets/sh/shared.jpg';
  const admin = () =>
    new Actor(adminId, 'a', 'a', [{ role: Role.Admin, allianceId: fx.allianceId, schoolId: null, subject: null }]);
  const stranger = () =>
    new Actor(99999, 'x', 'x', [{ role: Role.Admin, allianceId: 999999, schoolId: null, subject: null }]);

  beforeAll(async () => {
    env = await createTestEnv('scan_retention');
    fx = await buildResultsFixture(env.ds, 'ret');
    [{ id: adminId }] = await env.ds.query('SELECT id FROM `user` WHERE username = ?', [fx.users.admin]);
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot({ ...env.config, retentionDays: 30 }), {
      logger: false,
    });
    retention = app.get(ScanRetentionService);
    blobs = app.get(BlobStore);
    const pages: { id: number; blobKey: string; studentId: number | null }[] = await env.ds.query(
      'SELECT id, blob_key AS blobKey, student_id AS studentId FROM scanned_page WHERE exam_id = ? ORDER BY id',
      [fx.examId],
    );
    pageKeys = pages.map((p) => p.blobKey);
    for (const k of pageKeys) await blobs.put(k, Buffer.from(`scan ${k}`));
    // the reduced copies that the notices print go with the scans
    reducedKeys = pages.map((p) => `pages-reduced/ab/r${p.id}.jpg`);
    for (const [i, p] of pages.entries()) {
      await blobs.put(reducedKeys[i]!, Buffer.from(`reduced ${p.id}`));
      await env.ds.query('UPDATE scanned_page SET reduced_blob_key = ? WHERE id = ?', [reducedKeys[i], p.id]);
    }
    // a snippet per read page for item q3; the first one's bytes are also another exam's snippet
    const read = pages.filter((p) => p.studentId !== null);
    snippetKeys = read.map((p, i) => (i === 0 ? shared : `snippets/ab/s${p.id}.jpg`));
    await env.ds.getRepository(AnswerSnippet).save(
      read.map((p, i) => ({
        examId: fx.examId,
        pageId: p.id,
        studentId: p.studentId!,
        itemId: fx.itemIds[2]!,
        blobKey: snippetKeys[i]!,
        token: `ret${p.id}`,
      })),
    );
    for (const k of snippetKeys) await blobs.put(k, Buffer.from(`snippet ${k}`));
    const other = await env.ds
      .getRepository(Exam)
      .save({ allianceId: fx.allianceId, name: '另一场考试', grade: '七年级' });
    await env.ds
      .getRepository(AnswerSnippet)
      .save({ examId: other.id, pageId: 1, studentId: 1, itemId: 1, blobKey: shared, token: 'ret-other' });
    await app.get(ResultsJobService).computeExam(fx.examId);
    const report = await app.get(ReportRenderService).renderSchoolReport(fx.examId, fx.schools.lead);
    expect(report.status).toBe('ready');
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('tells an admin the period and when it falls due; refuses another alliance', async () => {
    const s = await retention.status(admin(), fx.examId);
    expect(s).toMatchObject({ examId: fx.examId, examDays: null, defaultDays: 30, days: 30, due: false, purge: null });
    expect(s.reason).toContain('保留期限未到');
    await expect(retention.status(stranger(), fx.examId)).rejects.toThrow(/管理员/);
  });

  it('refuses to purge before the period has passed, and deletes nothing', async () => {
    await expect(retention.purgeFor(admin(), fx.examId)).rejects.toThrow(/保留期限未到/);
    for (const k of [...pageKeys, ...snippetKeys]) expect(await blobs.exists(k)).toBe(true);
  });

  it("sets the exam's own period, audited; a bad value is refused", async () => {
    await expect(retention.setDays(admin(), fx.examId, { days: -3 })).rejects.toThrow(/保留天数/);
    const s = await retention.setDays(admin(), fx.examId, { days: 0 });
    expect(s).toMatchObject({ examDays: 0, days: 0, due: false });
    expect(s.reason).toContain('未设置保留期限');
    await retention.setDays(admin(), fx.examId, { days: 7 });
    const [row] = await env.ds.query(
      "SELECT detail FROM audit_log WHERE action = 'scans.retention.set' AND entity_id = ? ORDER BY id DESC LIMIT 1",
      [String(fx.examId)],
    );
    expect(typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail).toEqual({ from: 0, to: 7 });
  });

  it('the scheduled purge deletes the images once due; results, report and the shared image stay; audited', async () => {
    expect(await retention.purgeDue()).toEqual([]); // 7 days not yet passed
    await env.ds.query('UPDATE results_release SET released_at = released_at - INTERVAL 8 DAY WHERE exam_id = ?', [
      fx.examId,
    ]);
    expect((await retention.status(admin(), fx.examId)).due).toBe(true);
    const results = app.get(ResultsQueriesService);
    const before = await results.analysisFor(admin(), fx.examId);
    const studentsBefore = await results.schoolStudents(admin(), fx.examId, fx.schools.lead);

    const done = await retention.purgeDue();
    expect(done).toEqual([
      {
        examId: fx.examId,
        pages: pageKeys.length,
        snippets: snippetKeys.length,
        crops: 0,
        reduced: reducedKeys.length,
        blobsDeleted: pageKeys.length + snippetKeys.length - 1 + reducedKeys.length,
        blobsShared: 1,
      },
    ]);
    for (const k of pageKeys) expect(await blobs.exists(k)).toBe(false);
    for (const k of reducedKeys) expect(await blobs.exists(k)).toBe(false);
    for (const k of snippetKeys.filter((k) => k !== shared)) expect(await blobs.exists(k)).toBe(false);
    expect(await blobs.exists(shared)).toBe(true);
    // results and reports stay
    expect(await blobs.exists(`reports/${fx.examId}/${fx.schools.lead}.pdf`)).toBe(true);
    expect(await results.analysisFor(admin(), fx.examId)).toEqual(before);
    expect(await results.schoolStudents(admin(), fx.examId, fx.schools.lead)).toEqual(studentsBefore);
    // audited, recorded, and not purged twice by the schedule
    const actions: { action: string; userId: number | null }[] = await env.ds.query(
      "SELECT action, user_id AS userId FROM audit_log WHERE action LIKE 'scans.purge%' AND entity_id = ? ORDER BY id",
      [String(fx.examId)],
    );
    expect(actions).toEqual([
      { action: 'scans.purge.start', userId: null },
      { action: 'scans.purge', userId: null },
    ]);
    expect((await retention.status(admin(), fx.examId)).purge).toMatchObject({ purgedBy: null, blobsShared: 1 });
    expect(await retention.purgeDue()).toEqual([]);
  });

  it('an image request after the purge answers 410 in Chinese; an admin may run the purge again (idempotent)', async () => {
    const [page] = await env.ds.query('SELECT id FROM scanned_page WHERE exam_id = ? LIMIT 1', [fx.examId]);
    await expect(app.get(ScansService).pageImage(admin(), page.id)).rejects.toThrow(/已按保留期限删除/);
    await expect(app.get(ScanExceptionViewsService).thumbnail(admin(), page.id)).rejects.toThrow(/已按保留期限删除/);
    const again = await retention.purgeFor(admin(), fx.examId);
    expect(again).toMatchObject({
      blobsDeleted: pageKeys.length + snippetKeys.length - 1 + reducedKeys.length,
      blobsShared: 1,
    });
    expect((await retention.status(admin(), fx.examId)).purge).toMatchObject({ purgedBy: adminId });
  });

  it('the CLI module wires the service with the database and blob store alone', async () => {
    const cli = await NestFactory.createApplicationContext(PurgeScansModule.forRoot(env.config), { logger: false });
    try {
      expect(await cli.get(ScanRetentionService).purgeDue()).toEqual([]);
    } finally {
      await cli.close();
    }
  });
});
