// What a fix of a page answers: the page as the fix left it.
import { Inject, Injectable } from '@nestjs/common';
import { StudentRepository } from '../org/student.repository.js';
import type { ScannedPage } from './entities/scanned-page.entity.js';

export interface FixResult {
  pageId: number;
  /** false when the page already was as asked: nothing done, nothing audited. */
  changed: boolean;
  /** `queued` when the page waits to be read again (by the worker, right after the fix): the page follows it. */
  status: string;
  code: string | null;
  reason: string | null;
  studentId: number | null;
  /** The exam number of the page's student, or of the student a person assigned it to. */
  examNo: string | null;
  /** Later pages of the same sheet that moved with it (a re-matched sheet). */
  followers: { pageId: number; status: string; reason: string | null }[];
  /**
   * The fix is stored but the queue was away: the page waits 'queued' and is read once the worker's reconciliation
   * queues it (a few minutes), not right away.
   */
  queueDelayed?: true;
}

/** The fix's answer, saying so when its reading could not be queued at once. */
export const withQueueState = (result: FixResult, queued: boolean): FixResult =>
  queued ? result : { ...result, queueDelayed: true };

@Injectable()
export class FixResults {
  constructor(@Inject(StudentRepository) private readonly students: StudentRepository) {}

  async of(
    page: Pick<ScannedPage, 'id' | 'status' | 'exceptionCode' | 'exceptionReason' | 'studentId' | 'forcedStudentId'>,
    changed: boolean,
    followers: FixResult['followers'] = [],
  ): Promise<FixResult> {
    const sid = page.studentId ?? page.forcedStudentId;
    const student = sid !== null ? await this.students.findById(sid) : null;
    return {
      pageId: page.id,
      changed,
      status: page.status,
      code: page.exceptionCode,
      reason: page.exceptionReason,
      studentId: page.studentId,
      examNo: student?.examNo ?? null,
      followers,
    };
  }
}
