// The API of bench:marking in its own thread: a real API server does not share its event loop with the thousands of
// simulated markers that call it (they stand for browsers on other machines). Receives the AppConfig, listens on
// 127.0.0.1, posts back the port, closes on 'close'.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { readlinkSync } from 'node:fs';
import { createApiApp } from '../../src/app.factory.js';
import type { AppConfig } from '../../src/config/config.js';
import { recordApiThread } from './marking-timeline.js';

// Logging as the bench asks (bench-observability.ts: the product's JSON logs to /dev/null, unless BENCH_LOGS=off).
const config = workerData.config as AppConfig;
const app = await createApiApp(config, { logger: config.logLevel !== 'silent' });
await app.init();
await app.listen(0, '127.0.0.1');
// Markers pause 5–15 s; keep client sockets alive past that, as a load balancer's upstream pool would.
app.getHttpServer().keepAliveTimeout = 120_000;
// The thread's Linux id ("pid/task/tid"), so the bench can read this thread's own CPU time from /proc.
let tid: number | null = null;
try {
  tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
} catch {
  /* not Linux */
}
// The API's own view of each request (arrival to the response's last byte handed to the socket), beside the markers'
// view: the difference is the load generator's own delay (its event loop, shared by thousands of simulated markers).
const served: { at: number; ms: number; kind: 'next' | 'submit' }[] = [];
app.getHttpServer().on('request', (req: { url?: string }, res: { on(e: string, f: () => void): void }) => {
  const kind = req.url === '/api/marking/next' ? 'next' : req.url?.endsWith('/submit') ? 'submit' : null;
  if (!kind) return;
  const t0 = performance.now();
  res.on('finish', () => served.push({ at: performance.timeOrigin + t0, ms: performance.now() - t0, kind }));
});
parentPort!.postMessage({ port: (app.getHttpServer().address() as AddressInfo).port, tid });
// How late this thread's event loop runs (a stall delays every request it holds): asked for at the end of a phase.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
// BENCH_TIMELINE=1: GC pauses and event-loop delay per window, for the bench's timeline (marking-timeline.ts).
const takeTimeline = process.env.BENCH_TIMELINE === '1' ? recordApiThread() : null;
parentPort!.on('message', async (msg: unknown) => {
  if (typeof msg === 'object' && msg !== null && 'served' in msg) {
    const { from, until } = (msg as { served: { from: number; until: number } }).served;
    parentPort!.postMessage({ servedMs: served.filter((r) => r.at >= from && r.at < until) });
    served.length = 0;
    return;
  }
  if (msg === 'timeline') {
    parentPort!.postMessage({ timeline: takeTimeline ? takeTimeline() : { gcs: [], loop: [] } });
    return;
  }
  if (msg === 'loop-delay') {
    parentPort!.postMessage({ loopDelay: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 } });
    loopDelay.reset();
    return;
  }
  if (msg !== 'close') return;
  await app.close();
  parentPort!.postMessage({ closed: true });
});
