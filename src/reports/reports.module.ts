import { Module } from '@nestjs/common';
import { ExamsModule } from '../exams/exams.module.js';
import { OrgModule } from '../org/org.module.js';
import { SchoolReportPdf } from './pdf/school-report.pdf.js';
import { ReportRenderService } from './report-render.service.js';
import { ReportRepository } from './report.repository.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

@Module({
  imports: [ExamsModule, OrgModule],
  controllers: [ReportsController],
  providers: [ReportsService, ReportRenderService, ReportRepository, SchoolReportPdf],
  exports: [ReportRenderService, ReportRepository],
})
export class ReportsModule {}
