import { Module } from '@nestjs/common';
import { ExamAbsencesService } from './exam-absences.service.js';
import { FixResults } from './fix-result.js';
import { OmrReviewController } from './omr-review.controller.js';
import { OmrReviewService } from './omr-review.service.js';
import { PageFixLog } from './page-fix-log.js';
import { PageRematchService } from './page-rematch.service.js';
import { ResultsRefreshService } from './results-refresh.service.js';
import { ScanAccess } from './scan-access.js';
import { ScanExceptionViewsService } from './scan-exception-views.service.js';
import { ScanExceptionsController } from './scan-exceptions.controller.js';
import { ScanFixesService } from './scan-fixes.service.js';
import { ScanImageCodec } from './scan-image.codec.js';
import { ScanUploadInterceptor } from './scan-upload.interceptor.js';
import { ScanUploadService } from './scan-upload.service.js';
import { ScansController } from './scans.controller.js';
import { ScansService } from './scans.service.js';
import { ScanProgressService } from './scan-progress.service.js';
import { ScanRetentionController } from './scan-retention.controller.js';
import { ScanRetentionService } from './scan-retention.service.js';

/**
 * Scans over HTTP: uploads, progress, page images, the OMR review and the exceptions workflow. Reading pages is the
 * worker's (ScanIngestModule): a fix here queues the page to be read again.
 */
@Module({
  controllers: [ScansController, OmrReviewController, ScanExceptionsController, ScanRetentionController],
  providers: [
    // sharp for thumbnails, TIFF pages and browser-viewable images (no scan threads, no snippet cutter)
    ScanImageCodec,
    ScanAccess,
    ScanUploadInterceptor,
    ScanUploadService,
    ScansService,
    ScanProgressService,
    OmrReviewService,
    FixResults,
    PageFixLog,
    ResultsRefreshService,
    PageRematchService,
    ScanFixesService,
    ExamAbsencesService,
    ScanExceptionViewsService,
    ScanRetentionService,
  ],
  // 缺考 from an examination room's list (candidates/) goes through the same service as the scanner's.
  exports: [ExamAbsencesService, ScanRetentionService],
})
export class ScansModule {}
