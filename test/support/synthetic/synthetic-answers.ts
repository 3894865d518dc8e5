// Random but plausible answers of one student, with the scores they deserve (the "truth" a test checks against).
import { optionLetters, type SheetLayout } from '../../../src/sheets/domain/layout.js';
import type { SyntheticSheetAnswers } from './synthetic-scan.js';

export interface SyntheticItem {
  id: number;
  type: 'single_choice' | 'multiple_choice' | 'true_false' | 'fill_in' | 'subjective';
  maxScore: number;
  scoreStep: number;
  answerKey: string | null;
  optionCount: number;
}

/**
 * How a student departs from answering every item at one ability: the patterns the demo plants in a school.
 * Items are named by id. Without a profile the random stream is exactly that of a plain student.
 */
export interface AnswerProfile {
  /** Added to the ability on these items: e.g. a knowledge point the school taught less well (negative). */
  itemShift?: Record<number, number>;
  /** On these choice items, the chance of picking this wrong option outright: a misconception (典型错误). */
  lure?: Record<number, { option: string; p: number }>;
}

export interface SyntheticTruth {
  items: Record<number, number>;
  total: number;
}

const BLANK_RATE = 0.03;

/** Keeps sums of decimal steps (0.5, 0.1 …) free of binary noise. */
const exact = (x: number) => Math.round(x * 1e6) / 1e6;

function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(rng() || 1e-12)) * Math.cos(2 * Math.PI * rng());
}

function optionsOf(layout: SheetLayout, item: SyntheticItem): string[] {
  for (const p of layout.pages) {
    const block = p.objective.find((b) => b.itemId === item.id);
    if (block) return block.options;
  }
  return optionLetters({
    id: item.id,
    label: '',
    type: item.type,
    maxScore: item.maxScore,
    optionCount: item.optionCount,
    boxHeightMm: 0,
  });
}

const normalise = (s: string) => [...new Set(s.toUpperCase().replace(/[^A-Z]/g, ''))].sort().join('');

function wrongChoice(options: string[], key: string, multiple: boolean, rng: () => number): string {
  for (let tries = 0; tries < 20; tries++) {
    let pick: string;
    if (multiple) {
      pick = normalise(options.filter(() => rng() < 0.5).join(''));
      if (!pick) pick = options[Math.floor(rng() * options.length)];
    } else {
      pick = options[Math.floor(rng() * options.length)];
    }
    if (pick !== key) return pick;
  }
  return options.find((o) => o !== key) ?? '';
}

/**
 * A student of the given ability (0–1): the chance of a correct choice grows with ability; subjective scores are
 * multiples of the item's step in [0, max] drawn around ability × max. About 3 % of choices are left blank.
 * Objective truth: full marks when the filled letters equal the key exactly, else 0. A profile shifts the ability
 * on some items and lures choices to a wrong option (the truth still scores what was filled).
 */
export function randomStudentAnswers(
  layout: SheetLayout,
  items: SyntheticItem[],
  examNo: string,
  rng: () => number,
  ability: number,
  profile: AnswerProfile = {},
): { answers: SyntheticSheetAnswers; truth: SyntheticTruth } {
  const answers: SyntheticSheetAnswers = { examNo, choices: {}, subjective: {} };
  const truth: SyntheticTruth = { items: {}, total: 0 };
  for (const item of items) {
    const a = Math.min(1, Math.max(0, ability + (profile.itemShift?.[item.id] ?? 0)));
    const lure = profile.lure?.[item.id];
    let score: number;
    if (item.type === 'single_choice' || item.type === 'multiple_choice' || item.type === 'true_false') {
      const options = optionsOf(layout, item);
      const key = normalise(item.answerKey ?? '');
      const pCorrect = 0.2 + 0.75 * a;
      let choice: string;
      if (rng() < BLANK_RATE) choice = '';
      else if (lure && rng() < lure.p) choice = lure.option;
      else if (key && rng() < pCorrect) choice = key;
      else choice = wrongChoice(options, key, item.type === 'multiple_choice', rng);
      answers.choices[item.id] = choice;
      score = key !== '' && choice === key ? item.maxScore : 0;
    } else {
      const step = item.scoreStep > 0 ? item.scoreStep : 1;
      const steps = Math.floor(exact(item.maxScore / step));
      const p = Math.min(1, Math.max(0, a + 0.12 * gaussian(rng)));
      let k = 0;
      for (let s = 0; s < steps; s++) if (rng() < p) k++;
      score = exact(k * step);
      answers.subjective[item.id] = score;
    }
    truth.items[item.id] = score;
    truth.total = exact(truth.total + score);
  }
  return { answers, truth };
}
