// A page a person fixed, read again in the worker (reread-page job), never inside the fix's HTTP request.
import { Inject, Injectable } from '@nestjs/common';
import { PageStatus, type ScannedPage } from './entities/scanned-page.entity.js';
import { PageFixLog, stateOf } from './page-fix-log.js';
import { ResultsRefreshService } from './results-refresh.service.js';
import { type IngestOutcome, ScanIngestService } from './scan-ingest.service.js';
import { ScannedPageRepository } from './scanned-page.repository.js';

/** Exceptions a later page gets because of the page before it: worth reading again once that page is fixed. */
const WAITS_FOR_PREVIOUS = ['PREVIOUS_PAGE_EXCEPTION', 'PAGE_ORDER'];

export interface RereadResult {
  pageId: number;
  status: IngestOutcome['status'];
  /** Later pages of the same sheet that waited for this one and were read again after it. */
  followers: { pageId: number; status: string; reason: string | null }[];
}

@Injectable()
export class PageRereadService {
  constructor(
    @Inject(ScanIngestService) private readonly ingest: ScanIngestService,
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
    @Inject(PageFixLog) private readonly log: PageFixLog,
    @Inject(ResultsRefreshService) private readonly results: ResultsRefreshService,
  ) {}

  /**
   * Reads the page again, then the later pages of its sheet that were refused because of it (each audited as read
   * again after it, for `userId`, who fixed the page); the exam's results are computed again once it has some.
   */
  async reread(pageId: number, userId: number | null): Promise<RereadResult> {
    const outcome = await this.ingest.ingestPage(pageId);
    const page = await this.pages.findById(pageId);
    if (!page) return { pageId, status: outcome.status, followers: [] };
    const followers = await this.rereadFollowers(page, userId);
    await this.results.afterFix(page.examId);
    return { pageId, status: outcome.status, followers };
  }

  private async rereadFollowers(page: ScannedPage, userId: number | null): Promise<RereadResult['followers']> {
    const followers: RereadResult['followers'] = [];
    let cur = page;
    while (cur.status === PageStatus.Processed) {
      const next = await this.pages.nextAfter(cur);
      if (!next || next.status !== PageStatus.Exception || !WAITS_FOR_PREVIOUS.includes(next.exceptionCode ?? ''))
        break;
      const before = stateOf(next);
      await this.ingest.ingestPage(next.id);
      const after = await this.pages.findById(next.id);
      if (!after) break;
      cur = after;
      await this.log.record(userId, 'reingest_scan_page', cur, { before, after: stateOf(cur) }, { after: page.id });
      followers.push({ pageId: cur.id, status: cur.status, reason: cur.exceptionReason });
    }
    return followers;
  }
}
