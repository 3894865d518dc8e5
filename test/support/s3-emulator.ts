// An S3-compatible server for tests: s3rver, a Node S3 *emulator* (not a real engine; see README), started on a free
// loopback port with one bucket in a temporary folder. The app reaches it through the same S3BlobStore code path
// it uses against a real object store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { BlobStoreConfig } from '../../src/config/config.js';

export interface S3Emulator {
  /** BLOB_STORE=s3 settings that reach the emulator's bucket. */
  config: Extract<BlobStoreConfig, { kind: 's3' }>;
  /** The same as environment variables, for a child process. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** `address`: where it listens (default loopback; the several-hosts test gives a bridge's address). */
export async function startS3Emulator(bucket = 'tongkao', address = '127.0.0.1'): Promise<S3Emulator> {
  const directory = mkdtempSync(join(tmpdir(), 'tongkao-s3-'));
  const server = new S3rver({
    address,
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  let closed = false;
  const endpoint = `http://${address}:${port}`;
  const config = {
    kind: 's3' as const,
    endpoint,
    bucket,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
    prefix: '',
  };
  return {
    config,
    env: {
      BLOB_STORE: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: config.region,
      S3_ACCESS_KEY_ID: config.accessKeyId,
      S3_SECRET_ACCESS_KEY: config.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    },
    /** Stops the server (a test may stop it early to take the store away); closing twice is no error. */
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
