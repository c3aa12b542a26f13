import { sharpenPlaneWasm, wasmEdgesAvailable } from './edges-wasm';
import { rows3 } from './neighbourhood';

/** Pillow SHARPEN: (32·centre − 2·Σ 8 neighbours) / 16, rounded half-to-even in integers. */
/** Uses the SIMD WebAssembly kernel where available (same bits, faster). */
export function sharpenPlane(src: Uint8Array, dst: Uint8Array, w: number, h: number): void {
  if (wasmEdgesAvailable()) sharpenPlaneWasm(src, dst, w, h);
  else sharpenPlaneJs(src, dst, w, h);
}

export function sharpenPlaneJs(s: Uint8Array, dst: Uint8Array, w: number, h: number): void {
  const { up, down, left, right } = rows3(w, h);
  for (let y = 0; y < h; y++) {
    const a = up[y],
      b = y * w,
      c = down[y];
    for (let x = 0; x < w; x++) {
      const l = left[x],
        r = right[x];
      const n = 34 * s[b + x] - 2 * (s[a + l] + s[a + x] + s[a + r] + s[b + l] + s[b + x] + s[b + r] + s[c + l] + s[c + x] + s[c + r]);
      // n / 16 with ties to even: floor via arithmetic shift (n may be negative).
      let q = n >> 4;
      const rem = n & 15;
      if (rem > 8 || (rem === 8 && (q & 1) !== 0)) q++;
      dst[b + x] = q < 0 ? 0 : q > 255 ? 255 : q;
    }
  }
}
