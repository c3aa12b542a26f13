// JPEG YCbCr planes → interleaved RGB exactly as libjpeg-turbo computes it, 16 pixels at a time.
// Same definition as src/engine/kernels/ycc.ts (the reference it is tested against): chroma
// "fancy" upsampling (jdsample.c h2v2/h2v1, edge rows and columns replicated), then jdcolor.c's
// fixed point: R = Y + ((91881·(Cr−128) + 2^15) >> 16), G = Y + ((−22554·(Cb−128) + 2^15 −
// 46802·(Cr−128)) >> 16), B = Y + ((116130·(Cb−128) + 2^15) >> 16), clamped to 0–255 (here by
// saturating narrows). The tables of jdcolor.c are these expressions, so lanes compute them.
// Scratch rows for the upsampled chroma live at the start of this module's heap.

import { heapBaseAfter, reserveAfter } from './lib/memory';

const MAX_W: usize = 65536 + 64;
const CB_ROW: usize = 0;
const CR_ROW: usize = MAX_W;
const SCRATCH: usize = 2 * MAX_W;

export function heapBase(): usize {
  return heapBaseAfter(SCRATCH);
}

export function reserve(bytes: usize): void {
  reserveAfter(SCRATCH, bytes);
}

/** Full-width chroma for output row y into `out` (see kernels/ycc.ts upsampleRow). */
function upsampleRow(p: usize, stride: i32, cw: i32, ch: i32, y: i32, hs: i32, vs: i32, out: usize): void {
  if (vs == 2) {
    const row = y >> 1;
    const far = (y & 1) == 0 ? (row > 0 ? row - 1 : 0) : (row + 1 < ch ? row + 1 : ch - 1);
    const a = p + <usize>(row * stride);
    const b = p + <usize>(far * stride);
    let last: i32 = 0;
    let cur: i32 = <i32>load<u8>(a) * 3 + <i32>load<u8>(b);
    for (let x = 0; x < cw; x++) {
      const next: i32 = x + 1 < cw ? <i32>load<u8>(a + <usize>(x + 1)) * 3 + <i32>load<u8>(b + <usize>(x + 1)) : 0;
      const o = out + (<usize>x << 1);
      store<u8>(o, <u8>(x == 0 ? (cur * 4 + 8) >> 4 : (cur * 3 + last + 8) >> 4));
      store<u8>(o + 1, <u8>(x == cw - 1 ? (cur * 4 + 7) >> 4 : (cur * 3 + next + 7) >> 4));
      last = cur;
      cur = next;
    }
  } else if (hs == 2) {
    const r = p + <usize>(y * stride);
    for (let x = 0; x < cw; x++) {
      const c: i32 = <i32>load<u8>(r + <usize>x);
      const o = out + (<usize>x << 1);
      store<u8>(o, <u8>(x == 0 ? c : (c * 3 + <i32>load<u8>(r + <usize>(x - 1)) + 1) >> 2));
      store<u8>(o + 1, <u8>(x == cw - 1 ? c : (c * 3 + <i32>load<u8>(r + <usize>(x + 1)) + 2) >> 2));
    }
  } else {
    memory.copy(out, p + <usize>(y * stride), <usize>cw);
  }
}

// @ts-ignore: decorator
@inline function channel4(yv: v128, a: v128, ka: i32, b: v128, kb: i32): v128 {
  // y + ((ka·a + kb·b + 2^15) >> 16) on i32 lanes (a, b already centred on 0).
  let s = i32x4.add(i32x4.mul(a, i32x4.splat(ka)), i32x4.splat(32768));
  if (kb != 0) s = i32x4.add(s, i32x4.mul(b, i32x4.splat(kb)));
  return i32x4.add(yv, i32x4.shr_s(s, 16));
}

// @ts-ignore: decorator
@inline function widen(v: v128, part: i32): v128 {
  // bytes part·4 … part·4+3 of v as i32 lanes
  const h = part < 2 ? i16x8.extend_low_i8x16_u(v) : i16x8.extend_high_i8x16_u(v);
  return (part & 1) == 0 ? i32x4.extend_low_i16x8_s(h) : i32x4.extend_high_i16x8_s(h);
}

// @ts-ignore: decorator
@inline function pack(a: v128, b: v128, c: v128, d: v128): v128 {
  return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(a, b), i16x8.narrow_i32x4_s(c, d));
}

/**
 * Converts a w×h JPEG's planes (Y at y/ys, Cb at cb/cs, Cr at cr/cs; chroma subsampled hs × vs,
 * 2×2, 2×1 or 1×1) into 3-byte RGB at `out` (stride w·3). Needs w ≤ 65,536.
 */
export function yccToRgb(y: usize, ys: i32, cb: usize, cr: usize, cs: i32, w: i32, h: i32, hs: i32, vs: i32, out: usize): void {
  const cw = (w + hs - 1) / hs;
  const ch = (h + vs - 1) / vs;
  const cbRow = __heap_base + CB_ROW;
  const crRow = __heap_base + CR_ROW;
  const c128 = i32x4.splat(128);
  for (let r = 0; r < h; r++) {
    upsampleRow(cb, cs, cw, ch, r, hs, vs, cbRow);
    upsampleRow(cr, cs, cw, ch, r, hs, vs, crRow);
    const yr = y + <usize>(r * ys);
    const o = out + <usize>r * <usize>w * 3;
    let x = 0;
    for (; x + 16 <= w; x += 16) {
      const Y = v128.load(yr + <usize>x);
      const B = v128.load(cbRow + <usize>x);
      const C = v128.load(crRow + <usize>x);
      const y0 = widen(Y, 0), y1 = widen(Y, 1), y2 = widen(Y, 2), y3 = widen(Y, 3);
      const b0 = i32x4.sub(widen(B, 0), c128), b1 = i32x4.sub(widen(B, 1), c128), b2 = i32x4.sub(widen(B, 2), c128), b3 = i32x4.sub(widen(B, 3), c128);
      const r0 = i32x4.sub(widen(C, 0), c128), r1 = i32x4.sub(widen(C, 1), c128), r2 = i32x4.sub(widen(C, 2), c128), r3 = i32x4.sub(widen(C, 3), c128);
      const R = pack(channel4(y0, r0, 91881, r0, 0), channel4(y1, r1, 91881, r1, 0), channel4(y2, r2, 91881, r2, 0), channel4(y3, r3, 91881, r3, 0));
      const G = pack(channel4(y0, b0, -22554, r0, -46802), channel4(y1, b1, -22554, r1, -46802), channel4(y2, b2, -22554, r2, -46802), channel4(y3, b3, -22554, r3, -46802));
      const Bl = pack(channel4(y0, b0, 116130, b0, 0), channel4(y1, b1, 116130, b1, 0), channel4(y2, b2, 116130, b2, 0), channel4(y3, b3, 116130, b3, 0));
      // Interleave R, G, B into 48 bytes: two shuffles per 16 output bytes.
      const t0 = i8x16.shuffle(R, G, 0, 16, 0, 1, 17, 0, 2, 18, 0, 3, 19, 0, 4, 20, 0, 5);
      const o0 = i8x16.shuffle(t0, Bl, 0, 1, 16, 3, 4, 17, 6, 7, 18, 9, 10, 19, 12, 13, 20, 15);
      const t1 = i8x16.shuffle(R, G, 21, 0, 6, 22, 0, 7, 23, 0, 8, 24, 0, 9, 25, 0, 10, 26);
      const o1 = i8x16.shuffle(t1, Bl, 0, 21, 2, 3, 22, 5, 6, 23, 8, 9, 24, 11, 12, 25, 14, 15);
      const t2 = i8x16.shuffle(R, G, 0, 11, 27, 0, 12, 28, 0, 13, 29, 0, 14, 30, 0, 15, 31, 0);
      const o2 = i8x16.shuffle(t2, Bl, 26, 1, 2, 27, 4, 5, 28, 7, 8, 29, 10, 11, 30, 13, 14, 31);
      const p = o + <usize>x * 3;
      v128.store(p, o0);
      v128.store(p + 16, o1);
      v128.store(p + 32, o2);
    }
    for (; x < w; x++) {
      const l = <i32>load<u8>(yr + <usize>x);
      const b = <i32>load<u8>(cbRow + <usize>x) - 128;
      const c = <i32>load<u8>(crRow + <usize>x) - 128;
      const R = l + ((91881 * c + 32768) >> 16);
      const G = l + ((-22554 * b + 32768 - 46802 * c) >> 16);
      const Bv = l + ((116130 * b + 32768) >> 16);
      const p = o + <usize>x * 3;
      store<u8>(p, <u8>(R < 0 ? 0 : R > 255 ? 255 : R));
      store<u8>(p + 1, <u8>(G < 0 ? 0 : G > 255 ? 255 : G));
      store<u8>(p + 2, <u8>(Bv < 0 ? 0 : Bv > 255 ? 255 : Bv));
    }
  }
}
