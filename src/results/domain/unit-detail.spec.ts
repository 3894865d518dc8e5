import { itemGroups, unitDetail, type DetailItem } from './unit-detail.js';

const items: DetailItem[] = [
  {
    itemId: 1,
    maxScore: 1,
    knowledgePoints: ['A'],
    cognitiveLevel: '了解',
    choice: { optionCount: 4, key: 'B', multiple: false },
  },
  { itemId: 2, maxScore: 2, knowledgePoints: ['A', 'B'], cognitiveLevel: '运用' },
  { itemId: 3, maxScore: 3, knowledgePoints: [], cognitiveLevel: null },
];
const scores = [
  [1, 2, 3],
  [0, 1, 0],
  [0, 0, 1.5],
  [1, 2, 3],
];
const marked = [['B'], ['C'], [''], ['B']].map((r) => [r[0], undefined, undefined]);

describe('unitDetail', () => {
  const d = unitDetail(items, scores, marked, 6);

  it.each([
    [0, { zeroShare: 0.5, fullShare: 0.5, distribution: [0.5, 0.5] }],
    [1, { zeroShare: 0.25, fullShare: 0.5, distribution: [0.25, 0.25, 0.5] }],
    [2, { zeroShare: 0.25, fullShare: 0.5, distribution: [0.25, 0.25, 0, 0.5] }],
  ])('item %d: zero and full shares, whole-point distribution', (j, expected) => {
    expect(d.items[j]).toMatchObject(expected);
  });

  it('option shares of the students whose marks are known, with the key and blanks', () => {
    expect(d.items[0].options).toEqual([
      { option: 'A', isKey: false, share: 0 },
      { option: 'B', isKey: true, share: 0.5 },
      { option: 'C', isKey: false, share: 0.25 },
      { option: 'D', isKey: false, share: 0 },
    ]);
    expect(d.items[0].blankShare).toBe(0.25);
    expect(d.items[1].options).toBeNull();
  });

  it('groups: knowledge points then levels, subtotal mean and population SD', () => {
    expect(d.groups.map((g) => `${g.kind}:${g.key}:${g.itemIds.join(',')}`)).toEqual([
      'knowledge_point:A:1,2',
      'knowledge_point:B:2',
      'cognitive_level:了解:1',
      'cognitive_level:运用:2',
    ]);
    // Subtotals on A: 3, 1, 0, 3 → mean 1.75, population SD √(1.6875).
    expect(d.groups[0]).toMatchObject({ maxScore: 3, mean: 1.75, sd: Math.round(Math.sqrt(1.6875) * 1e4) / 1e4 });
  });

  it('whole-point counts of the totals (6, 1, 1.5, 6 of 6)', () => {
    expect(d.totalCounts).toEqual([0, 2, 0, 0, 0, 0, 2]);
    expect(unitDetail(items, scores, undefined, null).totalCounts).toBeNull();
  });

  it('itemGroups ignores blank knowledge points and levels', () => {
    expect(itemGroups([{ itemId: 9, maxScore: 1, knowledgePoints: [' ', ''], cognitiveLevel: ' ' }])).toEqual([]);
  });
});
