import { describe, expect, it } from '@jest/globals';
import { sortKey } from './report-sort';

describe('sortKey of a report table cell', () => {
  it.each([
    ['85.2%', { kind: 0, value: 85.2 }],
    ['+1.30', { kind: 0, value: 1.3 }],
    ['−0.40', { kind: 0, value: -0.4 }],
    ['-2', { kind: 0, value: -2 }],
    ['12（偏低）', { kind: 0, value: 12 }],
    ['60–69（不含）', { kind: 0, value: 60 }],
    ['学校B', { kind: 1, value: '学校B' }],
    ['—', { kind: 2, value: '' }],
    ['', { kind: 2, value: '' }],
  ])('%s', (cell, key) => {
    expect(sortKey(cell)).toEqual(key);
  });
});
