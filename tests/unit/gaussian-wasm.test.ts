import { expect, test } from 'vitest';
import { gaussianBlurPlaneJs, gaussianKernel } from '../../src/engine/kernels/gaussian-blur';
import { gaussianBlurPlaneWasm, wasmGaussianAvailable } from '../../src/engine/kernels/gaussian-wasm';

function plane(w: number, h: number, seed: number): Uint8Array {
  const a = new Uint8Array(w * h);
  let s = seed;
  for (let i = 0; i < a.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    a[i] = (((i % w) * 3 + Math.floor(i / w) * 2 + ((s >> 16) % 60)) & 255);
  }
  return a;
}

test('the SIMD WebAssembly kernel is available in Node and bit-identical to the TypeScript kernel', () => {
  expect(wasmGaussianAvailable()).toBe(true);
  for (const [w, h] of [[1, 1], [1, 9], [9, 1], [2, 3], [13, 13], [64, 48], [257, 129], [512, 40]]) {
    for (const sigma of [0.1, 0.5, 1, 2, 3.3, 7]) {
      const src = plane(w, h, w * 31 + h);
      const a = new Uint8Array(w * h), b = new Uint8Array(w * h);
      gaussianBlurPlaneJs(src, a, w, h, sigma);
      gaussianBlurPlaneWasm(src, b, w, h, gaussianKernel(sigma));
      expect(Buffer.from(b).equals(Buffer.from(a)), `${w}×${h} σ${sigma}`).toBe(true);
    }
  }
});
