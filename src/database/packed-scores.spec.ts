import { eachPacked } from './packed-scores.js';

function read(text: string, withMarks: boolean) {
  const out: [number, number, string][] = [];
  const n = eachPacked(text, withMarks, (s, v, m) => out.push([s, v, m]));
  return { n, out };
}

describe('eachPacked', () => {
  it.each([
    ['', false, []],
    ['7 1.00', false, [[7, 1, '']]],
    [
      '12 0.50\n3 2.35\n40 10',
      false,
      [
        [12, 0.5, ''],
        [3, 2.35, ''],
        [40, 10, ''],
      ],
    ],
    ['5 -1.25', false, [[5, -1.25, '']]],
    [
      '1 1.00 A\n2 0.00 \n3 0.00 AC',
      true,
      [
        [1, 1, 'A'],
        [2, 0, ''],
        [3, 0, 'AC'],
      ],
    ],
    ['1 1.00 A', false, [[1, 1, '']]],
  ] as [string, boolean, [number, number, string][]][])('%j (marks %s)', (text, withMarks, expected) => {
    const { n, out } = read(text, withMarks);
    expect(out).toEqual(expected);
    expect(n).toBe(expected.length);
  });

  it('reads every two-decimal score as Number() reads its text', () => {
    for (let cents = 0; cents <= 100_000; cents++) {
      const text = `${(cents / 100).toFixed(2)}`;
      const { out } = read(`1 ${text}`, false);
      if (out[0][1] !== Number(text)) throw new Error(`${text} read as ${out[0][1]}`);
    }
  });
});
