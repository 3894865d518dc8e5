// The demo's planted patterns (tools/demo/demo-alliance.ts) are really in the answers it draws: every school's
// pattern shows in the totals, classes, knowledge points and option choices that the synthetic students write, and
// the value-added of the product's own engine finds the planted gains. Pure: no scans, no server.
import { buildSheetLayout, type LayoutItem } from '../../src/sheets/domain/layout.js';
import { longitudinal } from '../../src/results/domain/value-added.js';
import { SEED_LIBRARY } from '../../src/suggestions/seed-library.js';
import { mulberry32 } from '../support/synthetic/synthetic-scan.js';
import {
  type AnswerProfile,
  randomStudentAnswers,
  type SyntheticItem,
} from '../support/synthetic/synthetic-answers.js';
import {
  DEMO_ENGLISH_PAPER,
  DEMO_PAPER,
  DEMO_SCHOOLS,
  type DemoSchool,
  demoAbility,
  demoClassOf,
  demoEnglishAbility,
  demoMathsPriorAbility,
  demoPriorTotals,
} from '../../tools/demo/demo-alliance.js';

type PaperDef = typeof DEMO_PAPER | typeof DEMO_ENGLISH_PAPER;

function paperOf(def: PaperDef, paperId: number) {
  const items = def.items.map(
    (it, i): SyntheticItem & LayoutItem & { knowledgePoints: string[]; cognitiveLevel: string } => ({
      id: paperId * 100 + i + 1,
      label: it.label,
      type: it.type as SyntheticItem['type'],
      maxScore: it.maxScore,
      scoreStep: 'scoreStep' in it ? it.scoreStep : 1,
      answerKey: 'answerKey' in it ? it.answerKey : null,
      optionCount: 'optionCount' in it ? it.optionCount : 0,
      boxHeightMm: 'boxHeightMm' in it ? it.boxHeightMm : 0,
      knowledgePoints: it.knowledgePoints,
      cognitiveLevel: it.cognitiveLevel,
    }),
  );
  const layout = buildSheetLayout({
    examId: 1,
    paperId,
    title: def.title,
    subject: def.subject,
    examNoDigits: 8,
    items,
  });
  return { items, layout };
}

const maths = paperOf(DEMO_PAPER, 1);
const english = paperOf(DEMO_ENGLISH_PAPER, 2);
const idOf = (label: string) => maths.items.find((i) => i.label === label)!.id;

function mathsProfile(s: DemoSchool): AnswerProfile {
  const ids = <T>(r?: Record<string, T>) => r && Object.fromEntries(Object.entries(r).map(([l, v]) => [idOf(l), v]));
  return { itemShift: ids(s.mathsItemShift), lure: ids(s.mathsLure) };
}

interface Sat {
  school: DemoSchool;
  k: number;
  maths: Record<number, number>;
  mathsTotal: number;
  englishTotal: number;
  choices: Record<number, string>;
}

/** Every demo student's answers to both papers, drawn as the demo draws them (other seeds). */
const students: Sat[] = (() => {
  const rng = mulberry32(2026);
  return DEMO_SCHOOLS.flatMap((school) =>
    Array.from({ length: school.students }, (_, k) => {
      const m = randomStudentAnswers(maths.layout, maths.items, 'x', rng, demoAbility(school, k), mathsProfile(school));
      const e = randomStudentAnswers(english.layout, english.items, 'x', rng, demoEnglishAbility(school, k));
      return {
        school,
        k,
        maths: m.truth.items,
        mathsTotal: m.truth.total,
        englishTotal: e.truth.total,
        choices: m.answers.choices,
      };
    }),
  );
})();

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const of = (code: string) => students.filter((s) => s.school.code === code);
const others = (code: string) => students.filter((s) => s.school.code !== code);
const allMaths = mean(students.map((s) => s.mathsTotal));
/** A school's 数学 score rate on a knowledge point. */
const kpRate = (group: Sat[], kp: string) => {
  const items = maths.items.filter((i) => i.knowledgePoints.includes(kp));
  const max = items.reduce((a, i) => a + i.maxScore, 0);
  return mean(group.map((s) => items.reduce((a, i) => a + s.maths[i.id], 0) / max));
};

describe('the demo paper', () => {
  it.each([
    ['数学', maths.items],
    ['英语', english.items],
  ])('%s: full marks 100, every item with a knowledge point and a cognitive level, every level used', (_, items) => {
    expect(items.reduce((a, i) => a + i.maxScore, 0)).toBe(100);
    for (const it of items) {
      expect(it.knowledgePoints.length).toBeGreaterThan(0);
      expect(['了解', '理解', '掌握', '运用']).toContain(it.cognitiveLevel);
    }
    expect(new Set(items.map((i) => i.cognitiveLevel)).size).toBe(4);
  });

  it('数学: the seed 补短板建议库 the demo loads has suggestions for every knowledge point of the paper', () => {
    const covered = new Set(SEED_LIBRARY.filter((x) => x.subject === '数学').map((x) => x.knowledgePoint));
    for (const kp of new Set(maths.items.flatMap((i) => i.knowledgePoints))) expect(covered).toContain(kp);
  });

  it('has one sheet page per subject: one scan per student and subject keeps the demo within its time', () => {
    expect(maths.layout.pages).toHaveLength(1);
    expect(english.layout.pages).toHaveLength(1);
  });
});

describe('the demo schools carry their planted patterns', () => {
  /** The value-added engine's school VA (points) of one subject: 0 = 数学, 1 = 英语. */
  const vaOf = (subject: 0 | 1) => {
    const prior = demoPriorTotals([demoMathsPriorAbility, demoEnglishAbility]);
    const ids = new Map(DEMO_SCHOOLS.map((s, i) => [s.code, i + 1]));
    const total = (s: Sat) => (subject === 0 ? s.mathsTotal : s.englishTotal);
    const l = longitudinal({
      schools: DEMO_SCHOOLS.map((s) => ({ schoolId: ids.get(s.code)! })),
      current: students.map((s, i) => ({ studentId: i, schoolId: ids.get(s.school.code)!, total: total(s) })),
      prior: new Map(
        prior.flatMap((p, i) => (p.scores[subject] === null ? [] : [[i, p.scores[subject]] as [number, number]])),
      ),
    });
    return (code: string) => l.schools.find((x) => x.schoolId === ids.get(code))!.va as number;
  };
  const va = vaOf(0);
  const vaEnglish = vaOf(1);

  it('S01, the lead school, is ahead in raw scores and slipped: negative value-added', () => {
    expect(mean(of('S01').map((s) => s.mathsTotal))).toBeGreaterThan(allMaths + 8);
    expect(va('S01')).toBeLessThan(-2.5);
  });

  it('S04, rural, is behind in raw scores and gaining: the largest value-added', () => {
    expect(mean(of('S04').map((s) => s.mathsTotal))).toBeLessThan(allMaths - 4);
    expect(va('S04')).toBeGreaterThan(4);
    expect(vaEnglish('S04')).toBeGreaterThan(3);
    for (const s of DEMO_SCHOOLS.filter((x) => x.code !== 'S04')) expect(va('S04')).toBeGreaterThan(va(s.code));
  });

  it('S03 is weak on 一元一次方程 beyond its overall level, and its value-added stays small', () => {
    const gap = (kp: string) => kpRate(of('S03'), kp) - kpRate(others('S03'), kp);
    const weak = gap('一元一次方程');
    for (const kp of ['有理数的运算', '整式的加减', '几何图形初步']) expect(weak).toBeLessThan(gap(kp) - 0.12);
    expect(Math.abs(va('S03'))).toBeLessThan(3);
    expect(Math.abs(vaEnglish('S03'))).toBeLessThan(3);
  });

  it('S05 is uniformly lower: every knowledge point about as far below as its total', () => {
    const overall = mean(of('S05').map((s) => s.mathsTotal)) / 100 - mean(others('S05').map((s) => s.mathsTotal)) / 100;
    expect(overall).toBeLessThan(-0.1);
    for (const kp of ['有理数的运算', '整式的加减', '一元一次方程', '几何图形初步'])
      expect(Math.abs(kpRate(of('S05'), kp) - kpRate(others('S05'), kp) - overall)).toBeLessThan(0.06);
  });

  it('S02’s two classes differ by about 16 points, and its 英语 lags its own 数学', () => {
    const cls = (c: number) =>
      mean(
        of('S02')
          .filter((s) => demoClassOf(s.k) === c)
          .map((s) => s.mathsTotal),
      );
    expect(cls(1) - cls(0)).toBeGreaterThan(11);
    expect(cls(1) - cls(0)).toBeLessThan(22);
    const lag = (g: Sat[]) => mean(g.map((s) => s.englishTotal - s.mathsTotal));
    expect(lag(of('S02')) - lag(others('S02'))).toBeLessThan(-5);
  });

  it('S06 has many students just below 及格 (50–59.5) and a third choosing B on item 7', () => {
    const near = (g: Sat[]) => g.filter((s) => s.mathsTotal >= 50 && s.mathsTotal < 60).length / g.length;
    expect(near(of('S06'))).toBeGreaterThan(0.3);
    expect(near(of('S06'))).toBeGreaterThan(near(others('S06')) + 0.1);
    const choseB = (g: Sat[]) => g.filter((s) => s.choices[idOf('7')] === 'B').length / g.length;
    expect(choseB(of('S06'))).toBeGreaterThan(0.3);
    expect(choseB(others('S06'))).toBeLessThan(0.15);
  });
});
