// Separable Gaussian blur of one 8-bit plane in float32, WebAssembly SIMD (f32x4: sixteen pixels
// per step in four independent vectors). The definition (catalogue entry 'gaussian-blur',
// src/core/catalogue/cv.ts) fixes every operation and its order, so this kernel, the TypeScript fallback (src/engine/kernels/
// gaussian-blur.ts, Math.fround on every operation) and the test reference give the same bits:
//
//   k_j = f32(float64 weight j), j = 0…r (k_r is the centre; the kernel is symmetric)
//   H(x) = k_0·(p[x−r] + p[x+r]) + k_1·(p[x−r+1] + p[x+r−1]) + … + k_{r−1}·(p[x−1] + p[x+1]) + k_r·p[x]
//          summed left to right, every product and sum rounded to f32 (the byte pair sums are exact)
//   V(y) = the same over the rows of H (the pair sums are f32 additions)
//   out  = clip(roundHalfEven(V), 0, 255)
//
// No fused multiply-add (wasm SIMD without relaxed-simd has none), f32x4.nearest rounds ties to
// even, and the saturating narrows clip. Memory layout is chosen by the caller
// (src/engine/kernels/gaussian-wasm.ts).

import { heapBase, reserve, reflect101 } from './lib/memory';
export { heapBase, reserve };

/** One row's horizontal pass: bytes at `srcRow` (reflected through `xIndex`) → f32 at `out`. */
// @ts-ignore: decorator
@inline function horizontal(kv: usize, ks: usize, r: i32, srcRow: usize, w: i32, out: usize, pad: usize, xIndex: usize): void {
  // pad[i] = f32(src[reflect101(i − r)]), i = 0 … w+2r−1: borders through the index table,
  // the middle 16 bytes at a time.
  for (let i = 0; i < r; i++) {
    store<f32>(pad + (<usize>i << 2), <f32>load<u8>(srcRow + <usize>load<i32>(xIndex + (<usize>i << 2))));
    const e = w + r + i;
    store<f32>(pad + (<usize>e << 2), <f32>load<u8>(srcRow + <usize>load<i32>(xIndex + (<usize>e << 2))));
  }
  const mid = pad + (<usize>r << 2);
  let x = 0;
  for (; x + 16 <= w; x += 16) {
    const b = v128.load(srcRow + <usize>x);
    const lo = i16x8.extend_low_i8x16_u(b), hi = i16x8.extend_high_i8x16_u(b);
    const o = mid + (<usize>x << 2);
    v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo)));
    v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo)), 16);
    v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi)), 32);
    v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(hi)), 48);
  }
  for (; x < w; x++) store<f32>(mid + (<usize>x << 2), <f32>load<u8>(srcRow + <usize>x));

  const r4 = <usize>r << 2;
  const r16 = <usize>r << 4;
  const kc = v128.load(kv + r16);
  const kcs = load<f32>(ks + r4);
  x = 0;
  // Sixteen pixels per step (four independent vectors), then eight, four, one at a time.
  for (; x + 16 <= w; x += 16) {
    let a = pad + (<usize>x << 2);
    let b = a + (r4 << 1);
    let k = v128.load(kv);
    let s0 = f32x4.mul(k, f32x4.add(v128.load(a), v128.load(b)));
    let s1 = f32x4.mul(k, f32x4.add(v128.load(a, 16), v128.load(b, 16)));
    let s2 = f32x4.mul(k, f32x4.add(v128.load(a, 32), v128.load(b, 32)));
    let s3 = f32x4.mul(k, f32x4.add(v128.load(a, 48), v128.load(b, 48)));
    for (let j: usize = 16; j < r16; j += 16) {
      a += 4;
      b -= 4;
      k = v128.load(kv + j);
      s0 = f32x4.add(s0, f32x4.mul(k, f32x4.add(v128.load(a), v128.load(b))));
      s1 = f32x4.add(s1, f32x4.mul(k, f32x4.add(v128.load(a, 16), v128.load(b, 16))));
      s2 = f32x4.add(s2, f32x4.mul(k, f32x4.add(v128.load(a, 32), v128.load(b, 32))));
      s3 = f32x4.add(s3, f32x4.mul(k, f32x4.add(v128.load(a, 48), v128.load(b, 48))));
    }
    const c = pad + (<usize>x << 2) + r4;
    const o = out + (<usize>x << 2);
    v128.store(o, f32x4.add(s0, f32x4.mul(kc, v128.load(c))));
    v128.store(o, f32x4.add(s1, f32x4.mul(kc, v128.load(c, 16))), 16);
    v128.store(o, f32x4.add(s2, f32x4.mul(kc, v128.load(c, 32))), 32);
    v128.store(o, f32x4.add(s3, f32x4.mul(kc, v128.load(c, 48))), 48);
  }
  for (; x + 8 <= w; x += 8) {
    let a = pad + (<usize>x << 2);
    let b = a + (r4 << 1);
    let k = v128.load(kv);
    let s0 = f32x4.mul(k, f32x4.add(v128.load(a), v128.load(b)));
    let s1 = f32x4.mul(k, f32x4.add(v128.load(a, 16), v128.load(b, 16)));
    for (let j: usize = 16; j < r16; j += 16) {
      a += 4;
      b -= 4;
      k = v128.load(kv + j);
      s0 = f32x4.add(s0, f32x4.mul(k, f32x4.add(v128.load(a), v128.load(b))));
      s1 = f32x4.add(s1, f32x4.mul(k, f32x4.add(v128.load(a, 16), v128.load(b, 16))));
    }
    const c = pad + (<usize>x << 2) + r4;
    v128.store(out + (<usize>x << 2), f32x4.add(s0, f32x4.mul(kc, v128.load(c))));
    v128.store(out + (<usize>x << 2), f32x4.add(s1, f32x4.mul(kc, v128.load(c, 16))), 16);
  }
  for (; x + 4 <= w; x += 4) {
    let a = pad + (<usize>x << 2);
    let b = a + (r4 << 1);
    let s = f32x4.mul(v128.load(kv), f32x4.add(v128.load(a), v128.load(b)));
    for (let j: usize = 16; j < r16; j += 16) {
      a += 4;
      b -= 4;
      s = f32x4.add(s, f32x4.mul(v128.load(kv + j), f32x4.add(v128.load(a), v128.load(b))));
    }
    s = f32x4.add(s, f32x4.mul(kc, v128.load(pad + (<usize>x << 2) + r4)));
    v128.store(out + (<usize>x << 2), s);
  }
  for (; x < w; x++) {
    let a = pad + (<usize>x << 2);
    let b = a + (r4 << 1);
    let s: f32 = load<f32>(ks) * (load<f32>(a) + load<f32>(b));
    for (let j: usize = 4; j < r4; j += 4) {
      a += 4;
      b -= 4;
      s = s + load<f32>(ks + j) * (load<f32>(a) + load<f32>(b));
    }
    s = s + kcs * load<f32>(pad + (<usize>x << 2) + r4);
    store<f32>(out + (<usize>x << 2), s);
  }
}

/**
 * kv: r+1 weights splatted to f32x4 (k_0 … k_r, 16 bytes each); ks: the same r+1 weights as f32.
 * ring: 2r+1 rows of `stride` f32 (stride ≥ w, a multiple of 4); rows: 2r+1 usize slots;
 * held: 2r+1 i32; pad: w+2r f32; xIndex: w+2r i32.
 */
export function blur(
  kv: usize, ks: usize, r: i32, src: usize, dst: usize, w: i32, h: i32,
  ring: usize, stride: i32, rows: usize, held: usize, pad: usize, xIndex: usize,
): void {
  const taps = 2 * r + 1;
  const padLen = w + 2 * r;
  for (let i = 0; i < padLen; i++) store<i32>(xIndex + (<usize>i << 2), reflect101(i - r, w));
  for (let i = 0; i < taps; i++) store<i32>(held + (<usize>i << 2), -1);
  const r4 = <usize>r << 2;
  const r16 = <usize>r << 4;
  const kc = v128.load(kv + r16);
  const kcs = load<f32>(ks + r4);
  const rowBytes = <usize>stride << 2;

  for (let y = 0; y < h; y++) {
    // The 2r+1 source rows this output row needs, each horizontally filtered once into the ring.
    for (let t = 0; t < taps; t++) {
      const row = reflect101(y + t - r, h);
      const slot = row % taps;
      const base = ring + <usize>slot * rowBytes;
      if (load<i32>(held + (<usize>slot << 2)) != row) {
        store<i32>(held + (<usize>slot << 2), row);
        horizontal(kv, ks, r, src + <usize>(row * w), w, base, pad, xIndex);
      }
      store<usize>(rows + (<usize>t << 2), base);
    }
    // Vertical pass over the ring rows, pairs from the outside in, then the centre.
    const out = dst + <usize>(y * w);
    const centre = load<usize>(rows + r4);
    let x = 0;
    for (; x + 16 <= w; x += 16) {
      const xo = <usize>x << 2;
      let pa = rows;
      let pb = rows + (r4 << 1);
      let k = v128.load(kv);
      let ra = load<usize>(pa) + xo, rb = load<usize>(pb) + xo;
      let s0 = f32x4.mul(k, f32x4.add(v128.load(ra), v128.load(rb)));
      let s1 = f32x4.mul(k, f32x4.add(v128.load(ra, 16), v128.load(rb, 16)));
      let s2 = f32x4.mul(k, f32x4.add(v128.load(ra, 32), v128.load(rb, 32)));
      let s3 = f32x4.mul(k, f32x4.add(v128.load(ra, 48), v128.load(rb, 48)));
      for (let j: usize = 16; j < r16; j += 16) {
        pa += 4;
        pb -= 4;
        k = v128.load(kv + j);
        ra = load<usize>(pa) + xo;
        rb = load<usize>(pb) + xo;
        s0 = f32x4.add(s0, f32x4.mul(k, f32x4.add(v128.load(ra), v128.load(rb))));
        s1 = f32x4.add(s1, f32x4.mul(k, f32x4.add(v128.load(ra, 16), v128.load(rb, 16))));
        s2 = f32x4.add(s2, f32x4.mul(k, f32x4.add(v128.load(ra, 32), v128.load(rb, 32))));
        s3 = f32x4.add(s3, f32x4.mul(k, f32x4.add(v128.load(ra, 48), v128.load(rb, 48))));
      }
      const c = centre + xo;
      s0 = f32x4.add(s0, f32x4.mul(kc, v128.load(c)));
      s1 = f32x4.add(s1, f32x4.mul(kc, v128.load(c, 16)));
      s2 = f32x4.add(s2, f32x4.mul(kc, v128.load(c, 32)));
      s3 = f32x4.add(s3, f32x4.mul(kc, v128.load(c, 48)));
      const lo = i16x8.narrow_i32x4_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(s0)), i32x4.trunc_sat_f32x4_s(f32x4.nearest(s1)));
      const hi = i16x8.narrow_i32x4_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(s2)), i32x4.trunc_sat_f32x4_s(f32x4.nearest(s3)));
      v128.store(out + <usize>x, i8x16.narrow_i16x8_u(lo, hi));
    }
    for (; x + 8 <= w; x += 8) {
      const xo = <usize>x << 2;
      let pa = rows;
      let pb = rows + (r4 << 1);
      let k = v128.load(kv);
      let ra = load<usize>(pa) + xo, rb = load<usize>(pb) + xo;
      let s0 = f32x4.mul(k, f32x4.add(v128.load(ra), v128.load(rb)));
      let s1 = f32x4.mul(k, f32x4.add(v128.load(ra, 16), v128.load(rb, 16)));
      for (let j: usize = 16; j < r16; j += 16) {
        pa += 4;
        pb -= 4;
        k = v128.load(kv + j);
        ra = load<usize>(pa) + xo;
        rb = load<usize>(pb) + xo;
        s0 = f32x4.add(s0, f32x4.mul(k, f32x4.add(v128.load(ra), v128.load(rb))));
        s1 = f32x4.add(s1, f32x4.mul(k, f32x4.add(v128.load(ra, 16), v128.load(rb, 16))));
      }
      s0 = f32x4.add(s0, f32x4.mul(kc, v128.load(centre + xo)));
      s1 = f32x4.add(s1, f32x4.mul(kc, v128.load(centre + xo, 16)));
      const q0 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(s0));
      const q1 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(s1));
      const n16 = i16x8.narrow_i32x4_s(q0, q1);
      v128.store64_lane(out + <usize>x, i8x16.narrow_i16x8_u(n16, n16), 0);
    }
    for (; x + 4 <= w; x += 4) {
      const xo = <usize>x << 2;
      let pa = rows;
      let pb = rows + (r4 << 1);
      let s = f32x4.mul(v128.load(kv), f32x4.add(v128.load(load<usize>(pa) + xo), v128.load(load<usize>(pb) + xo)));
      for (let j: usize = 16; j < r16; j += 16) {
        pa += 4;
        pb -= 4;
        s = f32x4.add(s, f32x4.mul(v128.load(kv + j), f32x4.add(v128.load(load<usize>(pa) + xo), v128.load(load<usize>(pb) + xo))));
      }
      s = f32x4.add(s, f32x4.mul(kc, v128.load(centre + xo)));
      const q = i32x4.trunc_sat_f32x4_s(f32x4.nearest(s));
      const n16 = i16x8.narrow_i32x4_s(q, q);
      v128.store32_lane(out + <usize>x, i8x16.narrow_i16x8_u(n16, n16), 0);
    }
    for (; x < w; x++) {
      const xo = <usize>x << 2;
      let pa = rows;
      let pb = rows + (r4 << 1);
      let s: f32 = load<f32>(ks) * (load<f32>(load<usize>(pa) + xo) + load<f32>(load<usize>(pb) + xo));
      for (let j: usize = 4; j < r4; j += 4) {
        pa += 4;
        pb -= 4;
        s = s + load<f32>(ks + j) * (load<f32>(load<usize>(pa) + xo) + load<f32>(load<usize>(pb) + xo));
      }
      s = s + kcs * load<f32>(centre + xo);
      let q = nearest<f32>(s);
      q = q < 0.0 ? 0.0 : q > 255.0 ? 255.0 : q;
      store<u8>(out + <usize>x, <u8>q);
    }
  }
}
