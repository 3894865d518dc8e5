// A page whose ingest job fails every time is not retried by the reconciliation forever, nor left a silent 'queued':
// after PAGE_RECONCILE_PASSES passes (each runs the job again with its attempts anew) it becomes an exception with its
// reason in words, the next passes leave it alone, and an admin's retry of the failed job (the /jobs page) reads it.
import { JobProducer } from '../../src/queue/job-producer.js';
import { PAGE_RECONCILE_PASSES } from '../../src/queue/domain/job-retries.js';
import { JOBS, QUEUES } from '../../src/queue/jobs.js';
import { Pipeline } from '../../src/queue/pipeline.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import type { Processor } from '../../workers/processor.js';
import { scanIngestProcessor } from '../../workers/processors/scan-ingest.processor.js';
import { reconcile } from '../../workers/reconcile.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { seedScanExam } from './scans-fixtures.js';
import { queueStoredScans } from '../support/queued-scans.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describe('a page whose reading keeps failing', () => {
  let env: TestEnv;
  let worker: WorkerHost | null = null;
  let broken = true;
  /** Reads pages as the worker does, except while `broken`: then it fails as a full disk would. */
  const flaky: Processor<typeof JOBS.ingestPage> = {
    job: JOBS.ingestPage,
    run: async (app, payload) => {
      if (broken) throw new Error("ENOSPC: no space left on device, write '/data/reduced/x.jpg'");
      return scanIngestProcessor.run(app, payload);
    },
  };

  beforeAll(async () => {
    env = await createTestEnv('page_retry');
    env.config = { ...env.config, jobs: { attempts: 2, backoffMs: 10, stalledLimit: 5 } };
  });
  afterAll(async () => {
    await worker?.close();
    await env.cleanup();
  });

  it('is retried a bounded number of passes, then shown as an exception an admin can retry', async () => {
    const fx = await seedScanExam(env.ds, { studentsA: 1 });
    const pages = await queueStoredScans(env, fx, 'retry_scanner', 21);
    worker = await startWorkers(env.config, { processors: [flaky], logger: false, reconcile: false });
    const queue = worker.app.get(JobProducer).queue(QUEUES.ingest);
    const allFailed = async () => {
      for (let i = 0; i < 200 && (await queue.getJobCounts()).failed < pages.length; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect((await queue.getJobCounts()).failed).toBe(pages.length);
    };
    const rows = () => env.ds.getRepository(ScannedPage).find({ where: { examId: fx.exam.id }, order: { id: 'ASC' } });

    await allFailed();
    for (let pass = 1; pass <= PAGE_RECONCILE_PASSES; pass++) {
      const o = await reconcile(worker.app, 0);
      expect({ pass, pages: o.pages }).toEqual({ pass, pages: pages.length });
      await allFailed(); // run again, failed again
    }
    expect((await rows()).map((p) => p.status)).toEqual(pages.map(() => PageStatus.Queued));

    const last = await reconcile(worker.app, 0);
    for (const p of await rows())
      expect(p).toMatchObject({
        status: PageStatus.Exception,
        exceptionCode: 'INGEST_FAILED',
        exceptionReason: '多次自动识别均未完成（磁盘空间不足，无法写入文件），请排除原因后点“重新识别”',
      });
    expect(last.pagesGivenUp).toBe(pages.length);
    expect((await reconcile(worker.app, 0)).pages).toBe(0); // left alone from now on
    expect((await queue.getJobCounts()).failed).toBe(pages.length); // still on the 失败任务 page

    // The cause mended, the admin retries the failed jobs from /jobs: the pages are read.
    broken = false;
    const pipeline = worker.app.get(Pipeline);
    for (const job of await pipeline.failedJobs()) expect(await pipeline.retryFailed(job.queue, job.id)).toBe(true);
    for (let i = 0; i < 400 && (await rows()).some((p) => p.status !== PageStatus.Processed); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await rows()).map((p) => p.status)).toEqual(pages.map(() => PageStatus.Processed));
  });
});
