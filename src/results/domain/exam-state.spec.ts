import { examState, type ExamFacts, needsReason, unfinishedLines, unfinishedOf } from './exam-state.js';

const locked = [
  { subject: '语文', locked: true },
  { subject: '数学', locked: true },
];
const school = (name: string | null, owed: number, read: number, absent: number) => ({ name, owed, read, absent });

/** A fully scanned, fully marked exam, computed at the current version, not released. */
const done: ExamFacts = {
  imported: false,
  papers: locked,
  schools: [school('一中', 100, 98, 2), school('二中', 50, 50, 0)],
  pagesUploaded: 300,
  pagesQueued: 0,
  exceptions: 0,
  omrReviews: 0,
  unmarked: 0,
  scoreVersion: 7,
  computedVersion: 7,
  releasedVersion: null,
};

describe('examState: the stage follows the data', () => {
  const cases: [string, Partial<ExamFacts>, string][] = [
    ['no paper yet', { papers: [], pagesUploaded: 0, schools: [] }, 'preparing'],
    ['a paper not locked', { papers: [locked[0], { subject: '数学', locked: false }] }, 'preparing'],
    ['papers locked, nothing scanned', { pagesUploaded: 0, schools: [school('一中', 100, 0, 0)] }, 'sitting'],
    ['only 缺考 marks so far', { pagesUploaded: 0, schools: [school('一中', 100, 0, 3)] }, 'scanning'],
    ['a school not fully scanned', { schools: [school('一中', 100, 60, 2)] }, 'scanning'],
    ['pages waiting to be read', { pagesQueued: 4 }, 'scanning'],
    ['an exception open', { exceptions: 1 }, 'scanning'],
    ['an OMR review open', { omrReviews: 1 }, 'scanning'],
    ['answers unmarked', { unmarked: 12 }, 'marking'],
    ['all done, not computed', { computedVersion: null }, 'computing'],
    ['all done, computed', {}, 'computing'],
    ['released', { releasedVersion: 7 }, 'released'],
    ['released with work unfinished', { releasedVersion: 5, unmarked: 3 }, 'released'],
  ];
  it.each(cases)('%s', (_name, patch, stage) => {
    expect(examState({ ...done, ...patch }).stage).toBe(stage);
  });

  it('an imported exam has no lifecycle', () => {
    const s = examState({ ...done, imported: true });
    expect(s.stage).toBe('imported');
    expect(s.todo).toEqual([]);
  });
});

describe('examState: versions', () => {
  const cases: [
    string,
    Partial<ExamFacts>,
    { resultsOutdated: boolean; releaseOutdated: boolean; released: boolean },
  ][] = [
    ['computed at the current version', {}, { resultsOutdated: false, releaseOutdated: false, released: false }],
    [
      'a change after computing',
      { scoreVersion: 8 },
      { resultsOutdated: true, releaseOutdated: false, released: false },
    ],
    [
      'released at the current version',
      { releasedVersion: 7 },
      { resultsOutdated: false, releaseOutdated: false, released: true },
    ],
    [
      'a change after release, recomputed',
      { scoreVersion: 9, computedVersion: 9, releasedVersion: 7 },
      { resultsOutdated: false, releaseOutdated: true, released: true },
    ],
    [
      'a change after release, not recomputed',
      { scoreVersion: 9, releasedVersion: 7 },
      { resultsOutdated: true, releaseOutdated: true, released: true },
    ],
    [
      're-issued',
      { scoreVersion: 9, computedVersion: 9, releasedVersion: 9 },
      { resultsOutdated: false, releaseOutdated: false, released: true },
    ],
  ];
  it.each(cases)('%s', (_name, patch, want) => {
    const s = examState({ ...done, ...patch });
    expect({ resultsOutdated: s.resultsOutdated, releaseOutdated: s.releaseOutdated, released: s.released }).toEqual(
      want,
    );
  });
});

describe('what is left to do', () => {
  it('names the papers not locked', () => {
    const s = examState({ ...done, papers: [locked[0], { subject: '数学', locked: false }] });
    expect(s.todo).toEqual(['数学试卷尚未审核定稿']);
  });

  it('counts sheets neither read nor marked absent as 未扫描, by school, never as 缺考', () => {
    const f = { ...done, schools: [school('一中', 100, 67, 1), school('二中', 52, 0, 0), school('三中', 10, 8, 2)] };
    const u = unfinishedOf(f);
    expect(u.unscanned).toBe(32 + 52);
    expect(u.unscannedBySchool).toEqual([
      { name: '一中', unscanned: 32 },
      { name: '二中', unscanned: 52 },
    ]);
    expect(unfinishedLines(u)[0]).toBe(
      '84 份答题卡未扫描或未识别（既无识别成功的答题卡，也未登记缺考）（一中 32，二中 52）',
    );
  });

  it('counts without naming schools when the names are withheld', () => {
    const u = unfinishedOf({ ...done, schools: [school(null, 10, 4, 1)] });
    expect(unfinishedLines(u)).toEqual(['5 份答题卡未扫描或未识别（既无识别成功的答题卡，也未登记缺考）']);
  });

  it('lists exceptions, queued pages, unmarked answers, then computing and release', () => {
    const s = examState({ ...done, exceptions: 2, omrReviews: 1, pagesQueued: 3, unmarked: 40, computedVersion: null });
    expect(s.todo).toEqual([
      '3 页扫描图像等待识别',
      '3 个扫描异常或填涂复核待处理',
      '40 份主观题答案尚未评完',
      '尚未计算成绩',
      '成绩尚未发布，校长还看不到成绩和报告',
    ]);
  });

  it('says when released results are outdated', () => {
    const s = examState({ ...done, scoreVersion: 9, computedVersion: 9, releasedVersion: 7 });
    expect(s.todo).toEqual(['发布后成绩有变动：重新计算后需重新发布']);
  });

  it('needs a reason to release only when something is unfinished', () => {
    expect(needsReason(unfinishedOf(done))).toBe(false);
    expect(needsReason(unfinishedOf({ ...done, unmarked: 1 }))).toBe(true);
    expect(needsReason(unfinishedOf({ ...done, exceptions: 1 }))).toBe(true);
    expect(needsReason(unfinishedOf({ ...done, schools: [school('一中', 10, 9, 0)] }))).toBe(true);
  });
});
