import { ExamKind, type ExamLevel } from '../../exams/domain/exam-disclosure.js';
import {
  itemMark,
  knowledgeNotes,
  noticeAllowed,
  type NoticeInput,
  type NoticeItemInput,
  type NoticeSubjectInput,
  ownRates,
  showsOwnScore,
  studentNotice,
  totalResult,
} from './student-notice.js';

const MONITORING_7: ExamLevel = { kind: ExamKind.QualityMonitoring, gradeYear: 7 };
const GRADUATION_9: ExamLevel = { kind: ExamKind.Graduation, gradeYear: 9 };
const JOINT_11: ExamLevel = { kind: ExamKind.Joint, gradeYear: 11 };
const MONITORING_11: ExamLevel = { kind: ExamKind.QualityMonitoring, gradeYear: 11 };

const item = (itemId: number, maxScore: number, score: number | null, kps: string[]): NoticeItemInput => ({
  itemId,
  label: String(itemId),
  maxScore,
  knowledgePoints: kps,
  score,
});

const items = [
  item(1, 4, 4, ['有理数']),
  item(2, 4, 4, ['有理数']),
  item(3, 6, 1, ['方程']),
  item(4, 6, 2, ['方程', '应用题']),
  item(5, 10, 7, ['几何']),
];

const subject = (over: Partial<NoticeSubjectInput> = {}): NoticeSubjectInput => ({
  paperId: 11,
  subject: '数学',
  fullMarks: 30,
  result: { total: 18, absent: false, unscanned: false },
  items,
  allianceRates: new Map([
    ['有理数', 0.8],
    ['方程', 0.6],
    ['应用题', 0.5],
    ['几何', 0.65],
  ]),
  ...over,
});

const input = (level: ExamLevel, subjects: NoticeSubjectInput[] = [subject()]): NoticeInput => ({
  exam: { name: '2026 秋季学业质量监测', level, cutoffs: [0.85, 0.7, 0.6] },
  student: { name: '张小明', schoolName: '何店镇中学', className: '七(1)班' },
  subjects,
});

describe('which notices the rule table allows', () => {
  it.each([
    ['学业质量监测·七年级', MONITORING_7, true, false],
    ['学业质量监测·高二', MONITORING_11, true, false],
    ['毕业年级统一考试·九年级', GRADUATION_9, true, false],
    ['校际联考·高二', JOINT_11, true, true],
  ])('%s: notice %s, own score %s', (_name, level, allowed, score) => {
    expect(noticeAllowed(level)).toBe(allowed);
    expect(showsOwnScore(level)).toBe(score);
  });
});

describe('the student notice', () => {
  it('gives 等级 only where the rule says so: no score, no full marks, no points per item, no rates', () => {
    const n = studentNotice(input(MONITORING_7));
    expect(n.showsScore).toBe(false);
    const s = n.subjects[0];
    expect(s).toMatchObject({ status: 'graded', band: { letter: 'C', name: '合格' }, score: null, fullMarks: null });
    expect(s.marks.map((m) => m.text)).toEqual(['对', '对', '部分得分', '部分得分', '部分得分']);
    expect([...s.strengths, ...s.weaknesses].every((k) => k.ownRate === null)).toBe(true);
    expect(JSON.stringify(n)).not.toMatch(/18|\/4|\/6/);
  });

  it('gives the own score and points per item for a senior joint exam (never a rank)', () => {
    const n = studentNotice(input(JOINT_11));
    const s = n.subjects[0];
    expect(s).toMatchObject({ score: 18, fullMarks: 30, band: { letter: 'C' } });
    expect(s.marks.map((m) => m.text)).toEqual(['4/4', '4/4', '1/6', '2/6', '7/10']);
    expect(JSON.stringify(n)).not.toMatch(/rank|排名第|名次/);
  });

  it.each([
    ['absent', { total: null, absent: true, unscanned: false }, 'absent'],
    ['unscanned', { total: null, absent: false, unscanned: true }, 'unscanned'],
    ['incomplete', { total: null, absent: false, unscanned: false }, 'pending'],
    ['no result row', null, 'unscanned'],
  ] as const)('a subject %s has no band and no knowledge notes', (_n, result, status) => {
    const s = studentNotice(input(JOINT_11, [subject({ result })])).subjects[0];
    expect(s).toMatchObject({ status, band: null, score: null, strengths: [], weaknesses: [] });
  });

  it.each([
    [30, 'A'],
    [25.5, 'A'],
    [25.49, 'B'],
    [21, 'B'],
    [18, 'C'],
    [17.9, 'D'],
  ])('total %d of 30 is band %s', (total, letter) => {
    const s = studentNotice(input(JOINT_11, [subject({ result: { total, absent: false, unscanned: false } })]));
    expect(s.subjects[0].band?.letter).toBe(letter);
  });
});

describe('knowledge-point rates and notes', () => {
  it('weights rates by full marks and counts an item once per point', () => {
    expect(Object.fromEntries(ownRates(items))).toEqual({ 有理数: 1, 方程: 0.25, 应用题: 2 / 6, 几何: 0.7 });
  });

  it('leaves unscored items out of the rates', () => {
    expect(ownRates([item(1, 4, null, ['a']), item(2, 4, 2, ['a'])]).get('a')).toBe(0.5);
  });

  it('strengths are 10 points above the alliance, weaknesses 10 below, largest gaps first', () => {
    const { strengths, weaknesses } = knowledgeNotes(subject(), true);
    expect(strengths.map((k) => [k.knowledgePoint, k.ownRate])).toEqual([['有理数', 1]]);
    expect(weaknesses.map((k) => k.knowledgePoint)).toEqual(['方程', '应用题']);
    expect(weaknesses[0].remark).toContain('低于联盟平均');
  });

  it('a point just 10 points above counts; 9 does not', () => {
    const at = (alliance: number) =>
      knowledgeNotes({ items: [item(1, 10, 7, ['x'])], allianceRates: new Map([['x', alliance]]) }, true).strengths
        .length;
    expect(at(0.6)).toBe(1);
    expect(at(0.61)).toBe(0);
  });

  it('without the alliance rates (suppressed) absolute rates decide', () => {
    const { strengths, weaknesses } = knowledgeNotes(subject({ allianceRates: null }), false);
    expect(strengths.map((k) => [k.knowledgePoint, k.remark])).toEqual([['有理数', '掌握较好']]);
    expect(weaknesses.map((k) => k.knowledgePoint)).toEqual(['方程', '应用题']);
  });

  it('shows at most three of each', () => {
    const many = Array.from({ length: 6 }, (_, i) => item(i + 1, 5, 0, [`k${i}`]));
    const rates = new Map(many.map((it) => [it.knowledgePoints[0], 0.8]));
    expect(knowledgeNotes({ items: many, allianceRates: rates }, true).weaknesses).toHaveLength(3);
  });
});

describe('item marks', () => {
  it.each([
    [4, 4, true, '4/4', 'full'],
    [0, 4, true, '0/4', 'zero'],
    [2.5, 4, true, '2.5/4', 'partial'],
    [4, 4, false, '对', 'full'],
    [0, 4, false, '错', 'zero'],
    [1, 4, false, '部分得分', 'partial'],
    [null, 4, false, '待评', 'unscored'],
  ] as const)('%s of %d (scores shown %s): %s', (score, max, shows, text, verdict) => {
    expect(itemMark(item(1, max, score, []), shows)).toMatchObject({ text, verdict });
  });
});

describe('the 总分 row follows from the subjects (TOTAL_RULE)', () => {
  const graded = (total: number) => ({ total, absent: false, unscanned: false });
  it.each([
    [
      'every subject scored: the exact sum',
      [graded(57.5), graded(61.25)],
      { total: 118.75, absent: false, unscanned: false },
    ],
    [
      'a subject 缺考: 缺考',
      [graded(57.5), { total: null, absent: true, unscanned: false }],
      { total: null, absent: true, unscanned: false },
    ],
    ['no result in a subject: 缺考', [graded(57.5), null], { total: null, absent: true, unscanned: false }],
    [
      'a subject unscanned: 未扫描',
      [graded(57.5), { total: null, absent: false, unscanned: true }],
      { total: null, absent: false, unscanned: true },
    ],
    [
      'a subject not finally scored: pending',
      [graded(57.5), { total: null, absent: false, unscanned: false }],
      { total: null, absent: false, unscanned: false },
    ],
    ['no subject: 缺考', [], { total: null, absent: true, unscanned: false }],
  ])('%s', (_name, parts, expected) => {
    expect(totalResult(parts)).toEqual(expected);
  });
});
