import { Module } from '@nestjs/common';
import { SchoolReportPdf } from './pdf/school-report.pdf.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

@Module({
  controllers: [ReportsController],
  providers: [ReportsService, SchoolReportPdf],
  exports: [ReportsService],
})
export class ReportsModule {}
