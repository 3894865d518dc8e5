// The issue-5 figures as they are stored in ExamAnalysisData (sample: see __fixtures__/sample-analysis.ts).
import { C, L, M, S, sampleInput } from './__fixtures__/sample-analysis.js';
import { analysePaper, choiceOf } from './exam-analysis.js';
import { wilsonInterval } from './intervals.js';
import { columnsOfRecords } from './score-columns.js';
import { round } from './statistics.js';
import { allianceBalance, STATISTICS_METHOD, storedItemAnalysis, topNBySchool } from './units.js';

const r4i = (x: number, n: number) => {
  const w = wilsonInterval(x, n);
  return { low: round(w.low, 4), high: round(w.high, 4) };
};

describe('stored analysis: issue 5 figures', () => {
  const data = analysePaper(sampleInput());
  const school = (id: number) => data.schools.find((s) => s.schoolId === id)!;

  it('gives each unit Wilson intervals of the three rates, the full-mark count and knowledge-point rates', () => {
    // alliance (15): excellent 1 (30), pass 4, low 2
    expect(data.alliance.rateIntervals).toEqual({ excellent: r4i(1, 15), pass: r4i(4, 15), low: r4i(2, 15) });
    expect(data.alliance.fullMarkCount).toBe(1);
    // 参考率: alliance roster 17 with 1 absent (the incomplete one did sit) → 16/17; 城关 6/7; 山背 3/3 even though suppressed
    expect(data.alliance.participationRate).toBe(0.9412);
    expect(school(L).participationRate).toBe(0.8571);
    expect(school(S).participationRate).toBe(1);
    // only item 101 (max 10) carries 有理数: alliance mean 5.6 → 0.56; 城关 7.5 → 0.75
    expect(data.alliance.knowledgePoints).toEqual([
      { knowledgePoint: '有理数', itemCount: 1, maxScore: 10, scoreRate: 0.56 },
    ]);
    expect(school(L).knowledgePoints![0].scoreRate).toBe(0.75);
    expect(school(M).fullMarkCount).toBe(0);
    expect(school(S)).toMatchObject({ rateIntervals: null, fullMarkCount: null, knowledgePoints: null });
  });

  it('stores the item analysis of the alliance', () => {
    const ia = data.itemAnalysis!;
    // k = round(0.27 × 15) = 4. Top: totals 30, 24, 24, 18 → item 1 (10+9+8+7)/4 = 8.5, item 2 (20+15+16+11)/4 = 15.5
    // bottom: 6, 9, 12, 12 → item 1 (2+3+5+4)/4 = 3.5, item 2 (4+6+7+8)/4 = 6.25
    expect(ia).toMatchObject({ n: 15, groupSize: 4, reliabilityMethod: 'cronbach' });
    expect(ia.items[0]).toMatchObject({
      itemId: 101,
      p: 0.56,
      d: 0.5,
      ebel: 'very_good',
      possibleWrongKey: false,
      choice: null,
    });
    expect(ia.items[1]).toMatchObject({ itemId: 102, p: 0.52, d: 0.4625, ebel: 'very_good' });
    // item variances 4.373333 and 15.573333, total 34.8 → α = 2 × (1 − 19.946667/34.8) = 0.853640; SEM = √34.8 × √(1 − α)
    expect(ia.alpha).toBe(0.8536);
    expect(ia.sem).toBe(2.2568);
    expect(ia.items[0].alphaIfDeleted).toBeNull(); // one item left
  });

  it('stores the between-school balance over schools with n > 5, and the urban–rural gap', () => {
    // L (mean 20.5, SS 223.5) and M (mean 12, SS 78); S has 3 students and stays out.
    // SSB = 2 × 6 × 4.25² = 216.75; MSW = 301.5/10 = 30.15; n0 = (12 − 72/12)/1 = 6
    // ICC(1) = (216.75 − 30.15)/(216.75 + 5 × 30.15) = 0.507755; η² = 216.75/518.25; CV = 4.25/16.25
    expect(data.balance!.schoolIds).toEqual([L, M]);
    expect(data.balance!.between).toEqual({
      schools: 2,
      n: 12,
      meanOfMeans: 16.25,
      sdOfMeans: 4.25,
      cvOfMeans: 0.2615,
      msBetween: 216.75,
      msWithin: 30.15,
      n0: 6,
      icc1: 0.5078,
      eta2: 0.4182,
    });
    // urban (L) 20.5 − rural (M + S) 13 = 7.5 marks = 0.25 of full marks = 7.5/5.89915 alliance SDs
    expect(data.balance!.urbanRural).toEqual({ meanGap: 7.5, scoreRateGap: 0.25, sdUnits: 1.2714 });
    expect(data.methods).toBe(STATISTICS_METHOD);
  });

  it("counts each school's students in the alliance top 10/50/100, ties at the edge included", () => {
    // sorted: 30 24 24 18 17 15 15 15 15 14 14 …: both 14s rank 10, so 11 students are in the top 10
    expect(school(L).topN).toEqual([
      { topN: 10, count: 5 },
      { topN: 50, count: 6 },
      { topN: 100, count: 6 },
    ]);
    expect(school(M).topN).toEqual([
      { topN: 10, count: 3 },
      { topN: 50, count: 6 },
      { topN: 100, count: 6 },
    ]);
    expect(school(S).topN).toBeNull(); // suppressed
    expect(school(C).topN).toBeNull(); // outside the alliance
  });

  it('takes option shares from the marks when items are choice items', () => {
    const input = sampleInput();
    input.items = input.items.map((it) =>
      it.itemId === 101 ? { ...it, choice: { optionCount: 4, key: 'A', multiple: false } } : it,
    );
    const complete = input.outcomes.filter((o) => o.status === 'complete');
    // students scoring ≥ 7 on item 101 marked the key A; the others B; one leaves it blank
    input.marked = new Map(
      complete.map((o, i) => [o.studentId, { 101: i === 13 ? '' : o.itemScores[101] >= 7 ? 'A' : 'B' }]),
    );
    const ia = analysePaper(input).itemAnalysis!;
    const c = ia.items[0].choice!;
    // alliance students with item 101 ≥ 7: 10, 9, 8, 7 → 4 of 15 chose A; the top 4 (totals 30, 24, 24, 18) are exactly them
    expect(c.n).toBe(15);
    expect(c.options[0]).toEqual({ option: 'A', isKey: true, all: 0.2667, top: 1, bottom: 0 });
    expect(c.options[1].top).toBe(0);
    expect(c.blank.all).toBe(0.0667);
    expect(ia.items[1].choice).toBeNull();
  });

  it('gives the same analysis from score columns as from each student record and the marks', () => {
    const input = sampleInput();
    input.items = input.items.map((it) =>
      it.itemId === 101 ? { ...it, choice: { optionCount: 4, key: 'A', multiple: false } } : it,
    );
    input.marked = new Map(
      input.outcomes
        .filter((o) => o.status === 'complete')
        .map((o, i) => [o.studentId, { 101: i === 13 ? '' : o.itemScores[101] >= 7 ? 'A' : 'BC' }]),
    );
    const ids = input.items.map((it) => it.itemId);
    const columns = columnsOfRecords(
      ids,
      input.outcomes.map((o) => o.itemScores),
      input.outcomes.map((o) => input.marked!.get(o.studentId)),
    );
    const fromColumns = analysePaper({
      ...input,
      marked: undefined,
      columns,
      outcomes: input.outcomes.map((o) => ({ ...o, itemScores: {} })),
    });
    expect(fromColumns).toEqual(analysePaper(input));
    expect(fromColumns.itemAnalysis!.items[0].choice!.n).toBe(15);
  });

  it('copes with a paper without items', () => {
    const input = sampleInput();
    input.items = [];
    const d = analysePaper(input);
    expect(d.itemAnalysis).toBeNull();
    expect(d.alliance.knowledgePoints).toEqual([]);
    expect(d.alliance.summary!.mean).toBe(16);
  });

  it('stores nothing for a suppressed alliance', () => {
    const input = sampleInput();
    input.outcomes = input.outcomes.filter((o) => o.schoolId === S || o.schoolId === C);
    const d = analysePaper(input);
    expect(d.itemAnalysis).toBeNull();
    expect(d.balance).toEqual({ schoolIds: [], between: null, urbanRural: null });
  });
});

describe('unit helpers', () => {
  it('describes choice items from type, key and option count', () => {
    expect(choiceOf({ type: 'single_choice', answerKey: 'b', optionCount: 4 })).toEqual({
      optionCount: 4,
      key: 'B',
      multiple: false,
    });
    expect(choiceOf({ type: 'multiple_choice', answerKey: 'D,A', optionCount: 5 })).toEqual({
      optionCount: 5,
      key: 'AD',
      multiple: true,
    });
    expect(choiceOf({ type: 'true_false', answerKey: '对', optionCount: 4 })).toEqual({
      optionCount: 2,
      options: ['T', 'F'],
      key: 'T',
      multiple: false,
    });
    expect(choiceOf({ type: 'single_choice', answerKey: null, optionCount: 4 })).toBeNull();
    expect(choiceOf({ type: 'subjective', answerKey: null, optionCount: 0 })).toBeNull();
  });

  it('gives no item analysis for 5 students or fewer', () => {
    expect(
      storedItemAnalysis(
        [
          { itemId: 1, maxScore: 1 },
          { itemId: 2, maxScore: 1 },
        ],
        [
          [1, 1],
          [0, 1],
          [1, 0],
          [0, 0],
          [1, 1],
        ],
      ),
    ).toBeNull();
    expect(
      storedItemAnalysis(
        [
          { itemId: 1, maxScore: 1 },
          { itemId: 2, maxScore: 1 },
        ],
        [
          [1, 1],
          [0, 1],
          [1, 0],
          [0, 0],
          [1, 1],
          [0, 0],
        ],
      ),
    ).not.toBeNull();
    expect(storedItemAnalysis([], [[], [], [], [], [], []])).toBeNull(); // a paper without items must not break the results job
  });

  it('leaves the urban–rural gap out when one side has 5 students or fewer', () => {
    const b = allianceBalance(
      [{ schoolId: 1, totals: [1, 2, 3, 4, 5, 6] }],
      { n: 6, mean: 3.5 },
      { n: 5, mean: 3 },
      10,
      1.7,
    );
    expect(b.urbanRural).toBeNull();
    expect(b.between).toBeNull(); // one school: no between-school figures
  });

  it('gives empty top-N lists when nobody sat the paper', () => {
    expect(topNBySchool([]).size).toBe(0);
  });
});
