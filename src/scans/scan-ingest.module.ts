import { Module } from '@nestjs/common';
import { IngestPapersCache } from './ingest-papers.cache.js';
import { PageAnswersService } from './page-answers.service.js';
import { PageCopyService } from './page-copies.js';
import { PageFixLog } from './page-fix-log.js';
import { PageRereadService } from './page-reread.service.js';
import { PageScanner } from './page-scan.pool.js';
import { PageStudentService } from './page-student.service.js';
import { ResultsRefreshService } from './results-refresh.service.js';
import { ScanImageCodec } from './scan-image.codec.js';
import { ScanIngestService } from './scan-ingest.service.js';

/**
 * Reading pages: uploaded ones (ingest-page jobs) and ones a person fixed (reread-page jobs), and the reduced copies
 * of read pages (copy-page jobs). Only the worker process
 * imports this module; the API reads no page, so it starts no scan thread and assembles no snippet cutter.
 */
@Module({
  providers: [
    ScanImageCodec,
    // threads start on the first page scanned, or when the worker warms them up (scan-ingest processor's prepare)
    { provide: PageScanner, useFactory: (codec: ScanImageCodec) => new PageScanner(codec), inject: [ScanImageCodec] },
    IngestPapersCache,
    PageStudentService,
    PageAnswersService,
    ScanIngestService,
    PageFixLog,
    ResultsRefreshService,
    PageRereadService,
    PageCopyService,
  ],
  exports: [ScanIngestService, PageRereadService, PageScanner, PageCopyService],
})
export class ScanIngestModule {}
