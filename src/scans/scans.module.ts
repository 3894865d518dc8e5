import { Module } from '@nestjs/common';
import { ScanImageCodec } from './scan-image.codec.js';
import { ScanIngestService } from './scan-ingest.service.js';
import { ScanUploadInterceptor } from './scan-upload.interceptor.js';
import { ScansController } from './scans.controller.js';
import { ScansService } from './scans.service.js';

@Module({
  controllers: [ScansController],
  providers: [ScanImageCodec, ScanIngestService, ScansService, ScanUploadInterceptor],
  exports: [ScanIngestService, ScansService],
})
export class ScansModule {}
