// GET /api/counties/:id/comparison.pdf: the county comparison (org/county-comparison.service.ts decides who reads
// it and which exams enter: the county's bureau, released results, the rule asked per exam) laid out as a PDF.
// Every download is audited.
import { Inject, Injectable, StreamableFile } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { CountyComparisonService } from '../org/county-comparison.service.js';
import { dateText } from './domain/school-report.js';
import { CountyComparisonPdf } from './pdf/county-comparison.pdf.js';

export const countyPdfUrl = (countyId: number) => `/api/counties/${countyId}/comparison.pdf`;

@Injectable()
export class CountyReportService {
  constructor(
    @Inject(CountyComparisonService) private readonly comparisons: CountyComparisonService,
    @Inject(CountyComparisonPdf) private readonly pdf: CountyComparisonPdf,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
  ) {}

  async comparisonPdf(actor: Actor, countyId: number): Promise<StreamableFile> {
    const model = await this.comparisons.comparison(actor, countyId);
    const buffer = await this.pdf.render(model, dateText(new Date()));
    await this.audit.record({
      userId: actor.userId,
      action: 'county_comparison.download',
      entity: 'county',
      entityId: String(countyId),
      detail: { groups: model.groups.length },
    });
    const filename = `${model.county.name}-区县联盟对比.pdf`;
    return new StreamableFile(buffer, {
      type: 'application/pdf',
      disposition: `attachment; filename="county-${countyId}.pdf"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    });
  }
}
