// Simulated alliances for checking value-added intervals (issue 15, "Evidence"). Pure: no I/O.
// 40 schools of 5–400 students (log-spaced); a true ability with school intake differences; one or more prior
// exams of 10 items whose reliability is set; school effects planted on the current exam (points), relative to the
// alliance (student-weighted mean 0); 2% absent now, 5% without a prior. Everything a coverage check needs.
import { normalSampler, seededRandom } from './synthetic-cohort.js';

export interface VaAllianceOptions {
  seed: number;
  schools?: number;
  minSize?: number;
  maxSize?: number;
  /** SD of the schools' mean ability (θ units; students have SD 1 within a school). 0: no intake differences. */
  intakeSd?: number;
  /** Reliability of each prior total over the alliance, drawn uniformly from [low, high] per alliance. */
  reliability?: [number, number];
  /** SD of the planted school effects in points (0: the null case). */
  effectSd?: number;
  /** Within-school residual SD in points: one value, or [low, high] drawn per school (heteroscedastic schools). */
  withinSd?: number | [number, number];
  /** Number of prior exams (each with its own measurement error). */
  priors?: number;
  absentNow?: number;
  noPrior?: number;
}

export interface VaAlliance {
  schools: { schoolId: number; size: number; planted: number; intake: number }[];
  current: { studentId: number; schoolId: number; total: number }[];
  /** Prior totals per student (one entry per prior exam); students without a prior are left out. */
  priors: Map<number, number[]>;
  /** Cronbach's α of each prior exam's 10 items over the students who sat it. */
  alpha: number[];
}

const ITEMS = 10;

/** Cronbach's α of a students × items matrix (rows of equal length). */
function cronbach(rows: number[][]): number {
  const k = rows[0].length;
  const varOf = (v: number[]) => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
  };
  let itemVar = 0;
  for (let j = 0; j < k; j++) itemVar += varOf(rows.map((r) => r[j]));
  const totalVar = varOf(rows.map((r) => r.reduce((a, b) => a + b, 0)));
  return (k / (k - 1)) * (1 - itemVar / totalVar);
}

export function generateVaAlliance(o: VaAllianceOptions): VaAlliance {
  const rand = seededRandom(o.seed);
  const z = normalSampler(rand);
  const J = o.schools ?? 40;
  const [lo, hi] = [o.minSize ?? 5, o.maxSize ?? 400];
  const intakeSd = o.intakeSd ?? 0.5;
  const [rLo, rHi] = o.reliability ?? [0.8, 0.8];
  const K = o.priors ?? 1;
  const ability = 1 + intakeSd ** 2;
  // Parallel items: item = θ + s·ε, so the total's reliability is 10·v / (10·v + s²) with v = var(θ).
  const itemNoise = Array.from({ length: K }, () => {
    const rho = rLo + (rHi - rLo) * rand();
    return Math.sqrt((ITEMS * ability * (1 - rho)) / rho);
  });
  const schools = Array.from({ length: J }, (_, j) => ({
    schoolId: j + 1,
    size: Math.round(lo * (hi / lo) ** (j / (J - 1))),
    planted: (o.effectSd ?? 2.5) * z(),
    intake: intakeSd * z(),
    within: Array.isArray(o.withinSd) ? o.withinSd[0] + (o.withinSd[1] - o.withinSd[0]) * rand() : (o.withinSd ?? 8),
  }));
  // Planted effects relative to the alliance: student-weighted mean 0.
  const N = schools.reduce((a, s) => a + s.size, 0);
  const centre = schools.reduce((a, s) => a + s.size * s.planted, 0) / N;
  for (const s of schools) s.planted -= centre;

  const current: VaAlliance['current'] = [];
  const priors = new Map<number, number[]>();
  const itemRows: number[][][] = Array.from({ length: K }, () => []);
  let id = 0;
  for (const s of schools)
    for (let i = 0; i < s.size; i++) {
      id++;
      const theta = s.intake + z();
      if (rand() >= (o.noPrior ?? 0.05)) {
        const totals: number[] = [];
        for (let k = 0; k < K; k++) {
          const items = Array.from({ length: ITEMS }, () => 5 + 1.5 * (theta + itemNoise[k] * z()));
          itemRows[k].push(items);
          totals.push(items.reduce((a, b) => a + b, 0));
        }
        priors.set(id, totals);
      }
      const total = 60 + 10 * theta + s.planted + s.within * z();
      if (rand() >= (o.absentNow ?? 0.02)) current.push({ studentId: id, schoolId: s.schoolId, total });
    }
  return {
    schools: schools.map(({ schoolId, size, planted, intake }) => ({ schoolId, size, planted, intake })),
    current,
    priors,
    alpha: itemRows.map(cronbach),
  };
}
