import { ForbiddenException, Inject, Injectable, NotFoundException, StreamableFile } from '@nestjs/common';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { levelOf, mayAny, type Reader, refusal } from '../exams/domain/exam-disclosure.js';
import { noticeAllowed } from './domain/student-notice.js';
import { papersOfRecord } from '../exams/domain/paper-workflow.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import { ExamAccess } from '../exams/exam-access.js';
import { ExamRepository } from '../exams/exam.repository.js';
import { PaperRepository } from '../exams/paper.repository.js';
import { FinalScoreRepository } from '../marking/final-score.repository.js';
import { SchoolClassRepository } from '../org/school-class.repository.js';
import { SchoolRepository } from '../org/school.repository.js';
import { StudentRepository } from '../org/student.repository.js';
import { ReleaseGate, type ReleaseMark } from '../results/release-gate.js';
import { TOTAL_PAPER_ID } from '../results/domain/subject-totals.js';
import { StudentResultRepository } from '../results/student-result.repository.js';
import { ObjectiveResponseRepository } from '../scans/objective-response.repository.js';
import { buildClassReport, type ClassReportModel } from './domain/class-report.js';
import type { StoredAnalysis } from './domain/school-report.js';
import { ClassReportPdf } from './pdf/class-report.pdf.js';
import { ExamAnalysisRepository } from '../results/exam-analysis.repository.js';

export const NO_CLASS_SCOPE = '无权查看该班级的报告';

/** What a class report answers: the model, and whether the release it shows is outdated. */
export interface ClassReportResponse {
  examId: number;
  classId: number;
  release: ReleaseMark;
  report: ClassReportModel;
  /** Whether this exam's kind gives students notices at all (the class's 班主任 may then download them). */
  noticesAllowed: boolean;
}

/** Who reads a class's report, and what of it. */
interface ClassScope {
  /** The readers the person is for this class (admin of the alliance, principal of its school, teacher of it). */
  readers: Reader[];
  /** null: every subject (admin, principal, 班主任); else the 任课教师's subjects. */
  subjects: Set<string> | null;
}

/** GET /api/exams/:id/classes/:classId/report(.pdf): the class report, made on request from the stored analysis. */
@Injectable()
export class ClassReportService {
  constructor(
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(ExamRepository) private readonly examRows: ExamRepository,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(SchoolRepository) private readonly schools: SchoolRepository,
    @Inject(SchoolClassRepository) private readonly classes: SchoolClassRepository,
    @Inject(StudentRepository) private readonly students: StudentRepository,
    @Inject(StudentResultRepository) private readonly results: StudentResultRepository,
    @Inject(ObjectiveResponseRepository) private readonly objective: ObjectiveResponseRepository,
    @Inject(FinalScoreRepository) private readonly finalScores: FinalScoreRepository,
    @Inject(ExamAnalysisRepository) private readonly analyses: ExamAnalysisRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(ReleaseGate) private readonly gate: ReleaseGate,
    @Inject(ClassReportPdf) private readonly pdf: ClassReportPdf,
  ) {}

  async report(actor: Actor, examId: number, classId: number, format: 'json' | 'pdf'): Promise<ClassReportResponse> {
    const exam = await this.exams.get(examId);
    const isAdmin = actor.isAdminOf(exam.allianceId);
    const cls = await this.classes.findById(classId);
    const school = cls ? await this.schools.findInAlliance(cls.schoolId, exam.allianceId) : null;
    // Out of scope and nonexistent answer alike to everyone but the admin: no probing for classes.
    if (!cls || !school) {
      assertScope(isAdmin, NO_CLASS_SCOPE);
      throw new NotFoundException('该联盟没有这个班级');
    }
    const scope = this.scopeOf(actor, exam, school.id, classId);
    assertScope(scope.readers.length > 0, NO_CLASS_SCOPE);
    const level = levelOf(exam);
    if (!mayAny(scope.readers, level, 'school_stats')) throw new ForbiddenException(refusal(level, ['school_stats']));
    await this.gate.assertVisible(actor, exam);

    const all = papersOfRecord(await this.papers.ofExam(examId));
    const papers = all.filter((p) => scope.subjects === null || scope.subjects.has(p.subject));
    if (!papers.length) throw new ForbiddenException('本次考试没有您任教学科的试卷');
    const ids = [...papers.map((p) => p.id), ...(scope.subjects === null && all.length > 1 ? [TOTAL_PAPER_ID] : [])];
    // Only this school's part is read: the report shows no other school, and a city exam's 200 schools per paper
    // were most of a class report's CPU (read, parsed, anonymised, for nothing).
    const analyses = (await this.analyses.dataOfSchool(examId, ids, school.id)) as StoredAnalysis[];
    if (!analyses.length) throw new NotFoundException('该考试的成绩尚未统计，无法生成班级报告');
    const students = (await this.students.ofClasses(school.id, [classId])).map((s) => ({
      studentId: s.id,
      name: s.name,
      examNo: s.examNo,
    }));
    const studentIds = students.map((s) => s.studentId);
    const results = (
      await this.results.ofStudents(
        papers.map((p) => p.id),
        studentIds,
      )
    ).filter((r) => r.examId === examId);
    const itemIds = analyses
      .filter((a) => a.paper.paperId !== TOTAL_PAPER_ID)
      .flatMap((a) => a.items.map((i) => i.itemId));
    const itemScores = await this.itemScores(examId, itemIds, studentIds);
    const show = {
      scores: mayAny(scope.readers, level, 'score_list'),
      bands: mayAny(scope.readers, level, 'grade_band'),
    };
    const report = buildClassReport({
      examName: exam.name,
      schoolId: school.id,
      schoolName: school.name,
      classId,
      className: cls.name,
      analyses,
      students,
      results: results.map((r) => ({
        paperId: r.paperId,
        studentId: r.studentId,
        total: r.total === null ? null : Number(r.total),
        absent: r.absent,
        unscanned: r.unscanned,
      })),
      itemScores,
      show,
      bandCutoffs: exam.gradeBandCutoffs,
      prior: await this.prior(exam, school.id, studentIds, scope.subjects),
      subjectScope: scope.subjects === null ? null : [...scope.subjects].join('、'),
    });
    await this.audit.record({
      userId: actor.userId,
      action: format === 'pdf' ? 'class_report.download' : 'class_report.view',
      entity: 'school_class',
      entityId: String(classId),
      detail: { examId, readers: scope.readers, shown: show.scores ? 'score_list' : 'grade_band' },
    });
    return { examId, classId, release: await this.gate.markOf(examId), report, noticesAllowed: noticeAllowed(level) };
  }

  async pdfFile(actor: Actor, examId: number, classId: number): Promise<StreamableFile> {
    const { report, release } = await this.report(actor, examId, classId, 'pdf');
    const buf = await this.pdf.render(report, release);
    const filename = `${report.examName}-${report.schoolName}${report.className}-班级报告.pdf`;
    return new StreamableFile(buf, {
      type: 'application/pdf',
      disposition: `attachment; filename="class-report-${examId}-${classId}.pdf"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    });
  }

  private scopeOf(actor: Actor, exam: Exam, schoolId: number, classId: number): ClassScope {
    const readers: Reader[] = [];
    if (actor.isAdminOf(exam.allianceId)) readers.push('admin');
    if (actor.principalSchools(exam.allianceId).includes(schoolId)) readers.push('principal');
    const grants = actor.teacherGrants(exam.allianceId).filter((g) => g.classId === classId && g.schoolId === schoolId);
    if (grants.length) readers.push('teacher');
    const whole = readers.some((r) => r !== 'teacher') || grants.some((g) => g.subject === null);
    return { readers, subjects: whole ? null : new Set(grants.map((g) => g.subject as string)) };
  }

  /** studentId → itemId → final score: the OMR score, overridden by a final_item_score row (as the results job). */
  private async itemScores(examId: number, itemIds: number[], studentIds: number[]) {
    const out = new Map<number, Map<number, number>>();
    await this.uow.run(async (tx) => {
      const put = (r: { studentId: number; itemId: number; score: number }) => {
        let m = out.get(r.studentId);
        if (!m) out.set(r.studentId, (m = new Map()));
        m.set(r.itemId, r.score);
      };
      (await this.objective.scoresOfStudents(tx, examId, itemIds, studentIds)).forEach(put);
      (await this.finalScores.scoresOfStudents(tx, examId, itemIds, studentIds)).forEach(put);
    });
    return out;
  }

  /** The linked prior exam's analyses and these students' totals there, per subject (for 进退步). */
  private async prior(exam: Exam, schoolId: number, studentIds: number[], subjects: Set<string> | null) {
    if (!exam.priorExamId) return null;
    const prior = await this.examRows.findById(exam.priorExamId);
    if (!prior) return null;
    const papers = papersOfRecord(await this.papers.ofExam(prior.id)).filter(
      (p) => subjects === null || subjects.has(p.subject),
    );
    if (!papers.length) return null;
    const subjectOf = new Map(papers.map((p) => [p.id, p.subject]));
    // 进退步 uses the prior alliance's figures only: no other school's part is read.
    const analyses = (await this.analyses.dataOfSchool(
      prior.id,
      papers.map((p) => p.id),
      schoolId,
    )) as StoredAnalysis[];
    const rows = await this.results.ofStudents([...subjectOf.keys()], studentIds);
    return {
      examName: prior.name,
      analyses,
      totals: rows
        .filter((r) => !r.absent && r.total !== null)
        .map((r) => ({ studentId: r.studentId, subject: subjectOf.get(r.paperId)!, total: Number(r.total) })),
    };
  }
}
