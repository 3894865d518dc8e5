// A realistic, seeded data generator for demo, tests and benchmarks (issue 5 §6). Pure: no I/O.
// Students have a latent ability θ; schools shift it (with an urban–rural gap); item scores follow a
// 2PL model (0/1 items) or Samejima's graded response model (polytomous items). A prior exam of the same
// cohort is generated first; between the two exams each school adds a known, planted value-added.

/** mulberry32: small, fast, good enough for simulation; the same seed always gives the same stream. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller) from a uniform stream. */
export function normalSampler(rand: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

export interface SyntheticItem {
  /** 1-based position on the paper. */
  seq: number;
  maxScore: number;
  /** Discrimination a (2PL / graded). */
  a: number;
  /** Difficulty b (0/1 items: one value; polytomous: increasing category thresholds, one per score point). */
  b: number[];
}

export interface SyntheticSchool {
  /** 0-based index; callers map it to database ids. */
  index: number;
  kind: 'lead' | 'member';
  locality: 'urban' | 'rural';
  size: number;
  /** Mean ability of the school's students at the prior exam (θ scale). */
  abilityShift: number;
  /** Planted value-added between prior and current exam (θ scale). 0 for the planted-zero schools. */
  plantedVa: number;
}

export interface SyntheticStudent {
  index: number;
  school: number;
  thetaPrior: number;
  thetaNow: number;
  /** Absent (缺考) from the prior / current exam. */
  absentPrior: boolean;
  absentNow: boolean;
}

export interface SyntheticExam {
  items: SyntheticItem[];
  fullMarks: number;
  /** Row-major student × item integer scores (students in index order); absent students' rows are 0. */
  scores: Uint8Array;
  /** Paper totals; NaN for absent students. */
  totals: Float64Array;
}

export interface CohortOptions {
  seed: number;
  schools: number;
  /** Students per school drawn uniformly from [min, max]. */
  schoolSize: { min: number; max: number };
  items: number;
  /** Share of items that are polytomous (graded, max 2–8), the rest 0/1. */
  polytomousShare?: number;
  /** Share of schools that are urban; the first school is the urban lead school. */
  urbanShare?: number;
  /** Mean ability gap urban − rural (θ units). */
  urbanRuralGap?: number;
  /** SD of school ability shifts within a locality. */
  schoolSd?: number;
  /** SD of the planted value-added of the non-zero schools. */
  vaSd?: number;
  /** Share of schools with planted value-added exactly 0. */
  zeroVaShare?: number;
  /** SD of individual growth noise between the exams (θ units). */
  growthSd?: number;
  /** Absence rate per exam. */
  absentRate?: number;
}

export interface SyntheticCohort {
  options: Required<CohortOptions>;
  schools: SyntheticSchool[];
  students: SyntheticStudent[];
  prior: SyntheticExam;
  current: SyntheticExam;
}

function makeItems(count: number, polyShare: number, rand: () => number, normal: () => number): SyntheticItem[] {
  const items: SyntheticItem[] = [];
  for (let i = 0; i < count; i++) {
    const poly = rand() < polyShare;
    const a = 0.6 + rand() * 1.4;
    if (!poly) {
      items.push({ seq: i + 1, maxScore: 1, a, b: [normal() * 0.9] });
    } else {
      const max = 2 + Math.floor(rand() * 7);
      const centre = normal() * 0.7;
      const b = Array.from({ length: max }, (_, k) => centre + ((k + 0.5) / max - 0.5) * 3);
      items.push({ seq: i + 1, maxScore: max, a, b });
    }
  }
  return items;
}

function administer(
  items: SyntheticItem[],
  thetas: Float64Array,
  absent: Uint8Array,
  rand: () => number,
): SyntheticExam {
  const n = thetas.length;
  const k = items.length;
  const scores = new Uint8Array(n * k);
  const totals = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    if (absent[s]) {
      totals[s] = NaN;
      continue;
    }
    let total = 0;
    for (let j = 0; j < k; j++) {
      const it = items[j];
      const u = rand();
      let x = 0;
      // Graded response: P(X ≥ c) = logistic(a(θ − b_c)); thresholds increase, so the count is the score.
      for (const bc of it.b) if (u < 1 / (1 + Math.exp(-it.a * (thetas[s] - bc)))) x++;
      scores[s * k + j] = x;
      total += x;
    }
    totals[s] = total;
  }
  return { items, fullMarks: items.reduce((a, it) => a + it.maxScore, 0), scores, totals };
}

/** Generates a cohort with a prior and a current exam. Same options → identical output. */
export function generateCohort(opts: CohortOptions): SyntheticCohort {
  const o: Required<CohortOptions> = {
    polytomousShare: 0.3,
    urbanShare: 0.35,
    urbanRuralGap: 0.5,
    schoolSd: 0.2,
    vaSd: 0.25,
    zeroVaShare: 0.3,
    growthSd: 0.35,
    absentRate: 0.02,
    ...opts,
  };
  const rand = seededRandom(o.seed);
  const normal = normalSampler(rand);
  const schools: SyntheticSchool[] = [];
  for (let i = 0; i < o.schools; i++) {
    const urban = i === 0 || rand() < o.urbanShare;
    const zero = i !== 0 && rand() < o.zeroVaShare;
    schools.push({
      index: i,
      kind: i === 0 ? 'lead' : 'member',
      locality: urban ? 'urban' : 'rural',
      size: o.schoolSize.min + Math.floor(rand() * (o.schoolSize.max - o.schoolSize.min + 1)),
      abilityShift: (urban ? o.urbanRuralGap / 2 : -o.urbanRuralGap / 2) + normal() * o.schoolSd,
      plantedVa: zero ? 0 : normal() * o.vaSd,
    });
  }
  // Value-added is relative to the alliance: centre the planted values (student-weighted) on the non-zero
  // schools, so planted-zero schools really are "as expected" and their estimand is 0.
  const nonZero = schools.filter((s) => s.plantedVa !== 0);
  const w = nonZero.reduce((a, s) => a + s.size, 0);
  const shift = w ? nonZero.reduce((a, s) => a + s.size * s.plantedVa, 0) / w : 0;
  for (const s of nonZero) s.plantedVa -= shift;
  const total = schools.reduce((a, s) => a + s.size, 0);
  const thetaPrior = new Float64Array(total);
  const thetaNow = new Float64Array(total);
  const absentPrior = new Uint8Array(total);
  const absentNow = new Uint8Array(total);
  const students: SyntheticStudent[] = [];
  let idx = 0;
  for (const sc of schools) {
    for (let k = 0; k < sc.size; k++, idx++) {
      thetaPrior[idx] = sc.abilityShift + normal();
      thetaNow[idx] = thetaPrior[idx] + sc.plantedVa + normal() * o.growthSd;
      absentPrior[idx] = rand() < o.absentRate ? 1 : 0;
      absentNow[idx] = rand() < o.absentRate ? 1 : 0;
      students.push({
        index: idx,
        school: sc.index,
        thetaPrior: thetaPrior[idx],
        thetaNow: thetaNow[idx],
        absentPrior: absentPrior[idx] === 1,
        absentNow: absentNow[idx] === 1,
      });
    }
  }
  const prior = administer(makeItems(o.items, o.polytomousShare, rand, normal), thetaPrior, absentPrior, rand);
  const current = administer(makeItems(o.items, o.polytomousShare, rand, normal), thetaNow, absentNow, rand);
  return { options: o, schools, students, prior, current };
}

export interface SubjectOptions {
  seed: number;
  items: number;
  polytomousShare?: number;
  /**
   * SD of each student's lasting difference between this subject and the cohort's (θ units): students are not
   * equally good at every subject, so 总分 is not one subject twice.
   */
  subjectSd?: number;
}

/**
 * A further subject of the same cohort: the same students, absences and school effects (planted value-added
 * included), each student's own subject difference added to both exams, new items. Same inputs → same output.
 */
export function addSubject(c: SyntheticCohort, opts: SubjectOptions): { prior: SyntheticExam; current: SyntheticExam } {
  const rand = seededRandom(opts.seed);
  const normal = normalSampler(rand);
  const sd = opts.subjectSd ?? 0.5;
  const n = c.students.length;
  const prior = new Float64Array(n);
  const now = new Float64Array(n);
  const absentPrior = new Uint8Array(n);
  const absentNow = new Uint8Array(n);
  for (const st of c.students) {
    const own = normal() * sd;
    prior[st.index] = st.thetaPrior + own;
    now[st.index] = st.thetaNow + own;
    absentPrior[st.index] = st.absentPrior ? 1 : 0;
    absentNow[st.index] = st.absentNow ? 1 : 0;
  }
  const share = opts.polytomousShare ?? c.options.polytomousShare;
  return {
    prior: administer(makeItems(opts.items, share, rand, normal), prior, absentPrior, rand),
    current: administer(makeItems(opts.items, share, rand, normal), now, absentNow, rand),
  };
}
