// How long a login must wait after failed attempts: a delay that grows with the failures, never a lockout.
//
// A fixed lockout (10 failures lock the account for 15 minutes) lets anyone lock out any teacher by typing wrong
// passwords, and 60 failures from one address lock out a whole computer room behind one NAT. Instead each counter
// earns free failures, then a wait that doubles with every further failure up to a ceiling, measured from its
// latest failure:
//  - the account from this address (one guesser at one place): 5 free, up to 5 minutes;
//  - the account from anywhere (guessers spread over many addresses): 10 free, up to 1 minute, so its owner at
//    another desk waits at most a minute, and a spread-out attacker gets about one guess a minute;
//  - the address for every account (one machine trying many names): 60 free, up to 30 seconds.
// An admin can clear an account's counters (unlock) at once. Pure: counts and times in, seconds out.

export interface FailureCounter {
  /** Failures within the window. */
  count: number;
  /** Time of the latest failure, in ms since the epoch. */
  lastAt: number;
}

export interface LoginFailures {
  pair: FailureCounter | null;
  account: FailureCounter | null;
  address: FailureCounter | null;
}

export const DELAY_RULES = {
  pair: { free: 5, maxSeconds: 300 },
  account: { free: 10, maxSeconds: 60 },
  address: { free: 60, maxSeconds: 30 },
} as const;

/** The wait after `count` failures: 0 within the free ones, then 1, 2, 4 … seconds up to the ceiling. */
export function delayAfter(count: number, rule: { free: number; maxSeconds: number }): number {
  if (count < rule.free) return 0;
  return Math.min(rule.maxSeconds, 2 ** Math.min(30, count - rule.free));
}

/** Whole seconds still to wait before the next attempt may be checked (0: go ahead). */
export function secondsToWait(f: LoginFailures, now: number): number {
  let until = 0;
  for (const k of ['pair', 'account', 'address'] as const) {
    const c = f[k];
    if (!c) continue;
    until = Math.max(until, c.lastAt + delayAfter(c.count, DELAY_RULES[k]) * 1000);
  }
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/** The Chinese answer for a wait, in seconds or whole minutes. */
export function waitMessage(seconds: number): string {
  const when = seconds < 60 ? `${seconds} 秒` : `${Math.ceil(seconds / 60)} 分钟`;
  return `登录失败次数较多，请 ${when}后再试（如忘记密码请联系管理员重置或解锁）`;
}
