import {
  describeTransform,
  findFiducials,
  fitHomography,
  fitTransform,
  turnedHalf,
  turnedHalfHomography,
} from './align.js';
import {
  applyAffine,
  applyHomography,
  localAffine,
  type Affine,
  type GrayImage,
  type Homography,
} from './gray-image.js';

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

describe('fitHomography (four fiducials, a keystone followed)', () => {
  const corners = SPECS.map((f) => ({ x: f.cx, y: f.cy }));
  /** A keystone as a scanner lid or a phone makes it: the top edge narrower by `f` of the width on each side. */
  const keystone = (k: number, f: number): Homography => {
    // the corners' images, then the exact map through them (checked against applyHomography below)
    const W = PAGE.width * k;
    const H = PAGE.height * k;
    const to = corners.map((p) => {
      const t = 1 - (p.y * k) / H;
      return { x: W / 2 + (p.x * k - W / 2) * (1 - 2 * f * t), y: p.y * k * (1 - f * 0.5 * t) };
    });
    return fitHomography(corners, to).homography;
  };
  const A = similarity(200 / 72, 2.5, 1.01, 14, -9);
  const affineH = (t: Affine): Homography => [t.a, t.b, t.c, t.d, t.e, t.f, 0, 0, 1];
  // prettier-ignore
  const cases: [string, Homography][] = [
    ['identity at 150 dpi', [150 / 72, 0, 0, 0, 150 / 72, 0, 0, 0, 1]],
    ['an affine page (rotated, scaled, shifted): the projective part stays 0', affineH(A)],
    ['a corpus keystone (0.4 %) at 200 dpi', keystone(200 / 72, 0.004)],
    ['a strong keystone (1.5 %) at 300 dpi', keystone(300 / 72, 0.015)],
    ['keystone and rotation', [2.8, -0.1, 30, 0.12, 2.75, -20, 2e-5, -1.5e-5, 1]],
  ];
  it.each(cases)('recovers %s from its four fiducials exactly, inside the page too', (_, h) => {
    const fit = fitHomography(
      corners,
      corners.map((p) => applyHomography(h, p.x, p.y)),
    );
    expect(fit.maxPx).toBeLessThan(1e-6);
    for (const [x, y] of [
      [300, 400],
      [60, 800],
      [550, 50],
    ]) {
      const want = applyHomography(h, x, y);
      const got = applyHomography(fit.homography, x, y);
      expect(Math.hypot(got.x - want.x, got.y - want.y)).toBeLessThan(1e-6);
    }
  });

  it('agrees with the affine fit on an affine page, and beats it on a keystone where the affine misses by pixels', () => {
    const to = corners.map((p) => applyAffine(A, p.x, p.y));
    const h = fitHomography(corners, to).homography;
    expect(Math.abs(h[6]) + Math.abs(h[7])).toBeLessThan(1e-9);
    const ks = keystone(300 / 72, 0.01);
    const warped = corners.map((p) => applyHomography(ks, p.x, p.y));
    const affine = fitTransform(corners, warped);
    // the affine fit leaves pixels of error at the fiducials (and more between them); the homography none
    expect(affine.maxPx).toBeGreaterThan(3);
    expect(fitHomography(corners, warped).maxPx).toBeLessThan(1e-6);
    // a bubble near the top left, where the keystone moves things most
    const bubble = { x: 60, y: 120 };
    const truth = applyHomography(ks, bubble.x, bubble.y);
    const byAffine = applyAffine(affine.transform, bubble.x, bubble.y);
    expect(Math.hypot(byAffine.x - truth.x, byAffine.y - truth.y)).toBeGreaterThan(3);
  });

  it('fits five or more noisy points by least squares, refuses fewer than four or three in a line', () => {
    const h = keystone(200 / 72, 0.006);
    const pts = [...corners, { x: 300, y: 420 }, { x: 120, y: 600 }];
    const noise = [0.3, -0.2, 0.1, -0.3, 0.25, -0.15];
    const to = pts.map((p, n) => {
      const q = applyHomography(h, p.x, p.y);
      return { x: q.x + noise[n], y: q.y - noise[n] };
    });
    const fit = fitHomography(pts, to);
    expect(fit.rmsPx).toBeGreaterThan(0.05);
    expect(fit.maxPx).toBeLessThan(0.6);
    expect(() => fitHomography(corners.slice(0, 3), to.slice(0, 3))).toThrow(/four or more/);
    const line = [
      { x: 0, y: 0 },
      { x: 100, y: 100 },
      { x: 200, y: 200 },
      { x: 300, y: 0 },
    ];
    expect(() => fitHomography(line, line)).toThrow(/degenerate/);
  });

  it('localAffine matches the homography at its point and to a small fraction of a pixel a bubble away', () => {
    const h = keystone(300 / 72, 0.015);
    for (const [x, y] of [
      [40, 60],
      [300, 420],
      [560, 800],
    ]) {
      const t = localAffine(h, x, y);
      const at = applyAffine(t, x, y);
      const want = applyHomography(h, x, y);
      expect(Math.hypot(at.x - want.x, at.y - want.y)).toBeLessThan(1e-9);
      // 6 pt away (a bubble's radius and more)
      const off = applyAffine(t, x + 6, y - 6);
      const offWant = applyHomography(h, x + 6, y - 6);
      expect(Math.hypot(off.x - offWant.x, off.y - offWant.y)).toBeLessThan(0.05);
    }
  });

  it('turnedHalfHomography reads a sheet fed upside down as turnedHalf does for an affine', () => {
    const t = similarity(200 / 72, 1.5, 1, 5, 7);
    const turnedA = turnedHalf(t, PAGE);
    const turnedH = turnedHalfHomography([t.a, t.b, t.c, t.d, t.e, t.f, 0, 0, 1], PAGE);
    for (const [x, y] of [
      [10, 20],
      [400, 700],
    ]) {
      const a = applyAffine(turnedA, x, y);
      const b = applyHomography(turnedH, x, y);
      expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeLessThan(1e-9);
    }
  });
});
