import type { AnalysisResponse, SchoolAnalysisResponse, SchoolStudentRow } from './api-types.js';
import { ReleaseGate } from './release-gate.js';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { type Actor, assertScope } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { Role } from '../common/role.js';
import { papersOfRecord } from '../exams/domain/paper-workflow.js';
import { ExamStatus } from '../exams/entities/exam.entity.js';
import { ExamAccess } from '../exams/exam-access.js';
import { disclosureFor } from '../exams/exam-disclosure.guard.js';
import { PaperRepository } from '../exams/paper.repository.js';
import { SchoolRepository } from '../org/school.repository.js';
import { analysisSummary } from './domain/analysis-summary.js';
import type { ExamAnalysisData } from './domain/exam-analysis.js';
import { principalOwnSchool, principalView } from './domain/principal-view.js';
import { principalLongitudinalOf, type StoredLongitudinal } from './domain/stored-longitudinal.js';
import { totalLast } from './domain/subject-totals.js';
import type { StudentResult } from './entities/student-result.entity.js';
import { ExamAnalysisRepository } from './exam-analysis.repository.js';
import { ExamRosterRepository } from './exam-roster.repository.js';
import { StudentResultRepository } from './student-result.repository.js';

export type { AnalysisResponse, SchoolAnalysisResponse, SchoolStudentRow };

/** The computed results as people read them: the analysis of an exam, and a school's own students. */
@Injectable()
export class ResultsQueriesService {
  constructor(
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(SchoolRepository) private readonly schools: SchoolRepository,
    @Inject(ExamRosterRepository) private readonly rosters: ExamRosterRepository,
    @Inject(ExamAnalysisRepository) private readonly analyses: ExamAnalysisRepository,
    @Inject(StudentResultRepository) private readonly results: StudentResultRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(ReleaseGate) private readonly gate: ReleaseGate,
  ) {}

  /** GET /api/exams/:id/analysis. Admin, bureau: everything named. Principal: own school + aggregates + others anonymised. */
  async analysisFor(actor: Actor, examId: number): Promise<AnalysisResponse> {
    const exam = await this.exams.get(examId);
    // The county's bureau reads the admin's view (every school named: the rule's school_comparison), once released.
    const isAdmin = actor.readsAllianceOverview(exam.allianceId);
    const own = actor.principalSchools(exam.allianceId);
    assertScope(isAdmin || own.length > 0, '无权查看该考试的成绩分析');
    const rule = disclosureFor(actor, exam);
    rule.assertAny(['school_stats']);
    const named = isAdmin && rule.may('school_comparison');
    await this.gate.assertVisible(actor, exam);
    // Named readers get summaries (no classes read); a principal's own school comes in full.
    const rows = totalLast(await this.analyses.ofExam(examId, { classesOf: named ? [] : own }));
    if (!rows.length) throw new NotFoundException('该考试的成绩尚未统计，请先计算成绩');
    return {
      examId,
      examName: exam.name,
      release: await this.gate.markOf(examId),
      view: named ? (actor.isAdminOf(exam.allianceId) ? 'admin' : 'bureau') : 'principal',
      papers: rows.map((r) => {
        const { longitudinal: l = null, ...stored } = r.data as ExamAnalysisData & {
          longitudinal?: StoredLongitudinal | null;
        };
        // 学业质量监测: no top-N counts for anyone (they are ranks in aggregate).
        const data = rule.may('top_counts') ? stored : withoutTopN(stored);
        if (named) {
          // The anonymisation key orders the principals' letters: it stays with the admin.
          const { anonymisationKey, ...shown } = data;
          const body = actor.isAdminOf(exam.allianceId) ? data : shown;
          void anonymisationKey;
          return { ...analysisSummary(body), computedAt: r.computedAt, longitudinal: l };
        }
        return {
          ...principalView(data, own),
          computedAt: r.computedAt,
          longitudinal: principalLongitudinalOf(data, l, own),
        };
      }),
    };
  }

  /**
   * GET /api/exams/:id/schools/:schoolId/analysis: the school's part of each paper's analysis (its classes, per-item
   * figures, bands, knowledge points, diagnosis detail). Admin and bureau: any school of the exam, as they read them
   * named; a principal: the own school only, as in their own analysis.
   */
  async schoolAnalysis(actor: Actor, examId: number, schoolId: number): Promise<SchoolAnalysisResponse> {
    const exam = await this.exams.get(examId);
    const rule = disclosureFor(actor, exam);
    const named = actor.readsAllianceOverview(exam.allianceId) && rule.may('school_comparison');
    const own = actor.principalSchools(exam.allianceId).includes(schoolId);
    assertScope(named || own, '无权查看其他学校的成绩分析');
    rule.assertAny(['school_stats']);
    await this.gate.assertVisible(actor, exam);
    const rows = totalLast(await this.analyses.ofExamForSchool(examId, schoolId));
    if (!rows.length) throw new NotFoundException('该考试的成绩尚未统计，请先计算成绩');
    const papers = rows.map((r) => {
      const data = r.data as ExamAnalysisData;
      const found = data.schools.find((s) => s.schoolId === schoolId) ?? null;
      const school = found && (rule.may('top_counts') ? found : { ...found, topN: null });
      return {
        paper: data.paper,
        items: data.items,
        computedAt: r.computedAt,
        school: school && (named ? school : principalOwnSchool(school)),
      };
    });
    if (papers.every((p) => p.school === null)) throw new NotFoundException('该考试没有这所学校的成绩分析');
    return {
      examId,
      schoolId,
      view: named ? (actor.isAdminOf(exam.allianceId) ? 'admin' : 'bureau') : 'principal',
      release: await this.gate.markOf(examId),
      papers,
    };
  }

  /** GET /api/exams/:id/schools/:schoolId/students: one school's own students (no ranks). Every access is audited. */
  async schoolStudents(actor: Actor, examId: number, schoolId: number): Promise<SchoolStudentRow[]> {
    const exam = await this.exams.forActor(
      actor,
      examId,
      (a, e) => a.canActForSchool(Role.Principal, e.allianceId, schoolId),
      '无权查看其他学校的学生成绩',
    );
    const rule = disclosureFor(actor, exam);
    rule.assertAny(['score_list', 'grade_band']);
    const scores = rule.may('score_list');
    await this.gate.assertVisible(actor, exam);
    const school = await this.schools.findInAlliance(schoolId, exam.allianceId);
    if (!school) throw new NotFoundException('学校不存在');
    const papers = papersOfRecord(await this.papers.ofExam(examId));
    // An imported exam's students are those of the file: last term's grade is not the class's grade today.
    const students =
      exam.status === ExamStatus.Imported
        ? await this.rosters.ofSchoolWithResults(schoolId, examId)
        : await this.rosters.ofSchool(schoolId, exam.grade || null);
    const results = await this.results.ofSchool(
      examId,
      schoolId,
      papers.map((p) => p.id),
    );
    const byKey = new Map(results.map((r) => [`${r.paperId}:${r.studentId}`, r]));
    await this.audit.record({
      userId: actor.userId,
      action: 'results.students.view',
      entity: 'school',
      entityId: String(schoolId),
      detail: { examId, students: students.length, shown: scores ? 'score_list' : 'grade_band' },
    });
    return students.flatMap((st) =>
      papers.map((p) => {
        const r = byKey.get(`${p.id}:${st.studentId}`);
        return {
          ...st,
          paperId: p.id,
          subject: p.subject,
          status: statusOf(r),
          absent: r?.absent ?? false,
          total: scores ? (r?.total ?? null) : null,
          band: rule.bandOf(r?.total ?? null, p.fullMarks),
        };
      }),
    );
  }
}

function withoutTopN(data: ExamAnalysisData): ExamAnalysisData {
  return { ...data, schools: data.schools.map((s) => ({ ...s, topN: null })) };
}

function statusOf(r: StudentResult | undefined): SchoolStudentRow['status'] {
  if (!r) return 'not_computed';
  if (r.absent) return 'absent';
  if (r.unscanned) return 'unscanned';
  return r.total === null ? 'incomplete' : 'complete';
}
