import { checkDigit, checkDigitValid, type CheckDigitScheme } from './check-digit.js';

/** Every number obtained from `n` by changing one digit. */
function singleErrors(n: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < n.length; i++)
    for (let d = 0; d <= 9; d++) if (String(d) !== n[i]) out.push(n.slice(0, i) + d + n.slice(i + 1));
  return out;
}

/** Every number obtained from `n` by swapping two different adjacent digits, with the swapped pair. */
function adjacentSwaps(n: string): { swapped: string; pair: string }[] {
  const out: { swapped: string; pair: string }[] = [];
  for (let i = 0; i + 1 < n.length; i++)
    if (n[i] !== n[i + 1])
      out.push({ swapped: n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2), pair: n[i] + n[i + 1] });
  return out;
}

/** Payloads that put every ordered pair of digits side by side somewhere, at odd and even positions. */
function payloads(): string[] {
  const out: string[] = [];
  for (let a = 0; a <= 9; a++)
    for (let b = 0; b <= 9; b++) {
      out.push(`20250${a}${b}13`);
      out.push(`2025${a}${b}713`);
    }
  return out;
}

describe('check digits', () => {
  it.each([
    // Published examples: Damm 572 → 4 (Wikipedia), Luhn 7992739871 → 3 (ISO/IEC 7812 example).
    ['damm', '572', '4'],
    ['luhn', '7992739871', '3'],
    ['none', '1234', ''],
  ] as [CheckDigitScheme, string, string][])('%s of %s is %s', (scheme, payload, digit) => {
    expect(checkDigit(scheme, payload)).toBe(digit);
    expect(checkDigitValid(scheme, payload + digit)).toBe(true);
  });

  it.each(['damm', 'luhn'] as CheckDigitScheme[])('%s detects every single-digit error', (scheme) => {
    for (const p of payloads()) {
      const n = p + checkDigit(scheme, p);
      for (const wrong of singleErrors(n)) expect([wrong, checkDigitValid(scheme, wrong)]).toEqual([wrong, false]);
    }
  });

  it('damm detects every adjacent transposition (check digit included)', () => {
    for (const p of payloads()) {
      const n = p + checkDigit('damm', p);
      for (const { swapped } of adjacentSwaps(n))
        expect([swapped, checkDigitValid('damm', swapped)]).toEqual([swapped, false]);
    }
  });

  it('luhn detects every adjacent transposition except 09 ↔ 90', () => {
    const missed = new Set<string>();
    for (const p of payloads()) {
      const n = p + checkDigit('luhn', p);
      for (const { swapped, pair } of adjacentSwaps(n)) if (checkDigitValid('luhn', swapped)) missed.add(pair);
    }
    expect([...missed].sort()).toEqual(['09', '90']);
  });

  it.each([
    ['damm', '5724', true],
    ['damm', '5734', false],
    ['luhn', '79927398713', true],
    ['luhn', '79927398710', false],
    ['damm', '57a4', false],
    ['damm', '', false],
    ['none', '12', true],
  ] as [CheckDigitScheme, string, boolean][])('%s: %s valid = %s', (scheme, n, ok) => {
    expect(checkDigitValid(scheme, n)).toBe(ok);
  });
});
