import { analysePaper } from './exam-analysis.js';
import { C, L, M, S, sampleInput } from './__fixtures__/sample-analysis.js';

describe('analysePaper', () => {
  const data = analysePaper(sampleInput());
  const school = (id: number) => data.schools.find((s) => s.schoolId === id)!;

  it('builds the alliance from lead and member schools only', () => {
    // alliance totals (15): 30 24 24 18 15 12 | 14 17 14 9 6 12 | 15 15 15; sum 240, mean 16
    // squared deviations sum to 522 → variance 34.8 → SD 5.8992
    expect(data.alliance).toMatchObject({
      roster: 17,
      absent: 1,
      incomplete: 1,
      n: 15,
      suppressed: false,
      unreliable: false,
      schoolIds: [L, M, S],
    });
    expect(data.alliance.summary).toEqual({
      n: 15,
      mean: 16,
      sd: 5.8992,
      median: 15,
      min: 6,
      max: 30,
      scoreRate: 0.5333,
      excellentRate: 0.0667, // ≥ 25.5: only 30
      passRate: 0.2667, // ≥ 18: 30, 24, 24, 18
      lowRate: 0.1333, // < 12: 9 and 6
    });
    expect(data.alliance.relative).toEqual({ aboveMeanRate: 0, ratioToMean: 100, tIndex: 50 });
    // item 1: (45 + 24 + 15) / 15 = 5.6 → P 0.56; item 2: (78 + 48 + 30) / 15 = 10.4 → P 0.52
    expect(data.alliance.items).toEqual([
      { itemId: 101, mean: 5.6, scoreRate: 0.56 },
      { itemId: 102, mean: 10.4, scoreRate: 0.52 },
    ]);
  });

  it('gives each school its figures against the alliance', () => {
    const l = school(L);
    expect(l).toMatchObject({
      name: '城关中学',
      kind: 'lead',
      roster: 7,
      absent: 1,
      n: 6,
      unreliable: true,
      suppressed: false,
    });
    // SD: squared deviations from 20.5 sum to 223.5 → √(223.5/6) = 6.1033
    expect(l.summary).toEqual({
      n: 6,
      mean: 20.5,
      sd: 6.1033,
      median: 21,
      min: 12,
      max: 30,
      scoreRate: 0.6833,
      excellentRate: 0.1667,
      passRate: 0.6667,
      lowRate: 0,
    });
    // 超均率 4.5/16 = 0.28125; 比均率 128.125; T = 50 + 45/5.89915 = 57.6282
    expect(l.relative).toEqual({ aboveMeanRate: 0.2813, ratioToMean: 128.125, tIndex: 57.6282 });
    expect(l.items).toEqual([
      { itemId: 101, mean: 7.5, scoreRate: 0.75 },
      { itemId: 102, mean: 13, scoreRate: 0.65 },
    ]);
    // bands of 3 marks: 30 → 9, 24 → 8 (×2), 18 → 6, 15 → 5, 12 → 4
    expect(l.bands!.map((b) => b.count)).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 2, 1]);

    const m = school(M);
    expect(m).toMatchObject({ roster: 7, incomplete: 1, n: 6 });
    // mean 12, squared deviations 78 → √13 = 3.6056; median (12+14)/2
    expect(m.summary).toMatchObject({
      mean: 12,
      sd: 3.6056,
      median: 13,
      excellentRate: 0,
      passRate: 0,
      lowRate: 0.3333,
    });
    expect(m.relative).toEqual({ aboveMeanRate: -0.25, ratioToMean: 75, tIndex: 43.2194 });
  });

  it('suppresses the figures of a school with 5 or fewer students but keeps its counts', () => {
    expect(school(S)).toMatchObject({
      n: 3,
      suppressed: true,
      summary: null,
      relative: null,
      bands: null,
      items: null,
      roster: 3,
    });
  });

  it('keeps comparison schools out of the alliance and in their own group', () => {
    expect(data.comparison).toMatchObject({ n: 6, schoolIds: [C] });
    expect(data.comparison.summary).toMatchObject({ mean: 24, sd: 0 });
    // T = 50 + 10 × 8 / 5.89915 = 63.5613
    expect(data.comparison.relative).toEqual({ aboveMeanRate: 0.5, ratioToMean: 150, tIndex: 63.5613 });
    expect(school(C).kind).toBe('comparison');
  });

  it('splits the alliance into urban and rural schools', () => {
    expect(data.urban).toMatchObject({ n: 6, schoolIds: [L] });
    expect(data.urban.summary!.mean).toBe(20.5);
    // rural: M + S, totals sum 117 over 9 → 13; T = 50 − 30/5.89915 = 44.9145
    expect(data.rural).toMatchObject({ n: 9, unreliable: true, schoolIds: [M, S] });
    expect(data.rural.summary!.mean).toBe(13);
    expect(data.rural.relative!.tIndex).toBe(44.9145);
  });

  it('orders a school’s classes by name with the numbers in it by value (2 before 10)', () => {
    const input = sampleInput();
    const names = ['七年级(10)班', '七年级(2)班', '七年级(1)班', '七年级(11)班'];
    input.outcomes = input.outcomes.map((o, i) => ({ ...o, classId: 1 + (i % names.length) }));
    input.classes = new Map(names.map((n, i) => [i + 1, n]));
    const classes = analysePaper(input).schools.find((s) => s.schoolId === L)!.classes!;
    expect(classes.map((c) => c.name)).toEqual(['七年级(1)班', '七年级(2)班', '七年级(10)班', '七年级(11)班']);
  });

  it('orders schools by id and carries the paper and thresholds', () => {
    expect(data.schools.map((s) => s.schoolId)).toEqual([L, M, S, C]);
    expect(data.paper).toEqual({ paperId: 70, subject: '数学', fullMarks: 30 });
    expect(data.version).toBe(1);
  });

  it('gives no relative figures when the alliance itself is suppressed', () => {
    const input = sampleInput();
    input.outcomes = input.outcomes.filter((o) => o.schoolId === S || o.schoolId === C);
    const d = analysePaper(input);
    expect(d.alliance.suppressed).toBe(true);
    expect(d.comparison.summary!.mean).toBe(24);
    expect(d.comparison.relative).toBeNull();
  });

  it('treats a unit with nobody as suppressed, not as an error', () => {
    const input = sampleInput();
    input.outcomes = input.outcomes.filter((o) => o.schoolId !== C);
    expect(analysePaper(input).comparison).toMatchObject({ roster: 0, n: 0, suppressed: true, summary: null });
  });

  it('counts 未扫描 apart from 缺考: not in the figures, not in 参考率', () => {
    const input = sampleInput();
    // the lead school's students: 3 marked absent or complete → 2 of the complete ones become unscanned
    const lead = input.outcomes.filter((o) => o.schoolId === L && o.status === 'complete').slice(0, 2);
    const changed = {
      ...input,
      outcomes: input.outcomes.map((o) =>
        lead.includes(o) ? { ...o, status: 'unscanned' as const, total: null, itemScores: {} } : o,
      ),
    };
    const before = analysePaper(input).schools.find((s) => s.schoolId === L)!;
    const after = analysePaper(changed).schools.find((s) => s.schoolId === L)!;
    expect(after.unscanned).toBe(2);
    expect(after.absent).toBe(before.absent);
    expect(after.n).toBe(before.n - 2);
    // 参考率 over the students whose attendance is known: (7 − 2 − 1) / (7 − 2)
    expect(after.participationRate).toBeCloseTo((after.roster - 2 - after.absent) / (after.roster - 2), 4);
  });
});
