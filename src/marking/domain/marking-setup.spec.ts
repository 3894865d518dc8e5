import { trialVerdict } from './quality-control.js';
import {
  headlineReason,
  idleReason,
  idleText,
  lockedChange,
  ruleLocks,
  rulesError,
  trialPassCount,
  trialPassShare,
  workload,
  type IdleFacts,
} from './marking-setup.js';

describe('ruleLocks: the item’s marking rules once marking has started', () => {
  // prettier-ignore
  it.each([
    // tasks, marks → mode, tolerance, step locked
    [0, 0, false, false, false],
    [40, 0, true, false, false], // tasks made by scanning fix the mode only
    [40, 1, true, true, true],
    [0, 3, true, true, true], // trial marks count: a trial answer was judged by these rules
  ])('tasks %p, marks %p → mode %p, tolerance %p, step %p', (tasks, marks, mode, tol, step) => {
    const l = ruleLocks({ tasks, marks });
    expect([l.markingMode.locked, l.tolerance.locked, l.scoreStep.locked]).toEqual([mode, tol, step]);
    for (const f of [l.markingMode, l.tolerance, l.scoreStep]) expect(f.reason === null).toBe(!f.locked);
  });

  it('says why in Chinese, with the counts', () => {
    expect(ruleLocks({ tasks: 5, marks: 2 }).tolerance.reason).toContain('已有 2 次评分');
    expect(ruleLocks({ tasks: 82, marks: 0 }).markingMode.reason).toContain('82 个阅卷任务');
  });
});

describe('lockedChange', () => {
  const cur = { markingMode: 'double' as const, tolerance: 2, scoreStep: 1 };
  const tasksOnly = ruleLocks({ tasks: 10, marks: 0 });
  // prettier-ignore
  it.each([
    [{ ...cur }, null],
    [{ ...cur, tolerance: 1 }, null], // tolerance is open before the first mark
    [{ ...cur, tolerance: 2.0 }, null],
    [{ ...cur, markingMode: 'single' as const }, '评卷方式不能再改'],
  ])('%p → %p', (next, reason) => {
    const r = lockedChange(cur, next, tasksOnly);
    if (reason === null) expect(r).toBeNull();
    else expect(r).toContain(reason);
  });
  it('nothing changes once marked', () => {
    expect(lockedChange(cur, { ...cur, scoreStep: 0.5 }, ruleLocks({ tasks: 1, marks: 1 }))).toContain('已开始阅卷');
    expect(lockedChange(cur, cur, ruleLocks({ tasks: 1, marks: 1 }))).toBeNull();
  });
});

describe('rulesError', () => {
  // prettier-ignore
  it.each([
    [{ markingMode: 'double', tolerance: 2, scoreStep: 1 }, 10, null],
    [{ markingMode: 'double', tolerance: 1.5, scoreStep: 0.5 }, 10, null],
    [{ markingMode: 'triple', tolerance: 2, scoreStep: 1 }, 10, '评卷方式'],
    [{ markingMode: 'single', tolerance: 0, scoreStep: 0 }, 10, '步长应为正数'],
    [{ markingMode: 'single', tolerance: 0, scoreStep: 3 }, 10, '不是步长 3 的整数倍'],
    [{ markingMode: 'single', tolerance: -1, scoreStep: 1 }, 10, '不能为负数'],
    [{ markingMode: 'single', tolerance: 11, scoreStep: 1 }, 10, '不能超过满分'],
    [{ markingMode: 'single', tolerance: 0, scoreStep: 0.125 }, 10, '两位小数'],
  ])('%p of %p → %p', (rules, max, err) => {
    const r = rulesError(rules as never, max as number);
    if (err === null) expect(r).toBeNull();
    else expect(r).toContain(err);
  });
});

describe('trial pass rule: within tolerance on at least N of M', () => {
  // prettier-ignore
  it.each([
    [1, 1], [2, 3], [3, 3], [4, 5], [7, 9], [13, 20], [1, 7], [99, 100],
  ])('%p of %p: N passes, N − 1 fails, and the count reads back', (n, m) => {
    const share = trialPassShare(n, m) as number;
    expect(typeof share).toBe('number');
    expect(trialPassCount(share, m)).toBe(n);
    const outcomes = (k: number) => Array.from({ length: m }, (_, i) => i < k);
    expect(trialVerdict(outcomes(n), m, share)).toBe('pass');
    if (n > 1) expect(trialVerdict(outcomes(n - 1), m, share)).toBe('fail');
  });
  it('refuses what cannot be a rule', () => {
    expect(trialPassShare(1, 0)).toContain('试评卷');
    expect(trialPassShare(4, 3)).toContain('1–3');
    expect(trialPassShare(0, 3)).toContain('1–3');
    expect(trialPassCount(null, 3)).toBeNull();
  });
});

describe('workload', () => {
  const item = (
    itemId: number,
    mode: 'single' | 'double' | 'double_arbitration',
    markerIds: number[],
    answers = 60,
  ) => ({
    itemId,
    label: String(itemId),
    mode,
    answers,
    openTasks: null,
    markerIds,
  });

  it('shares answers × rounds evenly among an item’s markers, and adds up a marker’s items', () => {
    const w = workload(
      [item(1, 'double', [10, 11, 12]), item(2, 'single', [12])],
      [{ blockId: 1, name: '作文', itemIds: [1, 2] }],
      0,
    );
    expect(w.items).toEqual([
      { itemId: 1, expected: 120, perMarker: 40 },
      { itemId: 2, expected: 60, perMarker: 60 },
    ]);
    expect(w.markers).toEqual([
      { markerId: 10, expected: 40, open: 40 },
      { markerId: 11, expected: 40, open: 40 },
      { markerId: 12, expected: 100, open: 100 },
    ]);
    expect(w.warnings).toEqual([]);
  });

  it('adds the expected third markings for 双评+三评+仲裁, and uses the open tasks once scanned', () => {
    const w = workload([{ ...item(1, 'double_arbitration', [1, 2], 100), openTasks: 50 }], [], 0.1);
    expect(w.items[0].expected).toBe(210);
    expect(w.markers).toEqual([
      { markerId: 1, expected: 105, open: 25 },
      { markerId: 2, expected: 105, open: 25 },
    ]);
  });

  it('warns of a 题块 with no marker, an item in no block, and double marking with one marker', () => {
    const w = workload(
      [item(1, 'double', []), item(2, 'double', [5]), item(3, 'single', [])],
      [
        { blockId: 1, name: '作文', itemIds: [1] },
        { blockId: 2, name: '空题块', itemIds: [] },
        { blockId: 3, name: '阅读', itemIds: [2] },
      ],
      0,
    );
    expect(w.warnings).toEqual([
      '题块「作文」还没有分配阅卷教师',
      '题块「空题块」还没有题目',
      '第1题没有阅卷教师',
      '第2题为双评，至少需要 2 位阅卷教师（同一教师不评同一份答卷的两评）',
      '第3题不在任何题块中，也没有阅卷教师',
    ]);
    expect(w.items.map((i) => i.perMarker)).toEqual([null, 120, null]);
  });

  it('names the subject when the set-up spans several', () => {
    const w = workload([{ ...item(1, 'single', []), subject: '语文' }], [], 0);
    expect(w.warnings).toEqual(['语文第1题不在任何题块中，也没有阅卷教师']);
  });
});

describe('idleReason: why a marker has nothing to mark on an item', () => {
  const base: IdleFacts = {
    suspended: false,
    suspendedReason: null,
    trialWaiting: false,
    capReached: null,
    answers: 82,
    openForMe: 0,
    openForOthers: 0,
    leasedByOthers: 0,
  };
  // prettier-ignore
  it.each([
    [{}, 'all_done'],
    [{ answers: 0 }, 'no_answers'],
    [{ openForOthers: 41 }, 'waiting_pair'],
    [{ leasedByOthers: 3 }, 'leased_by_others'],
    [{ openForOthers: 41, leasedByOthers: 3 }, 'waiting_pair'],
    [{ capReached: 200, openForOthers: 41 }, 'daily_cap'],
    [{ trialWaiting: true, capReached: 200 }, 'trial_wait'],
    [{ suspended: true, trialWaiting: true }, 'suspended'],
  ])('%p → %p', (facts, reason) => {
    expect(idleReason({ ...base, ...facts })).toBe(reason);
  });

  // prettier-ignore
  it.each([
    [[], 'unassigned'],
    [['all_done'], 'all_done'],
    [['all_done', 'waiting_pair'], 'waiting_pair'],
    [['no_answers', 'daily_cap', 'all_done'], 'daily_cap'],
    [['waiting_pair', 'suspended'], 'suspended'],
  ])('headline of %p → %p', (reasons, headline) => {
    expect(headlineReason(reasons as never)).toBe(headline);
  });

  it('says only "全部评完" when it is so', () => {
    expect(idleText('all_done')).toContain('全部评完');
    for (const r of [
      'unassigned',
      'suspended',
      'trial_wait',
      'daily_cap',
      'leased_by_others',
      'waiting_pair',
      'no_answers',
    ])
      expect(idleText(r as never, { ...base, capReached: 200, openForOthers: 41 })).not.toContain('评完');
    expect(idleText('daily_cap', { capReached: 200 })).toContain('200 份');
    expect(idleText('waiting_pair', { openForOthers: 41 })).toContain('41 份');
  });
});
