// GET /api/counties (the counties the actor reads) and GET /api/counties/:id/comparison (量化考核 of its alliances).
// Only the county's bureau users; only released results (or imported ones, released when first given out); the rule
// of exams/domain/exam-disclosure.ts is asked per exam (the bureau reader's school_comparison and alliance_stats):
// a county route names no single exam, so it cannot carry @Discloses(views, examParam); each exam it reads is
// passed through disclosureFor here instead. The figures are computed by results/domain/county-comparison.ts.
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { type Actor, assertScope } from '../common/actor.js';
import { ExamStatus } from '../exams/entities/exam.entity.js';
import { disclosureFor } from '../exams/exam-disclosure.guard.js';
import { ExamRepository } from '../exams/exam.repository.js';
import { AllianceRepository } from './alliance.repository.js';
import { CountyRepository } from './county.repository.js';
import {
  type ComparisonAlliance,
  type ComparisonExam,
  type CountyComparison,
  countyComparison,
} from '../results/domain/county-comparison.js';
import type { ExamAnalysisData } from '../results/domain/exam-analysis.js';
import type { StoredLongitudinal } from '../results/domain/stored-longitudinal.js';
import { totalLast } from '../results/domain/subject-totals.js';
import { ExamAnalysisRepository } from '../results/exam-analysis.repository.js';
import { ReleaseGate } from '../results/release-gate.js';

export interface CountySummary {
  id: number;
  name: string;
  code: string;
  alliances: { id: number; name: string; code: string }[];
}

export type CountyComparisonResponse = CountyComparison & { county: { id: number; name: string; code: string } };

@Injectable()
export class CountyComparisonService {
  constructor(
    @Inject(CountyRepository) private readonly counties: CountyRepository,
    @Inject(AllianceRepository) private readonly alliances: AllianceRepository,
    @Inject(ExamRepository) private readonly exams: ExamRepository,
    @Inject(ExamAnalysisRepository) private readonly analyses: ExamAnalysisRepository,
    @Inject(ReleaseGate) private readonly gate: ReleaseGate,
  ) {}

  /** The counties of which the actor is a bureau user, with their alliances (empty for everyone else). */
  async mine(actor: Actor): Promise<CountySummary[]> {
    const counties = await this.counties.countiesOf(actor.userId);
    return Promise.all(
      counties.map(async (c) => ({
        id: c.id,
        name: c.name,
        code: c.code,
        alliances: (await this.alliances.ofCounty(c.id)).map((a) => ({ id: a.id, name: a.name, code: a.code })),
      })),
    );
  }

  async comparison(actor: Actor, countyId: number): Promise<CountyComparisonResponse> {
    const county = await this.counties.findById(countyId);
    if (!county) throw new NotFoundException('区县不存在');
    assertScope(await this.counties.isBureauUser(actor.userId, countyId), '无权查看该区县');
    const input: ComparisonAlliance[] = [];
    for (const a of await this.alliances.ofCounty(countyId)) {
      // The bureau grant of this alliance (expanded from the county when the session loaded, so an alliance that
      // joined a moment ago waits for the next session load).
      if (!actor.isBureauOf(a.id)) continue;
      const exams: ComparisonExam[] = [];
      for (const exam of await this.exams.ofAlliance(a.id)) {
        const rule = disclosureFor(actor, exam);
        if (!rule.may('school_comparison') || !rule.may('alliance_stats')) continue;
        const mark = await this.gate.markOf(exam.id);
        if (!mark.released && exam.status !== ExamStatus.Imported) continue;
        const rows = totalLast(await this.analyses.ofExam(exam.id, { classesOf: [] }));
        exams.push({
          examId: exam.id,
          name: exam.name,
          grade: exam.grade,
          examDate: exam.examDate,
          releasedAt: mark.releasedAt,
          outdated: mark.outdated,
          papers: rows.map((r) => {
            const data = r.data as ExamAnalysisData & { longitudinal?: StoredLongitudinal | null };
            return { subject: data.paper.subject, data, longitudinal: data.longitudinal ?? null };
          }),
        });
      }
      input.push({ allianceId: a.id, name: a.name, exams });
    }
    return { county: { id: county.id, name: county.name, code: county.code }, ...countyComparison(input) };
  }
}
