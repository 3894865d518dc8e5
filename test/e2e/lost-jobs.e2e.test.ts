// Work whose job was lost is found and done: pages queued through the real queue, then Redis (without persistence)
// killed and started again empty, then a worker whose reconciliation queues them again; and a report left 'queued'
// with no job is rendered again. This test starts its own Redis on another port and kills it.
import { Report, ReportStatus } from '../../src/reports/entities/report.entity.js';
import { AnswerSnippet } from '../../src/scans/entities/answer-snippet.entity.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import { scanIngestProcessor } from '../../workers/processors/scan-ingest.processor.js';
import { pageCopyProcessor } from '../../workers/processors/page-copy.processor.js';
import { reportProcessor } from '../../workers/processors/report.processor.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { seedScanExam, type ScanExam } from '../integration/scans-fixtures.js';
import { queueStoredScans } from '../support/queued-scans.js';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describe('lost jobs are found again', () => {
  let env: TestEnv;
  let redis: OwnRedis;
  let fx: ScanExam;
  let worker: WorkerHost | null = null;

  beforeAll(async () => {
    env = await createTestEnv('lost');
    redis = await startOwnRedis();
    env.config = { ...env.config, redis: { ...env.config.redis, port: redis.port } };
    fx = await seedScanExam(env.ds, { studentsA: 3 });
  });
  afterAll(async () => {
    await worker?.close();
    redis.stop();
    await env.cleanup();
  });

  const statuses = async () =>
    (await env.ds.getRepository(ScannedPage).find({ where: { examId: fx.exam.id } })).map((p) => p.status);

  it('reads every page whose job went with a Redis restart, once each, and renders a report whose job was lost', async () => {
    const pages = await queueStoredScans(env, fx, 'lost_scanner', 7);
    await env.ds.getRepository(Report).save({ examId: fx.exam.id, schoolId: fx.schoolA, status: ReportStatus.Queued });

    await redis.restart(); // no persistence: every waiting job is gone
    expect(await statuses()).toEqual(pages.map(() => PageStatus.Queued));

    worker = await startWorkers(env.config, {
      processors: [scanIngestProcessor, pageCopyProcessor, reportProcessor],
      logger: false,
      reconcile: { graceSeconds: 0, everyMs: 500 },
    });
    for (let i = 0; i < 240 && (await statuses()).includes(PageStatus.Queued); i++)
      await new Promise((r) => setTimeout(r, 250));
    expect(await statuses()).toEqual(pages.map(() => PageStatus.Processed));
    // Read once: each snippet of each page stored once.
    const snippets = await env.ds.query(
      'SELECT page_id, item_id, COUNT(*) AS n FROM answer_snippet WHERE page_id IN (?) GROUP BY page_id, item_id HAVING n > 1',
      [pages.map((p) => p.id)],
    );
    expect(snippets).toEqual([]);
    expect(await env.ds.getRepository(AnswerSnippet).count()).toBeGreaterThan(0);
    // The report's render ran again: with no analysis yet it fails with its reason instead of staying 'queued'.
    let report = await env.ds.getRepository(Report).findOneByOrFail({ examId: fx.exam.id, schoolId: fx.schoolA });
    for (let i = 0; i < 40 && report.status === ReportStatus.Queued; i++) {
      await new Promise((r) => setTimeout(r, 250));
      report = await env.ds.getRepository(Report).findOneByOrFail({ examId: fx.exam.id, schoolId: fx.schoolA });
    }
    expect(report).toMatchObject({ status: ReportStatus.Failed, error: '该考试的成绩尚未统计，无法生成报告' });
  });
});
