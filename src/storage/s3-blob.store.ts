import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { assertBlobKey, BlobStore, PROBE_PREFIX } from './blob-store.js';

export interface S3Settings {
  endpoint: string | null;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** Key prefix inside the bucket ('' for none), so several installations can share one bucket. */
  prefix: string;
}

/**
 * Blob store on an S3-compatible object store (AWS S3, MinIO, Ceph radosgw, Garage…), for several hosts sharing
 * blobs. Downloads are streamed; objects are written whole by one PUT, so readers never see half a blob.
 */
export class S3BlobStore extends BlobStore {
  readonly client: S3Client;

  constructor(private readonly s: S3Settings) {
    super();
    this.client = new S3Client({
      endpoint: s.endpoint ?? undefined,
      region: s.region,
      forcePathStyle: s.forcePathStyle,
      credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
      // Plain signed PUTs, no aws-chunked checksum trailers: what every S3-compatible server understands.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private objectKey(key: string): string {
    assertBlobKey(key);
    return this.s.prefix ? `${this.s.prefix}/${key}` : key;
  }

  async putContentAddressed(prefix: string, data: Buffer, ext: string) {
    const hash = createHash('sha256').update(data).digest('hex');
    const key = `${prefix}/${hash.slice(0, 2)}/${hash}${ext}`;
    if (!(await this.exists(key))) await this.put(key, data);
    return { key, hash };
  }

  async put(key: string, data: Buffer) {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.s.bucket, Key: this.objectKey(key), Body: data, ContentLength: data.length }),
    );
  }

  /** Streams the file up (no whole copy in memory), then removes it. */
  async putFile(key: string, localPath: string) {
    const { size } = await stat(localPath);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.s.bucket,
        Key: this.objectKey(key),
        Body: createReadStream(localPath),
        ContentLength: size,
      }),
    );
    await rm(localPath, { force: true });
  }

  private async body(key: string): Promise<Readable> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.s.bucket, Key: this.objectKey(key) }));
    if (!out.Body) throw new Error(`blob ${key}: empty answer from the object store`);
    return out.Body as Readable;
  }

  async get(key: string) {
    const body = await this.body(key);
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  stream(key: string): Readable {
    const out = new PassThrough();
    this.body(key).then(
      (body) => {
        body.on('error', (err) => out.destroy(err));
        body.pipe(out);
      },
      (err) => out.destroy(err),
    );
    return out;
  }

  async exists(key: string) {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.s.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async delete(key: string) {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.s.bucket, Key: this.objectKey(key) }));
  }

  async *list(prefix: string): AsyncIterable<string> {
    const base = this.s.prefix ? `${this.s.prefix}/` : '';
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.s.bucket, Prefix: base + prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        const key = o.Key!.slice(base.length);
        if (!key.startsWith(PROBE_PREFIX)) yield key;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  localPath() {
    return null;
  }

  async withLocalFile<T>(key: string, use: (path: string) => Promise<T> | T): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), 'tongkao-blob-'));
    try {
      const path = join(dir, key.split('/').pop()!);
      await pipeline(await this.body(key), createWriteStream(path));
      return await use(path);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async probe() {
    const key = `${PROBE_PREFIX}${randomUUID()}`;
    try {
      await this.put(key, Buffer.from('ok'));
      if ((await this.get(key)).toString('utf8') !== 'ok')
        throw new Error(`object store bucket ${this.s.bucket} gave back other bytes`);
    } finally {
      await this.delete(key).catch(() => undefined);
    }
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}
