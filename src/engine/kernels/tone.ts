/**
 * Tone operations: 256-entry tables per plane, plus Pillow's ImageEnhance Contrast and Color.
 *
 * Pillow's ImageEnhance classes end in Image.blend(degenerate, image, factor), which in C is
 * `(UINT8)(in1 + alpha·(in2 − in1))` with alpha a float32 and float32 arithmetic, clamped to
 * 0–255 when extrapolating: truncation, not rounding. `pillowBlend` reproduces that exactly.
 */
import type { Frame } from '../../core/frame';
import { clip8, roundHalfEven } from './round';

/** dst[i] = lut[src[i]] over a plane of n values. */
export function lutPlane(src: Uint8Array, dst: Uint8Array, n: number, lut: Uint8Array): void {
  for (let i = 0; i < n; i++) dst[i] = lut[src[i]];
}

export function invertLut(): Uint8Array {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = 255 - v;
  return lut;
}

export function thresholdLut(level: number): Uint8Array {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = v >= level ? 255 : 0;
  return lut;
}

/** round-half-even(255·(v/255)^(1/γ)) in float64. */
export function gammaLut(gamma: number): Uint8Array {
  const lut = new Uint8Array(256);
  const e = 1 / gamma;
  for (let v = 0; v < 256; v++) lut[v] = clip8(roundHalfEven(255 * Math.pow(v / 255, e)));
  return lut;
}

/** Pillow's Image.blend for one value pair: (UINT8) clamp(float32(in1 + float32(α·(in2 − in1)))). */
export function pillowBlend(in1: number, in2: number, alpha32: number): number {
  const t = Math.fround(in1 + Math.fround(alpha32 * (in2 - in1)));
  return t <= 0 ? 0 : t >= 255 ? 255 : Math.trunc(t);
}

/** Pillow's convert("L") from RGB: (19595·R + 38470·G + 7471·B + 0x8000) >> 16. */
export function pillowLuma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

/**
 * The gray level ImageEnhance.Contrast blends towards: int(mean(L) + 0.5), with L Pillow's luma
 * for RGB(A) and the gray value otherwise; alpha is ignored. Computed from a histogram, as
 * ImageStat does (exact integer sum, one float64 division).
 */
export function pillowMeanGray(src: Frame): number {
  const { width: w, height: h, channels: ch, stride } = src;
  const d = src.data;
  let sum = 0;
  for (let y = 0; y < h; y++) {
    let i = y * stride;
    if (ch >= 3) for (let x = 0; x < w; x++, i += ch) sum += pillowLuma(d[i], d[i + 1], d[i + 2]);
    else for (let x = 0; x < w; x++, i += ch) sum += d[i];
  }
  return Math.floor(sum / (w * h) + 0.5);
}

/** ImageEnhance.Contrast as a table: blend(mean gray, v, factor). */
export function contrastLut(mean: number, factor: number): Uint8Array {
  const a = Math.fround(factor);
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = pillowBlend(mean, v, a);
  return lut;
}

/**
 * ImageEnhance.Color: each colour channel blended from Pillow's luma L of its pixel towards
 * itself: out = blend(L, v, factor). Gray (1–2 channels) is copied unchanged (blend(v, v) = v).
 * Alpha passes through. dst may not alias src.
 */
export function pillowSaturation(src: Frame, dst: Frame, factor: number): void {
  const { width: w, height: h, channels: ch } = src;
  const s = src.data,
    o = dst.data;
  if (ch < 3) {
    for (let y = 0; y < h; y++) o.set(s.subarray(y * src.stride, y * src.stride + w * ch), y * dst.stride);
    return;
  }
  // α·d for every difference d = v − L in −255…255, in float32 as Pillow computes it.
  const a = Math.fround(factor);
  const prod = new Float64Array(511);
  for (let d = -255; d <= 255; d++) prod[d + 255] = Math.fround(a * d);
  for (let y = 0; y < h; y++) {
    let i = y * src.stride;
    let j = y * dst.stride;
    for (let x = 0; x < w; x++, i += ch, j += ch) {
      const r = s[i],
        g = s[i + 1],
        b = s[i + 2];
      const L = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
      let t = Math.fround(L + prod[r - L + 255]);
      o[j] = t <= 0 ? 0 : t >= 255 ? 255 : t | 0;
      t = Math.fround(L + prod[g - L + 255]);
      o[j + 1] = t <= 0 ? 0 : t >= 255 ? 255 : t | 0;
      t = Math.fround(L + prod[b - L + 255]);
      o[j + 2] = t <= 0 ? 0 : t >= 255 ? 255 : t | 0;
      if (ch === 4) o[j + 3] = s[i + 3];
    }
  }
}
