import { reflect101 } from './border';
import { gaussianBlurPlaneWasm, wasmGaussianAvailable } from './gaussian-wasm';
import { scratchF64 } from './scratch';

/** The float64 weights exp(−x²/2σ²), x = −r…r, r = ceil(3σ), normalised to sum 1 (in order). */
export function gaussianKernel(sigma: number): Float64Array {
  const r = Math.ceil(3 * sigma);
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** The definition's float32 weights k_0 … k_r: the float64 weights −r…0 rounded to f32. */
export function gaussianWeightsF32(sigma: number): Float32Array {
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) >> 1;
  return Float32Array.from(k.subarray(0, r + 1));
}

/**
 * Separable Gaussian blur of one 8-bit plane in float32 — the catalogue's definition, summed
 * symmetrically (pairs from the outside in, then the centre), every product and sum rounded to
 * f32, horizontal then vertical, rounded half-to-even once at the end. Uses the SIMD WebAssembly
 * kernel (wasm/src/gauss.ts) where available; the TypeScript kernel below gives the same bits.
 */
export function gaussianBlurPlane(src: Uint8Array, dst: Uint8Array, w: number, h: number, sigma: number): void {
  if (useWasm && wasmGaussianAvailable()) gaussianBlurPlaneWasm(src, dst, w, h, gaussianWeightsF32(sigma));
  else gaussianBlurPlaneJs(src, dst, w, h, sigma);
}

let useWasm = true;
/** For tests and benchmarks: force the TypeScript kernel (false) or allow the wasm one (true). */
export function preferWasmGaussian(on: boolean): void {
  useWasm = on;
}

const f32 = Math.fround;

/**
 * The TypeScript kernel, bit-identical to the wasm one: `Math.fround` after every operation
 * (an f32 operation computed in float64 and rounded once is the correctly rounded f32 result),
 * in the same order. Values are held in float64 arrays but are always exact f32 values.
 *
 * Horizontal results live in a ring of 2r+1 rows rather than a whole-image buffer: the rows one
 * output row needs always span at most 2r+1 consecutive source rows (reflection included), so
 * `row mod (2r+1)` never collides, and the working set stays in cache.
 */
export function gaussianBlurPlaneJs(src: Uint8Array, dst: Uint8Array, w: number, h: number, sigma: number): void {
  const k = Array.from(gaussianWeightsF32(sigma));
  const r = k.length - 1;
  if (r === 0) {
    dst.set(src.subarray(0, w * h));
    return;
  }
  const taps = 2 * r + 1;
  const kc = k[r];
  const ring = scratchF64('gauss-ring', taps * w);
  const held = new Int32Array(taps).fill(-1);
  const pad = scratchF64('gauss-pad', w + 2 * r);
  const rows = new Int32Array(taps);
  const xIndex = new Int32Array(w + 2 * r);
  for (let i = 0; i < w + 2 * r; i++) xIndex[i] = reflect101(i - r, w);

  for (let y = 0; y < h; y++) {
    for (let t = 0; t < taps; t++) {
      const row = reflect101(y + t - r, h);
      const slot = row % taps;
      const base = slot * w;
      rows[t] = base;
      if (held[slot] === row) continue;
      held[slot] = row;
      const off = row * w;
      for (let i = 0; i < w + 2 * r; i++) pad[i] = src[off + xIndex[i]];
      for (let x = 0; x < w; x++) {
        // Byte pair sums are exact; k·pair is an exact product rounded once.
        let s = f32(k[0] * (pad[x] + pad[x + 2 * r]));
        for (let j = 1; j < r; j++) s = f32(s + f32(k[j] * (pad[x + j] + pad[x + 2 * r - j])));
        ring[base + x] = f32(s + f32(kc * pad[x + r]));
      }
    }
    const out = y * w;
    const c = rows[r];
    for (let x = 0; x < w; x++) {
      let s = f32(k[0] * f32(ring[rows[0] + x] + ring[rows[2 * r] + x]));
      for (let j = 1; j < r; j++) s = f32(s + f32(k[j] * f32(ring[rows[j] + x] + ring[rows[2 * r - j] + x])));
      const v = f32(s + f32(kc * ring[c + x]));
      // Inline round-half-even + clip: this loop runs once per pixel per plane.
      let q = Math.round(v);
      if (q - v === 0.5 && (q & 1) !== 0) q -= 1;
      dst[out + x] = q < 0 ? 0 : q > 255 ? 255 : q;
    }
  }
}
