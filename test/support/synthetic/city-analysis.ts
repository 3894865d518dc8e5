// A city-sized paper analysis, built by the real analysePaper from a generated cohort (synthetic-cohort.ts): schools ×
// classes per school × items, with option marks on the 0/1 items (so option shares are in it, as in a scanned exam).
// Used to measure how large the stored analysis gets (stored-analysis.spec.ts).
import { analysePaper, type ExamAnalysisData } from '../../../src/results/domain/exam-analysis.js';
import type { StudentOutcome } from '../../../src/results/domain/student-outcomes.js';
import { generateCohort } from './synthetic-cohort.js';

export interface CityOptions {
  schools: number;
  classesPerSchool: number;
  items: number;
  /** Students per class (default 50; a class needs more than 5 for figures). */
  perClass?: number;
  seed?: number;
}

export function cityAnalysis(o: CityOptions): ExamAnalysisData {
  const perClass = o.perClass ?? 50;
  const size = perClass * o.classesPerSchool;
  const cohort = generateCohort({
    seed: o.seed ?? 1,
    schools: o.schools,
    schoolSize: { min: size, max: size },
    items: o.items,
  });
  const items = cohort.current.items.map((it, j) => ({
    itemId: 1000 + j,
    seq: it.seq,
    label: String(it.seq),
    maxScore: it.maxScore,
    knowledgePoints: [`知识点${(j % 6) + 1}`],
    type: it.maxScore === 1 ? 'single_choice' : 'short_answer',
    choice: it.maxScore === 1 ? { optionCount: 4, key: 'A', multiple: false } : null,
  }));
  const classes = new Map<number, string>();
  const outcomes: StudentOutcome[] = [];
  const marked = new Map<number, Record<number, string>>();
  for (const s of cohort.students) {
    const classId = s.school * o.classesPerSchool + (s.index % o.classesPerSchool) + 1;
    classes.set(classId, `${(s.index % o.classesPerSchool) + 1}班`);
    const studentId = s.index + 1;
    const schoolId = s.school + 1;
    if (s.absentNow) {
      outcomes.push({ studentId, schoolId, classId, status: 'absent', total: null, itemScores: {} });
      continue;
    }
    const itemScores: Record<number, number> = {};
    const marks: Record<number, string> = {};
    let total = 0;
    items.forEach((it, j) => {
      const score = cohort.current.scores[s.index * o.items + j];
      itemScores[it.itemId] = score;
      total += score;
      if (it.choice) marks[it.itemId] = score ? 'A' : 'BCD'[s.index % 3];
    });
    marked.set(studentId, marks);
    outcomes.push({ studentId, schoolId, classId, status: 'complete', total, itemScores });
  }
  return analysePaper({
    examId: 1,
    paper: { paperId: 1, subject: '数学', fullMarks: cohort.current.fullMarks },
    thresholds: { excellent: 0.85, pass: 0.6, low: 0.4 },
    items,
    schools: cohort.schools.map((s) => ({
      schoolId: s.index + 1,
      name: `第${s.index + 1}中学`,
      kind: s.kind,
      locality: s.locality,
    })),
    outcomes,
    marked,
    classes,
  });
}
