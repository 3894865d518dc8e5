// The snippet cut compiled to WebAssembly: cutBoxNormalised (domain/cut-snippet.ts, the reference and the fallback)
// with the resampling and its histogram in WebAssembly. The text (snippet-cut.wat.ts) is assembled with wabt once per
// thread; nothing generated is stored.
import { createRequire } from 'node:module';
import type { Box } from '../sheets/domain/layout.js';
import {
  contrastLut,
  cutBox,
  cutBoxNormalised,
  cutBoxProjective,
  cutBoxProjectiveNormalised,
  snippetSize,
} from './domain/cut-snippet.js';
import { type Affine, type GrayImage, type Homography, localAffine } from './domain/gray-image.js';
import { SNIPPET_CUT_WAT } from './snippet-cut.wat.js';

// The little of the WebAssembly API used here (the project's lib, ES2023 without DOM, does not declare it).
declare const WebAssembly: { instantiate(binary: Uint8Array): Promise<{ instance: { exports: unknown } }> };
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/**
 * The cuts of domain/cut-snippet.ts, by signature. Given a homography (four fiducials found), the box is cut through it
 * instead of the affine `t` (cutBoxProjective, in JavaScript: a keystoned page's corners are where the affine is off).
 */
export interface SnippetCutter {
  /** As cutBox: the box resampled upright, before any contrast stretch (grey levels within one of the reference's). */
  cutBox(img: GrayImage, t: Affine, box: Box, marginPt: number, pxPerPt: number, h?: Homography | null): GrayImage;
  /** As cutBoxNormalised: cutBox, then normaliseContrast of its histogram. */
  cutBoxNormalised(
    img: GrayImage,
    t: Affine,
    box: Box,
    marginPt: number,
    pxPerPt: number,
    h?: Homography | null,
  ): GrayImage;
}

/**
 * The compiled cut through a homography goes tile by tile, each tile through the homography's local affine at its
 * centre: over a tile this many snippet pixels a side (≈ 61 pt at 150 dpi) it is within 0.15 px of the
 * homography on a 1.2% keystone (snippet-cutter.spec.ts), and costs about what the affine cut does: 0.91 against 0.87 ms for
 * a 1090×329 snippet, the exact JavaScript cut 4.0 ms (bench:snippet-cut, load 4.3).
 */
export const PROJECTIVE_TILE_PX = 128;

/** The JavaScript reference. */
export const JS_SNIPPET_CUTTER: SnippetCutter = {
  cutBox: (img, t, box, marginPt, pxPerPt, h) =>
    h ? cutBoxProjective(img, h, box, marginPt, pxPerPt) : cutBox(img, t, box, marginPt, pxPerPt),
  cutBoxNormalised: (img, t, box, marginPt, pxPerPt, h) =>
    h ? cutBoxProjectiveNormalised(img, h, box, marginPt, pxPerPt) : cutBoxNormalised(img, t, box, marginPt, pxPerPt),
};

interface CutExports {
  memory: WasmMemory;
  cut(
    src: number,
    rx: number,
    ry: number,
    rw: number,
    sw: number,
    sh: number,
    dst: number,
    width: number,
    height: number,
    stride: number,
    x0: number,
    y0: number,
    inv: number,
    a: number,
    b: number,
    c: number,
    d: number,
    e: number,
    f: number,
  ): void;
  lut(dst: number, n: number): void;
}

const HIST_AT = 0;
const LUT_AT = 4096;
const SNIPPET_AT = 4352;
const PAGE_BYTES = 65536;
/** wasm32 memory addresses are below 4 GiB; above 2 GiB (never reached by a real snippet) the JS reference cuts. */
const MAX_BYTES = 2 ** 31;
/** Pages up to this many pixels a side (a 600 dpi A3 page is 9921): 16.16 fixed-point positions stay inside an i32. */
const MAX_SIDE = 32000;

/**
 * Assembles and instantiates the module: wabt's text parser (≈100 ms once), then the engine's compiler. wabt is
 * required for this and dropped from the module cache afterwards: kept, its 1.3 MB of live heap would be marked again
 * in every full collection of the scan thread.
 */
export async function compileSnippetCutter(): Promise<SnippetCutter> {
  const require = createRequire(import.meta.url);
  const path = require.resolve('wabt');
  type WabtInit = typeof import('wabt');
  const exported = require(path) as WabtInit & { default?: WabtInit };
  delete require.cache[path];
  const wabt = await (exported.default ?? exported)();
  const parsed = wabt.parseWat('snippet-cut.wat', SNIPPET_CUT_WAT, {
    bulk_memory: true,
    sat_float_to_int: true,
    simd: true,
  });
  let binary: Uint8Array;
  try {
    parsed.resolveNames();
    parsed.validate();
    binary = parsed.toBinary({}).buffer;
  } finally {
    parsed.destroy();
  }
  const { instance } = await WebAssembly.instantiate(binary);
  return wasmCutter(instance.exports as unknown as CutExports);
}

let loaded: Promise<SnippetCutter> | undefined;

/**
 * This thread's snippet cutter: the compiled one, or the JavaScript reference if WebAssembly cannot be had here (said
 * once in the log; the snippets are the same within a grey level, only slower).
 */
export function snippetCutter(): Promise<SnippetCutter> {
  loaded ??= orJavaScript(compileSnippetCutter());
  return loaded;
}

/**
 * The compiled cutter, or the JavaScript reference if it could not be had, said through `warn`: by default a process
 * warning, not Nest's Logger, since the scan threads load no @nestjs/common (see scan-image.codec.ts).
 */
export function orJavaScript(
  compiling: Promise<SnippetCutter>,
  warn: (message: string) => void = (m) => process.emitWarning(m, { code: 'SNIPPET_CUT_JS' }),
): Promise<SnippetCutter> {
  return compiling.catch((err: Error) => {
    warn(`WebAssembly snippet cut unavailable, cutting in JavaScript: ${err.message}`);
    return JS_SNIPPET_CUTTER;
  });
}

/**
 * The snippet's size and sampling grid, as in cut-snippet.ts, and the rectangle of the page its samples can reach;
 * null where the fast path cannot cut it.
 */
function samplingGrid(img: GrayImage, t: Affine, box: Box, marginPt: number, pxPerPt: number) {
  const x0 = box.x - marginPt;
  const y0 = box.y - marginPt;
  const { width, height } = snippetSize(box, marginPt, pxPerPt);
  const inv = 1 / pxPerPt;
  const sw = img.width;
  const sh = img.height;
  // positions are 16.16 fixed point in the fast path
  if (sw > MAX_SIDE || sh > MAX_SIDE) return null;
  // The page pixels the samples can reach: the grid is affine, so its corners bound it (a sample at u reads columns
  // floor(u) to floor(u) + 2 at most; two more either side cover the rounding of the stepped positions).
  let uMin = Infinity;
  let uMax = -Infinity;
  let vMin = Infinity;
  let vMax = -Infinity;
  for (const i of [0, width - 1])
    for (const j of [0, height - 1]) {
      const x = x0 + (i + 0.5) * inv;
      const y = y0 + (j + 0.5) * inv;
      const u = t.a * x + t.b * y + t.c - 0.5;
      const v = t.d * x + t.e * y + t.f - 0.5;
      uMin = Math.min(uMin, u);
      uMax = Math.max(uMax, u);
      vMin = Math.min(vMin, v);
      vMax = Math.max(vMax, v);
    }
  if (!Number.isFinite(uMin + uMax + vMin + vMax)) return null;
  const rx = Math.min(sw, Math.max(0, Math.floor(uMin) - 2));
  const ry = Math.min(sh, Math.max(0, Math.floor(vMin) - 2));
  const rw = Math.max(0, Math.min(sw, Math.floor(uMax) + 5) - rx);
  const rh = rw > 0 ? Math.max(0, Math.min(sh, Math.floor(vMax) + 5) - ry) : 0;
  return { x0, y0, width, height, inv, rx, ry, rw, rh };
}

function wasmCutter(wasm: CutExports): SnippetCutter {
  let bytes = new Uint8Array(wasm.memory.buffer);

  /**
   * Makes room in memory for `need` bytes; false when there is none to be had (the reference then cuts, allocating
   * less) or the addresses would pass MAX_BYTES.
   */
  function room(need: number): boolean {
    if (need > MAX_BYTES) return false;
    if (need > bytes.length) {
      try {
        wasm.memory.grow(Math.ceil((need - bytes.length) / PAGE_BYTES));
      } catch {
        return false;
      }
      bytes = new Uint8Array(wasm.memory.buffer);
    }
    return true;
  }

  /** Cuts into memory (the snippet at SNIPPET_AT, its histogram at HIST_AT); null where the reference must do it. */
  function cutInMemory(
    img: GrayImage,
    t: Affine,
    box: Box,
    marginPt: number,
    pxPerPt: number,
  ): { width: number; height: number } | null {
    const grid = samplingGrid(img, t, box, marginPt, pxPerPt);
    if (!grid) return null;
    const { x0, y0, width, height, inv, rx, ry, rw, rh } = grid;
    const sw = img.width;
    const sh = img.height;
    const n = width * height;
    const srcAt = (SNIPPET_AT + n + 15) & ~15;
    // (a sample on the page's last row or column reads the pixel beyond it with no weight: a row more of memory)
    if (!room(srcAt + rw * (rh + 1) + 16)) return null;
    // the rectangle of the page, row by row (one copy when it is as wide as the page)
    if (rw === sw) bytes.set(img.data.subarray(ry * sw, (ry + rh) * sw), srcAt);
    else
      for (let r = 0; r < rh; r++)
        bytes.set(img.data.subarray((ry + r) * sw + rx, (ry + r) * sw + rx + rw), srcAt + r * rw);
    wasm.cut(srcAt, rx, ry, rw, sw, sh, SNIPPET_AT, width, height, width, x0, y0, inv, t.a, t.b, t.c, t.d, t.e, t.f);
    return { width, height };
  }

  /**
   * Cuts the box through the homography into memory (at SNIPPET_AT, as cutInMemory), tile by tile (PROJECTIVE_TILE_PX),
   * each tile through the homography's local affine at its centre, written in place at its rows' stride; the tiles'
   * histograms summed into `hist`. The page rectangle all the tiles' samples can reach is copied into memory once:
   * copied tile by tile (row by row, each tile's overlapping its neighbours'), a whole page cut at 121 dpi (the reduced
   * copy of page-scan.ts, 96 tiles) spent more time copying than cutting. Null where the reference must do it.
   */
  function cutTiledInMemory(
    img: GrayImage,
    h: Homography,
    box: Box,
    marginPt: number,
    pxPerPt: number,
    hist: Uint32Array,
  ): { width: number; height: number } | null {
    const x0 = box.x - marginPt;
    const y0 = box.y - marginPt;
    const { width, height } = snippetSize(box, marginPt, pxPerPt);
    const inv = 1 / pxPerPt;
    const sw = img.width;
    const sh = img.height;
    // the tiles (the snippet's grid, from each tile's corner) and the union of the page rectangles their samples reach
    const tiles: { ti: number; tj: number; tile: Box; t: Affine }[] = [];
    let [x1, y1, x2, y2] = [sw, sh, 0, 0];
    for (let tj = 0; tj < height; tj += PROJECTIVE_TILE_PX)
      for (let ti = 0; ti < width; ti += PROJECTIVE_TILE_PX) {
        const tw = Math.min(PROJECTIVE_TILE_PX, width - ti);
        const th = Math.min(PROJECTIVE_TILE_PX, height - tj);
        const tile = { x: x0 + ti * inv, y: y0 + tj * inv, w: tw * inv, h: th * inv };
        const t = localAffine(h, tile.x + tile.w / 2, tile.y + tile.h / 2);
        const grid = samplingGrid(img, t, tile, 0, pxPerPt);
        if (!grid || grid.width !== tw || grid.height !== th) return null;
        if (grid.rw > 0 && grid.rh > 0)
          [x1, y1, x2, y2] = [
            Math.min(x1, grid.rx),
            Math.min(y1, grid.ry),
            Math.max(x2, grid.rx + grid.rw),
            Math.max(y2, grid.ry + grid.rh),
          ];
        tiles.push({ ti, tj, tile, t });
      }
    const [rx, ry, rw, rh] = x2 > x1 && y2 > y1 ? [x1, y1, x2 - x1, y2 - y1] : [0, 0, 0, 0];
    const srcAt = (SNIPPET_AT + width * height + 15) & ~15;
    if (!room(srcAt + rw * (rh + 1) + 16)) return null;
    if (rw === sw) bytes.set(img.data.subarray(ry * sw, (ry + rh) * sw), srcAt);
    else
      for (let r = 0; r < rh; r++)
        bytes.set(img.data.subarray((ry + r) * sw + rx, (ry + r) * sw + rx + rw), srcAt + r * rw);
    const tileHist = new Uint32Array(wasm.memory.buffer, HIST_AT, 256);
    for (const { ti, tj, tile, t } of tiles) {
      const at = SNIPPET_AT + tj * width + ti;
      const tw = Math.min(PROJECTIVE_TILE_PX, width - ti);
      const th = Math.min(PROJECTIVE_TILE_PX, height - tj);
      wasm.cut(srcAt, rx, ry, rw, sw, sh, at, tw, th, width, tile.x, tile.y, inv, t.a, t.b, t.c, t.d, t.e, t.f);
      for (let g = 0; g < 256; g++) hist[g] += tileHist[g];
    }
    return { width, height };
  }

  return {
    cutBox(img, t, box, marginPt, pxPerPt, h) {
      if (h) {
        const cut = cutTiledInMemory(img, h, box, marginPt, pxPerPt, new Uint32Array(256));
        if (!cut) return cutBoxProjective(img, h, box, marginPt, pxPerPt);
        return { ...cut, data: bytes.slice(SNIPPET_AT, SNIPPET_AT + cut.width * cut.height) };
      }
      const cut = cutInMemory(img, t, box, marginPt, pxPerPt);
      if (!cut) return cutBox(img, t, box, marginPt, pxPerPt);
      return { ...cut, data: bytes.slice(SNIPPET_AT, SNIPPET_AT + cut.width * cut.height) };
    },
    cutBoxNormalised(img, t, box, marginPt, pxPerPt, h) {
      if (h) {
        const hist = new Uint32Array(256);
        const cut = cutTiledInMemory(img, h, box, marginPt, pxPerPt, hist);
        if (!cut) return cutBoxProjectiveNormalised(img, h, box, marginPt, pxPerPt);
        const n = cut.width * cut.height;
        bytes.set(contrastLut(hist, n), LUT_AT);
        wasm.lut(SNIPPET_AT, n);
        return { ...cut, data: bytes.slice(SNIPPET_AT, SNIPPET_AT + n) };
      }
      const cut = cutInMemory(img, t, box, marginPt, pxPerPt);
      if (!cut) return cutBoxNormalised(img, t, box, marginPt, pxPerPt);
      const n = cut.width * cut.height;
      bytes.set(contrastLut(new Uint32Array(wasm.memory.buffer, HIST_AT, 256), n), LUT_AT);
      wasm.lut(SNIPPET_AT, n);
      return { ...cut, data: bytes.slice(SNIPPET_AT, SNIPPET_AT + n) };
    },
  };
}
