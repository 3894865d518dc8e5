// bench:omr — the full OMR robustness corpus (the test samples it): every condition at 150, 200 and 300 dpi with
// BENCH_SHEETS (default 8) filled sheets each; prints the per-condition accuracy table and the measure ranges per mark style.
import {
  conditions,
  FAINT_MIX,
  formatRanges,
  formatTable,
  perspectiveConditions,
  runCorpus,
  type ConditionTally,
} from '../support/omr-corpus.js';
import { formatStickerTable, runStickerCorpus, type StickerTally } from '../support/sticker-corpus.js';

const SHEETS = Number(process.env.BENCH_SHEETS ?? 8);
/** Sheets per dpi and condition of the faint variant (lone light fills, half fills, strong keystones). */
const FAINT_SHEETS = Number(process.env.BENCH_FAINT_SHEETS ?? 3);
/** Sheets per dpi, condition and sticker case of the sticker variant (7 conditions × 7 cases each). */
const STICKER_SHEETS = Number(process.env.BENCH_STICKER_SHEETS ?? 1);

async function main() {
  const t0 = performance.now();
  const rows = await runCorpus({ dpis: [150, 200, 300], sheets: SHEETS, seed: Number(process.env.BENCH_SEED ?? 11) });
  console.log(
    `OMR corpus, ${SHEETS} sheet(s) per condition and dpi, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  console.log(formatTable(rows));
  console.log(
    '\nmeasures per mark style (thresholds: fill ≥ 0.45 with evenness ≥ 0.5 marked; ink ≥ 0.08 with core < 0.04 a tick/cross; fill ≤ 0.25 and ink < 0.08 empty; else review)',
  );
  console.log(formatRanges());
  const details = rows.flatMap((r) =>
    [...r.wrongDetails, ...r.reviewDetails.map((d) => `review ${d}`)].map((d) => `${r.dpi} dpi ${r.condition}: ${d}`),
  );
  if (details.length) console.log(`\n${details.join('\n')}`);
  const sum = (k: SummedKey) => rows.reduce((s, r) => s + r[k], 0);
  console.log(
    JSON.stringify({
      bench: 'omr',
      value: Math.round((10000 * sum('correct')) / sum('bubbles')) / 100,
      unit: '% bubbles',
      wrong: sum('wrong'),
      ambiguous_to_review: `${sum('ambiguousReviewed')}/${sum('ambiguousItems')}`,
      lone_faint_to_review: `${sum('loneFaintReviewed')}/${sum('loneFaintItems')}`,
      clear_items_to_review: rows.reduce((s, r) => s + r.reviewDetails.length, 0),
      exam_no_wrong: sum('examNoWrong'),
      page_exceptions: sum('pageExceptions'),
    }),
  );
  await faint();
  await stickers();
}

type SummedKey =
  | 'bubbles'
  | 'correct'
  | 'wrong'
  | 'ambiguousItems'
  | 'ambiguousReviewed'
  | 'loneFaintItems'
  | 'loneFaintReviewed'
  | 'examNoWrong'
  | 'pageExceptions';

/**
 * The corpus with the cases only a person may decide made common (lone light fills, half fills) and put through every
 * condition plus strong keystones: all of them must go to review, none may be decided wrongly.
 */
async function faint() {
  const t0 = performance.now();
  const rows = await runCorpus({
    dpis: [150, 200, 300],
    sheets: FAINT_SHEETS,
    seed: Number(process.env.BENCH_SEED ?? 11) + 1,
    mix: FAINT_MIX,
    sizes: ['A4'],
    conditionsOf: (rng) => [...conditions(rng), ...perspectiveConditions(rng)],
  });
  console.log(
    `\nfaint corpus (lone light fills, half fills, keystones), ${FAINT_SHEETS} sheet(s) per condition and dpi, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  console.log(formatTable(rows));
  const details = rows.flatMap((r: ConditionTally) =>
    [...r.wrongDetails, ...r.reviewDetails.map((d) => `review ${d}`)].map((d) => `${r.dpi} dpi ${r.condition}: ${d}`),
  );
  if (details.length) console.log(`\n${details.join('\n')}`);
  const sum = (k: SummedKey) => rows.reduce((s, r) => s + r[k], 0);
  const keystone = rows.filter((r) => r.condition.startsWith('透视'));
  console.log(
    JSON.stringify({
      bench: 'omr-faint',
      value: Math.round((10000 * sum('correct')) / sum('bubbles')) / 100,
      unit: '% bubbles',
      wrong: sum('wrong'),
      lone_faint_to_review: `${sum('loneFaintReviewed')}/${sum('loneFaintItems')}`,
      ambiguous_to_review: `${sum('ambiguousReviewed')}/${sum('ambiguousItems')}`,
      keystone_half_to_review: `${keystone.reduce((s, r) => s + r.ambiguousReviewed, 0)}/${keystone.reduce((s, r) => s + r.ambiguousItems, 0)}`,
      page_exceptions: sum('pageExceptions'),
    }),
  );
}

/** The corpus with barcode stickers: read rate of readable ones, wrong reads (must be 0), fallbacks of spoilt ones. */
async function stickers() {
  const t0 = performance.now();
  const rows = await runStickerCorpus({
    dpis: [150, 200, 300],
    sheets: STICKER_SHEETS,
    seed: Number(process.env.BENCH_SEED ?? 11),
  });
  console.log(
    `\nsticker corpus, ${STICKER_SHEETS} sheet(s) per dpi, condition and sticker, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  console.log(formatStickerTable(rows));
  const details = rows.flatMap((r) => r.details);
  if (details.length) console.log(`\n${details.join('\n')}`);
  const sum = (k: keyof StickerTally, f: (r: StickerTally) => boolean = () => true) =>
    rows.filter(f).reduce((s, r) => s + (r[k] as number), 0);
  const readable = (r: StickerTally) => ['clean', 'askew', 'scuffed', 'foreign'].includes(r.sticker);
  const spoilt = (r: StickerTally) => !readable(r);
  console.log(
    JSON.stringify({
      bench: 'omr-stickers',
      value: Math.round((10000 * sum('read', readable)) / sum('pages', readable)) / 100,
      unit: '% readable stickers read',
      wrong: sum('wrong'),
      spoilt_fallback: `${sum('fallback', spoilt) + sum('fallbackException', spoilt)}/${sum('pages', spoilt)}`,
      mismatch_caught: `${sum('mismatchCaught')}/${sum('pages', (r) => r.sticker === 'foreign')}`,
      cpu_ms_per_decode: Math.round((10 * sum('decodeMs')) / sum('decodes')) / 10,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
