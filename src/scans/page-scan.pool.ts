// Scanning pages (decode, read, cut, encode: page-scan.ts) on worker threads, so that the ingesting process's main
// thread is left with the database and the blob store. Its JS work (alignment, QR, OMR, the snippet cut) was the
// bottleneck of ingestion: one thread at its limit while the other core waited.
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SheetLayout } from '../sheets/domain/layout.js';
import { scanPage, type PageScan, type PageScanInput } from './page-scan.js';
import type { ScanImageCodec } from './scan-image.codec.js';

interface Job {
  resolve: (r: PageScan) => void;
  reject: (e: Error) => void;
}

interface Thread {
  worker: Worker;
  /** Settles once the thread has loaded its modules and assembled its snippet cutter (or has died trying). */
  ready: Promise<void>;
  jobs: Map<number, Job>;
  /** Layouts (by reference number) this thread has been sent and keeps. */
  layouts: Set<number>;
}

/** A paper's layout as it crosses to a thread: in full the first time, by its number afterwards. */
export interface LayoutOnWire {
  id: number;
  ref: number;
  layout?: SheetLayout;
}

/** What a scan thread is sent per page; `forget` empties its layout cache first. */
export interface ScanMessage {
  id: number;
  input: Omit<PageScanInput, 'papers'> & { papers: LayoutOnWire[] };
  forget?: boolean;
}

/**
 * Reference numbers of layout objects. Each page names all its exam's papers (a nine-subject exam: nine layouts of
 * some 15–30 kB of JSON each); cloning them to the thread for every page cost more than reading some pages' bubbles.
 * The ingesting service hands the same object for an unchanged layout, so a thread gets each one once.
 */
const layoutRefs = new WeakMap<SheetLayout, number>();
let nextLayoutRef = 1;
/** Layouts a thread keeps before it is told to forget them all (a long-lived worker sees many exams). */
export const MAX_LAYOUTS_PER_THREAD = 256;

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

/** Provided by ScanIngestModule (the worker's) through a factory (its constructor takes more than injectables). */
export class PageScanner implements OnApplicationShutdown {
  private readonly logger = new Logger('PageScanner');
  private readonly threads: (Thread | null)[];
  private readonly script: string | null;
  private nextId = 1;

  /**
   * `threads` 0 scans in this thread. The worker script is the compiled page-scan.worker.js beside this file; where it
   * does not exist (TypeScript run from source, as in the tests), pages are scanned in this thread.
   */
  constructor(
    private readonly codec: ScanImageCodec,
    threads = defaultScanThreads(),
    script = compiledWorkerScript(),
  ) {
    this.script = threads > 0 && script !== null && existsSync(script) ? script : null;
    this.threads = this.script ? Array.from({ length: threads }, () => null) : [];
  }

  /** True when pages are scanned on worker threads. */
  get threaded(): boolean {
    return this.script !== null;
  }

  /** Threads started and alive. */
  get started(): number {
    return this.threads.filter((t) => t !== null).length;
  }

  /**
   * Starts every thread and waits until each has loaded its modules and assembled its snippet cutter: a worker process
   * calls it at start, so that its first pages do not wait for that (a few hundred ms with the first decodes), and a
   * benchmark, to time pages, not start-up. Threads that die here are started again by the next scan.
   */
  async warmUp(): Promise<void> {
    if (!this.script) return;
    await Promise.all(this.threads.map((t, n) => (this.threads[n] ??= this.start(n)).ready));
  }

  /** Scans a page. On a thread, `input.image` may be handed over to it: the caller must not use it afterwards. */
  scan(input: PageScanInput): Promise<PageScan> {
    if (!this.script) return scanPage(this.codec, input);
    // the least busy thread (started on first use)
    let n = 0;
    for (let i = 1; i < this.threads.length; i++)
      if ((this.threads[i]?.jobs.size ?? 0) < (this.threads[n]?.jobs.size ?? 0)) n = i;
    const thread = (this.threads[n] ??= this.start(n));
    const id = this.nextId++;
    return new Promise<PageScan>((resolve, reject) => {
      thread.jobs.set(id, { resolve, reject });
      thread.worker.ref();
      // The image bytes move to the thread when they own their memory (a file read whole does), else they are copied.
      // (a page named by its file path has nothing to hand over)
      const bytes = input.image instanceof Uint8Array ? input.image : null;
      const own =
        bytes !== null &&
        bytes.byteOffset === 0 &&
        bytes.buffer instanceof ArrayBuffer &&
        bytes.byteLength === bytes.buffer.byteLength;
      const msg = wire(thread, id, input);
      try {
        thread.worker.postMessage(msg, own ? [bytes.buffer as ArrayBuffer] : []);
      } catch {
        thread.worker.postMessage(msg); // memory that cannot be handed over (an addon's): copied
      }
    });
  }

  private start(n: number): Thread {
    const worker = new Worker(this.script!);
    let settle!: () => void;
    const thread: Thread = {
      worker,
      ready: new Promise<void>((resolve) => (settle = resolve)),
      jobs: new Map(),
      layouts: new Set(),
    };
    worker.on('message', (msg: { id: number; result?: PageScan; error?: string; ready?: true }) => {
      if (msg.ready) {
        settle();
        if (!thread.jobs.size) thread.worker.unref();
        return;
      }
      const job = thread.jobs.get(msg.id);
      if (!job) return;
      thread.jobs.delete(msg.id);
      if (!thread.jobs.size) thread.worker.unref(); // an idle pool keeps no process alive
      if (msg.error !== undefined) job.reject(new Error(msg.error));
      else job.resolve(asBuffers(msg.result!));
    });
    const fail = (err: Error) => {
      // A thread that died takes its pages with it (their jobs are retried); the next page starts a new thread.
      settle();
      if (this.threads[n] === thread) this.threads[n] = null;
      for (const job of thread.jobs.values()) job.reject(err);
      thread.jobs.clear();
    };
    worker.on('error', (err) => {
      this.logger.error(`scan thread failed: ${err.stack}`);
      fail(err);
    });
    worker.on('exit', (code) => fail(new Error(`scan thread exited (${code})`)));
    // kept referenced until it says it is ready (someone may be waiting for that), then only while it has pages
    return thread;
  }

  // After the HTTP server has closed and the workers have returned their jobs: a page being read at shutdown finishes.
  async onApplicationShutdown() {
    await Promise.all(this.threads.map((t, n) => ((this.threads[n] = null), t?.worker.terminate())));
  }
}

/** The page's message for a thread: each layout in full only if the thread does not have it yet. */
function wire(thread: Thread, id: number, input: PageScanInput): ScanMessage {
  let forget = false;
  if (thread.layouts.size + input.papers.length > MAX_LAYOUTS_PER_THREAD) {
    thread.layouts.clear();
    forget = true;
  }
  const papers = input.papers.map(({ id: paperId, layout }): LayoutOnWire => {
    let ref = layoutRefs.get(layout);
    if (ref === undefined) layoutRefs.set(layout, (ref = nextLayoutRef++));
    if (thread.layouts.has(ref)) return { id: paperId, ref };
    thread.layouts.add(ref);
    return { id: paperId, ref, layout };
  });
  return { id, input: { ...input, papers }, ...(forget ? { forget } : {}) };
}

/** JPEG bytes cross threads as plain Uint8Arrays: the blob store wants Buffers. */
function asBuffers(r: PageScan): PageScan {
  if (r.kind !== 'read') return r;
  const buf = (c: { itemId: number; jpeg: Uint8Array }) => ({
    itemId: c.itemId,
    jpeg: Buffer.from(c.jpeg.buffer, c.jpeg.byteOffset, c.jpeg.byteLength),
  });
  return { ...r, snippets: r.snippets.map(buf), crops: r.crops.map(buf) };
}
