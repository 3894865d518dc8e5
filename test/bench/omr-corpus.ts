// bench:omr — the full OMR robustness corpus (the test samples it): every condition at 150, 200 and 300 dpi with
// BENCH_SHEETS (default 8) filled sheets each; prints the per-condition accuracy table and the measure ranges per mark style.
import { formatRanges, formatTable, runCorpus } from '../support/omr-corpus.js';

const SHEETS = Number(process.env.BENCH_SHEETS ?? 8);

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
  const sum = (
    k: 'bubbles' | 'correct' | 'wrong' | 'ambiguousItems' | 'ambiguousReviewed' | 'examNoWrong' | 'pageExceptions',
  ) => rows.reduce((s, r) => s + r[k], 0);
  console.log(
    JSON.stringify({
      bench: 'omr',
      value: Math.round((10000 * sum('correct')) / sum('bubbles')) / 100,
      unit: '% bubbles',
      wrong: sum('wrong'),
      ambiguous_to_review: `${sum('ambiguousReviewed')}/${sum('ambiguousItems')}`,
      exam_no_wrong: sum('examNoWrong'),
      page_exceptions: sum('pageExceptions'),
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
