import { cutBox, normaliseContrast } from './cut-snippet.js';
import type { Affine, GrayImage } from './gray-image.js';

describe('cutBox', () => {
  it('cuts a rotated box out upright: a bar along the box top stays in the top rows across the whole width', () => {
    const k = 2;
    const th = (2.5 * Math.PI) / 180;
    const t: Affine = { a: k * Math.cos(th), b: -k * Math.sin(th), c: 40, d: k * Math.sin(th), e: k * Math.cos(th), f: 15 };
    const det = t.a * t.e - t.b * t.d;
    const img: GrayImage = { width: 500, height: 300, data: new Uint8Array(500 * 300).fill(230) };
    const box = { x: 20, y: 30, w: 180, h: 60 };
    for (let j = 0; j < img.height; j++)
      for (let i = 0; i < img.width; i++) {
        const u = i + 0.5 - t.c;
        const v = j + 0.5 - t.f;
        const x = (t.e * u - t.b * v) / det;
        const y = (-t.d * u + t.a * v) / det;
        if (x >= box.x && x <= box.x + box.w && y >= box.y && y <= box.y + 4) img.data[j * img.width + i] = 20;
      }
    const margin = 3;
    const out = cutBox(img, t, box, margin, k);
    expect(out.width).toBe((box.w + 2 * margin) * k);
    expect(out.height).toBe((box.h + 2 * margin) * k);
    const rowMean = (j: number) => {
      let s = 0;
      for (let i = margin * k + 2; i < out.width - margin * k - 2; i++) s += out.data[j * out.width + i];
      return s / (out.width - 2 * margin * k - 4);
    };
    // inside the bar (sheet y 30.5–33.5 → rows 7–12) dark across the full width; above and below it paper
    for (let j = 7; j <= 12; j++) expect(rowMean(j)).toBeLessThan(40);
    expect(rowMean(3)).toBeGreaterThan(220);
    expect(rowMean(20)).toBeGreaterThan(220);
  });
});

describe('normaliseContrast', () => {
  it('makes grey paper white and the ink near black', () => {
    const img: GrayImage = { width: 100, height: 100, data: new Uint8Array(10000).fill(190) };
    for (let n = 0; n < 1500; n++) img.data[n] = 90;
    const out = normaliseContrast(img);
    expect(out.data[5000]).toBe(255);
    expect(out.data[0]).toBeLessThan(10);
  });

  it('does not blow a blank snippet\'s noise up into marks', () => {
    const img: GrayImage = { width: 100, height: 100, data: new Uint8Array(10000) };
    for (let n = 0; n < img.data.length; n++) img.data[n] = 232 + ((n * 7919) % 17) - 8;
    const out = normaliseContrast(img);
    expect(Math.min(...out.data)).toBeGreaterThan(200);
  });
});
