// Reads the machine-readable score tally that synthetic scans put in subjective boxes, so that simulated markers
// score an answer from its snippet alone (blind, like a real marker) instead of peeking at the generator's truth.
import type { GrayImage } from './synthetic-scan.js';

interface Blob {
  area: number;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/**
 * Counts the filled tally squares in a snippet (any margin, slightly rotated, contrast possibly normalised)
 * and returns count × step. Squares are told from handwriting and frame lines by shape: compact, solid,
 * roughly square blobs of a common size.
 */
export function readTallyScore(img: GrayImage, step: number): number {
  return countTallySquares(img) * step;
}

export function countTallySquares(img: GrayImage): number {
  const { width: w, height: h, data } = img;
  const n = w * h;
  if (n === 0) return 0;
  const hist = new Uint32Array(256);
  for (let i = 0; i < n; i++) hist[data[i]]++;
  const bg = percentile(hist, n, 0.5);
  const dark = percentile(hist, n, 0.002);
  if (bg - dark < 60) return 0; // no ink at all
  const threshold = (bg + dark) / 2;

  const ink = new Uint8Array(n);
  for (let i = 0; i < n; i++) ink[i] = data[i] < threshold ? 1 : 0;

  const blobs = components(ink, w, h);
  const candidates = blobs.filter((b) => {
    const bw = b.maxX - b.minX + 1;
    const bh = b.maxY - b.minY + 1;
    if (bw < 5 || bh < 5) return false;
    const aspect = bw / bh;
    if (aspect < 0.75 || aspect > 1.33) return false;
    if (b.area / (bw * bh) < 0.8) return false;
    return solidCore(ink, w, b);
  });
  if (!candidates.length) return 0;
  // All tally squares have the same printed size; anything much smaller is a blot of handwriting.
  const sides = candidates.map((b) => Math.sqrt(b.area)).sort((a, b) => b - a);
  const ref = sides[Math.floor(sides.length / 2)];
  return candidates.filter((b) => {
    const s = Math.sqrt(b.area);
    return s > 0.7 * ref && s < 1.4 * ref;
  }).length;
}

function percentile(hist: Uint32Array, n: number, q: number): number {
  const target = q * n;
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    acc += hist[v];
    if (acc > target) return v;
  }
  return 255;
}

/** The middle half of the blob's bounding box is (almost) all ink: true for a filled square, not for a stroke loop. */
function solidCore(ink: Uint8Array, w: number, b: Blob): boolean {
  const bw = b.maxX - b.minX + 1;
  const bh = b.maxY - b.minY + 1;
  const x0 = b.minX + Math.floor(bw / 4);
  const x1 = b.maxX - Math.floor(bw / 4);
  const y0 = b.minY + Math.floor(bh / 4);
  const y1 = b.maxY - Math.floor(bh / 4);
  let on = 0;
  let all = 0;
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      all++;
      on += ink[y * w + x];
    }
  return on >= 0.95 * all;
}

/** 8-connected components of the ink mask, by iterative flood fill. */
function components(ink: Uint8Array, w: number, h: number): Blob[] {
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const out: Blob[] = [];
  for (let start = 0; start < ink.length; start++) {
    if (!ink[start] || seen[start]) continue;
    let sp = 0;
    stack[sp++] = start;
    seen[start] = 1;
    const b: Blob = { area: 0, minX: w, maxX: -1, minY: h, maxY: -1 };
    while (sp > 0) {
      const p = stack[--sp];
      const x = p % w;
      const y = (p - x) / w;
      b.area++;
      if (x < b.minX) b.minX = x;
      if (x > b.maxX) b.maxX = x;
      if (y < b.minY) b.minY = y;
      if (y > b.maxY) b.maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const q = yy * w + xx;
          if (ink[q] && !seen[q]) {
            seen[q] = 1;
            stack[sp++] = q;
          }
        }
      }
    }
    out.push(b);
  }
  return out;
}
