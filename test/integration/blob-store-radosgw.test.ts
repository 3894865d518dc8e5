// The BlobStore contract against a real S3 engine: Ceph's radosgw on a one-node memstore cluster the test builds
// (test/support/radosgw.ts). Its own tier: it needs `apt-get install radosgw ceph-mon ceph-osd` (not in CI, see
// docs/object-store-engines.md) and skips, saying so, when the binaries are absent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3BlobStore } from '../../src/storage/s3-blob.store.js';
import { describeBlobStoreContract } from '../support/blob-store-contract.js';
import { radosgwMissing, startRadosgw } from '../support/radosgw.js';
import type { S3Emulator } from '../support/s3-emulator.js';

const missing = radosgwMissing();

if (missing.length > 0) {
  describe('BlobStore contract: radosgw', () => {
    it.skip(`skipped: Ceph binaries absent (${missing.join(', ')}); apt-get install radosgw ceph-mon ceph-osd`, () => {});
  });
} else {
  let rgw: S3Emulator;
  let dir: string;
  beforeAll(async () => {
    rgw = await startRadosgw();
    dir = mkdtempSync(join(tmpdir(), 'tongkao-rgw-contract-'));
  }, 300_000);
  afterAll(async () => {
    await rgw?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describeBlobStoreContract(
    'radosgw',
    's3',
    () => new S3BlobStore(rgw.config),
    () => dir,
  );

  it('an unknown key pair is refused by the probe (radosgw checks signatures)', async () => {
    const wrong = new S3BlobStore({ ...rgw.config, secretAccessKey: 'not-the-secret' });
    await expect(wrong.probe()).rejects.toThrow();
  });
}
