// Check digits for exam numbers. Digits only: the answer sheet's exam-number grid has bubbles 0–9, so schemes that
// need a letter (ISO 7064 MOD 11-2's "X") cannot be filled in. Damm (default) detects every single-digit error and
// every adjacent transposition; Luhn (mod 10) detects every single-digit error and every adjacent transposition
// except 09 ↔ 90.

export type CheckDigitScheme = 'damm' | 'luhn' | 'none';

export const CHECK_DIGIT_LABEL: Record<CheckDigitScheme, string> = {
  damm: 'Damm 校验（发现全部单个数字错误和相邻数字颠倒）',
  luhn: 'Luhn 模10 校验（发现全部单个数字错误，相邻颠倒除 09↔90 外均可发现）',
  none: '不加校验位',
};

// The totally anti-symmetric quasigroup of order 10 from H. M. Damm (2004), as published.
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

function digitsOf(s: string): number[] {
  if (!/^[0-9]+$/.test(s)) throw new Error(`not a digit string: ${s}`);
  return [...s].map(Number);
}

function dammInterim(digits: number[]): number {
  let interim = 0;
  for (const d of digits) interim = DAMM[interim][d];
  return interim;
}

/** Luhn sum of the digits, doubling every second digit counted from the right (the check position is the rightmost). */
function luhnSum(digits: number[], withCheck: boolean): number {
  let sum = 0;
  for (let i = digits.length - 1, k = withCheck ? 0 : 1; i >= 0; i--, k++) {
    const d = k % 2 === 1 ? digits[i] * 2 : digits[i];
    sum += d > 9 ? d - 9 : d;
  }
  return sum;
}

/** The check digit to append to the payload digits; '' for scheme none. */
export function checkDigit(scheme: CheckDigitScheme, payload: string): string {
  const digits = digitsOf(payload);
  if (scheme === 'none') return '';
  if (scheme === 'damm') return String(dammInterim(digits));
  return String((10 - (luhnSum(digits, false) % 10)) % 10);
}

/** True when the number (payload followed by its check digit) passes the scheme's check. */
export function checkDigitValid(scheme: CheckDigitScheme, number: string): boolean {
  if (!/^[0-9]+$/.test(number)) return false;
  if (scheme === 'none') return true;
  if (number.length < 2) return false;
  const digits = digitsOf(number);
  if (scheme === 'damm') return dammInterim(digits) === 0;
  return luhnSum(digits, true) % 10 === 0;
}
