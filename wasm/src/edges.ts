// Sobel magnitude and Pillow SHARPEN on one 8-bit plane, 8 pixels at a time (WebAssembly SIMD).
// Bit-identical to src/engine/kernels/{sobel,sharpen}.ts (tests compare them):
// - integer sums in i16 lanes (|Sobel| ≤ 1020, SHARPEN's numerator in −4590…8670);
// - Sobel's √(gx² + gy²) in f32: gx² + gy² ≤ 2·1020² is exact in f32, and rounding the f32 root
//   half-to-even equals rounding the exact root for every possible value (checked exhaustively);
// - SHARPEN's ÷16 rounds half-to-even with a shift and a mask; u8 narrowing saturates to 0–255.

import { heapBase, reserve, reflect101 } from './lib/memory';
export { heapBase, reserve };

@inline function px(p: usize): i32 {
  return <i32>load<u8>(p);
}

function sobelAt(a: usize, b: usize, c: usize, l: i32, x: i32, r: i32): u8 {
  const gx = px(a + r) - px(a + l) + 2 * (px(b + r) - px(b + l)) + px(c + r) - px(c + l);
  const gy = px(c + l) + 2 * px(c + x) + px(c + r) - px(a + l) - 2 * px(a + x) - px(a + r);
  const m = nearest<f32>(sqrt<f32>(<f32>(gx * gx + gy * gy)));
  return m > 255.0 ? 255 : <u8>m;
}

function sharpenAt(a: usize, b: usize, c: usize, l: i32, x: i32, r: i32): u8 {
  const n = 34 * px(b + x) - 2 * (px(a + l) + px(a + x) + px(a + r) + px(b + l) + px(b + x) + px(b + r) + px(c + l) + px(c + x) + px(c + r));
  let q = n >> 4;
  const rem = n & 15;
  if (rem > 8 || (rem == 8 && (q & 1) != 0)) q++;
  return q < 0 ? 0 : q > 255 ? 255 : <u8>q;
}

/**
 * kind 0 = Sobel magnitude, 1 = SHARPEN. `step` bytes between horizontal neighbours: 1 for a
 * plane, the channel count for interleaved pixels (every byte is then filtered with the same
 * channel of its neighbours, which is the plane result for each channel without splitting).
 */
export function filter3x3(kind: i32, src: usize, dst: usize, w: i32, h: i32, step: i32): void {
  const two = i16x8.splat(2);
  const k34 = i16x8.splat(34);
  const fifteen = i16x8.splat(15);
  const eight = i16x8.splat(8);
  const one = i16x8.splat(1);
  const rowBytes = w * step;
  const s = <usize>step;
  for (let y = 0; y < h; y++) {
    const a = src + <usize>(reflect101(y - 1, h) * rowBytes);
    const b = src + <usize>(y * rowBytes);
    const c = src + <usize>(reflect101(y + 1, h) * rowBytes);
    const out = dst + <usize>(y * rowBytes);
    // Bytes of pixels 1 … w−2 have both neighbours inside the row: 8 at a time where they fit.
    let x = step;
    for (; x + 8 <= rowBytes - step; x += 8) {
      const p = <usize>x;
      const al = v128.load8x8_u(a + p - s), ac = v128.load8x8_u(a + p), ar = v128.load8x8_u(a + p + s);
      const bl = v128.load8x8_u(b + p - s), bc = v128.load8x8_u(b + p), br = v128.load8x8_u(b + p + s);
      const cl = v128.load8x8_u(c + p - s), cc = v128.load8x8_u(c + p), cr = v128.load8x8_u(c + p + s);
      let res: v128;
      if (kind == 0) {
        const gx = i16x8.add(i16x8.add(i16x8.sub(ar, al), i16x8.mul(two, i16x8.sub(br, bl))), i16x8.sub(cr, cl));
        const gy = i16x8.sub(i16x8.add(i16x8.add(cl, i16x8.mul(two, cc)), cr), i16x8.add(i16x8.add(al, i16x8.mul(two, ac)), ar));
        const lo = i32x4.add(i32x4.extmul_low_i16x8_s(gx, gx), i32x4.extmul_low_i16x8_s(gy, gy));
        const hi = i32x4.add(i32x4.extmul_high_i16x8_s(gx, gx), i32x4.extmul_high_i16x8_s(gy, gy));
        const mlo = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.sqrt(f32x4.convert_i32x4_s(lo))));
        const mhi = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.sqrt(f32x4.convert_i32x4_s(hi))));
        res = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(mlo, mhi), mlo);
      } else {
        const sum = i16x8.add(i16x8.add(i16x8.add(i16x8.add(al, ac), i16x8.add(ar, bl)), i16x8.add(i16x8.add(bc, br), i16x8.add(cl, cc))), cr);
        const n = i16x8.sub(i16x8.mul(k34, bc), i16x8.mul(two, sum));
        const q = i16x8.shr_s(n, 4);
        const rem = v128.and(n, fifteen);
        const up = v128.or(i16x8.gt_s(rem, eight), v128.and(i16x8.eq(rem, eight), i16x8.eq(v128.and(q, one), one)));
        res = i8x16.narrow_i16x8_u(i16x8.sub(q, up), q);
      }
      v128.store64_lane(out + p, res, 0);
    }
    for (; x < rowBytes - step; x++) store<u8>(out + <usize>x, kind == 0 ? sobelAt(a, b, c, x - step, x, x + step) : sharpenAt(a, b, c, x - step, x, x + step));
    // The first and last pixels reflect (each of their channels).
    for (let ch = 0; ch < step; ch++) {
      const l0 = reflect101(-1, w) * step + ch, r0 = reflect101(1, w) * step + ch;
      store<u8>(out + <usize>ch, kind == 0 ? sobelAt(a, b, c, l0, ch, r0) : sharpenAt(a, b, c, l0, ch, r0));
      if (w > 1) {
        const last = (w - 1) * step + ch;
        const rl = reflect101(w, w) * step + ch;
        store<u8>(out + <usize>last, kind == 0 ? sobelAt(a, b, c, last - step, last, rl) : sharpenAt(a, b, c, last - step, last, rl));
      }
    }
  }
}
