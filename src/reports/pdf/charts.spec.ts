// Each chart kind drawn by ECharts (SVG on the server) into a real pdfkit document with the CJK font: pdftotext must
// find the titles and the Chinese labels, and the charts must be vectors (no images). Render time per chart is printed
// (it feeds the 200-school report benchmark).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { inflateSync } from 'node:zlib';
import { cjkFonts } from '../../common/cjk-fonts.js';
import type { ReportChart } from '../domain/chart-spec.js';
import { forestOption } from './chart-options.js';
import { chartSvg, drawChart } from './charts.js';

export const SAMPLE_CHARTS: ReportChart[] = [
  {
    kind: 'bars',
    title: '各题得分率：本校与联盟',
    categories: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'],
    series: [
      { name: '本校', values: [0.91, 0.85, 0.62, 0.7, 0.55, 0.31, 0.8, 0.66, null, 0.72, 0.5, 0.44] },
      { name: '联盟', values: [0.88, 0.8, 0.66, 0.72, 0.6, 0.52, 0.78, 0.7, 0.6, 0.7, 0.55, 0.47] },
    ],
    yMax: 1,
    yLabel: '得分率',
    flagged: [false, false, false, false, false, true, false, false, false, false, false, false],
  },
  {
    kind: 'histogram',
    title: '分数段分布：本校与联盟轮廓',
    bands: ['0–9', '10–19', '20–29', '30–39', '40–49', '50–59', '60–69', '70–79', '80–89', '90–100'],
    school: [0, 0.02, 0.04, 0.08, 0.12, 0.42, 0.16, 0.1, 0.04, 0.02],
    alliance: [0.01, 0.02, 0.04, 0.07, 0.11, 0.15, 0.2, 0.2, 0.13, 0.07],
    thresholds: [
      { label: '及格线', atBand: 6 },
      { label: '优秀线', atBand: 8 },
    ],
  },
  {
    kind: 'forest',
    title: '增值及其95%置信区间（各校）',
    rows: [
      { label: '本校', own: true, estimate: 4.59, low: 2.36, high: 6.82 },
      { label: '学校A', own: false, estimate: -1, low: -4, high: 2 },
      { label: '学校B', own: false, estimate: 0, low: -2, high: 2 },
      { label: '学校D', own: false, estimate: -3, low: -5, high: -1 },
    ],
    xLabel: '增值（分）',
  },
  {
    kind: 'trend',
    title: '本校T指数的变化',
    exams: ['七上期末', '七下期末', '八上期中'],
    series: [
      { name: '本校', values: [45.1, 46.3, 48.2] },
      { name: '联盟', values: [50, 50, 50] },
    ],
    yLabel: 'T指数',
  },
];

/** Every content stream of the PDF, inflated. */
export function pdfContent(pdf: Buffer): string {
  const text = pdf.toString('latin1');
  const out: string[] = [];
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    try {
      out.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      // not a deflated stream (fonts are, but some objects are not): skip
    }
  }
  return out.join('\n');
}

async function renderCharts(charts: ReportChart[]): Promise<{ pdf: Buffer; ms: number[] }> {
  const fonts = cjkFonts();
  const doc = new PDFDocument({ size: 'A4', margin: 50 });
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const ms: number[] = [];
  charts.forEach((chart, i) => {
    if (i === 2) doc.addPage();
    const t0 = performance.now();
    drawChart(doc, chart, { x: 50, y: 60 + (i % 2) * 360, width: 495, height: 300 });
    ms.push(performance.now() - t0);
  });
  doc.end();
  return { pdf: await done, ms };
}

describe('drawChart (ECharts SVG into pdfkit)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'charts-'));
  let pdf: Buffer;
  let ms: number[];

  beforeAll(async () => {
    chartSvg(SAMPLE_CHARTS[0], 400, 200); // warm up: the first chart pays for ECharts' module set-up
    ({ pdf, ms } = await renderCharts(SAMPLE_CHARTS));
    writeFileSync(join(dir, 'charts.pdf'), pdf);
  });

  it('renders every kind with its title and Chinese labels as text', () => {
    const text = execFileSync('pdftotext', [join(dir, 'charts.pdf'), '-'], { encoding: 'utf8' });
    for (const c of SAMPLE_CHARTS) expect(text).toContain(c.title);
    for (const label of [
      '本校',
      '联盟',
      '得分率',
      '及格线',
      '优秀线',
      '学校A',
      '学校D',
      '增值（分）',
      '七下期末',
      'T指数',
    ])
      expect(text).toContain(label);
  });

  it('draws vectors, not images', () => {
    const content = pdfContent(pdf);
    expect(content).not.toMatch(/\/Subtype\s*\/Image/);
    expect(pdf.toString('latin1')).not.toMatch(/\/Subtype\s*\/Image/);
    // paths: moveto/lineto/rectangle operators of the bars, outline, whiskers
    expect((content.match(/ re\b| l\b/g) ?? []).length).toBeGreaterThan(100);
  });

  it('marks a flagged category: its label and bar are drawn in the flag colour', () => {
    const svg = chartSvg(SAMPLE_CHARTS[0], 495, 300);
    const flagged = svg.match(/<text[^>]*fill="#c0392b"[^>]*>([^<]*)<\/text>/g) ?? [];
    expect(flagged.map((t) => t.replace(/<[^>]+>/g, ''))).toEqual(['6']);
    expect(svg.match(/<path[^>]*fill="#c0392b"/g)?.length).toBe(1);
  });

  it('draws the forest plot with a zero line and whiskers for every row', () => {
    const svg = chartSvg(SAMPLE_CHARTS[2], 495, 300);
    for (const r of (SAMPLE_CHARTS[2] as Extract<ReportChart, { kind: 'forest' }>).rows) expect(svg).toContain(r.label);
    // 3 segments per row (interval and two caps) plus the zero line
    expect((svg.match(/<path d="M[\d.]+ [\d.]+L[\d.]+ [\d.]+"[^>]*stroke-width="1.2"/g) ?? []).length).toBe(12);
  });

  it('draws a forest plot of many schools as a caterpillar: ordered by estimate, only 本校 labelled', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      label: i === 7 ? '本校' : `学校${i}`,
      own: i === 7,
      estimate: ((i * 37) % 40) / 4 - 5,
      low: ((i * 37) % 40) / 4 - 8,
      high: ((i * 37) % 40) / 4 - 2,
    }));
    const svg = chartSvg({ kind: 'forest', title: '各校增值', rows, xLabel: '增值（分）' }, 495, 360);
    expect(svg).toContain('本校');
    expect(svg).not.toMatch(/学校\d/);
    const option = forestOption({ kind: 'forest', title: '各校增值', rows, xLabel: '增值（分）' });
    const axis = (option.yAxis as { data: { value: string }[] }).data.map((d) => d.value);
    const estimate = new Map(rows.map((r) => [r.label, r.estimate]));
    // Bottom-up category axis: ascending estimates put the highest at the top.
    expect(axis.map((l) => estimate.get(l)!)).toEqual([...rows.map((r) => r.estimate)].sort((a, b) => a - b));
  });

  // Prints the render time per chart (bench:reports measures it; a test asserts behaviour, not a timing).
  it('renders every chart again and again into one document (warm timings printed)', async () => {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) runs.push(...(await renderCharts(SAMPLE_CHARTS)).ms);
    runs.sort((a, b) => a - b);
    const median = runs[Math.floor(runs.length / 2)];
    // eslint-disable-next-line no-console
    console.log(
      `chart render ms: first pass ${ms.map((x) => x.toFixed(1)).join(', ')}; warm median ${median.toFixed(1)}, p90 ${runs[Math.floor(runs.length * 0.9)].toFixed(1)} (pdf ${pdf.length} bytes, ${dir})`,
    );
    expect(runs).toHaveLength(5 * SAMPLE_CHARTS.length);
    expect(runs.every((x) => Number.isFinite(x) && x > 0)).toBe(true);
  });
});
