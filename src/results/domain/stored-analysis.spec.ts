import { cityAnalysis } from '../../../test/support/synthetic/city-analysis.js';
import type { ClassAnalysis, ExamAnalysisData, SchoolAnalysis } from './exam-analysis.js';
import {
  batchesUnder,
  joinAnalysis,
  SCHOOLS_APART,
  splitAnalysis,
  storedSizes,
  withSchoolClasses,
} from './stored-analysis.js';

const MB = 1024 * 1024;

const unit = { roster: 7, absent: 0, incomplete: 0, n: 7, suppressed: false, unreliable: true, schoolIds: [] };
const cls = (classId: number, name: string): ClassAnalysis =>
  ({ ...unit, classId, name, summary: null, relative: null, bands: null, items: null }) as ClassAnalysis;
const school = (schoolId: number, classes?: ClassAnalysis[]): SchoolAnalysis =>
  ({
    ...unit,
    schoolId,
    name: `学校${schoolId}`,
    kind: 'member',
    locality: 'urban',
    summary: null,
    relative: null,
    bands: null,
    items: null,
    ...(classes ? { classes } : {}),
  }) as SchoolAnalysis;
const analysis = (schools: SchoolAnalysis[]) =>
  ({ version: 1, examId: 1, schools, longitudinal: null, anonymisationKey: 'k' }) as unknown as ExamAnalysisData;

describe('splitAnalysis / joinAnalysis: schools stored apart, the same analysis read back', () => {
  // Schools deliberately out of id order: reassembly keeps the stored order, not the ids'.
  const data = analysis([school(9, [cls(91, '1班'), cls(92, '2班')]), school(3, []), school(5)]);

  it('keeps the paper row free of schools and marks it', () => {
    const { paper, schools } = splitAnalysis(data);
    expect(paper).toMatchObject({ schools: [], [SCHOOLS_APART]: true, anonymisationKey: 'k', longitudinal: null });
    expect(schools.map((s) => [s.schoolId, s.seq, s.classes?.length ?? null])).toEqual([
      [9, 0, 2],
      [3, 1, 0],
      [5, 2, null],
    ]);
    expect(schools.every((s) => !('classes' in s.school))).toBe(true);
  });

  it('reassembles exactly what was split (a school without classes stays without the field)', () => {
    const { paper, schools } = splitAnalysis(JSON.parse(JSON.stringify(data)));
    expect(joinAnalysis(paper, [...schools].reverse())).toEqual(data);
    expect('classes' in (joinAnalysis(paper, schools) as ExamAnalysisData).schools[2]).toBe(false);
  });

  it.each<[string, number[] | undefined, (number | null)[]]>([
    ['every school’s classes by default', undefined, [2, 0, null]],
    ['only the asked school’s classes', [9], [2, null, null]],
    ['no classes at all', [], [null, null, null]],
  ])('reads %s', (_, classesOf, counts) => {
    const { paper, schools } = splitAnalysis(data);
    const back = joinAnalysis(paper, schools, classesOf) as ExamAnalysisData;
    expect(back.schools.map((s) => s.schoolId)).toEqual([9, 3, 5]);
    expect(back.schools.map((s) => s.classes?.length ?? null)).toEqual(counts);
  });

  it.each<[string, number]>([
    ['a school with classes', 9],
    ['a school with none (an empty list)', 3],
    ['a school without the field', 5],
    ['a school not in the analysis', 42],
  ])('gives %s its classes on a read without classes, as a read of its classes does', (_, id) => {
    const { paper, schools } = splitAnalysis(data);
    const shared = Object.freeze(joinAnalysis(paper, schools, []));
    const own = schools.find((s) => s.schoolId === id)?.classes ?? null;
    expect(withSchoolClasses(shared, id, own)).toEqual(joinAnalysis(paper, schools, [id]));
    expect((shared as ExamAnalysisData).schools.every((s) => !('classes' in s))).toBe(true);
  });

  it('reads an analysis stored before the split (schools and classes inline) as it is', () => {
    const old = JSON.parse(JSON.stringify(data));
    expect(joinAnalysis(old, [])).toEqual(data);
    // …and still honours classesOf on it
    const own = joinAnalysis(old, [], [9]) as ExamAnalysisData;
    expect(own.schools.map((s) => s.classes?.length ?? null)).toEqual([2, null, null]);
  });

  it('stores anything without schools whole', () => {
    expect(splitAnalysis({ foo: 1 })).toEqual({ paper: { foo: 1 }, schools: [] });
    expect(joinAnalysis({ foo: 1 }, [])).toEqual({ foo: 1 });
  });
});

describe('batchesUnder: INSERTs kept under a byte budget', () => {
  it.each<[number[], number, number[][]]>([
    [[], 10, []],
    [[3, 3, 3], 10, [[3, 3, 3]]],
    [[4, 4, 4], 10, [[4, 4], [4]]],
    [[12, 1, 1], 10, [[12], [1, 1]]],
    [[1, 12, 1], 10, [[1], [12], [1]]],
  ])('%j under %d', (sizes, max, out) => {
    expect(batchesUnder(sizes, (x) => x, max)).toEqual(out);
  });
});

describe('a city 联考 (200 schools × 8 classes × 25 items): no stored value nears max_allowed_packet', () => {
  // 8 students a class (figures for every class, as with 50; the size hardly depends on class size: 17.0 MB at 8,
  // 18.4 MB at 50 a class, measured when this was written).
  const data = cityAnalysis({ schools: 200, classesPerSchool: 8, items: 25, perClass: 8 });
  const sizes = storedSizes(data);

  it('as one value it is past the 16 MB default (the failure this split fixes)', () => {
    expect(data.schools.every((s) => s.classes?.length === 8)).toBe(true);
    expect(sizes.whole).toBeGreaterThan(16 * MB);
  });

  it('split, the paper row and every school row are far below 4 MB', () => {
    expect(sizes.paper).toBeLessThan(4 * MB);
    expect(sizes.largestSchool).toBeLessThan(4 * MB);
    // the paper's row no longer grows with classes: well under 1 MB here
    expect(sizes.paper).toBeLessThan(MB);
  });

  it('reassembles to the same analysis', () => {
    const { paper, schools } = splitAnalysis(data);
    const stored = JSON.parse(JSON.stringify({ paper, schools }));
    expect(joinAnalysis(stored.paper, stored.schools)).toEqual(JSON.parse(JSON.stringify(data)));
  });
});
