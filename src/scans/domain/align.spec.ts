import { describeTransform, findFiducials, fitTransform, turnedHalf } from './align.js';
import { applyAffine, type Affine, type GrayImage } from './gray-image.js';

const PAGE = { width: 595.28, height: 841.89 };
// prettier-ignore
const SPECS = [
  { cx: 28, cy: 28, size: 16 },
  { cx: PAGE.width - 28, cy: 28, size: 16 },
  { cx: 28, cy: PAGE.height - 28, size: 16 },
  { cx: PAGE.width - 28, cy: PAGE.height - 28, size: 16 },
];

/** Sheet → image transform: rotation about the page centre by `deg`, then scale k·s, then a shift. */
function similarity(k: number, deg: number, s = 1, dx = 0, dy = 0): Affine {
  const th = (deg * Math.PI) / 180;
  const cos = Math.cos(th) * k * s;
  const sin = Math.sin(th) * k * s;
  const cx = (PAGE.width * k) / 2;
  const cy = (PAGE.height * k) / 2;
  // x' = cx + cos·(x − W/2) − sin·(y − H/2) + dx
  return {
    a: cos,
    b: -sin,
    c: cx - cos * (PAGE.width / 2) + sin * (PAGE.height / 2) + dx,
    d: sin,
    e: cos,
    f: cy - sin * (PAGE.width / 2) - cos * (PAGE.height / 2) + dy,
  };
}

function invert(t: Affine): Affine {
  const det = t.a * t.e - t.b * t.d;
  return {
    a: t.e / det,
    b: -t.b / det,
    c: (t.b * t.f - t.e * t.c) / det,
    d: -t.d / det,
    e: t.a / det,
    f: (t.d * t.c - t.a * t.f) / det,
  };
}

/** Paints every pixel whose centre, mapped back to the sheet, satisfies `inside`. */
function paint(img: GrayImage, t: Affine, inside: (x: number, y: number) => boolean, level: number) {
  const inv = invert(t);
  for (let j = 0; j < img.height; j++)
    for (let i = 0; i < img.width; i++) {
      const p = applyAffine(inv, i + 0.5, j + 0.5);
      if (inside(p.x, p.y)) img.data[j * img.width + i] = level;
    }
}

function paper(k: number, level = 235): GrayImage {
  const width = Math.round(PAGE.width * k);
  const height = Math.round(PAGE.height * k);
  return { width, height, data: new Uint8Array(width * height).fill(level) };
}

function addNoise(img: GrayImage, amplitude: number, seed = 7) {
  let s = seed;
  for (let n = 0; n < img.data.length; n++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    img.data[n] = Math.max(0, Math.min(255, img.data[n] + ((s / 0x7fffffff) * 2 - 1) * amplitude));
  }
}

describe('findFiducials + fitTransform', () => {
  it('recovers a rotated, scaled, shifted page to a fraction of a pixel, ignoring look-alike blobs', () => {
    const k = 1.5;
    const truth = similarity(k, 1.2, 1.008, 0, -9);
    const img = paper(k);
    for (const f of SPECS)
      paint(img, truth, (x, y) => Math.abs(x - f.cx) <= f.size / 2 && Math.abs(y - f.cy) <= f.size / 2, 15);
    // distractors near the corners: a page-code sized cell, a pencil-filled bubble, a long bar, a square cut by the edge
    paint(img, truth, (x, y) => Math.abs(x - 545) <= 4.5 && Math.abs(y - 44) <= 4.5, 15);
    paint(img, truth, (x, y) => (x - 60) ** 2 + (y - 60) ** 2 <= 5.5 ** 2, 50);
    paint(img, truth, (x, y) => x > 40 && x < 120 && Math.abs(y - (PAGE.height - 40)) < 3, 20);
    paint(img, truth, (x, y) => x > PAGE.width - 5 && Math.abs(y - (PAGE.height - 60)) < 8, 15);
    addNoise(img, 12);

    const found = findFiducials(img, SPECS, img.width / PAGE.width);
    expect(found.map((p) => p !== null)).toEqual([true, true, true, true]);
    found.forEach((p, n) => {
      const want = applyAffine(truth, SPECS[n].cx, SPECS[n].cy);
      expect(Math.hypot(p!.x - want.x, p!.y - want.y)).toBeLessThan(0.35);
    });
    const fit = fitTransform(
      SPECS.map((f) => ({ x: f.cx, y: f.cy })),
      found as { x: number; y: number }[],
    );
    expect(fit.rmsPx).toBeLessThan(0.4);
    const shape = describeTransform(fit.transform);
    expect(shape.rotationDeg).toBeCloseTo(1.2, 1);
    expect(shape.scale).toBeCloseTo(1.5 * 1.008, 2);
    // a point in the middle of the page lands where it should
    const mid = applyAffine(fit.transform, 300, 420);
    const want = applyAffine(truth, 300, 420);
    expect(Math.hypot(mid.x - want.x, mid.y - want.y)).toBeLessThan(0.5);
  });

  it('reports a missing fiducial as null rather than picking something else', () => {
    const k = 1.5;
    const truth = similarity(k, 0, 1);
    const img = paper(k);
    for (const f of SPECS.slice(0, 3))
      paint(img, truth, (x, y) => Math.abs(x - f.cx) <= f.size / 2 && Math.abs(y - f.cy) <= f.size / 2, 15);
    // a round blot of the same area where the fourth should be: solid and of the right size, but not a square
    paint(img, truth, (x, y) => (x - (PAGE.width - 28)) ** 2 + (y - (PAGE.height - 28)) ** 2 <= 16 ** 2 / Math.PI, 15);
    const found = findFiducials(img, SPECS, k);
    expect(found.slice(0, 3).every((p) => p !== null)).toBe(true);
    expect(found[3]).toBeNull();
  });

  it('measures a fiducial clipped by the scan edge from its unclipped side', () => {
    const k = 2;
    // shifted 21 pt left: the left fiducials (outer edge at 20 pt) lose 1 pt, about 6 % of their width
    const truth = similarity(k, 0.6, 1, -21 * k, 0);
    const img = paper(k);
    for (const f of SPECS)
      paint(img, truth, (x, y) => Math.abs(x - f.cx) <= f.size / 2 && Math.abs(y - f.cy) <= f.size / 2, 15);
    addNoise(img, 8);
    const found = findFiducials(img, SPECS, k);
    found.forEach((p, n) => {
      const want = applyAffine(truth, SPECS[n].cx, SPECS[n].cy);
      expect(p).not.toBeNull();
      expect(Math.hypot(p!.x - want.x, p!.y - want.y)).toBeLessThan(0.8);
    });
  });

  it('fits an exact affine exactly, measures the residual of a moved point, refuses collinear points', () => {
    const t: Affine = { a: 2.1, b: -0.05, c: 13, d: 0.04, e: 2.08, f: -7 };
    const from = SPECS.map((f) => ({ x: f.cx, y: f.cy }));
    const to = from.map((p) => applyAffine(t, p.x, p.y));
    const fit = fitTransform(from, to);
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f'] as const) expect(fit.transform[key]).toBeCloseTo(t[key], 6);
    expect(fit.maxPx).toBeLessThan(1e-6);
    to[2] = { x: to[2].x + 8, y: to[2].y };
    const moved = fitTransform(from, to);
    expect(moved.maxPx).toBeGreaterThan(1.5);
    expect(() =>
      fitTransform(
        [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
          { x: 2, y: 2 },
        ],
        [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
          { x: 2, y: 2 },
        ],
      ),
    ).toThrow();
  });

  it('turnedHalf maps a point where a 180° turned sheet has it', () => {
    const t = similarity(2, 0.5);
    const turned = turnedHalf(t, PAGE);
    const p = applyAffine(turned, 100, 50);
    const q = applyAffine(t, PAGE.width - 100, PAGE.height - 50);
    expect(p.x).toBeCloseTo(q.x, 9);
    expect(p.y).toBeCloseTo(q.y, 9);
  });
});

describe('findFiducials, four paper pixels at a time', () => {
  it('finds a square at every byte offset, as dark as just below the threshold, and not one just above it', () => {
    // paper 240 → threshold 120 (n = 120, the word test); paper 250 → 125; paper 255 → 127.5 (n = 128, its limit)
    for (const level of [240, 250, 255]) {
      const threshold = Math.min(level * 0.5, 140);
      for (let shift = 0; shift < 8; shift++) {
        const img = paper(2, level);
        const side = 32;
        const [x0, y0] = [40 + shift, 41];
        const fill = (g: number) => {
          for (let j = y0; j < y0 + side; j++) img.data.fill(g, j * img.width + x0, j * img.width + x0 + side);
        };
        fill(Math.ceil(threshold) - 1);
        const [p] = findFiducials(img, [SPECS[0]], 2);
        expect(p).toEqual({ x: x0 + side / 2, y: y0 + side / 2 });
        fill(Math.ceil(threshold));
        expect(findFiducials(img, [SPECS[0]], 2)).toEqual([null]);
      }
    }
  });
});
