import { analysePaper } from './exam-analysis.js';
import { L, M, S, sampleInput } from './__fixtures__/sample-analysis.js';
import {
  anonymousLabels,
  HIDDEN_AGGREGATE_REASON,
  letters,
  ownLabels,
  principalTopN,
  principalView,
  TOP_N_WITHHELD_REASON,
} from './principal-view.js';

describe('anonymous letters', () => {
  it('counts A…Z, AA…', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(letters)).toEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
    ]);
  });

  it('gives the same letters for the same exam whatever the input order, skipping the viewer', () => {
    const a = anonymousLabels(5, [11, 12, 13, 14, 15], [13], 'k1');
    const b = anonymousLabels(5, [15, 14, 12, 11, 13, 12], [13], 'k1');
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
    expect(a.has(13)).toBe(false);
    expect(a.size).toBe(4);
  });

  it('deals one letter per school for everyone: every viewer sees a school under the letter it reads as its own', () => {
    const ids = [11, 12, 13, 14, 15, 16];
    const everyone = anonymousLabels(5, ids, [], 'k1');
    expect([...everyone.values()].sort()).toEqual(['学校A', '学校B', '学校C', '学校D', '学校E', '学校F']);
    for (const viewer of ids) {
      const seen = anonymousLabels(5, ids, [viewer], 'k1');
      for (const [id, label] of seen) expect(label).toBe(everyone.get(id));
      expect(ownLabels(5, ids, [viewer], 'k1').get(viewer)).toBe(everyone.get(viewer));
    }
  });

  it('does not simply follow the school ids (the lead school is usually registered first)', () => {
    const ids = Array.from({ length: 12 }, (_, i) => i + 1);
    const orders = [1, 2, 3, 4].map((exam) => {
      const m = anonymousLabels(exam, ids, [], 'k1');
      return ids.map((id) => m.get(id)).join(',');
    });
    const byId = ids.map((_, i) => `学校${letters(i)}`).join(',');
    expect(orders.every((o) => o === byId)).toBe(false);
    expect(new Set(orders).size).toBeGreaterThan(1);
  });
});

describe('anonymous letters need the secret key', () => {
  it('orders the letters differently under different keys, so ids alone do not give the order away', () => {
    const ids = Array.from({ length: 8 }, (_, i) => i + 1);
    const order = (key: string) => {
      const m = anonymousLabels(9, ids, [], key);
      return ids.map((id) => m.get(id)).join(',');
    };
    const orders = new Set(['a', 'b', 'c', 'd', 'e'].map(order));
    expect(orders.size).toBeGreaterThan(1);
    expect(order('a')).toBe(order('a'));
  });

  it('never hands the key to a principal', () => {
    const view = principalView({ ...analysePaper(sampleInput()), anonymisationKey: 'secret-key-123' }, [L]);
    expect(JSON.stringify(view)).not.toContain('secret-key-123');
  });
});

describe('principalView', () => {
  const data = analysePaper(sampleInput());

  it('withholds top-N counts of 1 to 5 from the principal (they would point at individual students), shows 0 and 6+', () => {
    // the admin's analysis: 城关中学 has 5 students in the alliance top 10 and 6 in the top 50 and 100
    expect(data.schools.find((s) => s.schoolId === L)!.topN).toEqual([
      { topN: 10, count: 5 },
      { topN: 50, count: 6 },
      { topN: 100, count: 6 },
    ]);
    expect(principalView(data, [L]).ownSchools[0].topN).toEqual([
      { topN: 10, count: null, withheld: true, reason: TOP_N_WITHHELD_REASON },
      { topN: 50, count: 6, withheld: false },
      { topN: 100, count: 6, withheld: false },
    ]);
    expect(
      principalTopN([
        { topN: 10, count: 0 },
        { topN: 50, count: 1 },
      ]),
    ).toEqual([
      { topN: 10, count: 0, withheld: false },
      { topN: 50, count: null, withheld: true, reason: TOP_N_WITHHELD_REASON },
    ]);
    expect(principalTopN(null)).toBeNull();
    expect(TOP_N_WITHHELD_REASON).toContain('不予显示');
  });

  it('shows the own school in full and other alliance schools only by letter', () => {
    const v = principalView(data, [L]);
    expect(v.ownSchools).toHaveLength(1);
    expect(v.ownSchools[0]).toMatchObject({ schoolId: L, name: '城关中学', n: 6 });
    expect(v.ownSchools[0].items).toHaveLength(2);
    expect(v.otherSchools.map((s) => s.label)).toEqual(['学校A', '学校B']);
    for (const o of v.otherSchools) {
      expect(Object.keys(o).sort()).toEqual(['label', 'relative', 'summary', 'suppressed', 'unreliable']);
    }
    const json = JSON.stringify(v);
    for (const name of ['河口中学', '山背小学', '对照中学']) expect(json).not.toContain(name);
    expect(json).not.toContain('schoolIds');
    // M is among the others with its aggregate figures; S is suppressed
    const means = v.otherSchools.map((s) => s.summary?.mean ?? null).sort();
    expect(means).toEqual([12, null]);
    expect(v.otherSchools.find((s) => s.summary === null)!.suppressed).toBe(true);
  });

  it('keeps the alliance aggregate and hides aggregates of fewer than three other schools', () => {
    const v = principalView(data, [L]);
    expect(v.alliance.summary!.mean).toBe(16);
    expect(v.urban!.summary!.mean).toBe(20.5); // only the own school in it
    expect(v.rural).toBeNull(); // two other schools: their n and mean with their rounded means solve for both n
    expect(v.comparison).toBeNull(); // one comparison school
    expect(v.hidden).toEqual([
      { unit: 'comparison', reason: HIDDEN_AGGREGATE_REASON },
      { unit: 'rural', reason: HIDDEN_AGGREGATE_REASON },
    ]);

    const fromM = principalView(data, [M]);
    expect(fromM.urban).toBeNull(); // would be the lead school's figures
    expect(fromM.rural).toBeNull(); // M + S: would give S's figures away
    expect(fromM.hidden.map((h) => h.unit).sort()).toEqual(['comparison', 'rural', 'urban']);
  });

  it('gives the same letter to a school across calls', () => {
    const a = principalView(data, [M]).otherSchools;
    const b = principalView(data, [M]).otherSchools;
    expect(a).toEqual(b);
    // S sees L and M under the letters M and L see them under, and its own letter is the one the others miss
    const fromS = principalView(data, [S]);
    const fromL = principalView(data, [L]);
    const fromM = principalView(data, [M]);
    expect(fromS.otherSchools.map((s) => s.label).sort()).toEqual(
      [fromM.ownSchools[0].label, fromL.ownSchools[0].label].sort(),
    );
    expect(fromL.otherSchools.map((s) => s.label)).toContain(fromS.ownSchools[0].label);
    expect(fromS.ownSchools[0].suppressed).toBe(true);
  });

  it("withholds the alliance's minimum, maximum and median, and rounds other schools' figures", () => {
    const v = principalView(data, [L]);
    expect(v.alliance.summary).toMatchObject({ min: null, max: null, median: null });
    expect(data.alliance.summary!.max).not.toBeNull();
    const m = v.otherSchools.find((o) => o.summary)!;
    // M has 9 students: its three rates are withheld (under 20), its mean and SD have one decimal
    expect(m.summary).toMatchObject({ excellentRate: null, passRate: null, lowRate: null });
    expect(m.summary!.sd).toBe(Math.round(m.summary!.sd * 10) / 10);
  });
});
