// bench:ingest — pages per second through the real ingestion path (decode → align → read → cut → store → tasks) on
// MariaDB and the local blob store, beside the decode-only rate of the same JPEG files with sharp.
//
// The pages go through ScanIngestService.ingestPage directly (no HTTP, no BullMQ; wired as the worker's
// ScanIngestModule wires it), run by a pool of the worker's configured concurrency (INGEST_CONCURRENCY, default 8):
// the same call the scan-ingest processor makes per job.
// Synthetic pages are cached under $TMPDIR/tongkao-bench-ingest so that re-runs skip the slow generator.
//
// Env: BENCH_PAGES (default 512, even), BENCH_CONCURRENCY (default: config.ingestConcurrency).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import sharp from 'sharp';
import { mysqlWhere } from '../../src/config/config.js';
import { SchoolClass } from '../../src/org/entities/school-class.entity.js';
import { Student } from '../../src/org/entities/student.entity.js';
import { ScanBatch } from '../../src/scans/entities/scan-batch.entity.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import { defaultScanThreads, PageScanner } from '../../src/scans/page-scan.pool.js';
import { ScanImageCodec } from '../../src/scans/scan-image.codec.js';
import { generateSyntheticScans } from '../support/synthetic/synthetic-scans.js';
import { LocalBlobStore } from '../../src/storage/local-blob.store.js';
import { seedScanExam } from '../integration/scans-fixtures.js';
import { createUser } from '../support/fixtures.js';
import { scanIngestion } from '../support/scan-ingestion.js';
import { createTestEnv } from '../support/test-env.js';
import { OBSERVABILITY, observedPageJob } from './bench-observability.js';

const PAGES = Math.max(2, Number(process.env.BENCH_PAGES ?? 512));
const STUDENTS = Math.ceil(PAGES / 2);

async function pool<T>(items: T[], concurrency: number, fn: (x: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

function rssSampler() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 25);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

/** CPU ticks (10 ms) the local MariaDB server has used, or null if it cannot be read. */
function mariadbTicks(): number | null {
  try {
    const pid = execFileSync('pidof', ['mariadbd'], { encoding: 'utf8' }).trim().split(/\s+/)[0];
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the line)
  } catch {
    return null;
  }
}

/** CPU ticks (10 ms) used so far by each thread of this process, by thread id (Linux; empty elsewhere). */
function threadTicks(): Map<number, number> {
  const out = new Map<number, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(Number(tid), Number(fields[11]) + Number(fields[12]));
    }
  } catch {
    // not Linux: no breakdown
  }
  return out;
}

async function main() {
  const env = await createTestEnv('bench_ingest');
  try {
    const concurrency = Number(process.env.BENCH_CONCURRENCY ?? env.config.ingestConcurrency);
    const fx = await seedScanExam(env.ds, { studentsA: 0, studentsB: 0 });
    const cls = await env.ds
      .getRepository(SchoolClass)
      .save({ schoolId: fx.schoolA, name: '七(9)班', grade: '七年级' });
    const students: Student[] = [];
    for (let k = 1; k <= STUDENTS; k++) {
      students.push(
        await env.ds.getRepository(Student).save({
          allianceId: fx.allianceId,
          schoolId: fx.schoolA,
          classId: cls.id,
          examNo: `2025${String(k).padStart(4, '0')}`,
          name: `考生${k}`,
        }),
      );
    }

    // The layout's coordinates depend only on the item list, not on ids: the cached pages fit every fresh database
    // whose ids match the fixture's (same insertion order). The page code carries the paper id, so the cache is keyed by it.
    // The layout's hash is part of the key too: pages printed from an older layout must not be read with a newer one.
    const layoutHash = createHash('sha256').update(JSON.stringify(fx.layout)).digest('hex').slice(0, 12);
    const cacheDir = join(tmpdir(), 'tongkao-bench-ingest', `p${fx.paper.id}-i${fx.items[0].id}-${layoutHash}`);
    let files: { name: string; data: Buffer }[];
    if (existsSync(join(cacheDir, 'done')) && readdirSync(cacheDir).filter((n) => n.endsWith('.jpg')).length >= PAGES) {
      files = readdirSync(cacheDir)
        .filter((n) => n.endsWith('.jpg'))
        .sort()
        .map((name) => ({ name, data: readFileSync(join(cacheDir, name)) }));
    } else {
      const t0 = performance.now();
      const gen = await generateSyntheticScans(
        fx.layout,
        fx.synthetic,
        students.map((s) => ({ examNo: s.examNo })),
        { seed: 77, dpi: 200, format: 'jpeg', distortion: 'slight' },
      );
      mkdirSync(cacheDir, { recursive: true });
      files = gen.files.map((f) => ({ name: f.name, data: f.data }));
      files.forEach((f) => writeFileSync(join(cacheDir, f.name), f.data));
      writeFileSync(join(cacheDir, 'done'), '');
      console.log(
        `generated ${files.length} pages in ${((performance.now() - t0) / 1000).toFixed(1)} s (cached in ${cacheDir})`,
      );
    }
    files = files.slice(0, PAGES);
    const meta = await sharp(files[0].data).metadata();
    const mb = files.reduce((s, f) => s + f.data.length, 0) / 2 ** 20;
    console.log(
      `database ${mysqlWhere(env.config.db)} (${env.config.db.socket ? 'Unix socket, DB_SOCKET' : 'TCP; DB_SOCKET=<path> for the socket'})`,
    );
    console.log(
      `${files.length} pages, ${meta.width}×${meta.height} ${meta.format} ${meta.channels === 1 ? 'grey' : `${meta.channels}ch`}, ${mb.toFixed(1)} MB`,
    );

    // Decode-only floor: full decode to raw grey pixels, at the best concurrency we find.
    let baseline = 0;
    let baselineConc = 1;
    let decodeCpuMs = 0;
    for (const c of [1, 2, 4]) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      let bytes = 0;
      await pool(files, c, async (f) => {
        const { data } = await sharp(f.data).greyscale().raw().toBuffer({ resolveWithObject: true });
        bytes += data.length;
      });
      const rate = files.length / ((performance.now() - t0) / 1000);
      const cpu = process.cpuUsage(cpu0);
      if (c === 1) decodeCpuMs = (cpu.user + cpu.system) / 1000 / files.length;
      console.log(
        `decode-only, concurrency ${c}: ${rate.toFixed(1)} pages/s (${(bytes / files.length / 1e6).toFixed(1)} MB raw per page; CPU ${((cpu.user + cpu.system) / 1000 / files.length).toFixed(1)} ms per page)`,
      );
      if (rate > baseline) [baseline, baselineConc] = [rate, c];
    }

    // End to end.
    const blobs = new LocalBlobStore(env.config.dataDir);
    // Where the time goes: scanning (decode, read, cut, encode) and the recording transactions are timed by wrapping
    // them (summed over workers). Pages are scanned on worker threads, as the worker process's ScanIngestModule does.
    const spent = { scan: 0, transactions: 0 };
    const codec = new ScanImageCodec();
    const scanner = new PageScanner(codec, Number(process.env.BENCH_SCAN_THREADS ?? defaultScanThreads()));
    const timed =
      <A extends unknown[], R>(key: keyof typeof spent, f: (...a: A) => Promise<R>) =>
      async (...a: A): Promise<R> => {
        const t = performance.now();
        try {
          return await f(...a);
        } finally {
          spent[key] += performance.now() - t;
        }
      };
    scanner.scan = timed('scan', scanner.scan.bind(scanner));
    const transaction = env.sql.transaction.bind(env.sql) as (f: (m: unknown) => Promise<unknown>) => Promise<unknown>;
    (env.sql as unknown as { transaction: unknown }).transaction = timed(
      'transactions',
      (f: (m: unknown) => Promise<unknown>) => transaction(f),
    );
    const { ingest, copies } = await scanIngestion(env, { blobs, scanner });
    // Every reading of a page, also the ones the service starts itself (a deferred page read again when its previous
    // page is done): a page read twice is work thrown away.
    const outcomes = new Map<string, number>();
    const ingestPage = ingest.ingestPage.bind(ingest);
    ingest.ingestPage = async (id: number) => {
      const o = await ingestPage(id);
      outcomes.set(o.status, (outcomes.get(o.status) ?? 0) + 1);
      return o;
    };
    const uploader = await createUser(env.ds, 'bench-scanner', 'pw-12345678', []);
    const batch = await env.ds.getRepository(ScanBatch).save({
      examId: fx.exam.id,
      schoolId: fx.schoolA,
      uploadedBy: uploader.id,
      originalName: 'bench',
      pageCount: files.length,
    });
    const pageIds: number[] = [];
    for (const f of files) {
      const { key, hash } = await blobs.putContentAddressed('scans', f.data, '.jpg');
      pageIds.push(
        (
          await env.ds.getRepository(ScannedPage).save({
            examId: fx.exam.id,
            batchId: batch.id,
            schoolId: fx.schoolA,
            contentHash: hash,
            blobKey: key,
            originalName: f.name,
            status: PageStatus.Queued,
          })
        ).id,
      );
    }
    // A worker starts its scan threads when it starts (the scan-ingest processor's prepare): so here, before timing,
    // as the decode-only runs above are timed with sharp loaded and warm.
    await scanner.warmUp();
    console.log(OBSERVABILITY);
    if (global.gc) global.gc();
    const rss = rssSampler();
    // Garbage collection pauses the event loop, where reading and cutting run: count it.
    const gc = { ms: 0, major: 0 };
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        gc.ms += e.duration;
        if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
          gc.major++;
      }
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const db0 = mariadbTicks();
    const threads0 = threadTicks();
    const elu0 = performance.eventLoopUtilization();
    const job = observedPageJob((id: number) => ingest.ingestPage(id));
    await pool(pageIds, concurrency, job);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    const db1 = mariadbTicks();
    const threads1 = threadTicks();
    gcObserver.disconnect();
    const peak = rss.stop();
    const value = files.length / seconds;

    const counts: { status: string; n: string }[] = await env.ds.query(
      'SELECT status, COUNT(*) AS n FROM scanned_page GROUP BY status',
    );
    const [{ n: tasks }] = await env.ds.query('SELECT COUNT(*) AS n FROM marking_task');
    const [{ n: snippets }] = await env.ds.query('SELECT COUNT(*) AS n FROM answer_snippet');
    console.log(
      `end to end, concurrency ${concurrency}: ${value.toFixed(1)} pages/s (${seconds.toFixed(1)} s); pages ${counts.map((c) => `${c.status}=${c.n}`).join(' ')}; snippets ${snippets}; tasks ${tasks}`,
    );
    const processed = Number(counts.find((c) => c.status === PageStatus.Processed)?.n ?? 0);
    if (processed !== files.length) {
      // A rate of pages that were not read is no figure: say why and fail.
      const reasons: { reason: string; n: string }[] = await env.ds.query(
        "SELECT COALESCE(exception_reason, status) AS reason, COUNT(*) AS n FROM scanned_page WHERE status <> 'processed' GROUP BY reason ORDER BY n DESC LIMIT 5",
      );
      console.log(
        `FAILED: only ${processed} of ${files.length} pages processed; ${reasons.map((r) => `${r.reason} ×${r.n}`).join('; ')}`,
      );
      process.exitCode = 1;
    }
    console.log(
      `page readings: ${[...outcomes].map(([k, n]) => `${k}=${n}`).join(' ')}; garbage collection ${(gc.ms / files.length).toFixed(1)} ms per page (${gc.major} full collections)`,
    );
    console.log(
      `time per page, summed over workers: page scan ${(spent.scan / files.length).toFixed(1)} ms (${scanner.threaded ? 'on worker threads' : 'in the main thread'}), DB transactions ${(spent.transactions / files.length).toFixed(1)} ms (wall time per page × concurrency: ${((seconds * 1000 * concurrency) / files.length).toFixed(1)} ms)`,
    );
    // CPU time (all threads of this process; not MariaDB's) is steadier than rates on a shared machine: on two idle cores
    // the ratio of the two rates approaches the inverse ratio of these (plus the database server's share).
    console.log(
      `CPU time of this process per page: end to end ${((cpu.user + cpu.system) / 1000 / files.length).toFixed(1)} ms, decode-only ${decodeCpuMs.toFixed(1)} ms`,
    );
    // The JS thread is the one part that cannot spread over cores: its busy time per page bounds the rate.
    console.log(
      `JS main thread busy ${(elu.active / files.length).toFixed(1)} ms per page (event loop utilisation ${(elu.utilization * 100).toFixed(0)} %)`,
    );
    // Per thread: the main thread (database, blob store), then the others by CPU: the scan thread (reading, cutting)
    // and libuv's pool (decoding and encoding in libvips, file I/O), V8's helpers (compiling, collecting).
    const perThread = [...threads1]
      .map(([tid, t]) => ({ tid, ms: ((t - (threads0.get(tid) ?? 0)) * 10) / files.length }))
      .filter((x) => x.ms > 0);
    const mainMs = perThread.find((x) => x.tid === process.pid)?.ms ?? 0;
    const others = perThread.filter((x) => x.tid !== process.pid).sort((a, b) => b.ms - a.ms);
    const othersMs = others.reduce((sum, x) => sum + x.ms, 0);
    if (perThread.length)
      console.log(
        `CPU per page by thread: main ${mainMs.toFixed(1)} ms; the busiest other (the scan thread) ${(others[0]?.ms ?? 0).toFixed(1)} ms; the ${others.length - 1} more (libuv's pool: decoding, encoding, files; libvips', V8's helpers) ${(othersMs - (others[0]?.ms ?? 0)).toFixed(1)} ms`,
      );
    if (db0 !== null && db1 !== null)
      console.log(
        `MariaDB server CPU per page: ${(((db1 - db0) * 10) / files.length).toFixed(1)} ms (whole server: includes any other client's work)`,
      );
    console.log(
      `decode-only best at concurrency ${baselineConc}. Machine: 2 cores shared with other work, figures are noisy.`,
    );
    // The reduced copies for the notices are made after ingestion, by low-priority copy-page jobs (a worker takes them
    // when no page waits): not in the rate above, so their cost is said here, measured the same way.
    const copyCpu0 = process.cpuUsage();
    const copyThreads0 = threadTicks();
    const copyT0 = performance.now();
    const copied = new Map<string, number>();
    await pool(pageIds, concurrency, async (id) => {
      const o = await copies.copyPage(id);
      copied.set(o, (copied.get(o) ?? 0) + 1);
    });
    const copyCpu = process.cpuUsage(copyCpu0);
    const copyMain = ((threadTicks().get(process.pid) ?? 0) - (copyThreads0.get(process.pid) ?? 0)) * 10;
    console.log(
      `reduced copies afterwards (copy-page jobs, concurrency ${concurrency}; not in the rate above): ${[...copied].map(([k, n]) => `${k}=${n}`).join(' ')}; CPU ${((copyCpu.user + copyCpu.system) / 1000 / files.length).toFixed(1)} ms per page (main thread ${(copyMain / files.length).toFixed(1)} ms), ${(files.length / ((performance.now() - copyT0) / 1000)).toFixed(1)} pages/s`,
    );
    const r = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
    console.log(
      JSON.stringify({
        bench: 'ingest',
        value: r(value),
        unit: 'pages/s',
        baseline: r(baseline),
        ratio: r(value / baseline, 3),
        peak_rss_mb: Math.round(peak / 2 ** 20),
      }),
    );
  } finally {
    await env.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
