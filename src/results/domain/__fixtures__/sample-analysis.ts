import type { PaperAnalysisInput } from '../exam-analysis.js';
import type { StudentOutcome } from '../student-outcomes.js';

// Two items (max 10 and 20, full marks 30). Schools: L lead urban, M member rural, S member rural (3 students,
// suppressed), C comparison urban. Figures below are worked out by hand in the comments.
export const L = 1;
export const M = 2;
export const S = 3;
export const C = 4;
let nextId = 1;
const complete = (schoolId: number, i1: number, i2: number): StudentOutcome => ({
  studentId: nextId++,
  schoolId,
  status: 'complete',
  total: i1 + i2,
  itemScores: { 101: i1, 102: i2 },
});
const other = (schoolId: number, status: 'absent' | 'incomplete'): StudentOutcome => ({
  studentId: nextId++,
  schoolId,
  status,
  total: null,
  itemScores: {},
});

export function sampleInput(): PaperAnalysisInput {
  const outcomes: StudentOutcome[] = [
    // L totals 30, 24, 24, 18, 15, 12 (sum 123, mean 20.5); item means 7.5 and 13
    ...[
      [10, 20],
      [9, 15],
      [8, 16],
      [7, 11],
      [6, 9],
      [5, 7],
    ].map(([a, b]) => complete(L, a, b)),
    other(L, 'absent'),
    // M totals 14, 17, 14, 9, 6, 12 (sum 72, mean 12); item means 4 and 8
    ...[
      [4, 10],
      [5, 12],
      [6, 8],
      [3, 6],
      [2, 4],
      [4, 8],
    ].map(([a, b]) => complete(M, a, b)),
    other(M, 'incomplete'),
    // S totals 15, 15, 15
    ...[
      [5, 10],
      [5, 10],
      [5, 10],
    ].map(([a, b]) => complete(S, a, b)),
    // C totals 24 × 6
    ...Array.from({ length: 6 }, () => complete(C, 9, 15)),
  ];
  return {
    examId: 7,
    paper: { paperId: 70, subject: '数学', fullMarks: 30 },
    thresholds: { excellent: 0.85, pass: 0.6, low: 0.4 },
    items: [
      { itemId: 101, seq: 1, label: '1', maxScore: 10, knowledgePoints: ['有理数'] },
      { itemId: 102, seq: 2, label: '2', maxScore: 20, knowledgePoints: [] },
    ],
    schools: [
      { schoolId: C, name: '对照中学', kind: 'comparison', locality: 'urban' },
      { schoolId: L, name: '城关中学', kind: 'lead', locality: 'urban' },
      { schoolId: M, name: '河口中学', kind: 'member', locality: 'rural' },
      { schoolId: S, name: '山背小学', kind: 'member', locality: 'rural' },
    ],
    outcomes,
  };
}
