import { sobelPlaneWasm, wasmEdgesAvailable } from './edges-wasm';
import { rows3 } from './neighbourhood';

/** √(gx² + gy²) of the 3×3 Sobel kernels; a square root of an integer is never exactly x.5. */
/** Uses the SIMD WebAssembly kernel where available (same bits, faster). */
export function sobelPlane(src: Uint8Array, dst: Uint8Array, w: number, h: number): void {
  if (wasmEdgesAvailable()) sobelPlaneWasm(src, dst, w, h);
  else sobelPlaneJs(src, dst, w, h);
}

export function sobelPlaneJs(s: Uint8Array, dst: Uint8Array, w: number, h: number): void {
  const { up, down, left, right } = rows3(w, h);
  for (let y = 0; y < h; y++) {
    const a = up[y],
      b = y * w,
      c = down[y];
    for (let x = 0; x < w; x++) {
      const l = left[x],
        r = right[x];
      const gx = s[a + r] - s[a + l] + 2 * (s[b + r] - s[b + l]) + s[c + r] - s[c + l];
      const gy = s[c + l] + 2 * s[c + x] + s[c + r] - s[a + l] - 2 * s[a + x] - s[a + r];
      const m = Math.round(Math.sqrt(gx * gx + gy * gy));
      dst[b + x] = m > 255 ? 255 : m;
    }
  }
}
