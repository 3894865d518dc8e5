// The API process killed (SIGKILL) in the middle of a scan upload: nothing of the upload is half-stored (no batch, no
// page, so no 'queued' page without a job and no batch of page_count 0); the cut-off temp file is swept when an API
// starts once it is stale; the upload sent again goes whole into one batch, every sheet's pages together.
// Runs the built API (dist/, `npm run build`, as `npm test` does first) as a process of its own, killed twice over.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, utimesSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { Role } from '../../src/common/role.js';
import { seedScanExam, type ScanExam } from '../integration/scans-fixtures.js';
import { createUser } from '../support/fixtures.js';
import { freePort } from '../support/redis-server.js';
import { generateSyntheticScans, type SyntheticScanFile } from '../support/synthetic/synthetic-scans.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const built = existsSync(resolve('dist/src/main.js'));

describe('the API killed mid-upload', () => {
  let env: TestEnv;
  let fx: ScanExam;
  let files: SyntheticScanFile[];
  let port: number;
  let api: ChildProcess | null = null;
  let output = '';

  const startApi = async () => {
    const c = env.config;
    api = spawn(process.execPath, ['dist/src/main.js'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(port),
        DB_HOST: c.db.host,
        DB_PORT: String(c.db.port),
        DB_NAME: c.db.name,
        REDIS_HOST: c.redis.host,
        REDIS_PORT: String(c.redis.port),
        QUEUE_PREFIX: c.redis.prefix,
        DATA_DIR: c.dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (b: Buffer) => (output = (output + b.toString()).slice(-4000));
    api.stdout!.on('data', keep);
    api.stderr!.on('data', keep);
    for (let i = 0; i < 300; i++) {
      const up = await request(`http://127.0.0.1:${port}`)
        .get('/health')
        .then((r) => r.status === 200)
        .catch(() => false);
      if (up) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the API did not start: ${output}`);
  };
  const killApi = async () => {
    const a = api!;
    if (a.exitCode === null)
      await new Promise<void>((done) => {
        a.once('exit', () => done());
        a.kill('SIGKILL');
      });
    api = null;
  };
  const token = async () =>
    (
      await request(`http://127.0.0.1:${port}`)
        .post('/api/auth/login')
        .send({ username: 'cut_scanner', password: 'pass-cut' })
    ).body.token as string;
  const tmpFiles = () => readdirSync(join(env.config.dataDir, 'tmp'));

  beforeAll(async () => {
    if (!built) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    env = await createTestEnv('apikill');
    fx = await seedScanExam(env.ds, { studentsA: 3 });
    await createUser(env.ds, 'cut_scanner', 'pass-cut', [
      { role: Role.Scanner, allianceId: fx.allianceId, schoolId: fx.schoolA },
    ]);
    files = (
      await generateSyntheticScans(
        fx.layout,
        fx.synthetic,
        fx.studentsA.map((s) => ({ examNo: s.examNo })),
        { seed: 31, dpi: 150 },
      )
    ).files;
    port = await freePort();
  });
  afterAll(async () => {
    if (api) await killApi();
    await env?.cleanup();
  });

  it('leaves nothing half-stored, sweeps the cut-off temp file, and takes the upload again whole', async () => {
    await startApi();
    const bearer = await token();
    // A multipart upload sent by hand: every page but the last whole, the last cut off halfway, the request left open.
    const boundary = `----tk${Date.now()}`;
    const part = (f: SyntheticScanFile) =>
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        f.data,
        Buffer.from('\r\n'),
      ]);
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="schoolId"\r\n\r\n${fx.schoolA}\r\n`,
    );
    const last = files[files.length - 1];
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/api/exams/${fx.exam.id}/scans`,
      headers: {
        Authorization: `Bearer ${bearer}`,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(10 * 1024 * 1024),
      },
    });
    req.on('error', () => undefined); // the server dies under it
    req.write(Buffer.concat([head, ...files.slice(0, -1).map(part), part(last).subarray(0, last.data.length / 2)]));
    for (let i = 0; i < 200 && tmpFiles().length < files.length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(tmpFiles().length).toBeGreaterThan(0); // the upload was being received
    await killApi();
    req.destroy();

    // Nothing of it stored: no batch (none of page_count 0), no page waiting without a job.
    expect(await env.ds.query('SELECT id FROM scan_batch WHERE exam_id = ?', [fx.exam.id])).toEqual([]);
    expect(await env.ds.query('SELECT id FROM scanned_page WHERE exam_id = ?', [fx.exam.id])).toEqual([]);

    // Its temp files stay until they are stale (another API's upload may be under way), then an API start sweeps them.
    const left = tmpFiles();
    expect(left.length).toBeGreaterThan(0);
    const old = new Date(Date.now() - 2 * 3600_000);
    for (const name of left) utimesSync(join(env.config.dataDir, 'tmp', name), old, old);
    await startApi();
    for (let i = 0; i < 100 && tmpFiles().length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(tmpFiles()).toEqual([]);

    // Sent again: one batch with every page, each sheet's pages together.
    const again = request(`http://127.0.0.1:${port}`)
      .post(`/api/exams/${fx.exam.id}/scans`)
      .set('Authorization', `Bearer ${await token()}`)
      .field('schoolId', String(fx.schoolA));
    for (const f of files) again.attach('files', f.data, f.name);
    const res = await again;
    expect({ status: res.status, accepted: res.body.accepted, output: res.status === 201 ? '' : output }).toEqual({
      status: 201,
      accepted: files.length,
      output: '',
    });
    const batches: { id: number; pageCount: number }[] = await env.ds.query(
      'SELECT id, page_count AS pageCount FROM scan_batch WHERE exam_id = ?',
      [fx.exam.id],
    );
    expect(batches).toEqual([{ id: res.body.batchId, pageCount: files.length }]);
    const [{ n }] = await env.ds.query('SELECT COUNT(*) AS n FROM scanned_page WHERE exam_id = ? AND batch_id = ?', [
      fx.exam.id,
      res.body.batchId,
    ]);
    expect(Number(n)).toBe(files.length);
    expect(tmpFiles()).toEqual([]); // the whole upload's temp files gone with it
  }, 120_000);
});
