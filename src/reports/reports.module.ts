import { Module } from '@nestjs/common';
import { AllianceOverviewService } from './alliance-overview.service.js';
import { AllianceOverviewPdf } from './pdf/alliance-overview.pdf.js';
import { ClassReportService } from './class-report.service.js';
import { ClassReportPdf } from './pdf/class-report.pdf.js';
import { CountyReportController } from './county-report.controller.js';
import { CountyReportService } from './county-report.service.js';
import { CountyComparisonPdf } from './pdf/county-comparison.pdf.js';
import { OrgModule } from '../org/org.module.js';
import { NoticePageImages } from '../scans/notice-page-images.js';
import { NoticeCodeSeal } from './notice-code-seal.js';
import { NoticeThrottle } from './notice-throttle.js';
import { NoticesController, PublicNoticeController } from './notices.controller.js';
import { NoticesService } from './notices.service.js';
import { SchoolReportPdf } from './pdf/school-report.pdf.js';
import { StudentNoticePdf } from './pdf/student-notice.pdf.js';
import { ReportRenderService } from './report-render.service.js';
import { SchoolReportAnalyses } from './school-report-analyses.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

@Module({
  imports: [OrgModule],
  controllers: [ReportsController, NoticesController, PublicNoticeController, CountyReportController],
  providers: [
    ReportsService,
    ReportRenderService,
    SchoolReportAnalyses,
    SchoolReportPdf,
    AllianceOverviewService,
    AllianceOverviewPdf,
    ClassReportService,
    ClassReportPdf,
    NoticesService,
    StudentNoticePdf,
    NoticeCodeSeal,
    NoticeThrottle,
    NoticePageImages,
    CountyReportService,
    CountyComparisonPdf,
  ],
  exports: [ReportRenderService],
})
export class ReportsModule {}
