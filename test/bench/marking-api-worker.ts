// The API of bench:marking in its own thread: a real API server does not share its event loop with the thousands of
// simulated markers that call it (they stand for browsers on other machines). Receives the AppConfig, listens on
// 127.0.0.1, posts back the port, closes on 'close'.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { readlinkSync } from 'node:fs';
import { createApiApp } from '../../src/app.factory.js';
import type { AppConfig } from '../../src/config/config.js';

const app = await createApiApp(workerData.config as AppConfig, { logger: false });
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
parentPort!.postMessage({ port: (app.getHttpServer().address() as AddressInfo).port, tid });
// How late this thread's event loop runs (a stall delays every request it holds): asked for at the end of a phase.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
parentPort!.on('message', async (msg: string) => {
  if (msg === 'loop-delay') {
    parentPort!.postMessage({ loopDelay: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 } });
    loopDelay.reset();
    return;
  }
  if (msg !== 'close') return;
  await app.close();
  parentPort!.postMessage({ closed: true });
});
