// The audit trail of a person's fixes to pages: each with the page's state before and after.
import { Inject, Injectable } from '@nestjs/common';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import type { Tx } from '../database/unit-of-work.js';
import type { ScannedPage } from './entities/scanned-page.entity.js';

/** The part of a page a fix changes: what the audit row keeps as before and after. */
export type PageState = Pick<
  ScannedPage,
  'status' | 'exceptionCode' | 'studentId' | 'forcedStudentId' | 'rotation' | 'schoolId'
>;

export const stateOf = (p: ScannedPage): PageState => ({
  status: p.status,
  exceptionCode: p.exceptionCode,
  studentId: p.studentId,
  forcedStudentId: p.forcedStudentId,
  rotation: p.rotation,
  schoolId: p.schoolId,
});

@Injectable()
export class PageFixLog {
  constructor(@Inject(AuditLogRepository) private readonly audit: AuditLogRepository) {}

  /** A fix of the page by `userId` (or a page read again after one), recorded with the fix's transaction if any. */
  record(
    userId: number | null,
    action: string,
    page: Pick<ScannedPage, 'id' | 'examId'>,
    change: { before: PageState; after: PageState },
    extra: Record<string, unknown>,
    tx?: Tx,
  ): Promise<void> {
    const { before, after } = change;
    return this.audit.record(
      {
        userId,
        action,
        entity: 'scanned_page',
        entityId: String(page.id),
        detail: { examId: page.examId, schoolId: before.schoolId, pageId: page.id, before, after, ...extra },
      },
      tx,
    );
  }
}
