// The BlobStore contract (test/support/blob-store-contract.ts), run case for case against the local folder and the
// S3 store on the s3rver emulator: the app's code cannot tell them apart. blob-store-radosgw.test.ts runs the same
// cases against a real engine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { createBlobStore } from '../../src/storage/create-blob-store.js';
import { LocalBlobStore } from '../../src/storage/local-blob.store.js';
import { S3BlobStore } from '../../src/storage/s3-blob.store.js';
import { describeBlobStoreContract } from '../support/blob-store-contract.js';
import { startS3Emulator, type S3Emulator } from '../support/s3-emulator.js';

let emulator: S3Emulator;
let dir: string;
const stores: Record<string, () => BlobStore> = {};

beforeAll(async () => {
  emulator = await startS3Emulator();
  dir = mkdtempSync(join(tmpdir(), 'tongkao-contract-'));
  stores.local = () => new LocalBlobStore(join(dir, 'blobs'));
  stores.s3 = () => new S3BlobStore(emulator.config);
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

describeBlobStoreContract(
  'local',
  'local',
  () => stores.local!(),
  () => dir,
);
describeBlobStoreContract(
  's3',
  's3',
  () => stores.s3!(),
  () => dir,
);

describe('BLOB_STORE chooses the store', () => {
  it('local by default, s3 with its settings, and s3 without a bucket is a configuration error', async () => {
    expect(createBlobStore(loadConfig({ NODE_ENV: 'test' }))).toBeInstanceOf(LocalBlobStore);
    const c = loadConfig({ NODE_ENV: 'test', ...emulator.env });
    expect(c.blobStore).toMatchObject({ kind: 's3', bucket: 'tongkao', forcePathStyle: true });
    const s3 = createBlobStore(c);
    expect(s3).toBeInstanceOf(S3BlobStore);
    await s3.probe();
    expect(() => loadConfig({ NODE_ENV: 'test', BLOB_STORE: 's3' })).toThrow(/S3_BUCKET/);
  });

  it('an unreachable object store fails the probe', async () => {
    const gone = new S3BlobStore({ ...emulator.config, endpoint: 'http://127.0.0.1:9' });
    await expect(gone.probe()).rejects.toThrow();
  });
});
