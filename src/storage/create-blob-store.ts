import type { AppConfig } from '../config/config.js';
import type { BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local-blob.store.js';
import { S3BlobStore } from './s3-blob.store.js';

/** The blob store the configuration names (BLOB_STORE=local|s3): the app, the worker and the ops CLIs use this one. */
export function createBlobStore(c: Pick<AppConfig, 'blobStore' | 'dataDir'>): BlobStore {
  const b = c.blobStore;
  return b.kind === 's3' ? new S3BlobStore(b) : new LocalBlobStore(c.dataDir);
}
