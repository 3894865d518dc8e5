import { writeFileSync } from 'node:fs';
import type { AllianceFigures, ComparisonGroup } from '../../results/domain/county-figures.js';
import { COUNTY_COLUMNS } from '../../results/domain/county-figures.js';
import { COUNTY_TABLE_HEADER, CountyComparisonPdf, countyReportTitle } from './county-comparison.pdf.js';

const figures = (allianceId: number, name: string, examId: number): AllianceFigures => ({
  allianceId,
  allianceName: name,
  examId,
  examName: `2026年冬季七年级学业质量监测（第${examId}次联考）`,
  examDate: '2026-01-10',
  outdated: false,
  fullMarks: 100,
  students: 200,
  suppressed: false,
  unreliable: false,
  mean: 66.5,
  scoreRate: 0.665,
  excellentRate: 0.15,
  passRate: 0.7,
  lowRate: 0.07,
  urbanRuralGap: 8,
  urbanRuralRateGap: 0.08,
  cvOfMeans: 0.12,
  balanceSchools: 3,
  vaSchools: 3,
  vaAboveShare: 1 / 3,
  vaBelowShare: 0,
});
const point = (examId: number, cv: number) => ({
  examId,
  examName: `考试${examId}`,
  examDate: null,
  students: 200,
  suppressed: false,
  scoreRate: 0.6,
  cvOfMeans: cv,
  urbanRuralRateGap: 0.1,
});

describe('CountyComparisonPdf', () => {
  const group = (trend: boolean): ComparisonGroup => ({
    grade: '七年级',
    subject: '数学',
    alliances: [figures(1, '城关第一教联体', 2), figures(2, '城关第二教联体', 3)],
    trend: [
      {
        allianceId: 1,
        allianceName: '城关第一教联体',
        points: trend ? [point(1, 0.18), point(2, 0.12)] : [point(2, 0.12)],
      },
      { allianceId: 2, allianceName: '城关第二教联体', points: [point(3, 0.1)] },
    ],
  });
  const render = (groups: ComparisonGroup[]) =>
    new CountyComparisonPdf().render({ county: { name: '城关区' }, groups, withoutResults: [] }, '2026年12月7日');
  const pages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

  it('heads its table with the domain’s columns, after 联盟 and 考试', () => {
    expect(COUNTY_TABLE_HEADER).toEqual(['联盟', '考试', ...COUNTY_COLUMNS.map((c) => c.label)]);
    expect(countyReportTitle('城关区')).toBe('城关区各联盟对比（量化考核）');
  });

  it('renders a PDF; the trend charts add their page', async () => {
    const flat = await render([group(false)]);
    expect(flat.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pages(flat)).toBe(1);
    const withTrend = await render([group(true)]);
    if (process.env.COUNTY_PDF_OUT) writeFileSync(process.env.COUNTY_PDF_OUT, withTrend);
    expect(pages(withTrend)).toBeGreaterThanOrEqual(2);
    expect(withTrend.length).toBeGreaterThan(flat.length);
  });

  it('says so when no alliance has released results', async () => {
    expect(pages(await render([]))).toBe(1);
  });
});
