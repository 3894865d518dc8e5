import { mulberry32 } from '../../../test/support/synthetic/synthetic-scan.js';
import { regionHistogram, type GrayImage } from './gray-image.js';

describe('regionHistogram', () => {
  it('counts every pixel of the rectangle, clipped to the image, whatever its width', () => {
    const rng = mulberry32(5);
    const img: GrayImage = {
      width: 37,
      height: 23,
      data: Uint8Array.from({ length: 37 * 23 }, () => (rng() < 0.7 ? 240 : Math.floor(rng() * 256))),
    };
    for (let n = 0; n < 300; n++) {
      const x0 = Math.floor(rng() * 50) - 8;
      const y0 = Math.floor(rng() * 30) - 5;
      const x1 = x0 + rng() * 30;
      const y1 = y0 + rng() * 20;
      const expected = new Uint32Array(256);
      let total = 0;
      for (let j = Math.max(0, Math.floor(y0)); j < Math.min(img.height, Math.ceil(y1)); j++) {
        for (let i = Math.max(0, Math.floor(x0)); i < Math.min(img.width, Math.ceil(x1)); i++) {
          expected[img.data[j * img.width + i]]++;
          total++;
        }
      }
      const got = regionHistogram(img, x0, y0, x1, y1);
      expect(got.total).toBe(total);
      expect(Array.from(got.hist)).toEqual(Array.from(expected));
    }
  });

  it('with a step, counts every step-th pixel of every step-th row from the top left one', () => {
    const rng = mulberry32(9);
    const img: GrayImage = {
      width: 41,
      height: 29,
      data: Uint8Array.from({ length: 41 * 29 }, () => Math.floor(rng() * 256)),
    };
    for (let n = 0; n < 300; n++) {
      const step = 2 + Math.floor(rng() * 4);
      const x0 = Math.floor(rng() * 50) - 8;
      const y0 = Math.floor(rng() * 35) - 5;
      const x1 = x0 + rng() * 30;
      const y1 = y0 + rng() * 20;
      const expected = new Uint32Array(256);
      let total = 0;
      for (let j = Math.max(0, Math.floor(y0)); j < Math.min(img.height, Math.ceil(y1)); j += step) {
        for (let i = Math.max(0, Math.floor(x0)); i < Math.min(img.width, Math.ceil(x1)); i += step) {
          expected[img.data[j * img.width + i]]++;
          total++;
        }
      }
      const got = regionHistogram(img, x0, y0, x1, y1, step);
      expect(got.total).toBe(total);
      expect(Array.from(got.hist)).toEqual(Array.from(expected));
    }
  });
});
