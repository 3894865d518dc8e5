// The restore drill: an exam with computed results, a rendered school report and scanned pages is backed up
// (mysqldump + every blob, one archive), the database and the blobs are destroyed, the archive is restored, and the
// exam's results and report are whole again. Run on the local folder and on S3 (the s3rver emulator).
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { WorkerModule } from '../../src/app.module.js';
import { Actor } from '../../src/common/actor.js';
import { Role } from '../../src/common/role.js';
import type { AppConfig } from '../../src/config/config.js';
import { createDataSource } from '../../src/database/data-source.js';
import { ENTITIES } from '../../src/entities.js';
import { backup, restore } from '../../src/ops/backup.js';
import { ReportRenderService } from '../../src/reports/report-render.service.js';
import { ResultsJobService } from '../../src/results/results-job.service.js';
import { ResultsQueriesService } from '../../src/results/results-queries.service.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { startS3Emulator, type S3Emulator } from '../support/s3-emulator.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';
import { buildResultsFixture, NAMES, ResultsFixture } from './results-fixture.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** CHECKSUM TABLE of every table: equal before and after means every row came back. */
async function tableChecksums(ds: DataSource, db: string): Promise<Record<string, string>> {
  const tables: { name: string }[] = await ds.query(
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name',
    [db],
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await ds.query(`CHECKSUM TABLE \`${db}\`.\`${name}\``);
    out[name] = String(row.Checksum);
  }
  return out;
}

describe.each(['local', 's3'])('backup and restore drill (%s blob store)', (kind) => {
  let env: TestEnv;
  let emulator: S3Emulator | undefined;
  let config: AppConfig;
  let fx: ResultsFixture;
  let app: INestApplicationContext;
  let work: string;
  const admin = () =>
    new Actor(901, 'a', 'a', [{ role: Role.Admin, allianceId: fx.allianceId, schoolId: null, subject: null }]);

  beforeAll(async () => {
    env = await createTestEnv(`backup_${kind}`);
    if (kind === 's3') emulator = await startS3Emulator();
    config = emulator ? { ...env.config, blobStore: emulator.config } : env.config;
    work = mkdtempSync(join(tmpdir(), 'tongkao-drill-'));
    fx = await buildResultsFixture(env.ds, `bk${kind}`);
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
    await emulator?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('backs up, loses everything, restores: results, report and scans are whole', async () => {
    const blobs = app.get(BlobStore);
    // the fixture's pages name scan blobs: store an image for each
    const pages: { blobKey: string }[] = await env.ds.query(
      'SELECT blob_key AS blobKey FROM scanned_page WHERE exam_id = ?',
      [fx.examId],
    );
    for (const [i, p] of pages.entries()) await blobs.put(p.blobKey, Buffer.from(`scan image ${i}`));
    await app.get(ResultsJobService).computeExam(fx.examId);
    const report = await app.get(ReportRenderService).renderSchoolReport(fx.examId, fx.schools.lead);
    expect(report.status).toBe('ready');
    const reportBytes = await blobs.get(report.blobKey!);
    const analysis = await app.get(ResultsQueriesService).analysisFor(admin(), fx.examId);
    const students = await app.get(ResultsQueriesService).schoolStudents(admin(), fx.examId, fx.schools.lead);
    const checksums = await tableChecksums(env.ds, config.db.name);
    const blobHashes = new Map<string, string>();
    for await (const key of blobs.list('')) blobHashes.set(key, sha(await blobs.get(key)));
    expect(blobHashes.size).toBe(pages.length + 1);
    await app.close();

    const archive = join(work, 'out', 'tongkao.tar.gz');
    const manifest = await backup(config, blobs, archive);
    expect(manifest).toMatchObject({ database: config.db.name, blobs: pages.length + 1 });
    expect(existsSync(archive)).toBe(true);

    // disaster: the database and every blob are gone
    await env.ds.query(`DROP DATABASE \`${config.db.name}\``);
    for (const key of blobHashes.keys()) await blobs.delete(key);
    for await (const key of blobs.list('')) throw new Error(`blob ${key} survived the disaster`);
    expect(await blobs.exists(report.blobKey!)).toBe(false);

    const lines: string[] = [];
    await restore(config, blobs, archive, { log: (l) => lines.push(l) });
    expect(lines.join('\n')).toContain('导入数据库');

    const ds = createDataSource(config, { entities: ENTITIES });
    await ds.initialize();
    try {
      expect(await tableChecksums(ds, config.db.name)).toEqual(checksums);
    } finally {
      await ds.destroy();
    }
    for (const [key, hash] of blobHashes) expect(sha(await blobs.get(key))).toBe(hash);

    app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
    const again = app.get(ResultsQueriesService);
    expect(await again.analysisFor(admin(), fx.examId)).toEqual(analysis);
    expect(await again.schoolStudents(admin(), fx.examId, fx.schools.lead)).toEqual(students);
    const restored = app.get(BlobStore);
    expect(sha(await restored.get(report.blobKey!))).toBe(sha(reportBytes));
    const text = await restored.withLocalFile(report.blobKey!, (p) =>
      execFileSync('pdftotext', ['-layout', p, '-'], { encoding: 'utf8' }),
    );
    expect(text).toContain(NAMES.lead);
  });

  it('refuses to restore over a database that has tables unless told to replace it, and refuses a damaged archive', async () => {
    const blobs = app.get(BlobStore);
    const archive = join(work, 'second.tar.gz');
    await backup(config, blobs, archive);
    await expect(restore(config, blobs, archive)).rejects.toThrow(/--replace/);
    await restore(config, blobs, archive, { replace: true });
    const bogus = join(work, 'bogus.tar.gz');
    writeFileSync(join(work, 'note.txt'), 'not a backup');
    execFileSync('tar', ['-czf', bogus, '-C', work, 'note.txt']);
    await expect(restore(config, blobs, bogus, { replace: true })).rejects.toThrow(/不是统考备份文件/);
  });
});
