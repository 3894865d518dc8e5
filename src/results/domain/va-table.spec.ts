import { generateVaAlliance } from '../../../test/support/synthetic/va-alliance.js';
import { longitudinal } from './value-added.js';
import { VA_STATEMENTS } from './va-statement.js';
import { valueAddedTable, type VaTableRow } from './va-table.js';

describe("the analysts' value-added table (npm run value-added)", () => {
  const a = generateVaAlliance({ seed: 77, schools: 12, minSize: 4, maxSize: 90, reliability: [0.6, 0.6] });
  const ids = new Map(a.schools.map((s) => [s.schoolId, `W${String(s.schoolId).padStart(2, '0')}`]));
  // One CSV row per student: present now or not, prior or not.
  const present = new Map(a.current.map((c) => [c.studentId, c]));
  const rows: VaTableRow[] = [];
  let id = 0;
  for (const s of a.schools)
    for (let i = 0; i < s.size; i++) {
      id++;
      rows.push({
        school: ids.get(s.schoolId)!,
        prior: a.priors.get(id)?.[0] ?? null,
        current: present.get(id)?.total ?? null,
      });
    }

  it('gives the figures of the results job, relative to the alliance, with the statement in words', () => {
    const t = valueAddedTable(rows);
    const l = longitudinal({
      schools: a.schools.map((s) => ({ schoolId: s.schoolId })),
      current: a.current,
      prior: new Map([...a.priors].map(([k, v]) => [k, v[0]])),
    });
    expect(t.schools.map((s) => s.school)).toEqual([...ids.values()]);
    t.schools.forEach((s, j) => {
      const r = l.schools[j];
      expect([s.n, s.va, s.low, s.high, s.shrunk, s.shrunkLow, s.shrunkHigh]).toEqual([
        r.matched,
        r.va,
        r.ciLow,
        r.ciHigh,
        r.vaShrunk,
        r.shrunkLow,
        r.shrunkHigh,
      ]);
      if (s.va === null) expect(s.statement).toBeNull();
      else expect(Object.values(VA_STATEMENTS)).toContain(s.statement);
    });
    // The smallest school (4 students) is suppressed: null figures, no statement.
    expect(t.schools[0]).toMatchObject({ va: null, low: null, shrunk: null, statement: null });
    const n = t.schools.reduce((x, s) => x + (s.va === null ? 0 : s.n), 0);
    expect(Math.abs(t.schools.reduce((x, s) => x + (s.va === null ? 0 : s.n * s.va), 0) / n)).toBeLessThan(0.5);
    expect(t.method).toContain('REML');
    expect(t.priorReliability).toBeNull();
  });

  it('takes the reliability stated by the analyst, or the α of the prior items when given', () => {
    expect(valueAddedTable(rows, 0.72).method).toContain('α = 0.72');
    const items = rows.map((r, i) => ({
      ...r,
      priorItems: r.prior === null ? [null, null, null] : [r.prior / 3 + (i % 3), r.prior / 3 - (i % 2), r.prior / 3],
    }));
    const t = valueAddedTable(items);
    expect(t.priorReliability!).toBeGreaterThan(0.9);
    expect(t.method).toContain(`α = ${t.priorReliability!.toFixed(2)}`);
    // The reliability does not correct the estimates; it only centres the prior of φ (multilevel.ts), so the
    // figures move a little (at most a few tenths of a point on this small alliance) and every verdict stays.
    const without = valueAddedTable(rows).schools;
    t.schools.forEach((s, j) => {
      expect(s.school).toBe(without[j].school);
      expect(s.statement).toBe(without[j].statement);
      if (s.va === null) return expect(without[j].va).toBeNull();
      expect(Math.abs(s.va - without[j].va!)).toBeLessThan(0.3);
    });
  });
});
