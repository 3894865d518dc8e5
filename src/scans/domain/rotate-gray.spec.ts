import { isQuarterTurn, rotateGray } from './rotate-gray.js';
import type { GrayImage } from './gray-image.js';

// 3 wide, 2 high:
//   1 2 3
//   4 5 6
const img = { width: 3, height: 2, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
const rows = (g: { width: number; height: number; data: Uint8Array }) =>
  Array.from({ length: g.height }, (_, y) => Array.from(g.data.slice(y * g.width, (y + 1) * g.width)));

describe('rotateGray', () => {
  it('turns clockwise by 90: the left column becomes the top row, read bottom-up', () => {
    const r = rotateGray(img, 90);
    expect([r.width, r.height]).toEqual([2, 3]);
    expect(rows(r)).toEqual([
      [4, 1],
      [5, 2],
      [6, 3],
    ]);
  });
  it('turns by 180 and by 270 (anticlockwise by 90)', () => {
    expect(rows(rotateGray(img, 180))).toEqual([
      [6, 5, 4],
      [3, 2, 1],
    ]);
    expect(rows(rotateGray(img, 270))).toEqual([
      [3, 6],
      [2, 5],
      [1, 4],
    ]);
  });
  it('four quarter turns give the image back; 0 is the image itself', () => {
    let r: GrayImage = img;
    for (let k = 0; k < 4; k++) r = rotateGray(r, 90);
    expect(rows(r)).toEqual(rows(img));
    expect(rotateGray(img, 0)).toBe(img);
    expect(rows(rotateGray(rotateGray(img, 90), 270))).toEqual(rows(img));
  });
  it('accepts only right angles', () => {
    expect([0, 90, 180, 270].every(isQuarterTurn)).toBe(true);
    expect([45, -90, 360, '90', null].some(isQuarterTurn)).toBe(false);
  });
});
