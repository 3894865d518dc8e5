import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { Role } from '../auth/entities/user-role.entity.js';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLog } from '../common/entities/audit-log.entity.js';
import { Exam } from '../exams/entities/exam.entity.js';
import { Item } from '../exams/entities/item.entity.js';
import { Paper } from '../exams/entities/paper.entity.js';
import { School, SchoolKind } from '../org/entities/school.entity.js';
import { JobProducer } from '../queue/job-producer.js';
import { ReportStatus } from '../reports/entities/report.entity.js';
import { PageStatus } from '../scans/entities/scanned-page.entity.js';
import { analysePaper, ExamAnalysisData, LocalityName, SchoolKindName } from './domain/exam-analysis.js';
import { principalView, PrincipalAnalysisView } from './domain/principal-view.js';
import { OutcomeStatus, resolveOutcomes } from './domain/student-outcomes.js';
import { ExamAnalysis } from './entities/exam-analysis.entity.js';
import { ScoreSource } from './entities/final-item-score.entity.js';
import { StudentResult } from './entities/student-result.entity.js';

/** Rule version of objective final scores: the OMR score by the answer key, taken as is. */
export const OBJECTIVE_RULE_VERSION = 'key-v1';
const CHUNK = 500;

export interface ComputeSummary {
  examId: number;
  papers: { paperId: number; subject: string; roster: number; absent: number; incomplete: number; included: number }[];
  reportsQueued: number[];
}

export interface AnalysisResponse {
  examId: number;
  examName: string;
  /** 'admin': every unit with school names; 'principal': own school(s) + aggregates + others anonymised. */
  view: 'admin' | 'principal';
  papers: ((ExamAnalysisData | PrincipalAnalysisView) & { computedAt: Date })[];
}

/** One row per student × paper of the school (one row per student for a one-paper exam). No ranks. */
export interface SchoolStudentRow {
  studentId: number;
  examNo: string;
  name: string;
  className: string;
  paperId: number;
  subject: string;
  /** 'not_computed' until the results job has run for the paper. */
  status: OutcomeStatus | 'not_computed';
  absent: boolean;
  total: number | null;
}

function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

@Injectable()
export class ResultsService {
  private readonly logger = new Logger('ResultsService');

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(JobProducer) private readonly jobs: JobProducer,
  ) {}

  private async examOrThrow(examId: number): Promise<Exam> {
    const exam = await this.ds.getRepository(Exam).findOneBy({ id: examId });
    if (!exam) throw new NotFoundException('考试不存在');
    return exam;
  }

  /** POST /api/exams/:id/results/compute: enqueue (debounced by the producer; the job itself is idempotent). */
  async requestCompute(actor: Actor, examId: number) {
    const exam = await this.examOrThrow(examId);
    assertScope(actor.isAdminOf(exam.allianceId), '只有本联盟的管理员可以计算成绩');
    await this.jobs.computeResults(examId);
    return { examId, status: 'queued' as const };
  }

  /**
   * The results job. Idempotent: every write is an upsert on a natural key, so running it twice gives
   * the same rows. Per paper: objective final scores, student totals, the analysis; then one report
   * job per alliance school.
   */
  async computeExam(examId: number): Promise<ComputeSummary> {
    const exam = await this.examOrThrow(examId);
    const papers = await this.ds.getRepository(Paper).find({ where: { examId }, order: { id: 'ASC' } });
    const schools = await this.ds.getRepository(School).find({ where: { allianceId: exam.allianceId }, order: { id: 'ASC' } });
    const roster = await this.roster(exam);
    const summary: ComputeSummary = { examId, papers: [], reportsQueued: [] };

    for (const paper of papers) {
      await this.ds.transaction(async (m) => {
        await this.upsertObjectiveScores(m, examId, paper.id);
        const items = await m.getRepository(Item).find({ where: { paperId: paper.id }, order: { seq: 'ASC' } });
        const pages: { studentId: number; processed: string | number }[] = await m.query(
          'SELECT student_id AS studentId, MAX(status = ?) AS processed FROM scanned_page WHERE exam_id = ? AND paper_id = ? AND student_id IS NOT NULL GROUP BY student_id',
          [PageStatus.Processed, examId, paper.id],
        );
        const scores: { studentId: number; itemId: number; score: string }[] = await m.query(
          'SELECT f.student_id AS studentId, f.item_id AS itemId, f.score AS score FROM final_item_score f JOIN item i ON i.id = f.item_id WHERE i.paper_id = ?',
          [paper.id],
        );
        const outcomes = resolveOutcomes({
          roster,
          processed: new Set(pages.filter((p) => Number(p.processed) === 1).map((p) => Number(p.studentId))),
          pending: new Set(pages.filter((p) => Number(p.processed) !== 1).map((p) => Number(p.studentId))),
          itemIds: items.map((i) => i.id),
          scores: scores.map((s) => ({ studentId: Number(s.studentId), itemId: Number(s.itemId), score: Number(s.score) })),
        });
        await this.upsertStudentResults(m, examId, paper.id, outcomes);

        const data = analysePaper({
          examId,
          paper: { paperId: paper.id, subject: paper.subject, fullMarks: paper.fullMarks },
          thresholds: { excellent: exam.excellentRatio, pass: exam.passRatio, low: exam.lowRatio },
          items: items.map((i) => ({ itemId: i.id, seq: i.seq, label: i.label, maxScore: i.maxScore, knowledgePoints: i.knowledgePoints ?? [] })),
          schools: schools.map((s) => ({ schoolId: s.id, name: s.name, kind: s.kind as SchoolKindName, locality: s.locality as LocalityName })),
          outcomes,
        });
        await m.query(
          'INSERT INTO exam_analysis (exam_id, paper_id, data) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE data = VALUES(data), computed_at = CURRENT_TIMESTAMP(6)',
          [examId, paper.id, JSON.stringify(data)],
        );
        const count = (s: OutcomeStatus) => outcomes.filter((o) => o.status === s).length;
        summary.papers.push({ paperId: paper.id, subject: paper.subject, roster: outcomes.length, absent: count('absent'), incomplete: count('incomplete'), included: count('complete') });
      });
    }

    // One diagnostic report per alliance school; comparison schools are outside the alliance and get none.
    if (papers.length) {
      for (const s of schools.filter((x) => x.kind !== SchoolKind.Comparison)) {
        await this.ds.query(
          'INSERT INTO report (exam_id, school_id, status) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE status = VALUES(status), error = NULL',
          [examId, s.id, ReportStatus.Queued],
        );
        await this.jobs.renderReport(examId, s.id);
        summary.reportsQueued.push(s.id);
      }
    }
    this.logger.log(`results of exam ${examId}: ${JSON.stringify(summary.papers)}`);
    return summary;
  }

  /**
   * Roster students of the alliance's schools. When the exam names a grade, only classes of that grade
   * (or classes without a grade) sit it: other grades are not 缺考.
   */
  private async roster(exam: Exam): Promise<{ studentId: number; schoolId: number }[]> {
    const grade = gradeClause(exam);
    const rows: { studentId: number; schoolId: number }[] = await this.ds.query(
      `SELECT st.id AS studentId, st.school_id AS schoolId FROM student st JOIN school sc ON sc.id = st.school_id JOIN school_class c ON c.id = st.class_id WHERE sc.alliance_id = ?${grade.sql} ORDER BY st.id`,
      [exam.allianceId, ...grade.params],
    );
    return rows.map((r) => ({ studentId: Number(r.studentId), schoolId: Number(r.schoolId) }));
  }

  /** Objective final scores are the OMR scores; a score set by marking (e.g. a correction) is never overwritten. */
  private async upsertObjectiveScores(m: EntityManager, examId: number, paperId: number) {
    await m.query(
      `INSERT INTO final_item_score (exam_id, paper_id, student_id, item_id, score, source, rule_version)
       SELECT o.exam_id, i.paper_id, o.student_id, o.item_id, o.score, ?, ?
       FROM objective_response o JOIN item i ON i.id = o.item_id
       WHERE o.exam_id = ? AND i.paper_id = ?
       ON DUPLICATE KEY UPDATE
         score = IF(final_item_score.source = VALUES(source), VALUES(score), final_item_score.score),
         rule_version = IF(final_item_score.source = VALUES(source), VALUES(rule_version), final_item_score.rule_version)`,
      [ScoreSource.Objective, OBJECTIVE_RULE_VERSION, examId, paperId],
    );
  }

  private async upsertStudentResults(m: EntityManager, examId: number, paperId: number, outcomes: ReturnType<typeof resolveOutcomes>) {
    for (const part of chunks(outcomes)) {
      const values = part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ');
      const params = part.flatMap((o) => [examId, paperId, o.studentId, o.schoolId, o.total, o.status === 'absent' ? 1 : 0]);
      await m.query(
        `INSERT INTO student_result (exam_id, paper_id, student_id, school_id, total, absent) VALUES ${values}
         ON DUPLICATE KEY UPDATE exam_id = VALUES(exam_id), school_id = VALUES(school_id), total = VALUES(total), absent = VALUES(absent)`,
        params,
      );
    }
    // Students no longer on the roster (moved, removed from the grade) lose their row.
    const keep = new Set(outcomes.map((o) => o.studentId));
    const existing: { studentId: number }[] = await m.query('SELECT student_id AS studentId FROM student_result WHERE paper_id = ?', [paperId]);
    const stale = existing.map((r) => Number(r.studentId)).filter((id) => !keep.has(id));
    for (const part of chunks(stale)) await m.getRepository(StudentResult).delete({ paperId, studentId: In(part) });
  }

  /** GET /api/exams/:id/analysis. Admin: everything. Principal: own school + aggregates + others anonymised. */
  async analysisFor(actor: Actor, examId: number): Promise<AnalysisResponse> {
    const exam = await this.examOrThrow(examId);
    const isAdmin = actor.isAdminOf(exam.allianceId);
    const own = principalSchools(actor, exam.allianceId);
    assertScope(isAdmin || own.length > 0, '无权查看该考试的成绩分析');
    const rows = await this.ds.getRepository(ExamAnalysis).find({ where: { examId }, order: { paperId: 'ASC' } });
    if (!rows.length) throw new NotFoundException('该考试的成绩尚未统计，请先计算成绩');
    return {
      examId,
      examName: exam.name,
      view: isAdmin ? 'admin' : 'principal',
      papers: rows.map((r) => {
        const data = r.data as ExamAnalysisData;
        return { ...(isAdmin ? data : principalView(data, own)), computedAt: r.computedAt };
      }),
    };
  }

  /** GET /api/exams/:id/schools/:schoolId/students: one school's own students (no ranks). Every access is audited. */
  async schoolStudents(actor: Actor, examId: number, schoolId: number): Promise<SchoolStudentRow[]> {
    const exam = await this.examOrThrow(examId);
    assertScope(actor.canActForSchool(Role.Principal, exam.allianceId, schoolId), '无权查看其他学校的学生成绩');
    const school = await this.ds.getRepository(School).findOneBy({ id: schoolId, allianceId: exam.allianceId });
    if (!school) throw new NotFoundException('学校不存在');
    const papers = await this.ds.getRepository(Paper).find({ where: { examId }, order: { id: 'ASC' } });
    const grade = gradeClause(exam);
    const students: { studentId: number; examNo: string; name: string; className: string }[] = await this.ds.query(
      `SELECT st.id AS studentId, st.exam_no AS examNo, st.name AS name, c.name AS className FROM student st JOIN school_class c ON c.id = st.class_id WHERE st.school_id = ?${grade.sql} ORDER BY c.name, st.exam_no`,
      [schoolId, ...grade.params],
    );
    const results = papers.length
      ? await this.ds.getRepository(StudentResult).find({ where: { examId, schoolId, paperId: In(papers.map((p) => p.id)) } })
      : [];
    const byKey = new Map(results.map((r) => [`${r.paperId}:${r.studentId}`, r]));
    await this.ds.getRepository(AuditLog).insert({
      userId: actor.userId,
      action: 'results.students.view',
      entity: 'school',
      entityId: String(schoolId),
      detail: { examId, students: students.length },
    });
    return students.flatMap((st) =>
      papers.map((p) => {
        const r = byKey.get(`${p.id}:${Number(st.studentId)}`);
        const status: SchoolStudentRow['status'] = !r ? 'not_computed' : r.absent ? 'absent' : r.total === null ? 'incomplete' : 'complete';
        return { studentId: Number(st.studentId), examNo: st.examNo, name: st.name, className: st.className, paperId: p.id, subject: p.subject, status, absent: r?.absent ?? false, total: r?.total ?? null };
      }),
    );
  }
}

/** Restricts a roster query (class alias c) to the exam's grade, if it names one. */
function gradeClause(exam: Exam): { sql: string; params: string[] } {
  return exam.grade ? { sql: " AND (c.grade = ? OR c.grade = '')", params: [exam.grade] } : { sql: '', params: [] };
}

/** Schools of the alliance for which the actor holds the principal role. */
export function principalSchools(actor: Actor, allianceId: number): number[] {
  return [...new Set(actor.grants.filter((g) => g.role === Role.Principal && g.allianceId === allianceId && g.schoolId !== null).map((g) => g.schoolId as number))];
}
