// A generated exam for the alliance overview's tests (domain and PDF): see the comment below.
import { analysePaper, type ItemInfo, type PaperAnalysisInput } from '../../../results/domain/exam-analysis.js';
import type { StudentOutcome } from '../../../results/domain/student-outcomes.js';
import type { OverviewAnalysis } from '../alliance-overview.js';

// Four alliance schools (two urban, two rural, 60 students each) and one comparison school, a paper of 40 marks.
// Built in: 乡村一中 weak on 函数 and 城区一中 strong on it; 乡村二中 weak on 方程 and 城区二中 strong on it;
// item 2's key is C but strong students mark D (a wrong key); 统计 carries 1 mark of 40 (thin).
export const U1 = 1;
export const U2 = 2;
export const R1 = 3;
export const R2 = 4;
export const C = 5;
const ITEMS: ItemInfo[] = [
  {
    itemId: 11,
    seq: 1,
    label: '1',
    maxScore: 3,
    knowledgePoints: ['有理数'],
    type: 'single_choice',
    choice: { optionCount: 4, key: 'B', multiple: false },
  },
  {
    itemId: 12,
    seq: 2,
    label: '2',
    maxScore: 3,
    knowledgePoints: ['整式'],
    type: 'single_choice',
    choice: { optionCount: 4, key: 'C', multiple: false },
  },
  { itemId: 13, seq: 3, label: '3', maxScore: 4, knowledgePoints: ['函数'], type: 'fill_blank' },
  { itemId: 14, seq: 4, label: '4', maxScore: 10, knowledgePoints: ['函数'], type: 'short_answer' },
  { itemId: 15, seq: 5, label: '5', maxScore: 10, knowledgePoints: ['方程'], type: 'short_answer' },
  { itemId: 17, seq: 7, label: '7', maxScore: 9, knowledgePoints: ['几何'], type: 'short_answer' },
  { itemId: 16, seq: 6, label: '6', maxScore: 1, knowledgePoints: ['统计'], type: 'fill_blank' },
];
const EFFECT: Record<number, Record<string, number>> = {
  [U1]: { 函数: 1.2 },
  [U2]: { 方程: 1.2 },
  [R1]: { 函数: -1.2 },
  [R2]: { 方程: -1.2 },
};

function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function input(): PaperAnalysisInput {
  const rnd = seeded(17);
  const outcomes: StudentOutcome[] = [];
  const marked = new Map<number, Record<number, string>>();
  let id = 1;
  for (const schoolId of [U1, U2, R1, R2, C]) {
    for (let k = 0; k < 60; k++) {
      const theta = (rnd() + rnd() + rnd() - 1.5) * 2;
      const scores: Record<number, number> = {};
      const m: Record<number, string> = {};
      for (const it of ITEMS) {
        const kp = it.knowledgePoints[0];
        const logit = theta + (EFFECT[schoolId]?.[kp] ?? 0);
        const p = 1 / (1 + Math.exp(-logit));
        if (it.itemId === 12) {
          // Strong students mark D, which the wrong key scores 0.
          const mark = theta > 0.3 ? 'D' : rnd() < 0.5 ? 'C' : 'A';
          m[12] = mark;
          scores[12] = mark === 'C' ? 3 : 0;
        } else if (it.itemId === 11) {
          const right = rnd() < p;
          m[11] = right ? 'B' : 'A';
          scores[11] = right ? 3 : 0;
        } else {
          let s = 0;
          for (let j = 0; j < it.maxScore; j++) if (rnd() < p) s++;
          scores[it.itemId] = s;
        }
      }
      const total = Object.values(scores).reduce((a, b) => a + b, 0);
      outcomes.push({ studentId: id, schoolId, status: 'complete', total, itemScores: scores });
      marked.set(id, m);
      id++;
    }
  }
  return {
    examId: 9,
    paper: { paperId: 7, subject: '数学', fullMarks: 40 },
    thresholds: { excellent: 0.85, pass: 0.6, low: 0.4 },
    items: ITEMS,
    schools: [
      { schoolId: U1, name: '城区一中', kind: 'lead', locality: 'urban' },
      { schoolId: U2, name: '城区二中', kind: 'member', locality: 'urban' },
      { schoolId: R1, name: '乡村一中', kind: 'member', locality: 'rural' },
      { schoolId: R2, name: '乡村二中', kind: 'member', locality: 'rural' },
      { schoolId: C, name: '县实验中学', kind: 'comparison', locality: 'urban' },
    ],
    outcomes,
    marked,
  };
}

const va = (schoolId: number, v: number, lo: number, hi: number) => ({
  schoolId,
  nCurrent: 60,
  matched: 60,
  matchRate: 1,
  suppressed: false,
  unreliable: false,
  zPrior: null,
  zNow: null,
  deltaZ: null,
  ratioPrior: null,
  ratioNow: null,
  deltaRatio: null,
  tIndexPrior: null,
  tIndexNow: null,
  deltaTIndex: null,
  va: v,
  se: 1,
  ciLow: lo,
  ciHigh: hi,
  shrinkage: 0.8,
  vaShrunk: v * 0.8,
  shrunkLow: lo * 0.8,
  shrunkHigh: hi * 0.8,
  improvement: null,
});

export function stored(): OverviewAnalysis {
  const data = analysePaper(input()) as OverviewAnalysis;
  data.longitudinal = {
    version: 2,
    method: { model: '', estimand: '', reliability: '', schoolVa: '', shrinkage: '', verdict: '' } as never,
    improvementFormula: { name: 'va', description: '' } as never,
    nCurrent: 240,
    matched: 240,
    matchRate: 1,
    regression: null,
    tau2: 1,
    schools: [va(U1, 2.1, 0.4, 3.8), va(U2, 0.3, -1.2, 1.8), va(R1, -2.5, -4.1, -0.9), va(R2, 0.1, -1.5, 1.7)],
    priorExamId: 8,
    priorExamName: '七年级上期末',
    priorPaperId: 6,
  };
  return data;
}
