import {
  cutBox,
  cutBoxNormalised,
  cutBoxProjective,
  cutBoxProjectiveNormalised,
  normaliseContrast,
} from './cut-snippet.js';
import { type Affine, bilinearAt, type GrayImage } from './gray-image.js';

describe('cutBox', () => {
  it('cuts a rotated box out upright: a bar along the box top stays in the top rows across the whole width', () => {
    const k = 2;
    const th = (2.5 * Math.PI) / 180;
    const t: Affine = {
      a: k * Math.cos(th),
      b: -k * Math.sin(th),
      c: 40,
      d: k * Math.sin(th),
      e: k * Math.cos(th),
      f: 15,
    };
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

  it("does not blow a blank snippet's noise up into marks", () => {
    const img: GrayImage = { width: 100, height: 100, data: new Uint8Array(10000) };
    for (let n = 0; n < img.data.length; n++) img.data[n] = 232 + ((n * 7919) % 17) - 8;
    const out = normaliseContrast(img);
    expect(Math.min(...out.data)).toBeGreaterThan(200);
  });
});

describe('cutBoxNormalised', () => {
  it('gives exactly the snippet of cutBox then normaliseContrast', () => {
    const k = 2.5;
    const th = (1.2 * Math.PI) / 180;
    const t: Affine = {
      a: k * Math.cos(th),
      b: -k * Math.sin(th),
      c: 30,
      d: k * Math.sin(th),
      e: k * Math.cos(th),
      f: 20,
    };
    const img: GrayImage = { width: 700, height: 400, data: new Uint8Array(700 * 400) };
    // paper with grain, pencil strokes of several greys
    for (let n = 0; n < img.data.length; n++) img.data[n] = 215 + ((n * 2654435761) >>> 27);
    for (let j = 100; j < 300; j += 9)
      for (let i = 80; i < 600; i++) if ((i + j) % 37 < 20) img.data[j * 700 + i] = 40 + ((i * 13) % 90);
    const box = { x: 10, y: 20, w: 220, h: 100 };
    const two = normaliseContrast(cutBox(img, t, box, 4, k));
    const one = cutBoxNormalised(img, t, box, 4, k);
    expect([one.width, one.height]).toEqual([two.width, two.height]);
    let worst = 0;
    for (let n = 0; n < one.data.length; n++) worst = Math.max(worst, Math.abs(one.data[n] - two.data[n]));
    expect(worst).toBe(0);
    // and the contrast was really stretched: paper white, ink near black
    expect(one.data.reduce((m, v) => Math.max(m, v), 0)).toBe(255);
    expect(one.data.reduce((m, v) => Math.min(m, v), 255)).toBeLessThan(30);
  });
});

describe('cutBox fast path', () => {
  it('equals plain bilinear sampling everywhere, also where the box runs off the image', () => {
    const img: GrayImage = { width: 300, height: 200, data: new Uint8Array(300 * 200) };
    for (let n = 0; n < img.data.length; n++) img.data[n] = (n * 2654435761) >>> 24;
    for (const [deg, k, c, f] of [
      [0, 1, 0, 0],
      [3, 2.2, -15, 7],
      [-8, 1.7, 40, -25],
      [180, 2, 290, 190],
      [0.4, 3, 0.25, 0.75],
    ]) {
      const th = (deg * Math.PI) / 180;
      const t: Affine = { a: k * Math.cos(th), b: -k * Math.sin(th), c, d: k * Math.sin(th), e: k * Math.cos(th), f };
      const box = { x: -5, y: -5, w: 150, h: 100 };
      const pxPerPt = 2.3;
      const cut = cutBox(img, t, box, 2, pxPerPt);
      let worst = 0;
      for (let j = 0; j < cut.height; j++)
        for (let i = 0; i < cut.width; i++) {
          const x = box.x - 2 + (i + 0.5) / pxPerPt;
          const y = box.y - 2 + (j + 0.5) / pxPerPt;
          const ref = Math.round(bilinearAt(img, t.a * x + t.b * y + t.c, t.d * x + t.e * y + t.f));
          worst = Math.max(worst, Math.abs(ref - cut.data[j * cut.width + i]));
        }
      expect([deg, worst]).toEqual([deg, expect.any(Number)]);
      expect(worst).toBeLessThanOrEqual(1); // rounding of the inlined path (+0.5 | 0) against Math.round
    }
  });
});

describe('cutBoxProjective', () => {
  it('is cutBox when the homography is the affine (last row 0 0 1), within a grey level', () => {
    const img: GrayImage = { width: 400, height: 300, data: new Uint8Array(400 * 300) };
    for (let n = 0; n < img.data.length; n++) img.data[n] = (n * 7919) % 251;
    const t: Affine = { a: 1.9, b: -0.08, c: 30, d: 0.08, e: 1.9, f: 12 };
    const h = [t.a, t.b, t.c, t.d, t.e, t.f, 0, 0, 1] as const;
    // partly outside the scan, so the white border is compared too
    for (const box of [
      { x: 10, y: 20, w: 120, h: 60 },
      { x: 150, y: 100, w: 80, h: 90 },
    ]) {
      const a = cutBox(img, t, box, 3, 2);
      const p = cutBoxProjective(img, h, box, 3, 2);
      expect([p.width, p.height]).toEqual([a.width, a.height]);
      let worst = 0;
      for (let n = 0; n < a.data.length; n++) worst = Math.max(worst, Math.abs(a.data[n] - p.data[n]));
      expect(worst).toBeLessThanOrEqual(1);
      const an = cutBoxNormalised(img, t, box, 3, 2);
      const pn = cutBoxProjectiveNormalised(img, h, box, 3, 2);
      let worstN = 0;
      for (let n = 0; n < an.data.length; n++) worstN = Math.max(worstN, Math.abs(an.data[n] - pn.data[n]));
      expect(worstN).toBeLessThanOrEqual(3);
    }
  });
});
