// 总分 (multi-subject total) of an exam with several papers: one student outcome per roster student from the
// per-paper outcomes, analysed like a paper whose "items" are the subjects. Pure.
//
// Who counts (common practice in Chinese unified exams, stated in every output as TOTAL_RULE):
//  - complete: complete on every paper; total = sum of the paper totals (exact, in cents);
//  - absent (缺考): absent from at least one paper, so 参考率 of 总分 is the share who sat every subject;
//  - unscanned (未扫描): no sheet and no 缺考 mark on some paper (and absent from none);
//  - incomplete: sat every paper but some paper is not fully marked yet (or still in the exceptions queue).
import type { StudentOutcome } from './student-outcomes.js';

/** exam_analysis.paper_id of the 总分 analysis (no paper has id 0). */
export const TOTAL_PAPER_ID = 0;
export const TOTAL_SUBJECT = '总分';
export const TOTAL_RULE =
  '总分 = 各科成绩之和，只统计全科参考且各科均已评完的学生；任一科缺考的学生计为总分缺考，不计入总分统计，总分参考率按全科参考人数计算；有科目尚未评完的学生暂不计入。';

export interface SubjectPaper {
  paperId: number;
  subject: string;
  fullMarks: number;
}

/**
 * Combines the outcomes of several papers (each over the same roster) into 总分 outcomes. itemScores holds the
 * paper totals keyed by paper id, so the subjects play the part of items (per-subject means of the 总分 cohort).
 */
export function subjectTotalOutcomes(
  papers: readonly SubjectPaper[],
  outcomesByPaper: readonly (readonly StudentOutcome[])[],
): StudentOutcome[] {
  if (papers.length !== outcomesByPaper.length) throw new Error('one outcome list per paper');
  const byPaper = outcomesByPaper.map((list) => new Map(list.map((o) => [o.studentId, o])));
  const roster = new Map<number, { studentId: number; schoolId: number; classId?: number }>();
  for (const list of outcomesByPaper)
    for (const o of list)
      if (!roster.has(o.studentId))
        roster.set(
          o.studentId,
          o.classId === undefined
            ? { studentId: o.studentId, schoolId: o.schoolId }
            : { studentId: o.studentId, schoolId: o.schoolId, classId: o.classId },
        );
  const out: StudentOutcome[] = [];
  for (const [studentId, who] of roster) {
    const mine = byPaper.map((m) => m.get(studentId));
    // Not on a paper's roster at all counts as not having sat it.
    if (mine.some((o) => !o || o.status === 'absent')) {
      out.push({ ...who, status: 'absent', total: null, itemScores: {} });
      continue;
    }
    if (mine.some((o) => o!.status === 'unscanned')) {
      out.push({ ...who, status: 'unscanned', total: null, itemScores: {} });
      continue;
    }
    if (mine.some((o) => o!.status !== 'complete')) {
      out.push({ ...who, status: 'incomplete', total: null, itemScores: {} });
      continue;
    }
    let cents = 0;
    const itemScores: Record<number, number> = {};
    papers.forEach((p, j) => {
      const t = mine[j]!.total as number;
      itemScores[p.paperId] = t;
      cents += Math.round(t * 100);
    });
    out.push({ ...who, status: 'complete', total: cents / 100, itemScores });
  }
  return out;
}

/** The combined "paper" of the 总分 analysis: full marks add up, each subject is one item. */
export function totalPaper(papers: readonly SubjectPaper[]) {
  const fullCents = papers.reduce((a, p) => a + Math.round(p.fullMarks * 100), 0);
  return {
    paper: { paperId: TOTAL_PAPER_ID, subject: TOTAL_SUBJECT, fullMarks: fullCents / 100 },
    items: papers.map((p, i) => ({
      itemId: p.paperId,
      seq: i + 1,
      label: p.subject,
      maxScore: p.fullMarks,
      knowledgePoints: [] as string[],
      choice: null,
    })),
  };
}

/** Paper analyses in paper order, then the 总分 analysis (paper id 0) of a several-subject exam. */
export function totalLast<T extends { paperId: number }>(rows: readonly T[]): T[] {
  return [...rows.filter((r) => r.paperId !== TOTAL_PAPER_ID), ...rows.filter((r) => r.paperId === TOTAL_PAPER_ID)];
}
