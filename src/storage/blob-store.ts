import type { Readable } from 'node:stream';

/** Where images, snippets and PDFs live. Local folder by default; an S3-compatible store can implement the same. */
export abstract class BlobStore {
  /** Stores bytes under `${prefix}/${sha256}${ext}` and returns that key; the same bytes give the same key. */
  abstract putContentAddressed(prefix: string, data: Buffer, ext: string): Promise<{ key: string; hash: string }>;
  /** Stores bytes under an explicit key, replacing what was there. */
  abstract put(key: string, data: Buffer): Promise<void>;
  /** Moves a finished temporary file (e.g. a streamed upload) under the key. */
  abstract putFile(key: string, localPath: string): Promise<void>;
  abstract get(key: string): Promise<Buffer>;
  abstract stream(key: string): Readable;
  abstract exists(key: string): Promise<boolean>;
  /** A local path for tools that need one (reports for the demo's summary); null when the store is remote. */
  abstract localPath(key: string): string | null;
  /** Readiness (GET /ready): the store takes a write and gives it back now; throws when it cannot. */
  abstract probe(): Promise<void>;
}
