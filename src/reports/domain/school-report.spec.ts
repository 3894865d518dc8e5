import { analysePaper } from '../../results/domain/exam-analysis.js';
import { L, M, S, sampleInput } from '../../results/domain/__fixtures__/sample-analysis.js';
import { buildSchoolReport } from './school-report.js';

describe('buildSchoolReport', () => {
  const data = analysePaper(sampleInput());
  const forSchool = (schoolId: number, schoolName: string) =>
    buildSchoolReport({ examName: '2025学年第一学期期中统考', schoolId, schoolName, analyses: [data] });

  it('titles each section with exam and subject and tabulates school against alliance', () => {
    const r = forSchool(L, '城关中学');
    expect(r.documentTitle).toBe('2025学年第一学期期中统考 学校质量诊断报告 · 城关中学');
    const s = r.sections[0];
    expect(s.heading).toBe('2025学年第一学期期中统考 · 数学 学校质量诊断报告');
    expect(s.mainTable.header).toEqual(['指标', '本校', '联盟']);
    const row = (label: string) => s.mainTable.rows.find((x) => x[0] === label)!.slice(1);
    expect(s.mainTable.rows.map((x) => x[0])).toEqual([
      '参考人数',
      '平均分',
      '标准差',
      '得分率',
      '优秀率',
      '及格率',
      '低分率',
      '超均率',
      '比均率',
      'T指数',
    ]);
    expect(row('参考人数')).toEqual(['6', '15']);
    expect(row('平均分')).toEqual(['20.50', '16.00']);
    expect(row('标准差')).toEqual(['6.10', '5.90']);
    expect(row('得分率')).toEqual(['68.3%', '53.3%']);
    expect(row('超均率')).toEqual(['+28.1%', '0.0%']);
    expect(row('比均率')).toEqual(['128.1', '100.0']);
    expect(row('T指数')).toEqual(['57.6', '50.0']);
    expect(s.formulas.join('')).toContain('T指数 = 50 + 10 × (本校平均分 − 联盟平均分) ÷ 联盟学生成绩的标准差');
    expect(s.formulas.join('')).toContain('总分 ≥ 满分×85%');
  });

  it('charts the score rate per item for school and alliance', () => {
    const s = forSchool(L, '城关中学').sections[0];
    expect(s.chart).toEqual({
      title: '各题得分率：本校与联盟',
      categories: ['1', '2'],
      series: [
        { name: '本校', values: [0.75, 0.65] },
        { name: '联盟', values: [0.56, 0.52] },
      ],
      yMax: 1,
      yLabel: '得分率',
    });
  });

  it('shows other schools only by letter, never by name', () => {
    const s = forSchool(M, '河口中学').sections[0];
    const labels = s.peerTable.rows.map((r) => r[0]);
    expect(labels[0]).toBe('本校（河口中学）');
    // two of the exam's three letters: the third is 河口中学's own, the same one the others see it under
    expect(labels.filter((l) => /^学校[A-C]$/.test(l))).toHaveLength(2);
    const text = JSON.stringify(s);
    for (const name of ['城关中学', '山背小学', '对照中学']) expect(text).not.toContain(name);
    // urban (= the lead school alone) and rural (= M + S) would reveal one school each: left out, with a note
    expect(labels).not.toContain('城区学校');
    expect(labels).not.toContain('乡村学校');
    expect(s.peerNotes.some((n) => n.startsWith('城区学校：'))).toBe(true);
  });

  it('gives a suppressed school no figures and no chart', () => {
    const s = forSchool(S, '山背小学').sections[0];
    expect(s.chart).toBeNull();
    expect(s.chartNote).toContain('人数过少');
    expect(s.mainTable.rows.find((r) => r[0] === '平均分')!.slice(1)).toEqual(['—', '16.00']);
    expect(s.bandTable).toBeNull();
    expect(s.findings[0]).toContain('不公布本校的统计数据');
  });

  it('lists score bands from the top, school counts against alliance shares of merged bands', () => {
    const s = forSchool(L, '城关中学').sections[0];
    // The alliance holds 9 students of other schools: a band of fewer than 6 of them would place 城关中学's students
    // among too few others, so the bands merge from the top until 6 are in (principal-privacy.ts, rule 4).
    expect(s.bandTable!.rows[0][0]).toBe('27.0–30.0');
    expect(s.bandTable!.rows[0].slice(1, 3)).toEqual(['1', '16.7%']);
    expect(s.bandTable!.rows[0][3]).toMatch(/^\d+\.\d%（\d+\.\d–30\.0合计）$/);
    expect(s.bandTable!.rows[1]).toEqual(['24.0–27.0（不含）', '2', '33.3%', '同上']);
    expect(s.bandTable!.rows).toHaveLength(10);
  });
});
