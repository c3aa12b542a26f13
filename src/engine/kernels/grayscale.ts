import type { Frame } from '../../core/frame';
import { rgbToLumaWasm, wasmLumaAvailable } from './luma-wasm';

/**
 * L = round-half-even((299R + 587G + 114B) / 1000). The sum is an integer ≤ 255,000, so the
 * rounded quotient of every possible sum is tabulated once (255 KB, built with exact integer
 * rounding); the loop is then three product lookups, two adds and one table read.
 */
const R = new Int32Array(256),
  G = new Int32Array(256),
  B = new Int32Array(256);
for (let v = 0; v < 256; v++) {
  R[v] = 299 * v;
  G[v] = 587 * v;
  B[v] = 114 * v;
}
let LUMA: Uint8Array | undefined;
function lumaTable(): Uint8Array {
  if (LUMA) return LUMA;
  const t = new Uint8Array(255_001);
  for (let sum = 0; sum <= 255_000; sum++) {
    const q = (sum / 1000) | 0;
    const r = sum - q * 1000;
    t[sum] = r > 500 || (r === 500 && (q & 1) === 1) ? q + 1 : q;
  }
  return (LUMA = t);
}

export function grayscale(src: Frame, dst: Frame): void {
  const { width: w, height: h, channels: ch } = src;
  if (ch < 3) {
    for (let y = 0; y < h; y++) dst.data.set(src.data.subarray(y * src.stride, y * src.stride + w * ch), y * dst.stride);
    return;
  }
  if (ch === 3 && dst.channels === 1 && wasmLumaAvailable()) {
    // SIMD path (same bits): whole frame when packed, else row by row.
    if (src.stride === w * 3 && dst.stride === w) rgbToLumaWasm(src.data, dst.data, w * h);
    else for (let y = 0; y < h; y++) rgbToLumaWasm(src.data.subarray(y * src.stride), dst.data.subarray(y * dst.stride), w);
    return;
  }
  grayscaleJs(src, dst);
}

export function grayscaleJs(src: Frame, dst: Frame): void {
  const { width: w, height: h, channels: ch } = src;
  if (ch < 3) {
    for (let y = 0; y < h; y++) dst.data.set(src.data.subarray(y * src.stride, y * src.stride + w * ch), y * dst.stride);
    return;
  }
  const out = dst.channels;
  const s = src.data,
    d = dst.data;
  const L = lumaTable();
  for (let y = 0; y < h; y++) {
    let i = y * src.stride;
    let o = y * dst.stride;
    if (ch === 3) {
      for (let x = 0; x < w; x++, i += 3, o += out) d[o] = L[R[s[i]] + G[s[i + 1]] + B[s[i + 2]]];
    } else {
      for (let x = 0; x < w; x++, i += 4, o += out) {
        d[o] = L[R[s[i]] + G[s[i + 1]] + B[s[i + 2]]];
        d[o + 1] = s[i + 3];
      }
    }
  }
}
