import { Module } from '@nestjs/common';
import { OmrReviewController } from './omr-review.controller.js';
import { OmrReviewService } from './omr-review.service.js';
import { ScanExceptionsController } from './scan-exceptions.controller.js';
import { ScanExceptionsService } from './scan-exceptions.service.js';
import { PageScanner } from './page-scan.pool.js';
import { ScanImageCodec } from './scan-image.codec.js';
import { ScanIngestService } from './scan-ingest.service.js';
import { ScanUploadInterceptor } from './scan-upload.interceptor.js';
import { ScansController } from './scans.controller.js';
import { ScansService } from './scans.service.js';

@Module({
  controllers: [ScansController, OmrReviewController, ScanExceptionsController],
  providers: [
    ScanImageCodec,
    // threads start on the first page scanned (only the worker process ingests)
    { provide: PageScanner, useFactory: (codec: ScanImageCodec) => new PageScanner(codec), inject: [ScanImageCodec] },
    ScanIngestService,
    ScansService,
    ScanUploadInterceptor,
    OmrReviewService,
    ScanExceptionsService,
  ],
  exports: [ScanIngestService, ScansService, OmrReviewService],
})
export class ScansModule {}
