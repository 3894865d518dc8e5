import { checkTimetable, sortTimetable } from './timetable.js';

const row = (subject: string, date: string | null, startTime: string | null, endTime: string | null) => ({
  subject,
  date,
  startTime,
  endTime,
});

describe('checkTimetable', () => {
  const bad: [string, unknown, string][] = [
    ['not a list', { subject: '语文' }, '科目安排应为列表'],
    ['no subject', [row('', null, null, null)], '第1行：请填写科目'],
    ['a bad date', [row('语文', '2025-02-30', null, null)], '第1行（语文）：日期应为 年-月-日'],
    ['a bad time', [row('语文', '2025-11-10', '8:30', '10:30')], '第1行（语文）：时间应为 时:分（24小时制），如 08:30'],
    ['a time without a date', [row('语文', null, '08:30', '10:30')], '第1行（语文）：填写了时间，请同时填写日期'],
    ['end before start', [row('语文', '2025-11-10', '10:30', '08:30')], '第1行（语文）：结束时间应晚于开始时间'],
    ['a subject twice', [row('语文', null, null, null), row('语文', null, null, null)], '科目“语文”重复'],
    [
      'two subjects at once',
      [row('语文', '2025-11-10', '08:30', '10:30'), row('数学', '2025-11-10', '10:00', '12:00')],
      '“语文”与“数学”的考试时间重叠（2025-11-10）',
    ],
  ];
  it.each(bad)('refuses %s', (_name, input, error) => {
    const r = checkTimetable(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toContain(error);
  });

  it('accepts back-to-back subjects and undated ones, sorted by time', () => {
    const r = checkTimetable([
      row('英语', null, null, null),
      row('数学', '2025-11-10', '14:30', '16:30'),
      row(' 语文 ', '2025-11-10', '08:30', '10:30'),
      row('物理', '2025-11-10', '10:30', '12:00'),
    ]);
    expect(r).toEqual({
      ok: true,
      entries: [
        row('语文', '2025-11-10', '08:30', '10:30'),
        row('物理', '2025-11-10', '10:30', '12:00'),
        row('数学', '2025-11-10', '14:30', '16:30'),
        row('英语', null, null, null),
      ],
    });
  });

  it('the same hours on two days do not clash', () => {
    expect(
      checkTimetable([row('语文', '2025-11-10', '08:30', '10:30'), row('数学', '2025-11-11', '08:30', '10:30')]).ok,
    ).toBe(true);
  });

  it('sorts undated subjects last, keeping their order', () => {
    const out = sortTimetable([
      row('b', null, null, null),
      row('a', null, null, null),
      row('c', '2025-01-01', null, null),
    ]);
    expect(out.map((e) => e.subject)).toEqual(['c', 'b', 'a']);
  });
});
