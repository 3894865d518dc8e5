// Ingestion in the test's own process, as the worker wires it (ScanIngestModule), on the test's database, SqlPool
// and blob store: for tests and benchmarks that read pages without a queue. Each call is a new instance (its own
// caches and pages in progress), as a second worker process would be.
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ConfigModule } from '../../src/config/config.module.js';
import { DataModule } from '../../src/data.module.js';
import { SqlPool } from '../../src/database/sql-pool.js';
import { UnitOfWork } from '../../src/database/unit-of-work.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { QueueModule } from '../../src/queue/queue.module.js';
import { PageCopyService } from '../../src/scans/page-copies.js';
import { PageRereadService } from '../../src/scans/page-reread.service.js';
import { PageScanner } from '../../src/scans/page-scan.pool.js';
import { ScanImageCodec } from '../../src/scans/scan-image.codec.js';
import { ScanIngestModule } from '../../src/scans/scan-ingest.module.js';
import { ScanIngestService } from '../../src/scans/scan-ingest.service.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { LocalBlobStore } from '../../src/storage/local-blob.store.js';
import type { TestEnv } from './test-env.js';

export interface Ingestion {
  ingest: ScanIngestService;
  reread: PageRereadService;
  /** The copy-page job's service (reduced copies of read pages). */
  copies: PageCopyService;
  /** The queues that ingestion puts its follow-up jobs on (copy-page). */
  jobs: JobProducer;
  close(): Promise<void>;
}

/**
 * Ingestion on `env`. Pages are scanned in this thread unless a `scanner` is given (e.g. one on worker threads);
 * `blobs` defaults to the local store of the test's data folder.
 */
export async function scanIngestion(
  env: TestEnv,
  opts: { blobs?: BlobStore; scanner?: PageScanner } = {},
): Promise<Ingestion> {
  @Global()
  @Module({
    providers: [
      { provide: DataSource, useValue: env.ds },
      { provide: SqlPool, useValue: env.sql },
      UnitOfWork,
      { provide: BlobStore, useValue: opts.blobs ?? new LocalBlobStore(env.config.dataDir) },
    ],
    exports: [DataSource, SqlPool, UnitOfWork, BlobStore],
  })
  class TestInfrastructure {}

  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(env.config), TestInfrastructure, DataModule, QueueModule, ScanIngestModule],
  })
    .overrideProvider(PageScanner)
    .useValue(opts.scanner ?? new PageScanner(new ScanImageCodec(), 0))
    .compile();
  return {
    ingest: moduleRef.get(ScanIngestService),
    reread: moduleRef.get(PageRereadService),
    copies: moduleRef.get(PageCopyService),
    jobs: moduleRef.get(JobProducer),
    close: () => moduleRef.close(),
  };
}
