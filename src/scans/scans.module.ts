import { Module } from '@nestjs/common';
import { OmrReviewController } from './omr-review.controller.js';
import { OmrReviewService } from './omr-review.service.js';
import { ScanExceptionsController } from './scan-exceptions.controller.js';
import { ScanExceptionsService } from './scan-exceptions.service.js';
import { ScanImageCodec } from './scan-image.codec.js';
import { ScanIngestModule } from './scan-ingest.module.js';
import { ScanUploadInterceptor } from './scan-upload.interceptor.js';
import { ScansController } from './scans.controller.js';
import { ScansService } from './scans.service.js';

@Module({
  imports: [ScanIngestModule],
  controllers: [ScansController, OmrReviewController, ScanExceptionsController],
  providers: [ScanImageCodec, ScansService, ScanUploadInterceptor, OmrReviewService, ScanExceptionsService],
  exports: [ScansService, OmrReviewService],
})
export class ScansModule {}
