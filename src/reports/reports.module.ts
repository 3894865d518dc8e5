import { Module } from '@nestjs/common';
import { SchoolReportPdf } from './pdf/school-report.pdf.js';
import { ReportRenderService } from './report-render.service.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

@Module({
  controllers: [ReportsController],
  providers: [ReportsService, ReportRenderService, SchoolReportPdf],
  exports: [ReportRenderService],
})
export class ReportsModule {}
