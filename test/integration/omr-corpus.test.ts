// The OMR robustness corpus, sampled: the real sheet PDF (A4, and A3 landscape) rasterised at 150, 200 and 300 dpi,
// marked in pencil styles (fills, faint, erasure residue, ticks, crosses, ambiguous half fills), distorted like real
// scanners (and with the QR code spoilt, so the bubble page code must take over), read back.
// Full run: npm run bench:omr.
import {
  conditions,
  FAINT_MIX,
  formatTable,
  perspectiveConditions,
  runCorpus,
  type ConditionTally,
} from '../support/omr-corpus.js';

const SHEETS = Number(process.env.OMR_CORPUS_SHEETS ?? 1);

describe('OMR robustness corpus (sampled)', () => {
  let rows: ConditionTally[];

  beforeAll(async () => {
    // Every A4 condition at 150 and 200 dpi; at 300 dpi (2.25× the pixels) the hardest ones only; A3 (twice the
    // pixels of A4) at 150 dpi, and its hardest at 200. The bench runs all.
    const at300 = ['旋转 ±10° rotate', '倒置 180°', '透视 perspective', '综合 combined'];
    const a3 = (c: string, dpi: number) => dpi === 150 || (dpi === 200 && c === 'A3 综合 combined');
    rows = await runCorpus({
      dpis: [150, 200, 300],
      sheets: SHEETS,
      seed: 7,
      only: (c, dpi) => (c.startsWith('A3 ') ? a3(c, dpi) : dpi !== 300 || at300.includes(c)),
    });
    console.log(`OMR corpus, ${SHEETS} sheet(s) per condition and dpi\n${formatTable(rows)}`);
    const details = rows.flatMap((r) => r.wrongDetails.map((d) => `${r.dpi} dpi ${r.condition}: ${d}`));
    if (details.length) console.log(details.join('\n'));
    if (process.env.OMR_CORPUS_VERBOSE)
      console.log(
        rows.flatMap((r) => r.reviewDetails.map((d) => `${r.dpi} dpi ${r.condition}: review ${d}`)).join('\n'),
      );
  }, 290_000);

  const sum = (k: keyof ConditionTally) => rows.reduce((s, r) => s + (r[k] as number), 0);

  it('reads every page of every condition (rotation ±10°, 180°, scale, shift, perspective, noise, blur, JPEG 50)', () => {
    expect(rows.filter((r) => r.pageExceptions > 0).map((r) => `${r.dpi} ${r.condition}`)).toEqual([]);
  });

  it('identifies every page by its QR code, A4 and A3, and by the bubble page code when the QR is spoilt', () => {
    expect(rows.some((r) => r.condition.startsWith('A3 '))).toBe(true);
    expect(rows.filter((r) => r.condition.includes('QR spoilt')).length).toBeGreaterThanOrEqual(2);
    expect(sum('codeSourceWrong')).toBe(0);
    const intact = rows.filter((r) => !r.condition.includes('QR spoilt'));
    expect(intact.reduce((s, r) => s + r.qrRead, 0)).toBe(intact.reduce((s, r) => s + r.examNoRead, 0));
    expect(sum('qrRead')).toBeGreaterThan(20);
  });

  it('reads ≥ 99.9 % of the bubbles that are not ambiguous by construction correctly, and decides none wrongly', () => {
    expect(sum('bubbles')).toBeGreaterThan(1000);
    expect(sum('correct') / sum('bubbles')).toBeGreaterThanOrEqual(0.999);
    expect(sum('wrong')).toBe(0);
  });

  it('sends every ambiguous-by-construction item to review', () => {
    expect(sum('ambiguousItems')).toBeGreaterThan(10);
    expect(sum('ambiguousReviewed')).toBe(sum('ambiguousItems'));
  });

  it('reads no exam number wrongly: an ambiguous digit is an exception, never a guess', () => {
    expect(sum('examNoRead')).toBeGreaterThan(20);
    expect(sum('examNoWrong')).toBe(0);
    expect(sum('ambiguousExamNo')).toBeGreaterThan(0);
    expect(sum('ambiguousExamNoCaught')).toBe(sum('ambiguousExamNo'));
  });
});

describe('OMR corpus, faint variant (sampled): lone light fills and half fills, keystoned scans', () => {
  let rows: ConditionTally[];

  beforeAll(async () => {
    // The keystones at 150 and 200 dpi, and a few standard conditions at 150; the bench runs every condition at 3 dpi.
    const standard = ['无变形 clean', '倒置 180°', '综合 combined'];
    rows = await runCorpus({
      dpis: [150, 200],
      sheets: 1,
      seed: 8,
      mix: FAINT_MIX,
      sizes: ['A4'],
      conditionsOf: (rng) => [...conditions(rng), ...perspectiveConditions(rng)],
      only: (c, dpi) => (c.startsWith('透视 ') && c.includes('keystone')) || (dpi === 150 && standard.includes(c)),
    });
    console.log(`OMR faint corpus\n${formatTable(rows)}`);
    const details = rows.flatMap((r) => r.wrongDetails.map((d) => `${r.dpi} dpi ${r.condition}: ${d}`));
    if (details.length) console.log(details.join('\n'));
  }, 290_000);

  const sum = (k: keyof ConditionTally) => rows.reduce((s, r) => s + (r[k] as number), 0);

  it('reads every keystoned page, and decides no bubble wrongly', () => {
    expect(rows.filter((r) => r.condition.includes('keystone'))).toHaveLength(6);
    expect(sum('pageExceptions')).toBe(0);
    expect(sum('wrong')).toBe(0);
    expect(sum('correct') / sum('bubbles')).toBeGreaterThanOrEqual(0.999);
  });

  it('sends every lone faint mark and every half fill to review, on keystoned scans too', () => {
    expect(sum('loneFaintItems')).toBeGreaterThan(5);
    expect(sum('loneFaintReviewed')).toBe(sum('loneFaintItems'));
    const keystoned = rows.filter((r) => r.condition.includes('keystone'));
    expect(keystoned.reduce((s, r) => s + r.ambiguousItems, 0)).toBeGreaterThan(5);
    expect(sum('ambiguousReviewed')).toBe(sum('ambiguousItems'));
  });
});
