import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { papersOfRecord } from '../exams/domain/paper-workflow.js';
import { type Exam, ExamStatus } from '../exams/entities/exam.entity.js';
import { ExamAccess, examChecks } from '../exams/exam-access.js';
import { PaperRepository } from '../exams/paper.repository.js';
import { MarkingOverviewRepository } from '../marking/marking-overview.repository.js';
import { SchoolRepository } from '../org/school.repository.js';
import { ExamAbsenceRepository } from '../scans/exam-absence.repository.js';
import { OmrReviewRepository } from '../scans/omr-review.repository.js';
import { ScannedPageRepository } from '../scans/scanned-page.repository.js';
import { type ExamFacts, examState, STAGES } from './domain/exam-state.js';
import { ExamAnalysisRepository } from './exam-analysis.repository.js';
import { ExamRosterRepository } from './exam-roster.repository.js';
import { ResultsReleaseRepository } from './results-release.repository.js';
import { ScoreVersionRepository } from './score-version.repository.js';

/** The exam's lifecycle state from its data (GET /api/exams/:id/state), and the facts the release gate weighs. */
@Injectable()
export class ExamStateService {
  constructor(
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(SchoolRepository) private readonly schools: SchoolRepository,
    @Inject(ExamRosterRepository) private readonly rosters: ExamRosterRepository,
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
    @Inject(ExamAbsenceRepository) private readonly absences: ExamAbsenceRepository,
    @Inject(OmrReviewRepository) private readonly reviews: OmrReviewRepository,
    @Inject(MarkingOverviewRepository) private readonly marking: MarkingOverviewRepository,
    @Inject(ExamAnalysisRepository) private readonly analyses: ExamAnalysisRepository,
    @Inject(ScoreVersionRepository) private readonly versions: ScoreVersionRepository,
    @Inject(ResultsReleaseRepository) private readonly releases: ResultsReleaseRepository,
  ) {}

  /** Any member of the exam's alliance sees its stage; only the admin sees which schools are behind. */
  async stateFor(actor: Actor, examId: number) {
    const exam = await this.exams.forActor(actor, examId, examChecks.member);
    const facts = await this.facts(exam, actor.isAdminOf(exam.allianceId));
    return { examId, stages: STAGES, ...examState(facts) };
  }

  /** Everything the state is computed from, read now. */
  async facts(exam: Exam, nameSchools: boolean): Promise<ExamFacts> {
    const papers = papersOfRecord(await this.papers.ofExam(exam.id));
    const paperIds = papers.map((p) => p.id);
    const [schools, roster, read, absent, statuses, omrReviews, answers, scoreVersion, computed, release] =
      await Promise.all([
        this.schools.ofAlliance(exam.allianceId),
        this.rosters.ofAlliance(exam.allianceId, exam.grade || null),
        this.pages.readSheetsBySchool(exam.id, paperIds),
        this.absences.countBySchool(exam.id, paperIds),
        this.pages.countByStatus(exam.id, null),
        this.reviews.countOpen(exam.id, null),
        this.marking.answerCounts(exam.id),
        this.versions.current(exam.id),
        this.analyses.computedVersion(exam.id),
        this.releases.of(exam.id),
      ]);
    const onRoster = new Map<number, number>();
    for (const r of roster) onRoster.set(r.schoolId, (onRoster.get(r.schoolId) ?? 0) + 1);
    let uploaded = 0;
    for (const n of statuses.values()) uploaded += n;
    return {
      imported: exam.status === ExamStatus.Imported,
      papers: papers.map((p) => ({ subject: p.subject, locked: p.status === 'locked' })),
      schools: schools
        .filter((s) => onRoster.has(s.id))
        .map((s) => ({
          name: nameSchools ? s.name : null,
          owed: onRoster.get(s.id)! * papers.length,
          read: read.get(s.id) ?? 0,
          absent: absent.get(s.id) ?? 0,
        })),
      pagesUploaded: uploaded,
      pagesQueued: statuses.get('queued') ?? 0,
      exceptions: statuses.get('exception') ?? 0,
      omrReviews,
      unmarked: answers.unresolved,
      scoreVersion,
      computedVersion: computed?.version ?? null,
      releasedVersion: release?.scoreVersion ?? null,
    };
  }
}
