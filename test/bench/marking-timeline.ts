// bench:marking's timeline (BENCH_TIMELINE=1): where the city-load tail comes from. Every 250 ms window of the timed
// phase gets the slowest requests started in it beside what else happened then: the API thread's garbage collections
// and event-loop delay, the simulated markers' event-loop delay, and MariaDB's work (CPU, log fsyncs, pages flushed,
// row-lock waits, threads running). At the end it prints the slowest windows and, for the requests over the tail
// threshold, which of those coincided with them.
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';

export const WINDOW_MS = 250;

/** What the API thread reports of itself: GC pauses and its event-loop delay per window (epoch ms). */
export interface ApiThreadTimeline {
  gcs: { at: number; ms: number; kind: number }[];
  loop: { at: number; maxMs: number }[];
}

/** Counters of SHOW GLOBAL STATUS whose change per window is printed. */
const STATUS = [
  'Innodb_os_log_fsyncs',
  'Innodb_data_fsyncs',
  'Innodb_buffer_pool_pages_flushed',
  'Innodb_buffer_pool_reads',
  'Innodb_row_lock_waits',
  'Innodb_row_lock_time',
  'Innodb_log_waits',
  'Innodb_checkpoint_age',
  'Threads_running',
] as const;
/** Gauges (printed as they are, not as a change). */
const GAUGES = new Set(['Threads_running', 'Innodb_checkpoint_age']);

interface Sample {
  at: number;
  /** What MariaDB's busy connections were doing, when many were (state → count). */
  busy?: Record<string, number>;
  dbCpuMs: number;
  status: Record<string, number>;
  markersLoopMaxMs: number;
}

const now = () => performance.timeOrigin + performance.now();

/** Samples MariaDB and this thread's event loop every window until stopped. */
export function startSampler(ds: DataSource, dbCpuMs: () => number) {
  const samples: Sample[] = [];
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return; // a sample still waiting for the server: the window shows a gap rather than a pile-up
    busy = true;
    try {
      const at = now();
      const markersLoopMaxMs = loop.max / 1e6;
      loop.reset();
      const rows: { Variable_name: string; Value: string }[] = await ds.query(
        `SHOW GLOBAL STATUS WHERE Variable_name IN (${STATUS.map(() => '?').join(', ')})`,
        [...STATUS],
      );
      const status = Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
      let busyStates: Record<string, number> | undefined;
      if (status.Threads_running > 8) {
        const threads: { state: string; info: string | null }[] = await ds.query(
          "SELECT STATE AS state, LEFT(INFO, 48) AS info FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query' AND ID <> CONNECTION_ID()",
        );
        busyStates = {};
        for (const t of threads) {
          const key = `${t.state || '-'}: ${(t.info ?? '').replace(/\s+/g, ' ')}`;
          busyStates[key] = (busyStates[key] ?? 0) + 1;
        }
      }
      samples.push({ at, dbCpuMs: dbCpuMs(), status, markersLoopMaxMs, busy: busyStates });
    } finally {
      busy = false;
    }
  }, WINDOW_MS);
  return {
    stop() {
      clearInterval(timer);
      loop.disable();
      return samples;
    },
  };
}

/** In the API thread: its GC pauses and per-window event-loop delay, kept until asked for. */
export function recordApiThread(): () => ApiThreadTimeline {
  const timeline: ApiThreadTimeline = { gcs: [], loop: [] };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      timeline.gcs.push({
        at: performance.timeOrigin + e.startTime,
        ms: e.duration,
        kind: (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0,
      });
  });
  obs.observe({ entryTypes: ['gc'] });
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const timer = setInterval(() => {
    timeline.loop.push({ at: now(), maxMs: loop.max / 1e6 });
    loop.reset();
  }, WINDOW_MS);
  timer.unref();
  return () => {
    const out = { gcs: timeline.gcs.splice(0), loop: timeline.loop.splice(0) };
    return out;
  };
}

export interface Call {
  at: number;
  ms: number;
  kind: 'next' | 'submit';
}

/** Prints the slowest windows and what the calls over `tailMs` coincided with. */
export function printTimeline(calls: Call[], samples: Sample[], api: ApiThreadTimeline, tailMs: number) {
  if (!calls.length || samples.length < 2) return;
  const t0 = Math.min(...calls.map((c) => c.at));
  const slot = (at: number) => Math.floor((at - t0) / WINDOW_MS);
  const n = slot(Math.max(...calls.map((c) => c.at))) + 1;
  type W = {
    calls: number;
    maxMs: number;
    over: number;
    gcMs: number;
    gcMax: number;
    apiLoopMs: number;
    markersLoopMs: number;
    db: Record<string, number>;
    dbCpu: number;
  };
  const ws: W[] = Array.from({ length: n }, () => ({
    calls: 0,
    maxMs: 0,
    over: 0,
    gcMs: 0,
    gcMax: 0,
    apiLoopMs: 0,
    markersLoopMs: 0,
    db: {},
    dbCpu: NaN,
  }));
  const inRange = (i: number) => i >= 0 && i < n;
  for (const c of calls) {
    const w = ws[slot(c.at)];
    w.calls++;
    w.maxMs = Math.max(w.maxMs, c.ms);
    if (c.ms > tailMs) w.over++;
  }
  for (const g of api.gcs) {
    const i = slot(g.at);
    if (!inRange(i)) continue;
    ws[i].gcMs += g.ms;
    ws[i].gcMax = Math.max(ws[i].gcMax, g.ms);
  }
  for (const l of api.loop) {
    const i = slot(l.at - WINDOW_MS); // the histogram covers the window before the sample
    if (inRange(i)) ws[i].apiLoopMs = Math.max(ws[i].apiLoopMs, l.maxMs);
  }
  for (let k = 1; k < samples.length; k++) {
    const i = slot(samples[k - 1].at);
    if (!inRange(i)) continue;
    const a = samples[k - 1];
    const b = samples[k];
    const scale = WINDOW_MS / Math.max(1, b.at - a.at);
    ws[i].dbCpu = ((b.dbCpuMs - a.dbCpuMs) * scale) / WINDOW_MS; // cores
    ws[i].markersLoopMs = b.markersLoopMaxMs;
    for (const s of STATUS) ws[i].db[s] = GAUGES.has(s) ? b.status[s] : (b.status[s] - a.status[s]) * scale;
  }
  const med = (xs: number[]) => {
    const s = xs.filter(Number.isFinite).sort((x, y) => x - y);
    return s.length ? s[Math.floor(s.length / 2)] : NaN;
  };
  const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '-');
  const row = (i: number) => {
    const w = ws[i];
    return (
      `  t=${f((i * WINDOW_MS) / 1000, 2)}s calls ${w.calls} max ${f(w.maxMs)} ms over ${w.over} | API GC ${f(w.gcMs, 1)} ms (max ${f(w.gcMax, 1)}), ` +
      `API loop ${f(w.apiLoopMs, 1)} ms, markers loop ${f(w.markersLoopMs, 1)} ms | MariaDB ${f(w.dbCpu, 2)} cores, ` +
      STATUS.map((s) => `${s.replace(/^Innodb_/, '')} ${f(w.db[s] ?? NaN)}`).join(', ')
    );
  };
  const overall = (pick: (w: W) => number) => med(ws.map(pick));
  console.log(
    `  timeline (${n} windows of ${WINDOW_MS} ms, ${calls.filter((c) => c.ms > tailMs).length} calls over ${tailMs} ms); medians: ` +
      `API GC ${f(
        overall((w) => w.gcMs),
        1,
      )} ms, API loop ${f(
        overall((w) => w.apiLoopMs),
        1,
      )} ms, markers loop ${f(
        overall((w) => w.markersLoopMs),
        1,
      )} ms, ` +
      `MariaDB ${f(
        overall((w) => w.dbCpu),
        2,
      )} cores, ` +
      STATUS.map((s) => `${s.replace(/^Innodb_/, '')} ${f(overall((w) => w.db[s] ?? NaN))}`).join(', '),
  );
  const slowest = ws
    .map((_, i) => i)
    .sort((x, y) => ws[y].maxMs - ws[x].maxMs)
    .slice(0, 12)
    .sort((x, y) => x - y);
  console.log('  the 12 windows with the slowest calls:');
  for (const i of slowest) console.log(row(i));
  console.log('  MariaDB connections at work when more than 8 were running (state: statement):');
  for (const s of samples.filter((x) => x.busy)) {
    const top = Object.entries(s.busy!)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6);
    console.log(`    t=${f((s.at - t0) / 1000, 2)}s ${top.map(([k, v]) => `${v}× ${k}`).join(' | ')}`);
  }
  // What the windows holding tail calls have that the others do not: the mean of each measure in both sets.
  const tail = ws.filter((w) => w.over > 0);
  const rest = ws.filter((w) => w.over === 0 && w.calls > 0);
  const mean = (set: W[], pick: (w: W) => number) => {
    const xs = set.map(pick).filter(Number.isFinite);
    return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN;
  };
  const measures: [string, (w: W) => number][] = [
    ['calls', (w) => w.calls],
    ['API GC ms', (w) => w.gcMs],
    ['API loop ms', (w) => w.apiLoopMs],
    ['markers loop ms', (w) => w.markersLoopMs],
    ['MariaDB cores', (w) => w.dbCpu],
    ...STATUS.map((s) => [s.replace(/^Innodb_/, ''), (w: W) => w.db[s] ?? NaN] as [string, (w: W) => number]),
  ];
  console.log(
    `  windows with a call over ${tailMs} ms (${tail.length}) against the others (${rest.length}): ` +
      measures.map(([name, pick]) => `${name} ${f(mean(tail, pick), 2)} vs ${f(mean(rest, pick), 2)}`).join('; '),
  );
}

/** The CPU time of a process from /proc (utime + stime), in ms. */
export function procCpuMs(pid: number | null): number {
  if (pid === null) return NaN;
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}
