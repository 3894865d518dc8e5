import { wilsonInterval, Z95 } from './intervals.js';

describe('Wilson 95% interval', () => {
  it('gives the textbook interval of 5 out of 10', () => {
    // centre 0.5; half = 1.95996/(1 + 0.384146) × √(0.025 + 0.0096036) = 0.263408
    const w = wilsonInterval(5, 10);
    expect(w.low).toBeCloseTo(0.236593, 6);
    expect(w.high).toBeCloseTo(0.763407, 6);
  });

  it('stays inside [0, 1] and is not empty at 0% and 100%, unlike the Wald interval', () => {
    // x = 0: high = (z²/n)/(1 + z²/n) = 0.384146/1.384146 = 0.277533
    expect(wilsonInterval(0, 10)).toEqual({ low: 0, high: expect.closeTo(0.277533, 6) });
    const all = wilsonInterval(10, 10);
    expect(all.high).toBe(1);
    expect(all.low).toBeCloseTo(1 - 0.277533, 6);
  });

  it('narrows as n grows and is symmetric in x and n − x', () => {
    const small = wilsonInterval(3, 12);
    const big = wilsonInterval(300, 1200);
    expect(big.high - big.low).toBeLessThan(small.high - small.low);
    const a = wilsonInterval(3, 12);
    const b = wilsonInterval(9, 12);
    expect(a.low).toBeCloseTo(1 - b.high, 12);
    expect(a.high).toBeCloseTo(1 - b.low, 12);
  });

  it('uses z = qnorm(0.975)', () => {
    expect(Z95).toBeCloseTo(1.959964, 6);
  });

  it('refuses impossible counts', () => {
    expect(() => wilsonInterval(1, 0)).toThrow();
    expect(() => wilsonInterval(11, 10)).toThrow();
    expect(() => wilsonInterval(-1, 10)).toThrow();
    expect(() => wilsonInterval(1.5, 10)).toThrow();
  });
});
