// Scanning progress of an exam, school by school, for the alliance's admin: students expected, pages read, exceptions
// open, 缺考 marked, sheets left (未扫描) and the time left at the recent pace.
import { Inject, Injectable } from '@nestjs/common';
import { type Actor, assertScope } from '../common/actor.js';
import { ExamAccess } from '../exams/exam-access.js';
import { PaperRepository } from '../exams/paper.repository.js';
import { SchoolRepository } from '../org/school.repository.js';
import { SCAN_WINDOW_MINUTES, schoolScanProgress } from './domain/scan-progress.js';
import { PageStatus } from './entities/scanned-page.entity.js';
import { type ScanCounts, ScanProgressRepository } from './scan-progress.repository.js';

@Injectable()
export class ScanProgressService {
  constructor(
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(SchoolRepository) private readonly schools: SchoolRepository,
    @Inject(ScanProgressRepository) private readonly reads: ScanProgressRepository,
  ) {}

  /** The clock, in one place (the pace counts pages read in the last hour). */
  protected now(): Date {
    return new Date();
  }

  async progress(actor: Actor, examId: number) {
    const exam = await this.exams.get(examId);
    assertScope(actor.isAdminOf(exam.allianceId), '只有联盟管理员可以查看各校扫描进度');
    // One sheet per subject: the paper scanned for it (the newest version that pages point at, else the newest).
    const papers = await this.papers.ofExam(exam.id);
    const counts = await this.reads.counts(exam, new Date(this.now().getTime() - SCAN_WINDOW_MINUTES * 60_000));
    const scanned = new Set([...counts.sheetsRead, ...counts.absent].map((r) => r.paperId));
    const subjects = [...new Set(papers.map((p) => p.subject))];
    const paperIds = subjects.map((s) => {
      const of = papers.filter((p) => p.subject === s).sort((a, b) => b.version - a.version);
      return (of.find((p) => scanned.has(p.id)) ?? of[0]).id;
    });
    const schools = (await this.schools.ofAlliance(exam.allianceId)).map((s) => ({
      schoolId: s.id,
      name: s.name,
      ...schoolRow(s.id, paperIds, counts),
    }));
    const sum = (f: (r: (typeof schools)[number]) => number) => schools.reduce((n, r) => n + f(r), 0);
    return {
      examId: exam.id,
      subjects: subjects.length,
      windowMinutes: SCAN_WINDOW_MINUTES,
      schools,
      total: {
        expected: sum((r) => r.expected),
        pagesRead: sum((r) => r.pagesRead),
        exceptions: sum((r) => r.exceptions),
        absent: sum((r) => r.absent),
        unscanned: sum((r) => r.unscanned),
        ratePerHour: sum((r) => r.ratePerHour),
        // Schools scan side by side: the exam is scanned when its last school is.
        minutesLeft: schools.some((r) => r.minutesLeft === null)
          ? null
          : schools.reduce((m, r) => Math.max(m, r.minutesLeft ?? 0), 0),
      },
    };
  }
}

function schoolRow(schoolId: number, paperIds: number[], c: ScanCounts) {
  const pages = (status: PageStatus) => c.pages.find((p) => p.schoolId === schoolId && p.status === status);
  const of = (rows: { schoolId: number; paperId: number; n: number }[], paperId: number) =>
    rows.find((r) => r.schoolId === schoolId && r.paperId === paperId)?.n ?? 0;
  const expected = c.expected.get(schoolId) ?? 0;
  const perPaper = paperIds.map((paperId) => ({
    paperId,
    read: of(c.sheetsRead, paperId),
    absent: of(c.absent, paperId),
  }));
  const read = pages(PageStatus.Processed);
  const progress = schoolScanProgress({
    expected,
    papers: perPaper,
    pagesRead: read?.n ?? 0,
    pagesQueued: pages(PageStatus.Queued)?.n ?? 0,
    recentPages: read?.recent ?? 0,
  });
  return {
    expected,
    sheetsRead: perPaper.reduce((n, p) => n + p.read, 0),
    pagesRead: read?.n ?? 0,
    pagesQueued: pages(PageStatus.Queued)?.n ?? 0,
    exceptions: pages(PageStatus.Exception)?.n ?? 0,
    absent: perPaper.reduce((n, p) => n + p.absent, 0),
    ...progress,
  };
}
