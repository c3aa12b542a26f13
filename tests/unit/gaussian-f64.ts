/**
 * The previous Gaussian definition (float64 throughout, terms in kernel order, one rounding at the
 * end), kept to measure how far the float32 definition is from it. Not used by the engine.
 */
import { gaussianKernel } from '../../src/engine/kernels/gaussian-blur';
import { reflect101 } from './reference';

export function gaussianBlurPlaneF64(src: Uint8Array, dst: Uint8Array, w: number, h: number, sigma: number): void {
  const k = gaussianKernel(sigma);
  const taps = k.length;
  const r = (taps - 1) >> 1;
  const hor = new Float64Array(w * h);
  const xIndex = new Int32Array(w + 2 * r);
  for (let i = 0; i < w + 2 * r; i++) xIndex[i] = reflect101(i - r, w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = 0; j < taps; j++) s += k[j] * src[y * w + xIndex[x + j]];
      hor[y * w + x] = s;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let t = 0; t < taps; t++) s += k[t] * hor[reflect101(y + t - r, h) * w + x];
      let q = Math.round(s);
      if (q - s === 0.5 && (q & 1) !== 0) q -= 1;
      dst[y * w + x] = q < 0 ? 0 : q > 255 ? 255 : q;
    }
}
