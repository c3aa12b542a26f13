import { gaussianBlurPlane } from './gaussian-blur';
import { scratchU8 } from './scratch';

/**
 * Unsharp mask: b = the gaussian-blur op's result (rounded bytes, reflect-101); d = v − b;
 * out = round-half-even(v + amount·d) in float64, clipped, where |d| ≥ threshold, else v.
 */
export function unsharpPlane(
  src: Uint8Array,
  dst: Uint8Array,
  w: number,
  h: number,
  sigma: number,
  amount: number,
  threshold: number,
): void {
  const n = w * h;
  const blurred = scratchU8('usm-blur', n);
  gaussianBlurPlane(src, blurred, w, h, sigma);
  for (let i = 0; i < n; i++) {
    const v = src[i];
    const d = v - blurred[i];
    if (d < threshold && -d < threshold) {
      dst[i] = v;
      continue;
    }
    const x = v + amount * d;
    let q = Math.round(x);
    if (q - x === 0.5 && (q & 1) !== 0) q -= 1;
    dst[i] = q < 0 ? 0 : q > 255 ? 255 : q;
  }
}
