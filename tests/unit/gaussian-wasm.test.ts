/**
 * The Gaussian's float32 definition: the SIMD WebAssembly kernel and the TypeScript fallback give
 * the same bits everywhere, and both stay within a hair of the previous float64 definition.
 */
import { expect, test } from 'vitest';
import { gaussianBlurPlaneJs, gaussianKernel, gaussianWeightsF32 } from '../../src/engine/kernels/gaussian-blur';
import { gaussianBlurPlaneWasm, wasmGaussianAvailable } from '../../src/engine/kernels/gaussian-wasm';
import { gaussianBlurPlaneF64 } from './gaussian-f64';

function plane(w: number, h: number, seed: number): Uint8Array {
  const a = new Uint8Array(w * h);
  let s = seed;
  for (let i = 0; i < a.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    a[i] = ((i % w) * 3 + Math.floor(i / w) * 2 + ((s >> 16) % 60)) & 255;
  }
  return a;
}

function noise(n: number, seed: number): Uint8Array {
  const a = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s >>> 24;
  }
  return a;
}

const SIZES: ReadonlyArray<[number, number]> = [
  [1, 1],
  [1, 2],
  [1, 9],
  [9, 1],
  [2, 1],
  [2, 3],
  [3, 3],
  [4, 4],
  [5, 7],
  [7, 5],
  [13, 13],
  [15, 2],
  [16, 16],
  [17, 3],
  [31, 9],
  [33, 1],
  [1, 33],
  [64, 48],
  [101, 37],
  [257, 129],
  [512, 40],
];
const SIGMAS = [0.1, 0.3, 0.5, 0.8, 1, 1.4, 1.5, 2, 2.2, 3.3, 5, 7, 12.5, 20];

test('the SIMD WebAssembly kernel is available in Node and bit-identical to the TypeScript fallback', () => {
  expect(wasmGaussianAvailable()).toBe(true);
  let cases = 0;
  for (const [w, h] of SIZES)
    for (const sigma of SIGMAS) {
      for (const src of [plane(w, h, w * 31 + h), noise(w * h, w * 7 + h * 131 + sigma * 10)]) {
        const a = new Uint8Array(w * h),
          b = new Uint8Array(w * h);
        gaussianBlurPlaneJs(src, a, w, h, sigma);
        gaussianBlurPlaneWasm(src, b, w, h, gaussianWeightsF32(sigma));
        expect(Buffer.from(b).equals(Buffer.from(a)), `${w}×${h} σ${sigma}`).toBe(true);
        cases++;
      }
    }
  expect(cases).toBe(SIZES.length * SIGMAS.length * 2);
});

test('extreme planes: all 0, all 255, a 0/255 checkerboard', () => {
  for (const [w, h] of [
    [7, 5],
    [40, 33],
  ] as const)
    for (const sigma of [0.1, 2, 20]) {
      const n = w * h;
      for (const src of [
        new Uint8Array(n),
        new Uint8Array(n).fill(255),
        Uint8Array.from({ length: n }, (_, i) => (((i % w) + Math.floor(i / w)) & 1 ? 255 : 0)),
      ]) {
        const a = new Uint8Array(n),
          b = new Uint8Array(n);
        gaussianBlurPlaneJs(src, a, w, h, sigma);
        gaussianBlurPlaneWasm(src, b, w, h, gaussianWeightsF32(sigma));
        expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
        if (src[0] === src[1]) expect(new Set(a)).toEqual(new Set([src[0]]));
      }
    }
});

test('every constant plane stays constant', () => {
  for (const sigma of [0.1, 0.5, 2, 3.3, 20]) {
    const w = 23,
      h = 9;
    for (let c = 0; c < 256; c++) {
      const a = new Uint8Array(w * h);
      gaussianBlurPlaneWasm(new Uint8Array(w * h).fill(c), a, w, h, gaussianWeightsF32(sigma));
      expect(
        a.every((v) => v === c),
        `c=${c} σ${sigma}`,
      ).toBe(true);
    }
  }
});

test('weights: the float64 weights k_0 … k_r rounded to f32 (outermost first, centre last)', () => {
  const k64 = gaussianKernel(2),
    k32 = gaussianWeightsF32(2);
  expect(k32.length).toBe(7);
  for (let j = 0; j <= 6; j++) expect(k32[j]).toBe(Math.fround(k64[j]));
  expect(k32[6]).toBeGreaterThan(k32[5]);
  expect(gaussianWeightsF32(0.1).length).toBe(2);
  expect(gaussianWeightsF32(20).length).toBe(61);
});

test('against the previous float64 definition: at most ±1, on a small fraction of pixels', () => {
  let off = 0,
    total = 0;
  for (const [w, h] of [
    [257, 129],
    [64, 48],
  ] as const)
    for (const sigma of [0.5, 1, 1.5, 2, 3.3, 7]) {
      const src = noise(w * h, w + sigma * 100);
      const a = new Uint8Array(w * h),
        b = new Uint8Array(w * h);
      gaussianBlurPlaneF64(src, a, w, h, sigma);
      gaussianBlurPlaneWasm(src, b, w, h, gaussianWeightsF32(sigma));
      for (let i = 0; i < a.length; i++) {
        const d = Math.abs(a[i] - b[i]);
        expect(d).toBeLessThanOrEqual(1);
        off += d;
      }
      total += a.length;
    }
  expect(off / total).toBeLessThan(0.01);
});
