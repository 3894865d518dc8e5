import { analysePaper } from './exam-analysis.js';
import type { StudentOutcome } from './student-outcomes.js';
import { subjectTotalOutcomes, TOTAL_PAPER_ID, totalPaper } from './subject-totals.js';

const complete = (studentId: number, schoolId: number, total: number): StudentOutcome => ({
  studentId,
  schoolId,
  status: 'complete',
  total,
  itemScores: {},
});
const absent = (studentId: number, schoolId: number): StudentOutcome => ({
  studentId,
  schoolId,
  status: 'absent',
  total: null,
  itemScores: {},
});
const incomplete = (studentId: number, schoolId: number): StudentOutcome => ({
  studentId,
  schoolId,
  status: 'incomplete',
  total: null,
  itemScores: {},
});

const unscanned = (studentId: number, schoolId: number): StudentOutcome => ({
  studentId,
  schoolId,
  status: 'unscanned',
  total: null,
  itemScores: {},
});

describe('subjectTotalOutcomes (总分)', () => {
  // prettier-ignore
  const papers = [
    { paperId: 11, subject: '语文', fullMarks: 120 },
    { paperId: 12, subject: '数学', fullMarks: 120.5 },
  ];

  it('adds exact totals for students complete in every subject and keeps the subject totals as items', () => {
    const out = subjectTotalOutcomes(papers, [[complete(1, 7, 88.5)], [complete(1, 7, 0.3)]]);
    expect(out).toEqual([
      { studentId: 1, schoolId: 7, status: 'complete', total: 88.8, itemScores: { 11: 88.5, 12: 0.3 } },
    ]);
  });

  it('counts a student absent from any subject as 缺考 for 总分, and one with a subject unmarked as incomplete', () => {
    const out = subjectTotalOutcomes(papers, [
      [complete(1, 7, 90), absent(2, 7), incomplete(3, 8), absent(4, 8)],
      [absent(1, 7), complete(2, 7, 80), complete(3, 8, 70), absent(4, 8)],
    ]);
    expect(out.map((o) => [o.studentId, o.status, o.total])).toEqual([
      [1, 'absent', null],
      [2, 'absent', null],
      [3, 'incomplete', null],
      [4, 'absent', null],
    ]);
  });

  it('calls a student 未扫描 on a subject (and absent from none) unscanned for 总分; absent wins over unscanned', () => {
    const out = subjectTotalOutcomes(papers, [
      [unscanned(1, 7), unscanned(2, 7), complete(3, 7, 50)],
      [complete(1, 7, 60), absent(2, 7), unscanned(3, 7)],
    ]);
    expect(out.map((o) => [o.studentId, o.status])).toEqual([
      [1, 'unscanned'],
      [2, 'absent'],
      [3, 'unscanned'],
    ]);
  });

  it('treats a student missing from one paper roster as absent from it', () => {
    const out = subjectTotalOutcomes(papers, [[complete(1, 7, 90), complete(2, 7, 50)], [complete(1, 7, 80)]]);
    expect(out.find((o) => o.studentId === 2)!.status).toBe('absent');
  });

  it('feeds analysePaper: 参考率 counts full-subject sitters, subjects are the items', () => {
    const a = Array.from({ length: 8 }, (_, i) => complete(i + 1, 7, 60 + i));
    const b = Array.from({ length: 8 }, (_, i) => (i === 7 ? absent(i + 1, 7) : complete(i + 1, 7, 100 - i)));
    const outcomes = subjectTotalOutcomes(papers, [a, b]);
    const { paper, items } = totalPaper(papers);
    expect(paper).toEqual({ paperId: TOTAL_PAPER_ID, subject: '总分', fullMarks: 240.5 });
    const d = analysePaper({
      examId: 1,
      paper,
      thresholds: { excellent: 0.85, pass: 0.6, low: 0.4 },
      items,
      schools: [{ schoolId: 7, name: '一中', kind: 'lead', locality: 'urban' }],
      outcomes,
    });
    // 7 sat both: totals 160 each (60+i + 100−i)
    expect(d.alliance).toMatchObject({ roster: 8, absent: 1, n: 7, participationRate: 0.875 });
    expect(d.alliance.summary).toMatchObject({ mean: 160, sd: 0 });
    expect(d.alliance.items!.map((x) => x.mean)).toEqual([63, 97]);
  });
});
