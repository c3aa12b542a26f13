/**
 * Pillow's ImageFilter set (BLUR, CONTOUR, DETAIL, EDGE_ENHANCE, EDGE_ENHANCE_MORE, EMBOSS,
 * FIND_EDGES, SMOOTH, SMOOTH_MORE) with Pillow's kernels, scale and offset, byte-exact with
 * Pillow inside the image.
 *
 * How Pillow computes (libImaging/Filter.c, ImagingFilter3x3/5x5; checked against Pillow 9.4):
 * the weights are k/scale in float32; per pixel `ss = (offset + 0.5)` then, row by row, starting
 * with the row BELOW the pixel (Pillow's kernel row 0 applies to y+1 — the kernel is flipped
 * vertically relative to a correlation), `ss += (p0·w0 + p1·w1 + p2·w2 …)` all in float32, and
 * the byte is `(UINT8) clamp(ss, 0, 255)` — i.e. truncation of value + 0.5: round half UP.
 *
 * With integer weights the exact value is S/scale + offset (S = Σ k·p an integer), so Pillow's
 * result is floor((S + offset·scale)/scale + ½) whenever float32 cannot move it across an
 * integer. That holds everywhere except exact .5 ties when scale is not a power of two (DETAIL
 * ÷6, SMOOTH_MORE ÷100; SMOOTH ÷13 has no ties): there the float32 rounding of k/scale and of
 * the running sum decides, so those pixels — and only those — are recomputed by emulating
 * Pillow's float32 evaluation order with Math.fround. The common path is integer math and one
 * table lookup (byte by integer sum).
 *
 * Pillow copies the 1- (3×3) or 2-pixel (5×5) image border unfiltered; Tessera filters it with
 * reflect-101 borders instead, like every other kernel.
 */
import { reflect101 } from './border';
import { rows3 } from './neighbourhood';

export interface PillowKernel {
  /** 3 or 5. */
  size: number;
  scale: number;
  offset: number;
  /** Row-major, exactly as in PIL/ImageFilter.py (row 0 is applied to the row below the pixel). */
  kernel: readonly number[];
}

/** The filterargs of PIL/ImageFilter.py's built-in filters. */
export const PILLOW_KERNELS = {
  blur: { size: 5, scale: 16, offset: 0, kernel: [1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1] },
  contour: { size: 3, scale: 1, offset: 255, kernel: [-1, -1, -1, -1, 8, -1, -1, -1, -1] },
  detail: { size: 3, scale: 6, offset: 0, kernel: [0, -1, 0, -1, 10, -1, 0, -1, 0] },
  'edge-enhance': { size: 3, scale: 2, offset: 0, kernel: [-1, -1, -1, -1, 10, -1, -1, -1, -1] },
  'edge-enhance-more': { size: 3, scale: 1, offset: 0, kernel: [-1, -1, -1, -1, 9, -1, -1, -1, -1] },
  emboss: { size: 3, scale: 1, offset: 128, kernel: [-1, 0, 0, 0, 1, 0, 0, 0, 0] },
  'find-edges': { size: 3, scale: 1, offset: 0, kernel: [-1, -1, -1, -1, 8, -1, -1, -1, -1] },
  smooth: { size: 3, scale: 13, offset: 0, kernel: [1, 1, 1, 1, 5, 1, 1, 1, 1] },
  'smooth-more': { size: 5, scale: 100, offset: 0, kernel: [1, 1, 1, 1, 1, 1, 5, 5, 5, 1, 1, 5, 44, 5, 1, 1, 5, 5, 5, 1, 1, 1, 1, 1, 1] },
} as const satisfies Record<string, PillowKernel>;

export type PillowFilterName = keyof typeof PILLOW_KERNELS;

/** Pillow's float32 weights k/scale (C: `kerneldata[i] /= divisor` on floats). */
function floatWeights(spec: PillowKernel): Float32Array {
  const f = new Float32Array(spec.kernel.length);
  for (let i = 0; i < f.length; i++) f[i] = Math.fround(spec.kernel[i] / spec.scale);
  return f;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** Marks a sum whose byte Pillow's float32 arithmetic decides (an exact .5 tie, scale not 2ⁿ). */
const FLOAT_TIE = -1;

interface ResultTable {
  /** Smallest possible S (= Σ k·p, without the offset). */
  min: number;
  /** byte for S = min + i, or FLOAT_TIE. */
  bytes: Int16Array;
}

const TABLES = new WeakMap<PillowKernel, ResultTable>();

/**
 * The byte for every reachable integer sum S: clip(floor((S + offset·scale)/scale + ½)), decided
 * in integers; exact ties are FLOAT_TIE when scale is not a power of two. Built once per filter,
 * it replaces a division and the rounding branches per pixel by one lookup.
 */
function resultTable(spec: PillowKernel): ResultTable {
  let t = TABLES.get(spec);
  if (t) return t;
  let min = 0,
    max = 0;
  for (const k of spec.kernel) {
    if (k < 0) min += 255 * k;
    else max += 255 * k;
  }
  const { scale } = spec;
  const bias = spec.offset * scale;
  const exactTies = isPowerOfTwo(scale);
  const bytes = new Int16Array(max - min + 1);
  for (let S = min; S <= max; S++) {
    const n = S + bias;
    let q = Math.floor(n / scale);
    const rem2 = 2 * (n - q * scale);
    if (rem2 === scale && !exactTies) {
      bytes[S - min] = FLOAT_TIE;
      continue;
    }
    if (rem2 >= scale) q++;
    bytes[S - min] = q < 0 ? 0 : q > 255 ? 255 : q;
  }
  t = { min, bytes };
  TABLES.set(spec, t);
  return t;
}

/**
 * Pillow's float32 evaluation for one 3×3 pixel: rows y+1, y, y−1 (offsets c, b, a), columns
 * l, x, r; weights in Pillow's row-major order. Only used on exact ties.
 */
function pillowFloat3(
  s: Uint8Array,
  a: number,
  b: number,
  c: number,
  l: number,
  x: number,
  r: number,
  f: Float32Array,
  offset: number,
): number {
  const fr = Math.fround;
  let ss = fr(offset + 0.5);
  ss = fr(ss + fr(fr(fr(s[c + l] * f[0]) + fr(s[c + x] * f[1])) + fr(s[c + r] * f[2])));
  ss = fr(ss + fr(fr(fr(s[b + l] * f[3]) + fr(s[b + x] * f[4])) + fr(s[b + r] * f[5])));
  ss = fr(ss + fr(fr(fr(s[a + l] * f[6]) + fr(s[a + x] * f[7])) + fr(s[a + r] * f[8])));
  return ss <= 0 ? 0 : ss >= 255 ? 255 : Math.trunc(ss);
}

/** As pillowFloat3 for 5×5: `rows` holds the offsets of rows y−2…y+2, `cols` columns x−2…x+2. */
function pillowFloat5(s: Uint8Array, rows: Int32Array, cols: Int32Array, f: Float32Array, offset: number): number {
  const fr = Math.fround;
  let ss = fr(offset + 0.5);
  for (let j = 0; j < 5; j++) {
    const o = rows[4 - j];
    let t = fr(s[o + cols[0]] * f[j * 5]);
    for (let i = 1; i < 5; i++) t = fr(t + fr(s[o + cols[i]] * f[j * 5 + i]));
    ss = fr(ss + t);
  }
  return ss <= 0 ? 0 : ss >= 255 ? 255 : Math.trunc(ss);
}

/** One Pillow filter over one plane (reflect-101 borders). */
export function pillowFilterPlane(s: Uint8Array, dst: Uint8Array, w: number, h: number, spec: PillowKernel): void {
  if (spec.size === 3) filter3(s, dst, w, h, spec);
  else filter5(s, dst, w, h, spec);
}

function filter3(s: Uint8Array, dst: Uint8Array, w: number, h: number, spec: PillowKernel): void {
  const { up, down, left, right } = rows3(w, h);
  const K = spec.kernel;
  // Our orientation: t* = row above (y−1) = Pillow's row 2; b* = row below = Pillow's row 0.
  const t0 = K[6],
    t1 = K[7],
    t2 = K[8];
  const m0 = K[3],
    m1 = K[4],
    m2 = K[5];
  const b0 = K[0],
    b1 = K[1],
    b2 = K[2];
  const { min, bytes } = resultTable(spec);
  const f = floatWeights(spec);
  for (let y = 0; y < h; y++) {
    const a = up[y],
      b = y * w,
      c = down[y];
    for (let x = 0; x < w; x++) {
      const l = left[x],
        r = right[x];
      const S =
        t0 * s[a + l] +
        t1 * s[a + x] +
        t2 * s[a + r] +
        m0 * s[b + l] +
        m1 * s[b + x] +
        m2 * s[b + r] +
        b0 * s[c + l] +
        b1 * s[c + x] +
        b2 * s[c + r];
      const v = bytes[S - min];
      dst[b + x] = v >= 0 ? v : pillowFloat3(s, a, b, c, l, x, r, f, spec.offset);
    }
  }
}

function filter5(s: Uint8Array, dst: Uint8Array, w: number, h: number, spec: PillowKernel): void {
  const rowOff = new Int32Array(5 * h);
  for (let y = 0; y < h; y++) for (let j = 0; j < 5; j++) rowOff[y * 5 + j] = reflect101(y + j - 2, h) * w;
  const col = new Int32Array(5 * w);
  for (let x = 0; x < w; x++) for (let i = 0; i < 5; i++) col[x * 5 + i] = reflect101(x + i - 2, w);
  // k[j*5+i] in our orientation: row j ↔ y + j − 2, i.e. Pillow's row 4 − j.
  const K = spec.kernel;
  const k = new Int32Array(25);
  for (let j = 0; j < 5; j++) for (let i = 0; i < 5; i++) k[j * 5 + i] = K[(4 - j) * 5 + i];
  const k0 = k[0],
    k1 = k[1],
    k2 = k[2],
    k3 = k[3],
    k4 = k[4];
  const k5 = k[5],
    k6 = k[6],
    k7 = k[7],
    k8 = k[8],
    k9 = k[9];
  const k10 = k[10],
    k11 = k[11],
    k12 = k[12],
    k13 = k[13],
    k14 = k[14];
  const k15 = k[15],
    k16 = k[16],
    k17 = k[17],
    k18 = k[18],
    k19 = k[19];
  const k20 = k[20],
    k21 = k[21],
    k22 = k[22],
    k23 = k[23],
    k24 = k[24];
  const { min, bytes } = resultTable(spec);
  const f = floatWeights(spec);
  const rows = new Int32Array(5);
  const cols = new Int32Array(5);
  for (let y = 0; y < h; y++) {
    const ya = rowOff[y * 5],
      yb = rowOff[y * 5 + 1],
      yc = y * w,
      yd = rowOff[y * 5 + 3],
      ye = rowOff[y * 5 + 4];
    for (let x = 0; x < w; x++) {
      const ci = x * 5;
      const c0 = col[ci],
        c1 = col[ci + 1],
        c3 = col[ci + 3],
        c4 = col[ci + 4];
      const S =
        k0 * s[ya + c0] +
        k1 * s[ya + c1] +
        k2 * s[ya + x] +
        k3 * s[ya + c3] +
        k4 * s[ya + c4] +
        k5 * s[yb + c0] +
        k6 * s[yb + c1] +
        k7 * s[yb + x] +
        k8 * s[yb + c3] +
        k9 * s[yb + c4] +
        k10 * s[yc + c0] +
        k11 * s[yc + c1] +
        k12 * s[yc + x] +
        k13 * s[yc + c3] +
        k14 * s[yc + c4] +
        k15 * s[yd + c0] +
        k16 * s[yd + c1] +
        k17 * s[yd + x] +
        k18 * s[yd + c3] +
        k19 * s[yd + c4] +
        k20 * s[ye + c0] +
        k21 * s[ye + c1] +
        k22 * s[ye + x] +
        k23 * s[ye + c3] +
        k24 * s[ye + c4];
      const v = bytes[S - min];
      if (v >= 0) dst[yc + x] = v;
      else {
        rows[0] = ya;
        rows[1] = yb;
        rows[2] = yc;
        rows[3] = yd;
        rows[4] = ye;
        cols[0] = c0;
        cols[1] = c1;
        cols[2] = x;
        cols[3] = c3;
        cols[4] = c4;
        dst[yc + x] = pillowFloat5(s, rows, cols, f, spec.offset);
      }
    }
  }
}

/**
 * The `intensity` blend, in place: dst = round-half-even(src + (dst − src)·t), in float64.
 * t = 1 leaves dst (the filter result) untouched; t = 0 gives src exactly. The 65,536 (v, f)
 * pairs are tabulated with that very expression, once per distinct t (the last one is kept, so
 * the tiles of an image share it); the loop is then one lookup per value.
 */
export function blendPlane(src: Uint8Array, dst: Uint8Array, n: number, t: number): void {
  if (t === 1) return;
  const lut = blendTable(t);
  for (let i = 0; i < n; i++) dst[i] = lut[(src[i] << 8) | dst[i]];
}

let tableT = NaN;
let table = new Uint8Array(65536);

function blendTable(t: number): Uint8Array {
  if (t === tableT) return table;
  const lut = new Uint8Array(65536);
  for (let v = 0; v < 256; v++)
    for (let f = 0; f < 256; f++) {
      const x = v + (f - v) * t;
      let q = Math.round(x);
      if (q - x === 0.5 && (q & 1) !== 0) q -= 1;
      lut[(v << 8) | f] = q;
    }
  table = lut;
  tableT = t;
  return lut;
}
