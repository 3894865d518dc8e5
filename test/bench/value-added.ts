// bench:value-added (alias bench:va-coverage) — coverage of planted school effects by the value-added 95% intervals,
// raw and shrunk, on simulated alliances (issue 15 "Evidence"): 40 schools of 5–400 students per alliance, scenarios
// in test/support/synthetic/va-coverage.ts. Prints the table (raw / shrunk per size band) and, last, one JSON line.
//
// Env: VA_RUNS (alliances per scenario, default 230: ≥ 2,000 intervals per band (200 gave 1,800 in the smallest)), VA_SEED (first seed, default 1).
import { coverageTable, scenarioCoverage, spearmanCeiling, VA_SCENARIOS } from '../support/synthetic/va-coverage.js';

const RUNS = Number(process.env.VA_RUNS ?? 230);
const SEED = Number(process.env.VA_SEED ?? 1);

const t0 = process.hrtime.bigint();
const rows = VA_SCENARIOS.map((sc) => {
  const r = scenarioCoverage(sc, RUNS, SEED);
  process.stdout.write(`${sc.name}: done\n`);
  return r;
});
process.stdout.write(`\ncoverage of the planted effect, raw / shrunk 95% interval, ${RUNS} alliances per row\n`);
process.stdout.write(`${coverageTable(rows)}\n`);
const minBand = Math.min(...rows.map((r) => Math.min(...r.bands.map((b) => b.intervals))));
process.stdout.write(
  `fewest intervals in a band: ${minBand}; ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s\n`,
);
// What rank recovery can reach at best here (the goal was Spearman ≥ 0.9 for schools of 30+): every variance known.
process.stdout.write(
  `Spearman ceiling (schools of 30+, BLUP with every variance known): ${[1, 0.9, 0.8, 0.7, 0.6, 0.55, 0.5]
    .map((a) => `α ${a}: ${spearmanCeiling(a).toFixed(3)}`)
    .join('; ')}\n`,
);
const worst = (k: 'raw' | 'shrunk') => Math.min(...rows.flatMap((r) => r.bands.map((b) => b[k])));
process.stdout.write(
  `${JSON.stringify({ bench: 'value-added', value: worst('raw'), unit: 'coverage', shrunk: worst('shrunk'), runs: RUNS })}\n`,
);
