// Receives a multipart upload of scans: streams each file to <dataDir>/tmp while hashing it, maps multer's errors to
// Chinese, and removes whatever is left in tmp once the request is answered.
import {
  BadRequestException,
  CallHandler,
  PayloadTooLargeException,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { finalize, from, Observable, switchMap } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

/** One file: a day's ZIP from a school's scanner (up to 2 GB) fits; beyond that, split it. */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;
/** One request, all files together: the same 2 GB, so a request of many big files cannot fill the disk. */
export const MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES;
export const MAX_UPLOAD_FILES = 500;

/** A received file, on local disk, with what we learned while it streamed in. */
export interface ReceivedFile {
  originalname: string;
  path: string;
  size: number;
  sha256: string;
  /** First bytes, to tell the file's kind. */
  head: Buffer;
}

/** Streams a file to disk and hashes it on the way, in one pass, without holding it in memory. */
export async function streamToFile(
  source: NodeJS.ReadableStream,
  path: string,
  budget?: Transform,
): Promise<{ size: number; sha256: string; head: Buffer }> {
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      if (head.length < 16) head = Buffer.concat([head, chunk.subarray(0, 16 - head.length)]);
      cb(null, chunk);
    },
  });
  if (budget) await pipeline(source, budget, tap, createWriteStream(path));
  else await pipeline(source, tap, createWriteStream(path));
  return { size, sha256: hash.digest('hex'), head };
}

/** Bytes received so far in each request, across all its files. */
const receivedBytes = new WeakMap<Request, number>();

/** Counts a request's bytes as they pass and fails the stream once the request's total goes over the cap. */
function requestBudget(req: Request): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const total = (receivedBytes.get(req) ?? 0) + chunk.length;
      receivedBytes.set(req, total);
      if (total > MAX_REQUEST_BYTES) cb(Object.assign(new Error('request too large'), { code: 'LIMIT_TOTAL_SIZE' }));
      else cb(null, chunk);
    },
  });
}

class HashingDiskStorage implements multer.StorageEngine {
  constructor(private readonly dir: string) {}

  _handleFile(
    req: Request,
    file: Express.Multer.File,
    cb: (error?: unknown, info?: Partial<Express.Multer.File> & Partial<ReceivedFile>) => void,
  ): void {
    const path = join(this.dir, `upload-${randomUUID()}`);
    streamToFile(file.stream, path, requestBudget(req)).then(
      (r) => cb(null, { path, ...r }),
      (err) => {
        void rm(path, { force: true });
        cb(err);
      },
    );
  }

  _removeFile(_req: Request, file: Express.Multer.File, cb: (error: Error | null) => void): void {
    rm(file.path, { force: true }).then(
      () => cb(null),
      (err) => cb(err),
    );
  }
}

const MULTER_MESSAGES: Record<string, string> = {
  LIMIT_FILE_SIZE: `文件过大：单个文件最多 ${MAX_UPLOAD_BYTES / 1024 / 1024 / 1024} GB，请分批上传`,
  LIMIT_TOTAL_SIZE: `一次上传的文件合计不能超过 ${MAX_REQUEST_BYTES / 1024 / 1024 / 1024} GB，请分批上传`,
  LIMIT_FILE_COUNT: `一次最多上传 ${MAX_UPLOAD_FILES} 个文件，请分批上传`,
  LIMIT_UNEXPECTED_FILE: '请用表单字段 files 上传扫描图像',
  LIMIT_PART_COUNT: `一次最多上传 ${MAX_UPLOAD_FILES} 个文件，请分批上传`,
};

/** A temp file this old belongs to no upload in progress (an upload of 2 GB takes minutes, not an hour). */
export const STALE_UPLOAD_MS = 60 * 60 * 1000;

/**
 * Removes temp files of uploads cut off by a killed process (nothing else would: the request that owned them is
 * gone). Run when the API starts; files younger than `olderThanMs` may belong to another instance's upload.
 */
export async function sweepStaleUploads(dir: string, olderThanMs: number): Promise<number> {
  let removed = 0;
  const now = Date.now();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile() || now - info.mtimeMs < olderThanMs) continue;
    await rm(path, { force: true });
    removed++;
  }
  return removed;
}

@Injectable()
export class ScanUploadInterceptor implements NestInterceptor {
  private readonly receive: RequestHandler;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const dir = join(config.dataDir, 'tmp');
    mkdirSync(dir, { recursive: true });
    void sweepStaleUploads(dir, STALE_UPLOAD_MS);
    this.receive = multer({
      storage: new HashingDiskStorage(dir),
      limits: {
        fileSize: MAX_UPLOAD_BYTES,
        files: MAX_UPLOAD_FILES,
        fields: 20,
        parts: MAX_UPLOAD_FILES + 20,
        fieldSize: 1024,
      },
      defParamCharset: 'utf8', // browsers send file names as raw UTF-8 (Chinese names would otherwise arrive garbled)
    }).array('files', MAX_UPLOAD_FILES);
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
    if (!req.is('multipart/form-data'))
      throw new BadRequestException('请以 multipart/form-data 表单上传扫描图像（字段 files）');
    // Refused before a byte is stored when the client announces the size; counted while streaming otherwise.
    if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES + 1024 * 1024)
      throw new PayloadTooLargeException(MULTER_MESSAGES.LIMIT_TOTAL_SIZE);
    const received = new Promise<void>((resolve, reject) =>
      this.receive(req, res, (err?: unknown) => {
        if (!err) return resolve();
        const code = (err as { code?: string }).code ?? '';
        reject(new BadRequestException(MULTER_MESSAGES[code] ?? '上传的表单数据不完整，请重新上传'));
      }),
    );
    return from(received).pipe(
      switchMap(() => next.handle()),
      finalize(() => {
        for (const f of (req.files as ReceivedFile[] | undefined) ?? []) void rm(f.path, { force: true });
      }),
    );
  }
}
