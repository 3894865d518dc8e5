import { cityAnalysis } from '../../../test/support/synthetic/city-analysis.js';
import { analysisSummary, SCHOOL_DETAIL_PARTS, schoolSummary } from './analysis-summary.js';
import type { SchoolAnalysis } from './exam-analysis.js';

const bytes = (x: unknown) => new TextEncoder().encode(JSON.stringify(x)).length;
const KB = 1024;
const MB = 1024 * KB;

describe('the summary answer of a school', () => {
  const school = {
    schoolId: 3,
    name: '城关一中',
    kind: 'lead',
    locality: 'urban',
    roster: 40,
    absent: 1,
    incomplete: 0,
    n: 39,
    suppressed: false,
    unreliable: false,
    schoolIds: [3],
    summary: null,
    relative: null,
    bands: [],
    items: [],
    knowledgePoints: [],
    detail: null,
    topN: null,
    classes: [],
  } as unknown as SchoolAnalysis;

  it.each(SCHOOL_DETAIL_PARTS)('leaves out %s', (part) => {
    expect(part in school).toBe(true);
    expect(part in schoolSummary(school)).toBe(false);
  });

  it('keeps the counts, figures and top-N counts', () => {
    const { classes: _c, items: _i, bands: _b, knowledgePoints: _k, detail: _d, ...rest } = school;
    expect(schoolSummary(school)).toEqual(rest);
  });
});

describe('a city 联考 (200 schools × 8 classes × 25 items): the summary answer', () => {
  const data = cityAnalysis({ schools: 200, classesPerSchool: 8, items: 25, perClass: 8 });
  const summary = analysisSummary(data);
  const whole = bytes(data);
  const small = bytes(summary);
  const largestSchool = Math.max(...data.schools.map(bytes));

  it('carries no class rows and every school by its summary', () => {
    expect(data.schools.every((s) => s.classes?.length === 8)).toBe(true);
    expect(summary.schools).toHaveLength(200);
    expect(JSON.stringify(summary)).not.toContain('"classId"');
    expect(summary.alliance).toEqual(data.alliance);
  });

  it('is a small part of the whole analysis; one school is fetched on its own', () => {
    console.log(
      `analysis 200×8×25: whole ${(whole / MB).toFixed(1)} MB, summary ${(small / KB).toFixed(0)} KB, ` +
        `largest school ${(largestSchool / KB).toFixed(0)} KB`,
    );
    expect(whole).toBeGreaterThan(16 * MB);
    expect(small).toBeLessThan(whole / 20);
    expect(small).toBeLessThan(MB);
  });
});
