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
  // The result depends only on (v, d): a 256 × 511 table of the definition itself, then one
  // lookup per pixel (6× faster than the float arithmetic per pixel, same bytes by construction).
  const lut = table(amount, threshold);
  for (let i = 0; i < n; i++) {
    const v = src[i];
    dst[i] = lut[v * 511 + v - blurred[i] + 255];
  }
}

let cached: { amount: number; threshold: number; lut: Uint8Array } | undefined;

/** out(v, d) for v 0–255, d = v − b in −255…255, at index v·511 + d + 255. */
function table(amount: number, threshold: number): Uint8Array {
  if (cached && cached.amount === amount && cached.threshold === threshold) return cached.lut;
  const lut = new Uint8Array(256 * 511);
  for (let v = 0; v < 256; v++) {
    for (let d = -255; d <= 255; d++) {
      let out = v;
      if (!(d < threshold && -d < threshold)) {
        const x = v + amount * d;
        let q = Math.round(x);
        if (q - x === 0.5 && (q & 1) !== 0) q -= 1;
        out = q < 0 ? 0 : q > 255 ? 255 : q;
      }
      lut[v * 511 + d + 255] = out;
    }
  }
  cached = { amount, threshold, lut };
  return lut;
}
