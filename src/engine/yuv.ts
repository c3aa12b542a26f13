/**
 * 8-bit 4:2:0 video planes (I420 or NV12, as `VideoFrame.copyTo` lays them out) ↔ Tessera's
 * frames, in fixed point with lookup tables (one pass each way).
 *
 * - Matrix: the stream's (BT.709, BT.601 = smpte170m / bt470bg, BT.2020 non-constant); an
 *   unknown matrix is read as BT.601, as Chromium does.
 * - Range: limited (Y 16–235, chroma 16–240) or full (0–255).
 * - Gray recipes on video take the stream's own luma Y′ (range-expanded): its matrix's weights,
 *   so BT.601 streams get the catalogue's 0.299 / 0.587 / 0.114 (up to rounding) and BT.709
 *   streams 0.2126 / 0.7152 / 0.0722 — what the camera recorded as brightness, with no pass over
 *   the chroma at all.
 * - Chroma is upsampled by replication (nearest), downsampled by averaging each 2×2 block.
 */
import type { Frame } from '../core/frame';
import type { PlaneLayout } from './kernels/ycc';

export type { PlaneLayout };

export interface YuvPlanes {
  bytes: Uint8Array;
  /** Y, U, V (I420) or Y, UV (NV12), as VideoFrame.copyTo returned it. */
  layout: PlaneLayout[];
  nv12: boolean;
}

export interface YuvCoefficients {
  kr: number;
  kb: number;
  fullRange: boolean;
}

export function yuvCoefficients(matrix: string | null | undefined, fullRange: boolean): YuvCoefficients {
  switch (matrix) {
    case 'bt709':
      return { kr: 0.2126, kb: 0.0722, fullRange };
    case 'bt2020-ncl':
      return { kr: 0.2627, kb: 0.0593, fullRange };
    default: // 'bt470bg', 'smpte170m', unknown
      return { kr: 0.299, kb: 0.114, fullRange };
  }
}

/** I420 bytes for an even-sized frame. */
export function i420Size(w: number, h: number): number {
  return w * h + 2 * (w >> 1) * (h >> 1);
}

const FIX = 16;
const ONE = 1 << FIX;
const HALF = 1 << (FIX - 1);

/** Scale of Y′ (0–1) and of Cb, Cr (−0.5–0.5) in code values, and Y's offset. */
function ranges(fullRange: boolean) {
  return fullRange ? { yScale: 255, yOff: 0, cScale: 255 } : { yScale: 219, yOff: 16, cScale: 224 };
}

/** 0–255 clamp of an integer in −512…767 (index + 512). */
const CLAMP = new Uint8Array(1280);
for (let i = 0; i < 1280; i++) CLAMP[i] = Math.max(0, Math.min(255, i - 512));

/**
 * The gray frame of a YUV frame for recipes that start with grayscale: its luma plane Y′,
 * range-expanded to 0–255 (limited: round((Y − 16) · 255 / 219), clamped). A full-range frame's
 * Y plane is used as it is: the result then views the planes, no copy.
 */
export function yuvToLuma(p: YuvPlanes, w: number, h: number, k: YuvCoefficients, dst: Uint8Array): Frame {
  const Y = p.layout[0];
  const s = p.bytes;
  if (k.fullRange)
    return { width: w, height: h, channels: 1, stride: Y.stride, data: s.subarray(Y.offset, Y.offset + Y.stride * (h - 1) + w) };
  const lut = new Uint8Array(256);
  for (let i = 0; i < 256; i++) lut[i] = CLAMP[512 + Math.round(((i - 16) * 255) / 219)];
  for (let y = 0; y < h; y++) {
    const row = Y.offset + y * Y.stride,
      o = y * w;
    for (let x = 0; x < w; x++) dst[o + x] = lut[s[row + x]];
  }
  return { width: w, height: h, channels: 1, stride: w, data: dst.subarray(0, w * h) };
}

/** Where R, G and B go: three planes (step 1) or one interleaved frame (same array, offsets 0/1/2, step 3). */
export interface RgbTarget {
  r: Uint8Array;
  g: Uint8Array;
  b: Uint8Array;
  offsets: [number, number, number];
  /** Bytes from one pixel to the next. */
  step: number;
  /** Bytes per row. */
  stride: number;
}

interface RgbTables {
  y: Int32Array;
  rv: Int32Array;
  gu: Int32Array;
  gv: Int32Array;
  bu: Int32Array;
}
const rgbTables = new Map<string, RgbTables>();

function rgbTablesFor(k: YuvCoefficients): RgbTables {
  const key = `${k.kr},${k.kb},${k.fullRange}`;
  let t = rgbTables.get(key);
  if (t) return t;
  const { yScale, yOff, cScale } = ranges(k.fullRange);
  const kg = 1 - k.kr - k.kb;
  t = { y: new Int32Array(256), rv: new Int32Array(256), gu: new Int32Array(256), gv: new Int32Array(256), bu: new Int32Array(256) };
  for (let i = 0; i < 256; i++) {
    const c = ((i - 128) * 255) / cScale;
    t.y[i] = Math.round((((i - yOff) * 255) / yScale) * ONE) + HALF + (512 << FIX);
    t.rv[i] = Math.round(2 * (1 - k.kr) * c * ONE);
    t.gu[i] = Math.round(((-2 * k.kb * (1 - k.kb)) / kg) * c * ONE);
    t.gv[i] = Math.round(((-2 * k.kr * (1 - k.kr)) / kg) * c * ONE);
    t.bu[i] = Math.round(2 * (1 - k.kb) * c * ONE);
  }
  rgbTables.set(key, t);
  return t;
}

/** YUV 4:2:0 → R′G′B′ (0–255, clamped). */
export function yuvToRgb(p: YuvPlanes, w: number, h: number, k: YuvCoefficients, d: RgbTarget): void {
  const t = rgbTablesFor(k);
  const ty = t.y,
    rv = t.rv,
    gu = t.gu,
    gv = t.gv,
    bu = t.bu;
  const s = p.bytes;
  const Y = p.layout[0],
    U = p.layout[1],
    V = p.nv12 ? p.layout[1] : p.layout[2];
  const cStep = p.nv12 ? 2 : 1,
    vOff = p.nv12 ? 1 : 0;
  const R = d.r,
    G = d.g,
    B = d.b,
    st = d.step;
  const [oR, oG, oB] = d.offsets;
  for (let y = 0; y < h; y++) {
    const row = Y.offset + y * Y.stride;
    const urow = U.offset + (y >> 1) * U.stride,
      vrow = V.offset + (y >> 1) * V.stride + vOff;
    let o = y * d.stride;
    for (let x = 0; x < w; x++, o += st) {
      const c = (x >> 1) * cStep;
      const u = s[urow + c],
        v = s[vrow + c];
      const l = ty[s[row + x]];
      R[o + oR] = CLAMP[(l + rv[v]) >> FIX];
      G[o + oG] = CLAMP[(l + gu[u] + gv[v]) >> FIX];
      B[o + oB] = CLAMP[(l + bu[u]) >> FIX];
    }
  }
}

interface EncodeTables {
  yr: Int32Array;
  yg: Int32Array;
  yb: Int32Array;
  /** Indexed by the sum of a 2×2 block (0–1020). */
  ur: Int32Array;
  ug: Int32Array;
  ub: Int32Array;
  vr: Int32Array;
  vg: Int32Array;
  vb: Int32Array;
}
const encodeTables = new Map<string, EncodeTables>();

function encodeTablesFor(k: YuvCoefficients): EncodeTables {
  const key = `${k.kr},${k.kb},${k.fullRange}`;
  let t = encodeTables.get(key);
  if (t) return t;
  const { yScale, cScale } = ranges(k.fullRange);
  const kg = 1 - k.kr - k.kb;
  const mk = (n: number) => new Int32Array(n);
  t = { yr: mk(256), yg: mk(256), yb: mk(256), ur: mk(1021), ug: mk(1021), ub: mk(1021), vr: mk(1021), vg: mk(1021), vb: mk(1021) };
  const ys = yScale / 255,
    cs = cScale / 255;
  for (let i = 0; i < 256; i++) {
    t.yr[i] = Math.round(k.kr * ys * i * ONE);
    t.yg[i] = Math.round(kg * ys * i * ONE);
    t.yb[i] = Math.round(k.kb * ys * i * ONE);
  }
  // Cb = (B′ − Y′) / (2(1 − kb)), Cr = (R′ − Y′) / (2(1 − kr)); a block's sum is 4× its mean.
  const db = 2 * (1 - k.kb),
    dr = 2 * (1 - k.kr);
  for (let i = 0; i <= 1020; i++) {
    const m = (i / 4) * cs;
    t.ur[i] = Math.round((-k.kr / db) * m * ONE);
    t.ug[i] = Math.round((-kg / db) * m * ONE);
    t.ub[i] = Math.round(((1 - k.kb) / db) * m * ONE);
    t.vr[i] = Math.round(((1 - k.kr) / dr) * m * ONE);
    t.vg[i] = Math.round((-kg / dr) * m * ONE);
    t.vb[i] = Math.round((-k.kb / dr) * m * ONE);
  }
  encodeTables.set(key, t);
  return t;
}

/** R′G′B′ (planes or interleaved, even w × h) → tightly packed I420 in the given matrix and range. */
export function rgbToI420(src: RgbTarget, w: number, h: number, k: YuvCoefficients, out: Uint8Array): void {
  const t = encodeTablesFor(k);
  const y0 = (ranges(k.fullRange).yOff << FIX) + HALF,
    u0 = (128 << FIX) + HALF,
    v0 = u0;
  const yr = t.yr,
    yg = t.yg,
    yb = t.yb,
    ur = t.ur,
    ug = t.ug,
    ub = t.ub,
    vr = t.vr,
    vg = t.vg,
    vb = t.vb;
  const R = src.r,
    G = src.g,
    B = src.b,
    st = src.step;
  const [oR, oG, oB] = src.offsets;
  const cw = w >> 1,
    uBase = w * h,
    vBase = uBase + cw * (h >> 1);
  for (let y = 0; y < h; y += 2) {
    let a = y * src.stride,
      b = a + src.stride;
    let ya = y * w,
      yb2 = ya + w;
    let c = (y >> 1) * cw;
    for (let x = 0; x < w; x += 2, a += 2 * st, b += 2 * st, ya += 2, yb2 += 2, c++) {
      const r0 = R[a + oR],
        g0 = G[a + oG],
        b0 = B[a + oB];
      const r1 = R[a + st + oR],
        g1 = G[a + st + oG],
        b1 = B[a + st + oB];
      const r2 = R[b + oR],
        g2 = G[b + oG],
        b2 = B[b + oB];
      const r3 = R[b + st + oR],
        g3 = G[b + st + oG],
        b3 = B[b + st + oB];
      out[ya] = (y0 + yr[r0] + yg[g0] + yb[b0]) >> FIX;
      out[ya + 1] = (y0 + yr[r1] + yg[g1] + yb[b1]) >> FIX;
      out[yb2] = (y0 + yr[r2] + yg[g2] + yb[b2]) >> FIX;
      out[yb2 + 1] = (y0 + yr[r3] + yg[g3] + yb[b3]) >> FIX;
      const sr = r0 + r1 + r2 + r3,
        sg = g0 + g1 + g2 + g3,
        sb = b0 + b1 + b2 + b3;
      out[uBase + c] = CLAMP[512 + ((u0 + ur[sr] + ug[sg] + ub[sb]) >> FIX)];
      out[vBase + c] = CLAMP[512 + ((v0 + vr[sr] + vg[sg] + vb[sb]) >> FIX)];
    }
  }
}

/** A gray frame (even w × h) → I420 in the stream's range, U = V = 128. */
export function grayToI420(f: Frame, k: YuvCoefficients, out: Uint8Array): void {
  const { width: w, height: h } = f;
  const { yScale, yOff } = ranges(k.fullRange);
  if (k.fullRange && f.stride === w) out.set(f.data.subarray(0, w * h));
  else {
    const lut = new Uint8Array(256);
    for (let i = 0; i < 256; i++) lut[i] = Math.round(yOff + (i * yScale) / 255);
    for (let y = 0; y < h; y++) {
      const row = y * f.stride,
        o = y * w;
      for (let x = 0; x < w; x++) out[o + x] = lut[f.data[row + x]];
    }
  }
  out.fill(128, w * h, i420Size(w, h));
}
