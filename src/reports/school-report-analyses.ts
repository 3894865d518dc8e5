// The stored analyses a school report is drawn from, read once per exam and worker. A worker renders the reports of
// every school of an exam one after the other, and each needs every school's figures of every paper (and of the prior
// exam's): read and parsed per report, that was 1,000 JSON values for 200 schools, and their garbage. Now the worker
// keeps the analyses without classes for the exam's computed version (and time) and adds one school's classes a report.
import { Inject, Injectable } from '@nestjs/common';
import { withSchoolClasses } from '../results/domain/stored-analysis.js';
import { ExamAnalysisRepository } from '../results/exam-analysis.repository.js';

/** Reads kept: the current exam's and its prior's, and a pair more while a worker moves on to another exam. */
const KEPT = 4;

interface SharedRow {
  readonly paperId: number;
  readonly data: unknown;
}

@Injectable()
export class SchoolReportAnalyses {
  private readonly kept: { key: string; rows: Promise<readonly SharedRow[]> }[] = [];

  constructor(@Inject(ExamAnalysisRepository) private readonly analyses: ExamAnalysisRepository) {}

  /**
   * The papers' stored analyses with this school's classes only: what ExamAnalysisRepository.dataOf gives with
   * `classesOf` [schoolId]. The shared part is frozen: a report that changed it would throw, not change another's.
   */
  async dataOf(examId: number, paperIds: number[], schoolId: number): Promise<unknown[]> {
    if (!paperIds.length) return [];
    const version = await this.analyses.computedVersion(examId);
    if (!version) return [];
    const key = `${examId}/${paperIds.join(',')}/${version.version}/${version.at.getTime()}`;
    const [shared, own] = await Promise.all([
      this.shared(key, examId, paperIds),
      this.analyses.schoolParts(examId, schoolId, paperIds),
    ]);
    const out: unknown[] = [];
    for (const r of shared) {
      const part = own.get(r.paperId);
      // A paper stored before the split keeps its classes inline, and has no school rows: read as it is stored.
      if (!part && hasSchool(r.data, schoolId))
        return this.analyses.dataOf(examId, paperIds, { classesOf: [schoolId] });
      out.push(withSchoolClasses(r.data, schoolId, part?.classes ?? null));
    }
    return out;
  }

  private shared(key: string, examId: number, paperIds: number[]): Promise<readonly SharedRow[]> {
    let kept = this.kept.find((k) => k.key === key);
    if (!kept) {
      const rows = this.analyses
        .rowsOf(examId, paperIds, { classesOf: [] })
        .then((rs) => deepFreeze(rs.map((r) => ({ paperId: r.paperId, data: r.data }))));
      kept = { key, rows };
      const entry = kept;
      // A failed read is not kept: the next report reads again.
      rows.catch(() => this.kept.splice(this.kept.indexOf(entry) >>> 0, 1));
      this.kept.unshift(kept);
      this.kept.splice(KEPT);
    }
    return kept.rows;
  }
}

function hasSchool(data: unknown, schoolId: number): boolean {
  const schools = (data as { schools?: { schoolId: number }[] } | null)?.schools;
  return Array.isArray(schools) && schools.some((s) => s.schoolId === schoolId);
}

function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}
