import { Module } from '@nestjs/common';
import { OmrReviewController } from './omr-review.controller.js';
import { OmrReviewService } from './omr-review.service.js';
import { ScanAccess } from './scan-access.js';
import { ScanExceptionsController } from './scan-exceptions.controller.js';
import { ScanExceptionsService } from './scan-exceptions.service.js';
import { ScanImageCodec } from './scan-image.codec.js';
import { ScanIngestModule } from './scan-ingest.module.js';
import { ScanUploadInterceptor } from './scan-upload.interceptor.js';
import { ScanUploadService } from './scan-upload.service.js';
import { ScansController } from './scans.controller.js';
import { ScansService } from './scans.service.js';

@Module({
  imports: [ScanIngestModule],
  controllers: [ScansController, OmrReviewController, ScanExceptionsController],
  providers: [
    ScanImageCodec,
    ScanAccess,
    ScanUploadInterceptor,
    ScanUploadService,
    ScansService,
    OmrReviewService,
    ScanExceptionsService,
  ],
  exports: [ScansService, OmrReviewService],
})
export class ScansModule {}
