import { fitHomography } from './domain/align.js';
import { cutBox, cutBoxNormalised, cutBoxProjective, normaliseContrast } from './domain/cut-snippet.js';
import { type Affine, applyHomography, type GrayImage, localAffine } from './domain/gray-image.js';
import {
  compileSnippetCutter,
  JS_SNIPPET_CUTTER,
  orJavaScript,
  PROJECTIVE_TILE_PX,
  snippetCutter,
  type SnippetCutter,
} from './snippet-cutter.js';

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Paper with grain, pencil strokes of several greys, and a block of full-range noise (the worst case for rounding). */
function page(width: number, height: number, rnd: () => number): GrayImage {
  const data = new Uint8Array(width * height);
  for (let n = 0; n < data.length; n++) data[n] = 215 + ((rnd() * 30) | 0);
  for (let k = 0; k < (width * height) / 2000; k++) {
    const x = (rnd() * (width - 30)) | 0;
    const y = (rnd() * (height - 6)) | 0;
    const grey = (rnd() * 160) | 0;
    for (let j = 0; j < 4; j++) for (let i = 0; i < 25; i++) data[(y + j) * width + x + i] = grey;
  }
  const nx = (rnd() * width * 0.7) | 0;
  const ny = (rnd() * height * 0.7) | 0;
  for (let j = ny; j < ny + height * 0.3; j++)
    for (let i = nx; i < nx + width * 0.3; i++) data[j * width + i] = (rnd() * 256) | 0;
  return { width, height, data };
}

function worstDifference(a: GrayImage, b: GrayImage): { worst: number; differing: number } {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let worst = 0;
  let differing = 0;
  for (let n = 0; n < a.data.length; n++) {
    const d = Math.abs(a.data[n] - b.data[n]);
    if (d) differing++;
    worst = Math.max(worst, d);
  }
  return { worst, differing };
}

describe('the compiled snippet cutter', () => {
  let wasm: SnippetCutter;
  beforeAll(async () => {
    wasm = await compileSnippetCutter();
  });

  it('cuts through a keystone homography tile by tile, within 0.15 px of the exact cut', () => {
    // a 200 dpi A4 page imaged with its top corners moved in by 1.2% of the width, turned 3°
    const k = 200 / 72;
    const th = (3 * Math.PI) / 180;
    const at = (x: number, y: number) => ({
      x: 30 + k * (x * Math.cos(th) - y * Math.sin(th)),
      y: 40 + k * (x * Math.sin(th) + y * Math.cos(th)),
    });
    const sheet = [
      { x: 0, y: 0 },
      { x: 595, y: 0 },
      { x: 0, y: 842 },
      { x: 595, y: 842 },
    ];
    const imaged = [at(0.012 * 595, 0), at(595 * 0.988, 0), at(0, 842), at(595, 842)];
    const h = fitHomography(sheet, imaged).homography;
    // geometry: the local affine of each tile against the homography at the tile's corners
    const pxPerPt = 150 / 72;
    const side = PROJECTIVE_TILE_PX / pxPerPt;
    let off = 0;
    for (let y = 0; y < 842; y += side)
      for (let x = 0; x < 595; x += side) {
        const t = localAffine(h, x + side / 2, y + side / 2);
        for (const [cx, cy] of [
          [x, y],
          [x + side, y],
          [x, y + side],
          [x + side, y + side],
        ]) {
          const p = applyHomography(h, cx, cy);
          off = Math.max(off, Math.hypot(t.a * cx + t.b * cy + t.c - p.x, t.d * cx + t.e * cy + t.f - p.y));
        }
      }
    expect(off).toBeLessThan(0.15); // seen: 0.11
    // pixels: an answer box near the top, against the exact (JavaScript) cut
    const img = page(1800, 2500, random(7));
    const t: Affine = localAffine(h, 300, 400);
    for (const box of [
      { x: 40, y: 60, w: 515, h: 150 },
      { x: 200, y: 500, w: 300, h: 300 },
    ]) {
      const exact = cutBoxProjective(img, h, box, 4, pxPerPt);
      const tiled = wasm.cutBox(img, t, box, 4, pxPerPt, h);
      expect([tiled.width, tiled.height]).toEqual([exact.width, exact.height]);
      let sum = 0;
      for (let n = 0; n < exact.data.length; n++) sum += Math.abs(exact.data[n] - tiled.data[n]);
      expect(sum / exact.data.length).toBeLessThan(1.5);
      // the affine cut, for scale: the same box a few pixels off
      const affine = wasm.cutBox(img, t, box, 4, pxPerPt);
      let affineSum = 0;
      for (let n = 0; n < exact.data.length; n++) affineSum += Math.abs(exact.data[n] - affine.data[n]);
      expect(affineSum / exact.data.length).toBeGreaterThan(5 * (sum / exact.data.length));
      // normalised: the same stretch as the reference's of the exact cut, within a few levels on average
      const n1 = wasm.cutBoxNormalised(img, t, box, 4, pxPerPt, h);
      const n2 = JS_SNIPPET_CUTTER.cutBoxNormalised(img, t, box, 4, pxPerPt, h);
      let nSum = 0;
      for (let n = 0; n < n1.data.length; n++) nSum += Math.abs(n1.data[n] - n2.data[n]);
      expect(nSum / n1.data.length).toBeLessThan(4);
    }
  });

  it('is what this thread gets (not the JavaScript fallback)', async () => {
    const cutter = await snippetCutter();
    expect(cutter).not.toBe(JS_SNIPPET_CUTTER);
    expect(await snippetCutter()).toBe(cutter); // compiled once
  });

  it('falls back to the JavaScript reference, saying so, when the module cannot be had', async () => {
    const said: string[] = [];
    expect(await orJavaScript(Promise.reject(new Error('no WebAssembly here')), (m) => said.push(m))).toBe(
      JS_SNIPPET_CUTTER,
    );
    expect(said).toEqual([expect.stringContaining('no WebAssembly here')]);
  });

  it('cuts within a grey level of the reference over random transforms, boxes off the page, 100-600 dpi, ±10° and 180°', () => {
    const rnd = random(20251124);
    let offPage = 0;
    let pixels = 0;
    let differing = 0;
    for (let c = 0; c < 60; c++) {
      const dpi = 100 + rnd() * 500;
      const k = dpi / 72;
      // a page of 70×55 pt, large enough for the boxes, small enough to stay quick at 600 dpi
      const img = page(Math.round(70 * k), Math.round(55 * k), rnd);
      const turned = c % 5 === 4;
      const th = ((turned ? 180 : 0) + (rnd() * 20 - 10)) * (Math.PI / 180);
      const sx = k * (1 + (rnd() - 0.5) * 0.04);
      const sy = k * (1 + (rnd() - 0.5) * 0.04);
      const shear = (rnd() - 0.5) * 0.02;
      const t: Affine = {
        a: sx * Math.cos(th),
        b: -sy * Math.sin(th) + shear * k,
        c: 0,
        d: sx * Math.sin(th),
        e: sy * Math.cos(th),
        f: 0,
      };
      // place the sheet so that its point (35, 27) lands near the page's centre, give or take a fifth of the page
      const cx = img.width * (0.5 + (rnd() - 0.5) * 0.4);
      const cy = img.height * (0.5 + (rnd() - 0.5) * 0.4);
      t.c = cx - (t.a * 35 + t.b * 27);
      t.f = cy - (t.d * 35 + t.e * 27);
      // boxes anywhere from well inside to hanging off an edge
      const box = { x: -15 + rnd() * 60, y: -15 + rnd() * 50, w: 10 + rnd() * 50, h: 5 + rnd() * 30 };
      const pxPerPt = c % 3 === 0 ? Math.min(k, 150 / 72) : 0.8 + rnd() * (k - 0.8);
      const margin = c % 2 ? 4 : 0;
      const ref = cutBox(img, t, box, margin, pxPerPt);
      const got = wasm.cutBox(img, t, box, margin, pxPerPt);
      const d = worstDifference(got, ref);
      expect([c, d.worst]).toEqual([c, expect.any(Number)]);
      expect(d.worst).toBeLessThanOrEqual(1);
      pixels += ref.data.length;
      differing += d.differing;
      // the contrast stretch is the reference's, from the compiled cut's own histogram
      const normalised = wasm.cutBoxNormalised(img, t, box, margin, pxPerPt);
      expect(worstDifference(normalised, normaliseContrast(got)).worst).toBe(0);
      if (ref.data.some((_, n) => got.data[n] === 255 && n % ref.width === 0)) offPage++;
    }
    expect(offPage).toBeGreaterThan(5); // some boxes did run off the page (white columns at the left edge)
    expect(differing / pixels).toBeLessThan(0.05); // off by one is a rounding accident, not the rule
  });

  it('gives exactly the reference where the box lies off the page altogether (white)', () => {
    const img = page(200, 150, random(3));
    const t: Affine = { a: 2, b: 0, c: 0, d: 0, e: 2, f: 0 };
    const box = { x: 300, y: 10, w: 40, h: 20 };
    const got = wasm.cutBoxNormalised(img, t, box, 4, 2);
    expect(worstDifference(got, cutBoxNormalised(img, t, box, 4, 2)).worst).toBe(0);
    expect(wasm.cutBox(img, t, box, 4, 2).data.every((g) => g === 255)).toBe(true);
  });

  it('cuts each page from its own pixels: a small page after a large one, then the large one again', () => {
    const rnd = random(7);
    const large = page(2400, 1800, rnd);
    const small = page(300, 200, rnd);
    const tl: Affine = { a: 8, b: -0.2, c: 30, d: 0.2, e: 8, f: 20 };
    const ts: Affine = { a: 1.4, b: 0.05, c: 5, d: -0.05, e: 1.4, f: 8 };
    const boxL = { x: 20, y: 20, w: 250, h: 180 };
    const boxS = { x: 10, y: 10, w: 150, h: 90 };
    const first = wasm.cutBox(large, tl, boxL, 4, 8);
    expect(worstDifference(first, cutBox(large, tl, boxL, 4, 8)).worst).toBeLessThanOrEqual(1);
    expect(
      worstDifference(wasm.cutBox(small, ts, boxS, 4, 1.4), cutBox(small, ts, boxS, 4, 1.4)).worst,
    ).toBeLessThanOrEqual(1);
    expect(worstDifference(wasm.cutBox(large, tl, boxL, 4, 8), first).worst).toBe(0);
  });

  it("cuts along the page's last rows and columns within a level, whatever its memory held before", () => {
    const rnd = random(11);
    const img = page(420, 300, rnd);
    const white: GrayImage = { width: 2000, height: 1500, data: new Uint8Array(2000 * 1500).fill(255) };
    const black: GrayImage = { width: 2000, height: 1500, data: new Uint8Array(2000 * 1500) };
    const whole = { x: 0, y: 0, w: 1900, h: 1400 };
    const identity: Affine = { a: 1, b: 0, c: 0, d: 0, e: 1, f: 0 };
    // samples a hair inside the last row and column (unturned, and turned a little so that they creep towards them)
    // prettier-ignore
    const cases: [Affine, { x: number; y: number; w: number; h: number }][] = [
      [identity, { x: 300, y: 297 - 1e-7, w: 119 + 1e-7, h: 3 }],
      [identity, { x: 417 - 1e-7, y: 200, w: 3, h: 99 + 1e-7 }],
      [{ a: 1, b: -2e-4, c: 0, d: 2e-4, e: 1, f: -0.02 }, { x: 100, y: 296.9, w: 319, h: 3 }],
    ];
    for (const [t, box] of cases) {
      const ref = cutBox(img, t, box, 0, 1);
      wasm.cutBox(white, identity, whole, 0, 1);
      const afterWhite = wasm.cutBox(img, t, box, 0, 1);
      wasm.cutBox(black, identity, whole, 0, 1);
      const afterBlack = wasm.cutBox(img, t, box, 0, 1);
      expect(worstDifference(afterWhite, ref).worst).toBeLessThanOrEqual(1);
      expect(worstDifference(afterBlack, afterWhite).worst).toBe(0);
    }
  });

  it('leaves pages wider than its fixed point reaches to the reference', () => {
    const img = page(32768, 4, random(5));
    const t: Affine = { a: 1, b: 0, c: 32700, d: 0, e: 1, f: 0 };
    const box = { x: 0, y: 0, w: 60, h: 3 };
    expect(worstDifference(wasm.cutBoxNormalised(img, t, box, 0, 1), cutBoxNormalised(img, t, box, 0, 1)).worst).toBe(
      0,
    );
  });
});
