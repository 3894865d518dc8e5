import { checkDigitValid } from './check-digit.js';
import {
  DEFAULT_RULE,
  generateExamNumbers,
  type NumberingStudent,
  parseRule,
  ruleLength,
  type ExamNumberRule,
} from './exam-number-rule.js';

const student = (
  id: number,
  schoolId: number,
  schoolCode: string,
  classId: number,
  className: string,
  rosterNo: string,
  room: number | null = null,
  seat: number | null = null,
): NumberingStudent => ({
  studentId: id,
  schoolId,
  schoolCode,
  classId,
  className,
  rosterNo,
  room,
  seat,
});

const ROSTER = [
  student(1, 10, '01', 100, '七(1)班', 'A003'),
  student(2, 10, '01', 100, '七(1)班', 'A001'),
  student(3, 10, '01', 101, '七(10)班', 'A002'),
  student(4, 10, '01', 102, '七(2)班', 'A010'),
  student(5, 20, '02', 200, '七(1)班', 'B001'),
];

const rule = (r: Partial<ExamNumberRule> = {}): ExamNumberRule => ({ ...DEFAULT_RULE, year: 2026, ...r });

describe('exam-number rule', () => {
  it('numbers by school code, class order (natural), sequence by roster number, then a Damm check digit', () => {
    const out = generateExamNumbers(rule(), ROSTER);
    if (!out.ok) throw new Error(out.errors.join());
    // 七(1)班 = 01, 七(2)班 = 02, 七(10)班 = 03; A001 before A003 within 七(1)班.
    expect([...out.numbers.entries()].map(([id, n]) => [id, n.slice(0, 7)])).toEqual([
      [1, '0101002'],
      [2, '0101001'],
      [3, '0103001'],
      [4, '0102001'],
      [5, '0201001'],
    ]);
    for (const n of out.numbers.values()) {
      expect(n).toHaveLength(ruleLength(rule()));
      expect(checkDigitValid('damm', n)).toBe(true);
    }
  });

  it('is deterministic: the same roster gives the same numbers (regeneration changes nothing)', () => {
    const a = generateExamNumbers(rule(), ROSTER);
    const b = generateExamNumbers(rule(), [...ROSTER].reverse());
    expect(a).toEqual(b);
  });

  it('uses schools’ order when a code is not numeric, never mixing codes and order', () => {
    const roster = [student(1, 10, 'S-A', 100, '1班', '1'), student(2, 20, '07', 200, '1班', '1')];
    const out = generateExamNumbers(rule({ checkDigit: 'none' }), roster);
    expect(out.ok && [...out.numbers.values()]).toEqual(['0201001', '0101001']);
  });

  it('year, room and seat segments with a Luhn digit', () => {
    const r = rule({
      segments: [
        { kind: 'year', length: 2 },
        { kind: 'room', length: 3 },
        { kind: 'seat', length: 2 },
      ],
      checkDigit: 'luhn',
    });
    const out = generateExamNumbers(r, [student(1, 10, '01', 100, '1班', '1', 12, 7)]);
    expect(out.ok && out.numbers.get(1)!.slice(0, 7)).toBe('2601207');
    expect(out.ok && checkDigitValid('luhn', out.numbers.get(1)!)).toBe(true);
  });

  it.each([
    [
      'a segment overflows',
      rule({
        segments: [
          { kind: 'school', length: 2 },
          { kind: 'seq', length: 1 },
        ],
      }),
      Array.from({ length: 10 }, (_, i) => student(i + 1, 10, '01', 100, '1班', `A${i + 1}`)),
      '序号 10 超过 1 位，请加长该段',
    ],
    [
      'room segment before allocation',
      rule({
        segments: [
          { kind: 'room', length: 3 },
          { kind: 'seat', length: 2 },
        ],
      }),
      ROSTER,
      '考号规则含考场号或座位号，请先编排考场',
    ],
    [
      'two students get one number',
      rule({
        segments: [
          { kind: 'class', length: 2 },
          { kind: 'seq', length: 3 },
        ],
      }),
      ROSTER,
      '规则为两名考生生成了相同考号 01001',
    ],
  ])('refuses when %s', (_, r, roster, message) => {
    const out = generateExamNumbers(r, roster);
    expect(out.ok).toBe(false);
    expect(!out.ok && out.errors.join('；')).toContain(message);
  });

  it.each([
    [{}, true, ''],
    [{ segments: [{ kind: 'school', length: 2 }] }, false, '须含“序号”或“座位号”段'],
    [
      {
        segments: [
          { kind: 'seq', length: 6 },
          { kind: 'school', length: 6 },
          { kind: 'class', length: 2 },
        ],
      },
      false,
      '考号共 15 位',
    ],
    [{ segments: [{ kind: 'seq', length: 2 }], checkDigit: 'none' }, false, '考号共 2 位'],
    [{ segments: [{ kind: 'seq', length: 0 }] }, false, '位数应为 1–6'],
    [
      {
        segments: [
          { kind: 'room', length: 2 },
          { kind: 'seat', length: 2 },
          { kind: 'seq', length: 2 },
        ],
      },
      true,
      '',
    ],
    [
      {
        segments: [
          { kind: 'seat', length: 2 },
          { kind: 'school', length: 2 },
        ],
      },
      false,
      '须同时含考场号',
    ],
    [{ checkDigit: 'mod97' }, false, '校验位方式'],
    [
      {
        segments: [
          { kind: 'seq', length: 3 },
          { kind: 'seq', length: 3 },
        ],
      },
      false,
      '只能出现一次',
    ],
    [{ segments: [{ kind: 'name', length: 3 }] }, false, '类型无效'],
  ])('parseRule(%j) ok=%s %s', (raw, ok, message) => {
    const out = parseRule(raw, 2026);
    expect(out.ok).toBe(ok);
    if (!out.ok) expect(out.errors.join('；')).toContain(message);
  });
});
