import { schoolScanProgress } from './scan-progress.js';

describe('schoolScanProgress', () => {
  const base = { expected: 50, papers: [], pagesRead: 0, pagesQueued: 0, recentPages: 0 };
  // prettier-ignore
  it.each([
    // papers, pagesRead, queued, recent → unscanned, rate, minutes left
    [[{ paperId: 1, read: 0, absent: 0 }], 0, 0, 0, 50, 0, null], // nothing scanned, no pace: no estimate
    [[{ paperId: 1, read: 49, absent: 1 }], 98, 0, 0, 0, 0, 0], // done: read or absent
    [[{ paperId: 1, read: 30, absent: 2 }], 60, 0, 60, 18, 60, 36], // 18 sheets × 2 pages at 1 page a minute
    [[{ paperId: 1, read: 30, absent: 2 }], 60, 4, 60, 18, 60, 40], // pages still queued add to it
    [[{ paperId: 1, read: 50, absent: 0 }, { paperId: 2, read: 10, absent: 0 }], 60, 0, 120, 40, 120, 20], // two papers
    [[{ paperId: 1, read: 50, absent: 3 }], 50, 0, 10, 0, 10, 0], // read and absent both: never below 0
  ])('%p, pages %p, queued %p, recent %p → %p left, %p/h, %p min', (papers, pagesRead, pagesQueued, recentPages, unscanned, rate, min) => {
    expect(schoolScanProgress({ ...base, papers: papers as never, pagesRead: pagesRead as number, pagesQueued: pagesQueued as number, recentPages: recentPages as number })).toEqual({
      unscanned,
      ratePerHour: rate,
      minutesLeft: min,
    });
  });
});
