import type { Readable } from 'node:stream';

/**
 * Where images, snippets and PDFs live: a local (or shared network) folder, or an S3-compatible object store
 * (BLOB_STORE=local|s3). Callers see only this interface, so the same code runs on either.
 */
export abstract class BlobStore {
  /** Stores bytes under `${prefix}/${sha256}${ext}` and returns that key; the same bytes give the same key. */
  abstract putContentAddressed(prefix: string, data: Buffer, ext: string): Promise<{ key: string; hash: string }>;
  /** Stores bytes under an explicit key, replacing what was there. */
  abstract put(key: string, data: Buffer): Promise<void>;
  /** Moves a finished temporary file (e.g. a streamed upload) under the key; the temporary file is gone afterwards. */
  abstract putFile(key: string, localPath: string): Promise<void>;
  abstract get(key: string): Promise<Buffer>;
  /** The blob's bytes as a stream (a download is streamed, never held whole); a missing blob errors the stream. */
  abstract stream(key: string): Readable;
  abstract exists(key: string): Promise<boolean>;
  /** Removes the blob; a missing blob is no error. */
  abstract delete(key: string): Promise<void>;
  /** Every key under the prefix ('' for all), in no promised order; the readiness probe's files are left out. */
  abstract list(prefix: string): AsyncIterable<string>;
  /** A local path for tools that need one; null when the store is remote (then use withLocalFile). */
  abstract localPath(key: string): string | null;
  /**
   * Runs `use` with a path to a file holding the blob: the blob's own file in a local folder, a temporary copy
   * (removed afterwards) in a remote store. For tools that read files, e.g. pdftotext.
   */
  abstract withLocalFile<T>(key: string, use: (path: string) => Promise<T> | T): Promise<T>;
  /** Readiness (GET /ready): the store takes a write and gives it back now; throws when it cannot. */
  abstract probe(): Promise<void>;
}

/** Keys are relative, slash-separated paths without empty, '.' or '..' parts (the same rule for every store). */
export function assertBlobKey(key: string): void {
  if (
    !key ||
    key.startsWith('/') ||
    key.includes('\\') ||
    key.split('/').some((p) => p === '' || p === '.' || p === '..')
  )
    throw new Error(`invalid blob key: ${key}`);
}

/** Name prefix of the probe's short-lived blobs, which list() never yields. */
export const PROBE_PREFIX = '.ready-';
