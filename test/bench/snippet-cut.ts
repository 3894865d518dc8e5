// Micro-benchmark of the snippet cut: the JavaScript reference (domain/cut-snippet.ts) against the compiled one
// (snippet-cutter.ts, including its copy of the page rectangle), per snippet of a bench page (200 dpi A4 page, a
// 1090×329 snippet at 150 dpi, 0.4° skew), the cut through a homography (keystoned pages) in JavaScript and compiled tile by tile, and the pixels compared (after the contrast stretch, which magnifies the
// compiled cut's one-level differences). npm run bench:snippet-cut.
import { cutBox, cutBoxNormalised, cutBoxProjectiveNormalised } from '../../src/scans/domain/cut-snippet.js';
import type { Affine, GrayImage, Homography } from '../../src/scans/domain/gray-image.js';
import { compileSnippetCutter } from '../../src/scans/snippet-cutter.js';

const W = 1654;
const H = 2339;
let seed = 1;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) / 65536;

function page(): GrayImage {
  const data = new Uint8Array(W * H);
  for (let n = 0; n < data.length; n++) data[n] = 230 + ((rnd() * 10) | 0);
  for (let k = 0; k < 3000; k++) {
    const x = (rnd() * (W - 40)) | 0;
    const y = (rnd() * (H - 10)) | 0;
    for (let j = 0; j < 6; j++) for (let i = 0; i < 30; i++) data[(y + j) * W + x + i] = 40 + ((rnd() * 60) | 0);
  }
  return { width: W, height: H, data };
}

function timeIt(f: () => void, reps = 60): number {
  for (let w = 0; w < 5; w++) f();
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let n = 0; n < reps; n++) f();
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return best;
}

async function main() {
  const img = page();
  const k = 200 / 72;
  const th = (0.4 * Math.PI) / 180;
  const t: Affine = {
    a: k * Math.cos(th),
    b: -k * Math.sin(th),
    c: 30,
    d: k * Math.sin(th),
    e: k * Math.cos(th),
    f: 20,
  };
  const box = { x: 64, y: 304, w: 515, h: 150 };
  const pxPerPt = 150 / 72;
  const t0 = performance.now();
  const wasm = await compileSnippetCutter();
  console.log(`compile ${(performance.now() - t0).toFixed(0)} ms (once per thread)`);
  const a = cutBoxNormalised(img, t, box, 4, pxPerPt);
  const b = wasm.cutBoxNormalised(img, t, box, 4, pxPerPt);
  let differ = 0;
  for (let n = 0; n < a.data.length; n++) if (a.data[n] !== b.data[n]) differ++;
  const ra = cutBox(img, t, box, 4, pxPerPt);
  const rb = wasm.cutBox(img, t, box, 4, pxPerPt);
  let rawDiffer = 0;
  let rawWorst = 0;
  for (let n = 0; n < ra.data.length; n++) {
    const d = Math.abs(ra.data[n] - rb.data[n]);
    if (d) rawDiffer++;
    rawWorst = Math.max(rawWorst, d);
  }
  console.log(
    `snippet ${a.width}×${a.height}: pixels differing ${rawDiffer} by at most ${rawWorst} before the contrast stretch, ${differ} after it`,
  );
  // the page rectangle under the snippet, copied as the compiled cut does (its share of the time)
  const rw = Math.ceil(a.width * (k / pxPerPt)) + 12;
  const rh = Math.ceil(a.height * (k / pxPerPt) + a.width * (k / pxPerPt) * Math.sin(th)) + 12;
  const dst = new Uint8Array(rw * rh);
  const copy = () => {
    for (let r = 0; r < rh; r++) dst.set(img.data.subarray((400 + r) * W + 100, (400 + r) * W + 100 + rw), r * rw);
  };
  const whole = new Uint8Array(W * H);
  const keystoned: Homography = [t.a, t.b, t.c, t.d, t.e, t.f, 0, 5e-6, 1];
  const ms: number[] = [];
  for (const [name, f] of [
    ['js cutBoxNormalised', () => cutBoxNormalised(img, t, box, 4, pxPerPt)],
    ['wasm (incl. copy)', () => wasm.cutBoxNormalised(img, t, box, 4, pxPerPt)],
    // a keystoned page (four fiducials): the cut through the homography, in JavaScript (the denominator 1 + 5e-6·y
    // varies by 0.4% down an A4 page, as a ~1% keystone)
    ['js cutBoxProjectiveNormalised', () => cutBoxProjectiveNormalised(img, keystoned, box, 4, pxPerPt)],
    ['wasm through the homography (tiles)', () => wasm.cutBoxNormalised(img, t, box, 4, pxPerPt, keystoned)],
    [`copy of the rectangle ${rw}×${rh}`, copy],
    ['copy of the whole page', () => whole.set(img.data)],
  ] as [string, () => void][]) {
    ms.push(timeIt(f));
    console.log(`${name.padEnd(36)} ${ms.at(-1)!.toFixed(3)} ms`);
  }
  console.log(
    JSON.stringify({
      bench: 'snippet-cut',
      value: +ms[1].toFixed(3),
      unit: 'ms per snippet (wasm)',
      baseline: +ms[0].toFixed(3),
      ratio: +(ms[1] / ms[0]).toFixed(3),
      projectiveJs: +ms[2].toFixed(3),
      projectiveWasm: +ms[3].toFixed(3),
    }),
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
