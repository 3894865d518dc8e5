import { describe, expect, it } from '@jest/globals';
import { schoolReportPage } from './school-report-page.js';
import type { SchoolReportModel } from './school-report.js';

const model = {
  documentTitle: '期中 学校质量诊断报告 · 本校',
  examName: '期中',
  schoolName: '本校',
  dateText: '2026年1月15日',
  verdict: {
    headline: '本校成绩高于联盟平均。',
    movement: [],
    standing: ['平均分 13.67，联盟 11.5。'],
    findings: ['整式偏低。'],
    levers: ['补整式。'],
    leverKeys: [{ kind: 'weak_kp', subject: '数学', knowledgePoint: '整式', cognitiveLevel: null, about: '补整式。' }],
  },
  sections: [
    {
      heading: '数学',
      findings: ['整式偏低。'],
      findingList: [{ kind: 'weakness', itemIds: [7, 8] }],
      mainTable: { header: ['指标', '本校', '联盟'], rows: [['平均分', '13.67', '11.5']] },
      charts: [],
    },
  ],
  appendix: [{ heading: '方法说明', lines: ['得分率 = 平均分 ÷ 满分。'] }],
  findings: [{ kind: 'weakness', itemIds: [7, 8] }],
  measures: {
    measures: [{ about: '补整式。', suggestions: [{ text: '每周一练。', versionId: 12 }] }],
    versionIds: [12],
  },
} as unknown as SchoolReportModel;

const ctx = {
  examId: 3,
  schoolId: 5,
  release: { released: true, releasedAt: new Date('2026-01-15T02:00:00Z'), outdated: true },
  pdf: '/api/reports/3/5.pdf',
  exports: [{ label: '各校对比', url: '/api/exams/3/exports/schools.xlsx' }],
};

describe('schoolReportPage: the PDF model as the page reads it', () => {
  const page = schoolReportPage(model, ctx);
  it.each([
    ['verdict sentences as the PDF prints them', page.verdict.headline, model.verdict.headline],
    ['the main table unchanged', page.sections[0].mainTable, model.sections[0].mainTable],
    ['the suggestions by text', page.measures, [{ about: '补整式。', suggestions: ['每周一练。'] }]],
    [
      'the release mark with its date',
      page.release,
      { released: true, releasedAt: '2026-01-15T02:00:00.000Z', outdated: true },
    ],
    ['the links given', [page.pdf, page.exports], [ctx.pdf, ctx.exports]],
    ['the appendix', page.appendix, model.appendix],
  ])('keeps %s', (_what, got, want) => {
    expect(got).toEqual(want);
  });
  it.each([
    ['lever keys', () => 'leverKeys' in page.verdict],
    ['finding keys with item ids', () => 'findingList' in page.sections[0]],
    ['the model-wide finding list', () => 'findings' in page],
    ['suggestion version ids', () => JSON.stringify(page.measures).includes('versionId')],
  ])('leaves out %s', (_what, present) => {
    expect(present()).toBe(false);
  });
});
