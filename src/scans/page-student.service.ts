// Whose answers a read page holds: the student a person assigned, the one its barcode sticker, QR code or exam number
// names (domain/page-identity.ts decides which, and when they disagree), or the student of the page before it. The student's row is locked: one student's pages are recorded one at a time.
import { Inject, Injectable } from '@nestjs/common';
import { CandidateRepository } from '../candidates/candidate.repository.js';
import { checkDigitValid, type CheckDigitScheme } from '../candidates/domain/check-digit.js';
import type { Tx } from '../database/unit-of-work.js';
import {
  identityConflict,
  identityCluesOf,
  identitySource,
  stickerExamNo,
  type IdentityClues,
  type ReadClues,
  type StickerReading,
} from './domain/page-identity.js';
import { PageException } from './domain/page-verdict.js';
import { PageStatus } from './entities/scanned-page.entity.js';
import type { ExamRef } from './ingest-papers.cache.js';
import { ScanIngestRepository, type StudentRow } from './scan-ingest.repository.js';
import { type PageRow, ScannedPageRepository } from './scanned-page.repository.js';

/** What a reading says about the page's student. */
export interface StudentClues {
  paperId: number;
  pageNo: number;
  /** From a personalised sheet's QR code. */
  studentId: number | null;
  /** From the exam-number bubbles (page 1 of a sheet for anyone); `partial` counts only beside a readable sticker. */
  examNo: ReadClues['examNo'];
  /** From the barcode sticker area (page 1 of a sheet laid out with one); null without the area. */
  sticker: StickerReading | null;
}

@Injectable()
export class PageStudentService {
  constructor(
    @Inject(ScanIngestRepository) private readonly repo: ScanIngestRepository,
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
    @Inject(CandidateRepository) private readonly candidates: CandidateRepository,
  ) {}

  /**
   * The page's student, locked until the transaction ends; 'deferred' when it is to be taken from a page before it
   * that is not read yet. Throws a PageException when the page cannot be given a student.
   */
  resolve(tx: Tx, exam: ExamRef, page: PageRow, clues: StudentClues): Promise<StudentRow | 'deferred'> {
    if (page.forcedStudentId !== null) return this.assigned(tx, exam, page, page.forcedStudentId);
    const c = identityCluesOf(clues);
    const source = identitySource(c);
    if (source === 'previous') return this.ofPreviousPage(tx, page, clues.paperId, clues.pageNo);
    return this.byClue(tx, exam, page, c, source);
  }

  /**
   * The student the winning clue names (a readable sticker, else the QR code, else the bubbles), locked; the other
   * readable clues must name the same student: a disagreement is for a person to settle, never a guess either way.
   */
  private async byClue(
    tx: Tx,
    exam: ExamRef,
    page: PageRow,
    c: IdentityClues,
    source: 'sticker' | 'qr' | 'bubbles',
  ): Promise<StudentRow> {
    const student =
      source === 'qr'
        ? await this.byQr(tx, exam, page, c.qrStudentId!)
        : await this.byExamNo(tx, exam, page, source === 'sticker' ? stickerExamNo(c)! : c.bubbles!);
    // The number printed for the student is the exam's own (考务) when it gave one, else the roster's: the bubbles
    // are compared with it.
    const printed = (await this.candidates.numberOf(tx, exam.id, student.id)) ?? student.examNo;
    const conflict = identityConflict(c, source, { ...student, examNo: printed });
    if (conflict) throw new PageException(conflict);
    return student;
  }

  /**
   * The student whose exam number was read: the exam's own numbers (考务) when it has them, else the roster's
   * student numbers (exams numbered before 考务 existed, and exams that never generated numbers).
   */
  private async byExamNo(tx: Tx, exam: ExamRef, page: PageRow, examNo: string): Promise<StudentRow> {
    const lookup = await this.candidates.studentByExamNumber(tx, exam.id, examNo);
    if (lookup.numbered && lookup.studentId === null) {
      const misread = !checkDigitValid(lookup.checkDigit as CheckDigitScheme, examNo);
      throw new PageException({
        code: 'STUDENT_UNKNOWN',
        reason: misread
          ? `考号 ${examNo} 校验位不符，可能填涂有误，请核对答题卡`
          : `考号 ${examNo} 不是本次考试的考号，请核对答题卡`,
      });
    }
    const student = lookup.numbered
      ? await this.repo.lockStudentById(tx, lookup.studentId!)
      : await this.repo.lockStudentByExamNo(tx, exam.allianceId, examNo);
    if (!student) throw new PageException({ code: 'STUDENT_UNKNOWN', reason: `考号 ${examNo} 不在名单中` });
    if (student.schoolId !== page.schoolId) {
      throw new PageException({
        code: 'STUDENT_OTHER_SCHOOL',
        reason: `考号 ${examNo} 不是本校考生，请核对答题卡或交联盟管理员处理`,
      });
    }
    return student;
  }

  /** The student a person assigned the page to (exceptions workflow), locked like the others. */
  private async assigned(tx: Tx, exam: ExamRef, page: PageRow, studentId: number): Promise<StudentRow> {
    const student = await this.repo.lockStudentById(tx, studentId);
    if (!student || student.allianceId !== exam.allianceId)
      throw new PageException({ code: 'STUDENT_UNKNOWN', reason: '指定的考生不在名单中' });
    if (student.schoolId !== page.schoolId)
      throw new PageException({
        code: 'STUDENT_OTHER_SCHOOL',
        reason: `考号 ${student.examNo} 不是本校考生，请核对答题卡或交联盟管理员处理`,
      });
    return student;
  }

  /** A personalised sheet names its student in the QR code on every page. */
  private async byQr(tx: Tx, exam: ExamRef, page: PageRow, studentId: number): Promise<StudentRow> {
    const student = await this.repo.lockStudentInAlliance(tx, studentId, exam.allianceId);
    if (!student)
      throw new PageException({
        code: 'STUDENT_UNKNOWN',
        reason: '答题卡二维码中的考生不在名单中，请核对答题卡或交联盟管理员处理',
      });
    if (student.schoolId !== page.schoolId) {
      throw new PageException({
        code: 'STUDENT_OTHER_SCHOOL',
        reason: `答题卡二维码中的考生（考号 ${student.examNo}）不是本校考生，请核对答题卡或交联盟管理员处理`,
      });
    }
    return student;
  }

  /**
   * Page 2 onwards of a sheet for anyone carries no exam number: it belongs to the student of the page scanned just before it in the same
   * batch, which must be the previous page of the same sheet. If that page is not read yet, this one waits for it.
   */
  private async ofPreviousPage(
    tx: Tx,
    page: PageRow,
    paperId: number,
    pageNo: number,
  ): Promise<StudentRow | 'deferred'> {
    // Blank pages (backs of duplex scans) and pages a person discarded are not part of the sequence.
    const prev = await this.pages.previousInBatch(tx, page);
    const noOwner = `无法确定第${pageNo}页所属考生：`;
    if (!prev)
      throw new PageException({
        code: 'PAGE_ORDER',
        reason: `${noOwner}本批次中它前面没有第${pageNo - 1}页，请与第1页一起按顺序扫描`,
      });
    if (prev.status === PageStatus.Queued) return 'deferred';
    if (prev.status === PageStatus.Exception && prev.paperId === paperId && prev.pageNo === pageNo - 1) {
      throw new PageException({
        code: 'PREVIOUS_PAGE_EXCEPTION',
        reason: `${noOwner}前一页（第${pageNo - 1}页）识别异常，请先处理前一页`,
      });
    }
    if (
      prev.status !== PageStatus.Processed ||
      prev.paperId !== paperId ||
      prev.pageNo !== pageNo - 1 ||
      prev.studentId === null
    ) {
      throw new PageException({
        code: 'PAGE_ORDER',
        reason: `${noOwner}前一张图片不是同一答题卡的第${pageNo - 1}页，请按顺序扫描`,
      });
    }
    const student = await this.repo.lockStudentById(tx, prev.studentId);
    if (!student) throw new Error(`student ${prev.studentId} of page ${prev.id} not found`);
    return student;
  }
}
