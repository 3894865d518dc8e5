// The personal code of a notice (查询码): 10 characters of an alphabet without look-alikes (no 0/O, 1/I/L), printed as
// two groups of five. 31^10 ≈ 8·10^14 codes (49 bits): with the throttle on failures per address (notice-throttle.ts)
// guessing one of a county's 100,000 live codes takes of the order of 10^9 tries. Pure.

export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 10;

/** The code as people type it (lower case, spaces, a hyphen): its canonical form, or null if it cannot be one. */
export function normaliseCode(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const s = raw.toUpperCase().replace(/[\s\-－—_]/g, '');
  if (s.length !== CODE_LENGTH) return null;
  return [...s].every((c) => CODE_ALPHABET.includes(c)) ? s : null;
}

/** ABCDE-FGHJK */
export const formatCode = (code: string) => `${code.slice(0, 5)}-${code.slice(5)}`;

/** A code from random bytes (one byte per character, rejection sampling keeps the characters uniform). */
export function codeFromBytes(bytes: Uint8Array): string | null {
  const limit = 256 - (256 % CODE_ALPHABET.length);
  let out = '';
  for (const b of bytes) {
    if (b >= limit) continue;
    out += CODE_ALPHABET[b % CODE_ALPHABET.length];
    if (out.length === CODE_LENGTH) return out;
  }
  return null;
}

// ── The throttle's rule: failures per address, views per code ──

export interface Counter {
  count: number;
  /** ms since the epoch of the latest counted event. */
  lastAt: number;
}

/**
 * Wrong codes from one address: 10 free, then a wait doubling from 1 s up to 15 minutes (a class's parents behind one
 * school NAT mistype a few; a guesser is slowed to a few tries an hour). Opens of one code: 30 free an hour, then up to
 * 10 minutes (a code passed round or scraped is slowed; a family opening it again and again is not).
 */
export const NOTICE_RULES = {
  address: { free: 10, maxSeconds: 900 },
  code: { free: 30, maxSeconds: 600 },
} as const;
export const NOTICE_WINDOW_SECONDS = 3600;

function delayAfter(count: number, rule: { free: number; maxSeconds: number }): number {
  if (count < rule.free) return 0;
  return Math.min(rule.maxSeconds, 2 ** Math.min(30, count - rule.free));
}

/** Whole seconds to wait before this address may try (or this code be opened) again; 0: go ahead. */
export function noticeWait(c: { address: Counter | null; code: Counter | null }, now: number): number {
  let until = 0;
  for (const k of ['address', 'code'] as const) {
    const x = c[k];
    if (x) until = Math.max(until, x.lastAt + delayAfter(x.count, NOTICE_RULES[k]) * 1000);
  }
  return Math.max(0, Math.ceil((until - now) / 1000));
}

export function noticeWaitMessage(seconds: number): string {
  const when = seconds < 60 ? `${seconds} 秒` : `${Math.ceil(seconds / 60)} 分钟`;
  return `查询次数过多，请 ${when}后再试`;
}
