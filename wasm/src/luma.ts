// RGB → L = round-half-even((299R + 587G + 114B) / 1000), 4 pixels at a time (WebAssembly SIMD).
// Bit-identical to src/engine/kernels/grayscale.ts: the integer sum (≤ 255,000) is exact in f32,
// f32 division is correctly rounded, a true quotient is never within 0.001 of a half unless it
// is exactly k.5 (representable), so f32 nearest (ties to even) equals the integer rounding —
// checked for every possible sum.

import { heapBase, reserve } from './lib/memory';
export { heapBase, reserve };

/** `src` holds n RGB pixels followed by at least 4 bytes of padding; writes n bytes to `dst`. */
export function rgbToLuma(src: usize, dst: usize, n: i32): void {
  const k299 = i32x4.splat(299), k587 = i32x4.splat(587), k114 = i32x4.splat(114);
  const thousand = f32x4.splat(1000.0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(src + <usize>(i * 3));
    const r = i8x16.swizzle(v, i8x16(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1));
    const g = i8x16.swizzle(v, i8x16(1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1, 10, -1, -1, -1));
    const b = i8x16.swizzle(v, i8x16(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1));
    const sum = i32x4.add(i32x4.add(i32x4.mul(r, k299), i32x4.mul(g, k587)), i32x4.mul(b, k114));
    const q = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.div(f32x4.convert_i32x4_s(sum), thousand)));
    const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(q, q), i16x8.narrow_i32x4_s(q, q));
    v128.store32_lane(dst + <usize>i, bytes, 0);
  }
  for (; i < n; i++) {
    const p = src + <usize>(i * 3);
    const sum = 299 * <i32>load<u8>(p) + 587 * <i32>load<u8>(p + 1) + 114 * <i32>load<u8>(p + 2);
    store<u8>(dst + <usize>i, <u8>nearest<f32>(<f32>sum / 1000.0));
  }
}
