// A real S3 engine for tests: Ceph's radosgw (Debian 12's Ceph 16.2) on a throw-away one-node cluster (one
// monitor, one OSD on memstore) that radosgw-cluster.sh builds in a temporary folder on free loopback ports. It
// hands back the same settings shape as the s3rver emulator, so the app reaches it through the same S3BlobStore
// code path. Absent binaries are reported by radosgwMissing() so the tier can skip with a reason.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from './redis-server.js';
import type { S3Emulator } from './s3-emulator.js';

const run = promisify(execFile);
const script = join(dirname(fileURLToPath(import.meta.url)), 'radosgw-cluster.sh');
const binaries = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'ceph', 'ceph-authtool', 'monmaptool'];

/** The Ceph binaries this machine lacks (empty: radosgw can run). */
export function radosgwMissing(): string[] {
  const path = (process.env.PATH ?? '').split(':');
  return binaries.filter((b) => !path.some((d) => existsSync(join(d, b))));
}

/** Kills the cluster's daemons by their pid files (SIGKILL: memstore would otherwise write itself out). */
function killDaemons(dir: string) {
  const pids = join(dir, 'run');
  if (!existsSync(pids)) return;
  for (const f of readdirSync(pids).filter((n) => n.endsWith('.pid'))) {
    try {
      process.kill(Number(readFileSync(join(pids, f), 'utf8')), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function waitForHttp(endpoint: string, ms: number) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(endpoint)).status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`radosgw did not answer on ${endpoint} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function startRadosgw(bucket = 'tongkao'): Promise<S3Emulator> {
  const dir = mkdtempSync(join(tmpdir(), 'tongkao-ceph-'));
  const [monPort, rgwPort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${rgwPort}`;
  const [accessKeyId, secretAccessKey] = ['TONGKAOTEST', 'tongkao-radosgw-test-secret'];
  try {
    await run(script, [dir, String(monPort), String(rgwPort), accessKeyId, secretAccessKey], { timeout: 180_000 });
    await waitForHttp(endpoint, 120_000);
  } catch (e) {
    killDaemons(dir);
    throw new Error(`radosgw did not start (logs in ${dir}/log): ${(e as Error).message}`);
  }
  const config = {
    kind: 's3' as const,
    endpoint,
    bucket,
    region: 'us-east-1',
    accessKeyId,
    secretAccessKey,
    forcePathStyle: true,
    prefix: '',
  };
  const client = new S3Client({ ...config, credentials: { accessKeyId, secretAccessKey } });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  let closed = false;
  return {
    config,
    env: {
      BLOB_STORE: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: config.region,
      S3_ACCESS_KEY_ID: accessKeyId,
      S3_SECRET_ACCESS_KEY: secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    },
    async close() {
      if (closed) return;
      closed = true;
      killDaemons(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
