import { Module } from '@nestjs/common';
import { AllianceOverviewService } from './alliance-overview.service.js';
import { AllianceOverviewPdf } from './pdf/alliance-overview.pdf.js';
import { ClassReportService } from './class-report.service.js';
import { ClassReportPdf } from './pdf/class-report.pdf.js';
import { SchoolReportPdf } from './pdf/school-report.pdf.js';
import { ReportRenderService } from './report-render.service.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

@Module({
  controllers: [ReportsController],
  providers: [
    ReportsService,
    ReportRenderService,
    SchoolReportPdf,
    AllianceOverviewService,
    AllianceOverviewPdf,
    ClassReportService,
    ClassReportPdf,
  ],
  exports: [ReportRenderService],
})
export class ReportsModule {}
