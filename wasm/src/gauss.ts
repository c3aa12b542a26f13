// Separable Gaussian blur of one 8-bit plane, float64, in WebAssembly SIMD (f64x2).
// Bit-identical to src/engine/kernels/gaussian-blur.ts: every lane performs the same IEEE
// multiplies and adds in the same order (wasm has no fused multiply-add here), and f64.nearest
// rounds ties to even. Memory layout is chosen by the caller (src/engine/kernels/gaussian-wasm.ts).

import { heapBase, reserve, reflect101 } from './lib/memory';
export { heapBase, reserve };

export function blur(
  k: usize, taps: i32, src: usize, dst: usize, w: i32, h: i32,
  ring: usize, acc: usize, pad: usize, xIndex: usize, held: usize,
): void {
  const r = (taps - 1) >> 1;
  const padLen = w + 2 * r;
  for (let i = 0; i < padLen; i++) store<i32>(xIndex + (<usize>i << 2), reflect101(i - r, w));
  for (let i = 0; i < taps; i++) store<i32>(held + (<usize>i << 2), -1);
  const zero = f64x2.splat(0.0);

  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) store<f64>(acc + (<usize>x << 3), 0.0);
    for (let t = 0; t < taps; t++) {
      const row = reflect101(y + t - r, h);
      const slot = row % taps;
      const base = ring + (<usize>(slot * w) << 3);
      if (load<i32>(held + (<usize>slot << 2)) != row) {
        store<i32>(held + (<usize>slot << 2), row);
        const off = src + <usize>(row * w);
        for (let i = 0; i < padLen; i++) store<f64>(pad + (<usize>i << 3), <f64>load<u8>(off + <usize>load<i32>(xIndex + (<usize>i << 2))));
        let x = 0;
        for (; x + 1 < w; x += 2) {
          let s = zero;
          for (let j = 0; j < taps; j++) {
            s = f64x2.add(s, f64x2.mul(f64x2.splat(load<f64>(k + (<usize>j << 3))), v128.load(pad + (<usize>(x + j) << 3))));
          }
          v128.store(base + (<usize>x << 3), s);
        }
        for (; x < w; x++) {
          let s = 0.0;
          for (let j = 0; j < taps; j++) s += load<f64>(k + (<usize>j << 3)) * load<f64>(pad + (<usize>(x + j) << 3));
          store<f64>(base + (<usize>x << 3), s);
        }
      }
      const kt = load<f64>(k + (<usize>t << 3));
      const kv = f64x2.splat(kt);
      let x = 0;
      for (; x + 1 < w; x += 2) {
        const a = acc + (<usize>x << 3);
        v128.store(a, f64x2.add(v128.load(a), f64x2.mul(kv, v128.load(base + (<usize>x << 3)))));
      }
      for (; x < w; x++) {
        const a = acc + (<usize>x << 3);
        store<f64>(a, load<f64>(a) + kt * load<f64>(base + (<usize>x << 3)));
      }
    }
    const out = dst + <usize>(y * w);
    for (let x = 0; x < w; x++) {
      let q = nearest<f64>(load<f64>(acc + (<usize>x << 3)));
      q = q < 0.0 ? 0.0 : q > 255.0 ? 255.0 : q;
      store<u8>(out + <usize>x, <u8>q);
    }
  }
}
