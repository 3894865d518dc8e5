import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAllianceOverview } from '../domain/alliance-overview.js';
import { stored } from '../domain/__fixtures__/overview-sample.js';
import { chartSvg } from './charts.js';
import { AllianceOverviewPdf, OVERVIEW_TABLE_HEADER, overviewCells } from './alliance-overview.pdf.js';

describe('AllianceOverviewPdf', () => {
  const model = buildAllianceOverview({ examName: '八年级上期中', analyses: [stored()] });

  it('prints a row per school with 三率一分, 比均率 and the value-added statement', () => {
    const row = overviewCells(model.subjects[0].schools[0]);
    expect(row).toHaveLength(OVERVIEW_TABLE_HEADER.length);
    expect(row.slice(0, 3)).toEqual(['城区一中', '牵头校', '城区']);
    expect(row[3]).toBe('60');
    expect(row[9]).toMatch(/^\d+(\.\d)?$/);
    expect(row[10]).toBe('2.1（0.4～3.8）');
    expect(row[11]).toBe('明显高于联盟平均');
  });

  it('draws the heat map as vectors: every school and knowledge point, flagged cells marked 弱 or 强', () => {
    const chart = model.subjects[0].heatChart!;
    const svg = chartSvg(chart, 700, 260);
    for (const label of [...chart.rows, ...chart.columns]) expect(svg).toContain(label);
    expect(svg).toMatch(/-\d+弱/);
    expect(svg).toMatch(/\+\d+强/);
    expect(svg).not.toContain('<image');
  });

  it('renders every section with its charts, schools named, text searchable', async () => {
    const pdf = await new AllianceOverviewPdf().render(model, '2026年12月7日');
    const dir = process.env.OVERVIEW_PDF_DIR ?? mkdtempSync(join(tmpdir(), 'overview-'));
    const file = join(dir, 'overview-sample.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const s of [
      '八年级上期中 联盟质量分析总览',
      '城区一中',
      '乡村二中',
      '县实验中学',
      '增值森林图',
      '结对建议',
      '试题质量',
    ])
      expect(text).toContain(s);
    expect(text).toContain('第2题（单选题）疑似答案有误');
    expect(text).toContain('知识点“函数”：乡村一中');
  });
});
