// CLI for analysts and for checking (issue 15 §6): value-added of a CSV, by the same code as the results job.
//   npm run -s value-added -- FILE.csv [--prior-reliability R]
// Columns: school, prior (blank: no prior), current (blank: absent), optionally prior_item_1 … prior_item_k.
// Prints one JSON object: {"method": "…", "priorReliability": …, "schools": [{school, n, va, low, high, shrunk,
// shrunkLow, shrunkHigh, statement}, …]}; null figures for suppressed schools (5 or fewer matched students).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { type VaTableRow, valueAddedTable } from '../domain/va-table.js';

const USAGE = '用法：npm run -s value-added -- 文件.csv [--prior-reliability 0.8]';

function numberOrNull(raw: string | undefined, what: string, line: number): number | null {
  if (raw === undefined || raw.trim() === '') return null;
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new Error(`第${line}行：${what}“${raw}”不是数字`);
  return v;
}

function readRows(file: string): VaTableRow[] {
  const records: Record<string, string>[] = parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), {
    columns: true,
    skip_empty_lines: true,
    trim: true,
  });
  const head = Object.keys(records[0] ?? {});
  for (const col of ['school', 'prior', 'current'])
    if (!head.includes(col)) throw new Error(`缺少列 ${col}（需要 school、prior、current）`);
  const items = head
    .filter((c) => /^prior_item_\d+$/.test(c))
    .sort((a, b) => Number(a.slice(11)) - Number(b.slice(11)));
  return records.map((r, i) => ({
    school: r.school,
    prior: numberOrNull(r.prior, 'prior', i + 2),
    current: numberOrNull(r.current, 'current', i + 2),
    ...(items.length ? { priorItems: items.map((c) => numberOrNull(r[c], c, i + 2)) } : {}),
  }));
}

function main(): void {
  const { values, positionals } = parseArgs({
    options: { 'prior-reliability': { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new Error(USAGE);
  const r = values['prior-reliability'];
  const reliability = r === undefined ? null : Number(r);
  if (reliability !== null && !(reliability > 0 && reliability < 1))
    throw new Error('--prior-reliability 应在 0 与 1 之间');
  process.stdout.write(`${JSON.stringify(valueAddedTable(readRows(positionals[0]), reliability))}\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
