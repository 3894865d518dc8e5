import { pdfOutdated, type StoredReport } from './report-freshness.js';

const report = (status: StoredReport['status'], blobKey: string | null, scoreVersion: number | null): StoredReport => ({
  status,
  blobKey,
  scoreVersion,
});

describe('pdfOutdated', () => {
  it.each([
    ['no report', null, 5, false],
    ['no PDF yet, queued', report('queued', null, null), 5, false],
    ['no PDF, failed', report('failed', null, null), 5, false],
    ['ready, drawn from the current results', report('ready', 'k', 5), 5, false],
    ['ready, drawn from newer results than the stored minimum', report('ready', 'k', 6), 5, false],
    ['ready, drawn from older results', report('ready', 'k', 4), 5, true],
    ['ready, version unknown (before it was kept)', report('ready', 'k', null), 5, false],
    ['ready, results never stored', report('ready', 'k', 3), null, false],
    ['queued with the old PDF kept', report('queued', 'k', 5), 5, true],
    ['failed with the old PDF kept', report('failed', 'k', 5), 5, true],
  ])('%s', (_label, r, computed, expected) => {
    expect(pdfOutdated(r, computed)).toBe(expected);
  });
});
