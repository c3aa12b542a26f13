import { expect, test } from 'vitest';
import { sharpenPlaneWasm, sobelPlaneWasm, wasmEdgesAvailable } from '../../src/engine/kernels/edges-wasm';
import { sharpenPlaneJs } from '../../src/engine/kernels/sharpen';
import { sobelPlaneJs } from '../../src/engine/kernels/sobel';

function plane(w: number, h: number, seed: number, noise: number): Uint8Array {
  const a = new Uint8Array(w * h);
  let s = seed;
  for (let i = 0; i < a.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    a[i] = noise > 255 ? (s >> 16) & 255 : (((i % w) * 5 + Math.floor(i / w) * 3 + ((s >> 16) % noise)) & 255);
  }
  return a;
}

test('the SIMD Sobel and SHARPEN kernels are bit-identical to the TypeScript kernels', () => {
  expect(wasmEdgesAvailable()).toBe(true);
  for (const [w, h] of [[1, 1], [1, 5], [5, 1], [2, 2], [8, 3], [9, 4], [10, 10], [17, 9], [64, 48], [255, 33], [512, 20]]) {
    for (const noise of [7, 60, 256]) {
      const src = plane(w, h, w * 7 + h + noise, noise);
      for (const [js, wasm, name] of [[sobelPlaneJs, sobelPlaneWasm, 'sobel'], [sharpenPlaneJs, sharpenPlaneWasm, 'sharpen']] as const) {
        const a = new Uint8Array(w * h), b = new Uint8Array(w * h);
        js(src, a, w, h);
        wasm(src, b, w, h);
        expect(Buffer.from(b).equals(Buffer.from(a)), `${name} ${w}×${h} noise ${noise}`).toBe(true);
      }
    }
  }
});
