import { normaliseAnswer, scoreObjective } from './score-objective.js';

describe('scoreObjective', () => {
  const single = { type: 'single_choice' as const, maxScore: 3, answerKey: 'B' };
  const multi = { type: 'multiple_choice' as const, maxScore: 5, answerKey: 'A, C,D' };
  const tf = { type: 'true_false' as const, maxScore: 2, answerKey: '√' };

  it('gives full marks for the key and nothing otherwise', () => {
    expect(scoreObjective(single, 'B')).toBe(3);
    expect(scoreObjective(single, 'C')).toBe(0);
    expect(scoreObjective(single, '')).toBe(0);
    expect(scoreObjective(single, 'AB')).toBe(0); // two marks on a single choice never score
  });

  it('multiple choice: only the exact set scores, in any order', () => {
    expect(scoreObjective(multi, 'ACD')).toBe(5);
    expect(scoreObjective(multi, 'DCA')).toBe(5);
    expect(scoreObjective(multi, 'AC')).toBe(0);
    expect(scoreObjective(multi, 'ABCD')).toBe(0);
  });

  it('true/false accepts the usual ways of writing the key', () => {
    expect(scoreObjective(tf, 'T')).toBe(2);
    expect(scoreObjective(tf, 'F')).toBe(0);
    expect(scoreObjective({ ...tf, answerKey: '错' }, 'F')).toBe(2);
    expect(scoreObjective(tf, 'TF')).toBe(0);
    expect(normaliseAnswer('true_false', 'true')).toBe('T');
  });

  it('an item without a key scores 0 rather than crediting anything', () => {
    expect(scoreObjective({ ...single, answerKey: null }, 'B')).toBe(0);
    expect(scoreObjective({ ...single, answerKey: '' }, '')).toBe(0);
  });
});
