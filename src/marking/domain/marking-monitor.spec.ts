import { itemPace, subjectPaces } from './marking-monitor.js';

const item = (itemId: number, subject: string, open: number, recentMarks: number, final = 0) => ({
  itemId,
  subject,
  answers: 100,
  final,
  awaitingLead: 1,
  open,
  recentMarks,
});

describe('itemPace', () => {
  // prettier-ignore
  it.each([
    [0, 0, 0, 0], // nothing open: done
    [40, 0, 0, null], // open and nobody marked in the last hour: no estimate
    [120, 60, 60, 120], // 60 an hour → 2 hours for 120
    [10, 60, 60, 10],
    [1, 7, 7, 9], // rounded up to the minute
  ])('open %p, marks in the last hour %p → %p/h, %p minutes', (open, recent, rate, minutes) => {
    expect(itemPace(item(1, '语文', open, recent))).toEqual({ ratePerHour: rate, minutesLeft: minutes });
  });
});

describe('subjectPaces', () => {
  it('sums a subject’s items and takes the slowest item’s time left', () => {
    const s = subjectPaces([item(1, '语文', 120, 60, 10), item(2, '语文', 10, 60, 20), item(3, '数学', 0, 0, 100)]);
    expect(s).toEqual([
      { subject: '语文', answers: 200, final: 30, awaitingLead: 2, open: 130, ratePerHour: 120, minutesLeft: 120 },
      { subject: '数学', answers: 100, final: 100, awaitingLead: 1, open: 0, ratePerHour: 0, minutesLeft: 0 },
    ]);
  });
  it('has no estimate when an item with open rounds has no pace', () => {
    expect(subjectPaces([item(1, '语文', 5, 60), item(2, '语文', 3, 0)])[0].minutesLeft).toBeNull();
  });
});
