// Scanning pages (decode, read, cut, encode: page-scan.ts) on worker threads, so that the ingesting process's main
// thread is left with the database and the blob store. Its JS work (alignment, QR, OMR, the snippet cut) was the
// bottleneck of ingestion: one thread at its limit while the other core waited.
import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { scanPage, type PageScan, type PageScanInput } from './page-scan.js';
import type { ScanImageCodec } from './scan-image.codec.js';

interface Job {
  resolve: (r: PageScan) => void;
  reject: (e: Error) => void;
}

interface Thread {
  worker: Worker;
  jobs: Map<number, Job>;
}

/** page-scan.worker.js beside this file when this is compiled JavaScript; null when it runs from TypeScript source. */
function compiledWorkerScript(): string | null {
  return import.meta.url.endsWith('.js') ? fileURLToPath(new URL('./page-scan.worker.js', import.meta.url)) : null;
}

/**
 * Threads by default: one per two cores, at least one, at most 4. The main thread and libvips' own threads (decoding,
 * encoding) want the rest: on 2 cores, a second scan thread cost 6 ms more CPU per page and was slower (bench:ingest,
 * 44 vs 50 ms per page, 39 vs 36 pages/s).
 */
export function defaultScanThreads(): number {
  return Math.max(1, Math.min(4, Math.floor(availableParallelism() / 2)));
}

/** Provided by ScansModule through a factory (its constructor takes more than injectables). */
export class PageScanner implements OnModuleDestroy {
  private readonly logger = new Logger('PageScanner');
  private readonly threads: (Thread | null)[];
  private readonly script: string | null;
  private nextId = 1;

  /**
   * `threads` 0 scans in this thread. The worker script is the compiled page-scan.worker.js beside this file; where it
   * does not exist (TypeScript run from source, as in the tests), pages are scanned in this thread.
   */
  constructor(private readonly codec: ScanImageCodec, threads = defaultScanThreads(), script = compiledWorkerScript()) {
    this.script = threads > 0 && script !== null && existsSync(script) ? script : null;
    this.threads = this.script ? Array.from({ length: threads }, () => null) : [];
  }

  /** True when pages are scanned on worker threads. */
  get threaded(): boolean {
    return this.script !== null;
  }

  /** Scans a page. On a thread, `input.image` may be handed over to it: the caller must not use it afterwards. */
  scan(input: PageScanInput): Promise<PageScan> {
    if (!this.script) return scanPage(this.codec, input);
    // the least busy thread (started on first use)
    let n = 0;
    for (let i = 1; i < this.threads.length; i++) if ((this.threads[i]?.jobs.size ?? 0) < (this.threads[n]?.jobs.size ?? 0)) n = i;
    const thread = (this.threads[n] ??= this.start(n));
    const id = this.nextId++;
    return new Promise<PageScan>((resolve, reject) => {
      thread.jobs.set(id, { resolve, reject });
      thread.worker.ref();
      // The image bytes move to the thread when they own their memory (a file read whole does), else they are copied.
      const bytes = input.image;
      const own = bytes.byteOffset === 0 && bytes.buffer instanceof ArrayBuffer && bytes.byteLength === bytes.buffer.byteLength;
      try {
        thread.worker.postMessage({ id, input }, own ? [bytes.buffer as ArrayBuffer] : []);
      } catch {
        thread.worker.postMessage({ id, input }); // memory that cannot be handed over (an addon's): copied
      }
    });
  }

  private start(n: number): Thread {
    const worker = new Worker(this.script!);
    const thread: Thread = { worker, jobs: new Map() };
    worker.on('message', (msg: { id: number; result?: PageScan; error?: string }) => {
      const job = thread.jobs.get(msg.id);
      if (!job) return;
      thread.jobs.delete(msg.id);
      if (!thread.jobs.size) thread.worker.unref(); // an idle pool keeps no process alive
      if (msg.error !== undefined) job.reject(new Error(msg.error));
      else job.resolve(asBuffers(msg.result!));
    });
    const fail = (err: Error) => {
      // A thread that died takes its pages with it (their jobs are retried); the next page starts a new thread.
      if (this.threads[n] === thread) this.threads[n] = null;
      for (const job of thread.jobs.values()) job.reject(err);
      thread.jobs.clear();
    };
    worker.on('error', (err) => {
      this.logger.error(`scan thread failed: ${err.stack}`);
      fail(err);
    });
    worker.on('exit', (code) => fail(new Error(`scan thread exited (${code})`)));
    worker.unref();
    return thread;
  }

  async onModuleDestroy() {
    await Promise.all(this.threads.map((t, n) => ((this.threads[n] = null), t?.worker.terminate())));
  }
}

/** JPEG bytes cross threads as plain Uint8Arrays: the blob store wants Buffers. */
function asBuffers(r: PageScan): PageScan {
  if (r.kind !== 'read') return r;
  const buf = (c: { itemId: number; jpeg: Uint8Array }) => ({ itemId: c.itemId, jpeg: Buffer.from(c.jpeg.buffer, c.jpeg.byteOffset, c.jpeg.byteLength) });
  return { ...r, snippets: r.snippets.map(buf), crops: r.crops.map(buf) };
}
