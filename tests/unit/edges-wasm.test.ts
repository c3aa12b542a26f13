import { expect, test } from 'vitest';
import {
  sharpenInterleavedWasm,
  sharpenPlaneWasm,
  sobelInterleavedWasm,
  sobelPlaneWasm,
  wasmEdgesAvailable,
} from '../../src/engine/kernels/edges-wasm';
import { sharpenPlaneJs } from '../../src/engine/kernels/sharpen';
import { sobelPlaneJs } from '../../src/engine/kernels/sobel';

function plane(w: number, h: number, seed: number, noise: number): Uint8Array {
  const a = new Uint8Array(w * h);
  let s = seed;
  for (let i = 0; i < a.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    a[i] = noise > 255 ? (s >> 16) & 255 : ((i % w) * 5 + Math.floor(i / w) * 3 + ((s >> 16) % noise)) & 255;
  }
  return a;
}

test('the SIMD Sobel and SHARPEN kernels are bit-identical to the TypeScript kernels', () => {
  expect(wasmEdgesAvailable()).toBe(true);
  for (const [w, h] of [
    [1, 1],
    [1, 5],
    [5, 1],
    [2, 2],
    [8, 3],
    [9, 4],
    [10, 10],
    [17, 9],
    [64, 48],
    [255, 33],
    [512, 20],
  ]) {
    for (const noise of [7, 60, 256]) {
      const src = plane(w, h, w * 7 + h + noise, noise);
      for (const [js, wasm, name] of [
        [sobelPlaneJs, sobelPlaneWasm, 'sobel'],
        [sharpenPlaneJs, sharpenPlaneWasm, 'sharpen'],
      ] as const) {
        const a = new Uint8Array(w * h),
          b = new Uint8Array(w * h);
        js(src, a, w, h);
        wasm(src, b, w, h);
        expect(Buffer.from(b).equals(Buffer.from(a)), `${name} ${w}×${h} noise ${noise}`).toBe(true);
      }
    }
  }
});

test('the SIMD luma kernel is bit-identical to the TypeScript one, on packed and strided frames', async () => {
  const { createFrame, view } = await import('../../src/core/frame');
  const { grayscale, grayscaleJs } = await import('../../src/engine/kernels/grayscale');
  const { wasmLumaAvailable } = await import('../../src/engine/kernels/luma-wasm');
  expect(wasmLumaAvailable()).toBe(true);
  for (const [w, h] of [
    [1, 1],
    [3, 1],
    [4, 1],
    [5, 3],
    [17, 9],
    [640, 7],
  ]) {
    const big = createFrame(w + 3, h + 2, 3);
    let s = w * 131 + h;
    for (let i = 0; i < big.data.length; i++) {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      big.data[i] = (s >> 16) & 255;
    }
    // Include exact ties: 299·R + 587·G + 114·B ≡ 500 (mod 1000) at R=G=B=… e.g. (0,0,250) → 28,500.
    big.data.set([0, 0, 250], 0);
    for (const src of [createFrame(w, h, 3, big.data.slice(0, w * h * 3).buffer), view(big, 1, 1, w, h)]) {
      const a = createFrame(w, h, 1, new ArrayBuffer(w * h)),
        b = createFrame(w, h, 1, new ArrayBuffer(w * h));
      grayscaleJs(src, a);
      grayscale(src, b);
      expect(Buffer.from(b.data).equals(Buffer.from(a.data)), `${w}×${h} stride ${src.stride}`).toBe(true);
    }
  }
});

test('interleaved SOBEL and SHARPEN (2–4 channels at once) equal the TypeScript kernels on each plane', () => {
  for (const ch of [2, 3, 4])
    for (const [w, h] of [
      [1, 1],
      [1, 4],
      [3, 1],
      [2, 3],
      [7, 5],
      [17, 9],
      [130, 11],
    ]) {
      const n = w * h;
      const src = plane(w * ch, h, w * 31 + h + ch, 999);
      for (const [name, fast, ref] of [
        ['sobel', sobelInterleavedWasm, sobelPlaneJs],
        ['sharpen', sharpenInterleavedWasm, sharpenPlaneJs],
      ] as const) {
        const got = new Uint8Array(n * ch);
        fast(src, got, w, h, ch);
        for (let c = 0; c < ch; c++) {
          const p = new Uint8Array(n);
          for (let i = 0; i < n; i++) p[i] = src[i * ch + c];
          const want = new Uint8Array(n);
          ref(p, want, w, h);
          const mine = Uint8Array.from({ length: n }, (_, i) => got[i * ch + c]);
          expect(Buffer.from(mine).equals(Buffer.from(want)), `${name} ${w}×${h}×${ch}, channel ${c}`).toBe(true);
        }
      }
    }
});
