import { persistenceWarning } from './redis-persistence.js';

describe('persistenceWarning', () => {
  // prettier-ignore
  const cases: [string | null, string | null, RegExp | null][] = [
    ['yes', '',           null],
    ['yes', '3600 1',     null],
    ['no',  '',           /既没有开启 AOF.*no persistence/],
    ['no',  '3600 1 300 100', /没有开启 AOF（appendonly yes），只有定期快照.*RDB snapshots only/],
    [null,  null,         null],
  ];
  it.each(cases)('appendonly=%s save=%s', (aof, save, warning) => {
    const w = persistenceWarning(aof, save);
    if (warning === null) expect(w).toBeNull();
    else expect(w).toMatch(warning);
  });
});
