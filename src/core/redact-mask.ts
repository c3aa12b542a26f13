/**
 * The shape of a redaction: how much of the effect each pixel of the redacted region takes, from
 * 1 (all effect) to 0 (the original pixel, exactly). An ellipse inscribed in the region or the
 * region's rectangle, with an optional feathered edge that ramps smoothly (smoothstep) over the
 * outer `feather` % of the shape, so a mask looks deliberate rather than cut out.
 */

export type MaskShape = 'ellipse' | 'rectangle';

/** Region [x0, y0, x1, y1) in pixels, as redactRegion gives it. */
export type Region = readonly [number, number, number, number];

const smoothstep = (t: number): number => (t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t));

/**
 * The effect's weight at pixel (x, y) (its centre, x + 0.5) of region `r`. Ellipse: d is the
 * pixel's distance from the centre over the semi-axes (1 on the ellipse); weight 1 for
 * d ≤ 1 − f, 0 for d ≥ 1, smoothstep((1 − d) / f) between, f = feather / 100. Rectangle: e is
 * the distance to the nearest edge over the shorter semi-axis; weight smoothstep(e / f) (1 inside
 * with no feather). Pixels outside the region weigh 0.
 */
export function maskWeight(x: number, y: number, r: Region, shape: MaskShape, featherPct: number): number {
  const px = x + 0.5,
    py = y + 0.5;
  if (px < r[0] || px > r[2] || py < r[1] || py > r[3]) return 0;
  const a = (r[2] - r[0]) / 2,
    b = (r[3] - r[1]) / 2;
  const f = featherPct / 100;
  if (shape === 'ellipse') {
    const dx = (px - (r[0] + a)) / a,
      dy = (py - (r[1] + b)) / b;
    const d = Math.sqrt(dx * dx + dy * dy);
    if (d >= 1) return 0;
    return f <= 0 ? 1 : smoothstep((1 - d) / f);
  }
  if (f <= 0) return 1;
  const e = Math.min(px - r[0], r[2] - px, py - r[1], r[3] - py) / Math.min(a, b);
  return smoothstep(e / f);
}

/**
 * Every weight of the region, row by row (width r[2] − r[0]), quantised to 0…256 so blending is
 * integer and exact at both ends: 256 takes the effect's pixel, 0 keeps the original.
 */
export function maskWeights(r: Region, shape: MaskShape, featherPct: number): Uint16Array {
  const w = r[2] - r[0],
    h = r[3] - r[1];
  const out = new Uint16Array(Math.max(0, w * h));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) out[y * w + x] = Math.round(256 * maskWeight(r[0] + x, r[1] + y, r, shape, featherPct));
  return out;
}

/** One channel value blended: original `o`, effect `e`, weight `k` of 256 (rounded half up). */
export const blend = (o: number, e: number, k: number): number => (o * (256 - k) + e * k + 128) >> 8;
