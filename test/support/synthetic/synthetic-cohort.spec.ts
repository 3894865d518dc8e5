import { addSubject, generateCohort } from './synthetic-cohort.js';

const pearson = (x: number[], y: number[]) => {
  const m = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const mx = m(x);
  const my = m(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
};

describe('addSubject', () => {
  const cohort = generateCohort({ seed: 5, schools: 12, schoolSize: { min: 60, max: 90 }, items: 20 });

  it('is the same for the same seed and differs for another', () => {
    const a = addSubject(cohort, { seed: 9, items: 15 });
    const b = addSubject(cohort, { seed: 9, items: 15 });
    const c = addSubject(cohort, { seed: 10, items: 15 });
    expect([...a.current.totals]).toEqual([...b.current.totals]);
    expect([...a.current.totals]).not.toEqual([...c.current.totals]);
  });

  it('keeps the cohort’s students and absences, with its own items', () => {
    const extra = addSubject(cohort, { seed: 9, items: 15 });
    expect(extra.current.items).toHaveLength(15);
    expect(extra.current.totals).toHaveLength(cohort.students.length);
    for (const st of cohort.students) {
      expect(Number.isNaN(extra.current.totals[st.index])).toBe(st.absentNow);
      expect(Number.isNaN(extra.prior.totals[st.index])).toBe(st.absentPrior);
    }
  });

  it('correlates with the first subject, less than perfectly, and grows the school effects planted in the cohort', () => {
    const extra = addSubject(cohort, { seed: 9, items: 30 });
    const both = cohort.students.filter((s) => !s.absentNow);
    const r = pearson(
      both.map((s) => cohort.current.totals[s.index]),
      both.map((s) => extra.current.totals[s.index]),
    );
    expect(r).toBeGreaterThan(0.4);
    expect(r).toBeLessThan(0.95);
    // A school's mean gain (current − prior, in SD units of each exam) follows its planted value-added.
    const z = (t: Float64Array, idx: number[]) => {
      const v = idx.map((i) => t[i]);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
      return (i: number) => (t[i] - m) / sd;
    };
    const present = cohort.students.filter((s) => !s.absentNow && !s.absentPrior).map((s) => s.index);
    const zNow = z(extra.current.totals, present);
    const zPrior = z(extra.prior.totals, present);
    const gains = cohort.schools.map((sc) => {
      const mine = present.filter((i) => cohort.students[i].school === sc.index);
      return mine.reduce((a, i) => a + zNow(i) - zPrior(i), 0) / mine.length;
    });
    expect(
      pearson(
        gains,
        cohort.schools.map((s) => s.plantedVa),
      ),
    ).toBeGreaterThan(0.7);
  });
});
