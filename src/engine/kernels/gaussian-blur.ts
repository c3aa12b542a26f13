import { reflect101 } from './border';
import { gaussianBlurPlaneWasm, wasmGaussianAvailable } from './gaussian-wasm';
import { scratchF64 } from './scratch';

export function gaussianKernel(sigma: number): Float64Array {
  const r = Math.ceil(3 * sigma);
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += (k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma)));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/**
 * Separable Gaussian in float64: horizontal pass, then vertical, rounding once at the end. Terms
 * are summed in kernel order in both passes — the order of the definition — so tiles and whole
 * images give identical bits.
 *
 * Horizontal results live in a ring of 2r+1 rows rather than a whole-image buffer: the rows one
 * output row needs always span at most 2r+1 consecutive source rows (reflection included), so
 * `row mod (2r+1)` never collides, and the working set stays in cache (53 KB at 512 px wide
 * instead of 2 MB), which is what lets two workers scale on two cores.
 */
/** Uses the SIMD WebAssembly kernel where available (same bits, faster: see docs/ARCHITECTURE.md). */
export function gaussianBlurPlane(src: Uint8Array, dst: Uint8Array, w: number, h: number, sigma: number): void {
  if (useWasm && wasmGaussianAvailable()) gaussianBlurPlaneWasm(src, dst, w, h, gaussianKernel(sigma));
  else gaussianBlurPlaneJs(src, dst, w, h, sigma);
}

let useWasm = true;
/** For tests and benchmarks: force the TypeScript kernel (false) or allow the wasm one (true). */
export function preferWasmGaussian(on: boolean): void {
  useWasm = on;
}

export function gaussianBlurPlaneJs(src: Uint8Array, dst: Uint8Array, w: number, h: number, sigma: number): void {
  const k = gaussianKernel(sigma);
  const taps = k.length;
  const r = (taps - 1) >> 1;
  const ring = scratchF64('gauss-ring', taps * w);
  const held = new Int32Array(taps).fill(-1);
  const pad = scratchF64('gauss-pad', w + 2 * r);
  const acc = scratchF64('gauss-acc', w);
  const xIndex = new Int32Array(w + 2 * r);
  for (let i = 0; i < w + 2 * r; i++) xIndex[i] = reflect101(i - r, w);

  for (let y = 0; y < h; y++) {
    acc.fill(0, 0, w);
    for (let t = 0; t < taps; t++) {
      const row = reflect101(y + t - r, h);
      const slot = row % taps;
      const base = slot * w;
      if (held[slot] !== row) {
        held[slot] = row;
        const off = row * w;
        for (let i = 0; i < w + 2 * r; i++) pad[i] = src[off + xIndex[i]];
        for (let x = 0; x < w; x++) {
          let s = 0;
          for (let j = 0; j < taps; j++) s += k[j] * pad[x + j];
          ring[base + x] = s;
        }
      }
      const kt = k[t];
      for (let x = 0; x < w; x++) acc[x] += kt * ring[base + x];
    }
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const v = acc[x];
      // Inline round-half-even + clip: this loop runs once per pixel per plane.
      let q = Math.round(v);
      if (q - v === 0.5 && (q & 1) !== 0) q -= 1;
      dst[row + x] = q < 0 ? 0 : q > 255 ? 255 : q;
    }
  }
}
