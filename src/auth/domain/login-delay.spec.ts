import { delayAfter, DELAY_RULES, secondsToWait, waitMessage } from './login-delay.js';

const at = (count: number, lastAt: number) => ({ count, lastAt });
const T = 1_000_000_000_000;

describe('login delay', () => {
  // prettier-ignore
  const growth: [number, number][] = [[0, 0], [4, 0], [5, 1], [6, 2], [9, 16], [13, 256], [14, 300], [500, 300]];
  it.each(growth)('the account at one address: %i failures wait %i s', (n, s) =>
    expect(delayAfter(n, DELAY_RULES.pair)).toBe(s),
  );

  // prettier-ignore
  const cases: [string, Parameters<typeof secondsToWait>[0], number, number][] = [
    ['no failures',                                    { pair: null, account: null, address: null }, T, 0],
    ['four wrong passwords: no wait',                  { pair: at(4, T), account: at(4, T), address: at(4, T) }, T, 0],
    ['ten wrong from one desk: that desk waits 32 s',  { pair: at(10, T), account: at(10, T), address: at(10, T) }, T, 32],
    ['…its owner at another desk waits at most 1 s',   { pair: null, account: at(10, T), address: null }, T, 1],
    ['1,000 guesses spread over addresses: ≤ 60 s',    { pair: at(1, T), account: at(1000, T), address: at(1, T) }, T, 60],
    ['the owner elsewhere, never locked for long',     { pair: null, account: at(1000, T), address: null }, T + 59_000, 1],
    ['a computer room: 60 failures, 1 s per login',    { pair: null, account: null, address: at(60, T) }, T, 1],
    ['a computer room under attack: at most 30 s',     { pair: null, account: null, address: at(5000, T) }, T, 30],
    ['the wait runs from the latest failure',          { pair: at(9, T), account: null, address: null }, T + 10_000, 6],
    ['and is over when it has run',                    { pair: at(9, T), account: null, address: null }, T + 16_000, 0],
  ];
  it.each(cases)('%s', (_name, f, now, seconds) => expect(secondsToWait(f, now)).toBe(seconds));

  it('says the wait in Chinese, in seconds or minutes, and who can help', () => {
    expect(waitMessage(32)).toBe('登录失败次数较多，请 32 秒后再试（如忘记密码请联系管理员重置或解锁）');
    expect(waitMessage(300)).toMatch(/请 5 分钟后再试/);
  });
});
