// Finding the four fiducial squares and fitting the sheet → image transform. Pure.
import {
  affineScale,
  type Affine,
  type GrayImage,
  type Homography,
  type Point,
  histogramPercentile,
  paperSampleStep,
  regionHistogram,
} from './gray-image.js';

export interface FiducialSpec {
  cx: number;
  cy: number;
  size: number;
}

export interface Fit {
  transform: Affine;
  /** Root-mean-square and largest distance, in pixels, between the fitted and the found fiducial centres. */
  rmsPx: number;
  maxPx: number;
}

/** How far (in points) from its printed place a fiducial is searched: covers a few degrees of skew and a centimetre of shift. */
const SEARCH_RADIUS_PT = 45;

/**
 * Finds each fiducial as a dark, solid, roughly square blob of about the printed size near its expected place
 * (at `pxPerPt`, the scan's resolution guessed from its width). Returns the blob centroids in image pixels,
 * in the order of `specs`; null where no convincing blob was found.
 */
export function findFiducials(img: GrayImage, specs: FiducialSpec[], pxPerPt: number): (Point | null)[] {
  return specs.map((f) => findOneFiducial(img, f, pxPerPt));
}

function findOneFiducial(img: GrayImage, f: FiducialSpec, k: number): Point | null {
  const ex = f.cx * k;
  const ey = f.cy * k;
  const rad = Math.max(SEARCH_RADIUS_PT, f.size * 2) * k;
  const found = fiducialBlobs(
    img,
    f,
    k,
    Math.floor(ex - rad),
    Math.floor(ey - rad),
    Math.ceil(ex + rad),
    Math.ceil(ey + rad),
  );
  let best: { p: Point; dist: number } | null = null;
  for (const p of found) {
    const dist = Math.hypot(p.x - ex, p.y - ey);
    if (!best || dist < best.dist) best = { p, dist };
  }
  return best?.p ?? null;
}

/**
 * Work arrays of the blob search, kept between calls: a fresh set per window was megabytes of garbage per page, and
 * collecting it cost about as much as the search. (Calls are synchronous, so one set is never used by two at once.)
 */
let scratch = { label: new Int32Array(0), stack: new Int32Array(0), members: new Int32Array(0), stamp: 0 };
/**
 * The work arrays for a window of `n` pixels, with this call's stamp: a dark pixel is visited when its label holds
 * the stamp, so the labels need no clearing per window (that was megabytes of writes per page).
 */
function scratchFor(n: number) {
  if (scratch.label.length < n)
    scratch = { label: new Int32Array(n), stack: new Int32Array(n), members: new Int32Array(n), stamp: 0 };
  if (scratch.stamp === 0x7fffffff) {
    scratch.label.fill(0);
    scratch.stamp = 0;
  }
  scratch.stamp++;
  return scratch;
}

/** Every dark, solid, square blob of about the fiducial's size inside the pixel window (clipped to the image). */
function fiducialBlobs(
  img: GrayImage,
  f: FiducialSpec,
  k: number,
  wx0: number,
  wy0: number,
  wx1: number,
  wy1: number,
): Point[] {
  const x0 = Math.max(0, wx0);
  const y0 = Math.max(0, wy0);
  const x1 = Math.min(img.width, wx1);
  const y1 = Math.min(img.height, wy1);
  const w = x1 - x0;
  const h = y1 - y0;
  if (w <= 2 || h <= 2) return [];

  // the paper level from a sample of the window (80 or more pixels a side), as omr.ts's localPaper
  const { hist, total } = regionHistogram(img, x0, y0, x1, y1, paperSampleStep(Math.min(w, h), 80));
  const paper = histogramPercentile(hist, total, 0.9);
  // Printed black is far below half the paper level; pencil and grey print mostly are too, but fail the shape tests.
  const threshold = Math.min(paper * 0.5, 140);

  const px = img.data;
  const iw = img.width;
  const { label, stack, members, stamp } = scratchFor(w * h);
  const expectedArea = (f.size * k) ** 2;
  // Four pixels at a time where they are aligned: a word none of whose bytes is below n = ceil(threshold) is paper
  // throughout (the classic "has a byte less than n" test, exact for n <= 128; a paper level over 256 is never seen).
  const n = Math.ceil(threshold);
  const words = px.byteOffset % 4 === 0 && n <= 128 ? new Uint32Array(px.buffer, px.byteOffset, px.length >> 2) : null;
  const below = 0x01010101 * n;
  const out: Point[] = [];
  for (let j = 0; j < h; j++) {
    const rowAt = (y0 + j) * iw + x0;
    for (let i = 0; i < w; i++) {
      if (words !== null && ((rowAt + i) & 3) === 0 && i + 4 <= w) {
        const x = words[(rowAt + i) >> 2];
        if (((x - below) & ~x & 0x80808080) === 0) {
          i += 3;
          continue;
        }
      }
      // paper is only ever looked at, never labelled: most of the window is paper
      if (px[rowAt + i] >= threshold) continue;
      const idx = j * w + i;
      if (label[idx] === stamp) continue;
      // flood fill one dark component (4-connected)
      let sp = 0;
      stack[sp++] = idx;
      label[idx] = stamp;
      let area = 0;
      let sx = 0;
      let sy = 0;
      let minI = i;
      let maxI = i;
      let minJ = j;
      let maxJ = j;
      let touchesWindow = false;
      let clipLeft = false;
      let clipRight = false;
      let clipTop = false;
      let clipBottom = false;
      while (sp > 0) {
        const cur = stack[--sp];
        const ci = cur % w;
        const cj = (cur - ci) / w;
        members[area] = cur;
        area++;
        sx += ci;
        sy += cj;
        if (ci < minI) minI = ci;
        if (ci > maxI) maxI = ci;
        if (cj < minJ) minJ = cj;
        if (cj > maxJ) maxJ = cj;
        // Touching the window's edge means the blob runs on beyond what we looked at; touching the scan's edge means
        // the page sat a little off the scanner and the square is clipped, which we can still measure.
        if (ci === 0) x0 === 0 ? (clipLeft = true) : (touchesWindow = true);
        if (ci === w - 1) x1 === img.width ? (clipRight = true) : (touchesWindow = true);
        if (cj === 0) y0 === 0 ? (clipTop = true) : (touchesWindow = true);
        if (cj === h - 1) y1 === img.height ? (clipBottom = true) : (touchesWindow = true);
        // the four neighbours, written out: a closure here was allocated per pixel and kept `sp` off the registers
        const at = (y0 + cj) * iw + x0 + ci; // image index of (ci, cj)
        if (ci > 0 && label[cur - 1] !== stamp && px[at - 1] < threshold) {
          label[cur - 1] = stamp;
          stack[sp++] = cur - 1;
        }
        if (ci < w - 1 && label[cur + 1] !== stamp && px[at + 1] < threshold) {
          label[cur + 1] = stamp;
          stack[sp++] = cur + 1;
        }
        if (cj > 0 && label[cur - w] !== stamp && px[at - iw] < threshold) {
          label[cur - w] = stamp;
          stack[sp++] = cur - w;
        }
        if (cj < h - 1 && label[cur + w] !== stamp && px[at + iw] < threshold) {
          label[cur + w] = stamp;
          stack[sp++] = cur + w;
        }
      }
      if (touchesWindow) continue;
      const bw = maxI - minI + 1;
      const bh = maxJ - minJ + 1;
      const clippedX = clipLeft || clipRight;
      const clippedY = clipTop || clipBottom;
      let p: Point;
      if (clippedX || clippedY) {
        // A square's bounding box is square at any rotation: the unclipped side gives the clipped one.
        if ((clippedX && clippedY) || (clipLeft && clipRight) || (clipTop && clipBottom)) continue;
        const side = clippedX ? bh : bw;
        const seen = clippedX ? bw : bh;
        if (seen < 0.6 * side || side < 0.7 * f.size * k || side > 1.6 * f.size * k || area / (bw * bh) < 0.55)
          continue;
        const cx = clipLeft ? maxI + 1 - side / 2 : clipRight ? minI + side / 2 : (minI + maxI + 1) / 2;
        const cy = clipTop ? maxJ + 1 - side / 2 : clipBottom ? minJ + side / 2 : (minJ + maxJ + 1) / 2;
        p = { x: x0 + cx, y: y0 + cy };
      } else {
        const ratio = area / expectedArea;
        const aspect = bw / bh;
        const solidity = area / (bw * bh);
        if (ratio < 0.45 || ratio > 2.2 || aspect < 0.6 || aspect > 1 / 0.6 || solidity < 0.55) continue;
        // A square's corners lie sqrt(area/2) from its centre, a disc's edge only sqrt(area/π): tells a square from a round blot at any rotation.
        const mx = sx / area;
        const my = sy / area;
        let far = 0;
        for (let n = 0; n < area; n++) {
          const mi = members[n] % w;
          const mj = (members[n] - mi) / w;
          far = Math.max(far, (mi - mx) ** 2 + (mj - my) ** 2);
        }
        if (Math.sqrt(far) < 0.9 * Math.sqrt(area / 2)) continue;
        p = { x: x0 + mx + 0.5, y: y0 + my + 0.5 };
      }
      out.push(p);
    }
  }
  return out;
}

/** Largest rotation (degrees) a page may have and still be read. */
export const MAX_ROTATION_DEG = 12;

/**
 * Wide search, for pages turned by up to about ±10°, scaled or shifted beyond the narrow search: every fiducial-like
 * blob in the image's four corner regions is a candidate, and the candidates are chosen together, as the set (of four,
 * else three) that an affine map of the printed fiducials fits best with a plausible shape (a rotation and a scale).
 * Returns the chosen points in the order of `specs`, null where none fits.
 */
export function findFiducialsWide(
  img: GrayImage,
  specs: FiducialSpec[],
  page: { width: number; height: number },
  pxPerPt: number,
  maxResidualPt: number,
): (Point | null)[] {
  const perCorner = specs.map((f) => {
    const left = f.cx < page.width / 2;
    const top = f.cy < page.height / 2;
    const rx = Math.round(img.width * 0.4);
    const ry = Math.round(img.height * 0.3);
    const [wx0, wx1] = left ? [0, rx] : [img.width - rx, img.width];
    const [wy0, wy1] = top ? [0, ry] : [img.height - ry, img.height];
    const cornerX = left ? 0 : img.width;
    const cornerY = top ? 0 : img.height;
    // The fiducial is the blob nearest to its corner of the scan, or one of the next few.
    return fiducialBlobs(img, f, pxPerPt, wx0, wy0, wx1, wy1)
      .sort((p, q) => Math.hypot(p.x - cornerX, p.y - cornerY) - Math.hypot(q.x - cornerX, q.y - cornerY))
      .slice(0, 6);
  });
  let best: { pts: (Point | null)[]; count: number; maxPx: number } | null = null;
  const pick: (Point | null)[] = specs.map(() => null);
  const visit = (n: number) => {
    if (n === specs.length) {
      const idx = pick.map((p, m) => (p ? m : -1)).filter((m) => m >= 0);
      if (idx.length < 3 || (best && idx.length < best.count)) return;
      let fit: Fit;
      try {
        fit = fitTransform(
          idx.map((m) => ({ x: specs[m].cx, y: specs[m].cy })),
          idx.map((m) => pick[m]!),
        );
      } catch {
        return;
      }
      const shape = describeTransform(fit.transform);
      if (
        fit.maxPx > maxResidualPt * shape.scale ||
        shape.anisotropy > 0.05 ||
        shape.shear > 0.05 ||
        Math.abs(shape.rotationDeg) > MAX_ROTATION_DEG
      )
        return;
      if (Math.abs(shape.scale / pxPerPt - 1) > 0.35) return;
      if (!best || idx.length > best.count || fit.maxPx < best.maxPx)
        best = { pts: pick.slice(), count: idx.length, maxPx: fit.maxPx };
      return;
    }
    for (const c of perCorner[n]) {
      pick[n] = c;
      visit(n + 1);
    }
    pick[n] = null;
    visit(n + 1);
  };
  visit(0);
  return (best as { pts: (Point | null)[] } | null)?.pts ?? specs.map(() => null);
}

/** Least-squares affine transform taking `from` (sheet points) to `to` (image pixels); needs three or more points. */
export function fitTransform(from: Point[], to: Point[]): Fit {
  if (from.length !== to.length || from.length < 3) throw new Error('fitTransform needs three or more point pairs');
  // Normal equations M·[a b c] = rx and M·[d e f] = ry with M = Σ [x y 1]ᵀ[x y 1].
  const m = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const rx = [0, 0, 0];
  const ry = [0, 0, 0];
  for (let n = 0; n < from.length; n++) {
    const v = [from[n].x, from[n].y, 1];
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) m[r * 3 + c] += v[r] * v[c];
      rx[r] += v[r] * to[n].x;
      ry[r] += v[r] * to[n].y;
    }
  }
  const [a, b, c] = solve3(m, rx);
  const [d, e, f] = solve3(m, ry);
  const transform = { a, b, c, d, e, f };
  let sum = 0;
  let max = 0;
  for (let n = 0; n < from.length; n++) {
    const px = a * from[n].x + b * from[n].y + c;
    const py = d * from[n].x + e * from[n].y + f;
    const dist = Math.hypot(px - to[n].x, py - to[n].y);
    sum += dist * dist;
    max = Math.max(max, dist);
  }
  return { transform, rmsPx: Math.sqrt(sum / from.length), maxPx: max };
}

/**
 * Least-squares homography taking `from` (sheet points) to `to` (image pixels); needs four or more points, no three of
 * four collinear. Four fiducials determine its 8 parameters exactly: unlike the affine fit it follows a keystone
 * (the page tilted under the lens), which left ~3.8 px at the corners of outside perspective scans. Direct linear
 * transform with h33 = 1 on coordinates normalised to their centroid and a mean distance of √2 (Hartley), so the
 * normal equations are well conditioned whatever the resolution.
 */
export function fitHomography(from: Point[], to: Point[]): { homography: Homography; rmsPx: number; maxPx: number } {
  if (from.length !== to.length || from.length < 4) throw new Error('fitHomography needs four or more point pairs');
  const nf = normaliser(from);
  const nt = normaliser(to);
  // Each pair gives two rows of A·h = r over h = (h0 … h7):
  //   [x y 1 0 0 0 −x·X −y·X]·h = X   and   [0 0 0 x y 1 −x·Y −y·Y]·h = Y   (x, y sheet; X, Y image; normalised)
  const ata = new Float64Array(64);
  const atr = new Float64Array(8);
  const add = (row: number[], rhs: number) => {
    for (let i = 0; i < 8; i++) {
      if (row[i] === 0) continue;
      atr[i] += row[i] * rhs;
      for (let j = 0; j < 8; j++) ata[i * 8 + j] += row[i] * row[j];
    }
  };
  for (let n = 0; n < from.length; n++) {
    const x = (from[n].x - nf.cx) * nf.s;
    const y = (from[n].y - nf.cy) * nf.s;
    const X = (to[n].x - nt.cx) * nt.s;
    const Y = (to[n].y - nt.cy) * nt.s;
    add([x, y, 1, 0, 0, 0, -x * X, -y * X], X);
    add([0, 0, 0, x, y, 1, -x * Y, -y * Y], Y);
  }
  const hn = solveLinear(ata, atr, 8);
  if (!hn) throw new Error('fitHomography: points are degenerate (three in a line)');
  // Undo the normalisations: H = Nt⁻¹ · Hn · Nf, with Nf = [s 0 −s·cx; 0 s −s·cy; 0 0 1] (likewise Nt).
  const Hn = [hn[0], hn[1], hn[2], hn[3], hn[4], hn[5], hn[6], hn[7], 1];
  const Nf = [nf.s, 0, -nf.s * nf.cx, 0, nf.s, -nf.s * nf.cy, 0, 0, 1];
  const NtInv = [1 / nt.s, 0, nt.cx, 0, 1 / nt.s, nt.cy, 0, 0, 1];
  const m = mul3(NtInv, mul3(Hn, Nf));
  const homography = m.map((v) => v / m[8]) as unknown as Homography;
  let sum = 0;
  let max = 0;
  for (let n = 0; n < from.length; n++) {
    const w = homography[6] * from[n].x + homography[7] * from[n].y + 1;
    const px = (homography[0] * from[n].x + homography[1] * from[n].y + homography[2]) / w;
    const py = (homography[3] * from[n].x + homography[4] * from[n].y + homography[5]) / w;
    const dist = Math.hypot(px - to[n].x, py - to[n].y);
    sum += dist * dist;
    max = Math.max(max, dist);
  }
  return { homography, rmsPx: Math.sqrt(sum / from.length), maxPx: max };
}

/** A sheet fed upside down, for a homography: `h` after the sheet's 180° turn (x, y) → (W − x, H − y). */
export function turnedHalfHomography(h: Homography, page: { width: number; height: number }): Homography {
  const turn = [-1, 0, page.width, 0, -1, page.height, 0, 0, 1];
  const m = mul3([...h], turn);
  return m.map((v) => v / m[8]) as unknown as Homography;
}

/** Centroid and the scale that brings the points' mean distance from it to √2. */
function normaliser(pts: Point[]): { cx: number; cy: number; s: number } {
  const cx = pts.reduce((a, p) => a + p.x, 0) / pts.length;
  const cy = pts.reduce((a, p) => a + p.y, 0) / pts.length;
  const mean = pts.reduce((a, p) => a + Math.hypot(p.x - cx, p.y - cy), 0) / pts.length;
  return { cx, cy, s: mean > 0 ? Math.SQRT2 / mean : 1 };
}

function mul3(p: number[], q: number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c] += p[r * 3 + k] * q[k * 3 + c];
  return out;
}

/** Solves the n×n system m·x = r by Gaussian elimination with partial pivoting; null when (nearly) singular. */
function solveLinear(m: Float64Array, r: Float64Array, n: number): number[] | null {
  const a = Float64Array.from(m);
  const b = Float64Array.from(r);
  let scale = 0;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row * n + col]) > Math.abs(a[piv * n + col])) piv = row;
    if (Math.abs(a[piv * n + col]) <= 1e-10 * scale) return null;
    if (piv !== col) {
      for (let k = 0; k < n; k++) [a[col * n + k], a[piv * n + k]] = [a[piv * n + k], a[col * n + k]];
      [b[col], b[piv]] = [b[piv], b[col]];
    }
    for (let row = col + 1; row < n; row++) {
      const f = a[row * n + col] / a[col * n + col];
      if (f === 0) continue;
      for (let k = col; k < n; k++) a[row * n + k] -= f * a[col * n + k];
      b[row] -= f * b[col];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let v = b[row];
    for (let k = row + 1; k < n; k++) v -= a[row * n + k] * x[k];
    x[row] = v / a[row * n + row];
  }
  return x;
}

function solve3(m: number[], r: number[]): [number, number, number] {
  const det = (q: number[]) =>
    q[0] * (q[4] * q[8] - q[5] * q[7]) - q[1] * (q[3] * q[8] - q[5] * q[6]) + q[2] * (q[3] * q[7] - q[4] * q[6]);
  const d = det(m);
  if (Math.abs(d) < 1e-9) throw new Error('fitTransform: points are collinear');
  const col = (k: number) => {
    const q = m.slice();
    for (let row = 0; row < 3; row++) q[row * 3 + k] = r[row];
    return det(q) / d;
  };
  return [col(0), col(1), col(2)];
}

export interface TransformShape {
  /** Pixels per point, mean of both axes. */
  scale: number;
  /** Rotation of the sheet in the image, degrees, clockwise positive (y grows downwards). */
  rotationDeg: number;
  /** |sx/sy − 1|: a scanned sheet is scaled the same both ways. */
  anisotropy: number;
  /** Cosine of the angle between the mapped axes: 0 for a true rotation. */
  shear: number;
}

export function describeTransform(t: Affine): TransformShape {
  const sx = Math.hypot(t.a, t.d);
  const sy = Math.hypot(t.b, t.e);
  return {
    scale: affineScale(t),
    rotationDeg: (Math.atan2(t.d, t.a) * 180) / Math.PI,
    anisotropy: Math.abs(sx / sy - 1),
    shear: Math.abs(t.a * t.b + t.d * t.e) / (sx * sy),
  };
}

/** A sheet fed upside down: the same fiducials (they are point-symmetric) with the page turned by 180°. */
export function turnedHalf(t: Affine, page: { width: number; height: number }): Affine {
  return {
    a: -t.a,
    b: -t.b,
    c: t.a * page.width + t.b * page.height + t.c,
    d: -t.d,
    e: -t.e,
    f: t.d * page.width + t.e * page.height + t.f,
  };
}

/** True if the fiducials are placed point-symmetrically about the page centre (so a 180° turn maps them onto each other). */
export function fiducialsSymmetric(specs: FiducialSpec[], page: { width: number; height: number }): boolean {
  return specs.every((f) =>
    specs.some(
      (g) =>
        Math.abs(g.cx - (page.width - f.cx)) < 0.5 && Math.abs(g.cy - (page.height - f.cy)) < 0.5 && g.size === f.size,
    ),
  );
}
