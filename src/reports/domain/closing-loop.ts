// Closing the loop (issue 14 §8): the knowledge points the prior report flagged as weaknesses, revisited: better, the
// same, or worse, judged like the findings (against the school's own level), so a school that rose overall is not
// praised for a point that merely rose with it. Pure.
import type { UnitAnalysis } from '../../results/domain/exam-analysis.js';
import { principalView, type AggregateView, type ViewedUnit } from '../../results/domain/principal-view.js';
import { TOTAL_PAPER_ID } from '../../results/domain/subject-totals.js';
import type { ReportTable } from './diagnosis-tables.js';
import { judgeGroups } from './expectation.js';
import { expectationInput, paperFindings } from './findings.js';
import { signedPoints, wholePercent } from './format.js';
import type { SchoolReportInput, StoredAnalysis } from './school-report.js';

export interface LoopSection {
  lines: string[];
  table: ReportTable | null;
}

/** A change of the gap to expectation of at least this share of the point's marks counts as better or worse. */
export const LOOP_CHANGE = 0.05;

export type LoopOutcome = 'better' | 'same' | 'worse' | 'resolved' | 'absent';

export const LOOP_WORDS: Record<LoopOutcome, string> = {
  resolved: '已补上（不再是短板）',
  better: '好转，仍是短板',
  same: '没有变化',
  worse: '变差',
  absent: '本次未考查',
};

/** Outcome from the gaps (school − expected, as rates) then and now, and whether it is still a finding now. */
export function loopOutcome(gapThen: number, gapNow: number | null, stillFlagged: boolean): LoopOutcome {
  if (gapNow === null) return 'absent';
  const change = gapNow - gapThen;
  if (!stillFlagged && change > 0) return 'resolved';
  if (change >= LOOP_CHANGE) return 'better';
  if (change <= -LOOP_CHANGE) return 'worse';
  return 'same';
}

function priorOf(prior: StoredAnalysis[], data: StoredAnalysis): StoredAnalysis | undefined {
  const papers = prior.filter((a) => a.paper.paperId !== TOTAL_PAPER_ID);
  return papers.find((a) => a.paper.subject === data.paper.subject) ?? (papers.length === 1 ? papers[0] : undefined);
}

export function closingTheLoop(
  input: Pick<SchoolReportInput, 'prior' | 'schoolId'>,
  data: StoredAnalysis,
  school: ViewedUnit,
  alliance: AggregateView,
): LoopSection | null {
  if (!input.prior) return null;
  const head = `回看上次考试（${input.prior.examName}）指出的短板：`;
  const prior = priorOf(input.prior.analyses, data);
  if (!prior || !prior.items.length)
    return { lines: [`${head}上次考试没有本学科的逐题成绩（例如只导入了总分），无法回看知识点。`], table: null };
  const pv = principalView(prior, [input.schoolId]);
  const ps = pv.ownSchools[0];
  if (!ps || ps.suppressed) return { lines: [`${head}上次本校计入统计的人数过少，无法回看。`], table: null };
  const flagged = paperFindings(prior.paper.subject, prior.paper.fullMarks, prior.items, ps, pv.alliance).filter(
    (f) => f.kind === 'weakness' && f.target === 'knowledge_point' && f.certainty !== 'possible',
  );
  if (!flagged.length) return { lines: [`${head}上次报告没有指出知识点短板。`], table: null };
  const now = expectationInput(data.paper.subject, data.paper.fullMarks, data.items, school, alliance, 'item');
  const judged = now ? judgeGroups(now).judgements.filter((j) => j.kind === 'knowledge_point') : [];
  const rows = flagged.map((f) => {
    const j = judged.find((x) => x.key === f.knowledgePoint);
    const gapThen = f.schoolRate - f.expectedRate;
    const gapNow = j ? j.schoolRate - j.expectedRate : null;
    const outcome = loopOutcome(gapThen, gapNow, !!j && j.certainty !== null && j.gapPoints < 0);
    return [
      f.knowledgePoint ?? f.label,
      `${wholePercent(f.schoolRate)} / ${wholePercent(f.expectedRate)}`,
      j ? `${wholePercent(j.schoolRate)} / ${wholePercent(j.expectedRate)}` : '—',
      gapNow === null ? '—' : `${signedPoints((gapNow - gapThen) * 100)}个百分点`,
      LOOP_WORDS[outcome],
    ];
  });
  return {
    lines: [`${head}以下知识点上次低于本校自身水平的预期；表中比较的是“本校得分率与预期之差”的变化。`],
    table: { header: ['知识点', '上次 本校/预期', '本次 本校/预期', '差距变化', '结论'], rows },
  };
}
