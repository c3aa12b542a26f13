// The seed pipeline written straight from its definition (no code shared with src/), used to
// check the bytes the app writes. 601 luma → Gaussian σ2 (r = 6, float32) → Sobel magnitude → Pillow
// SHARPEN → ×1.2; reflect-101 borders; each step rounded half-to-even and clipped.
/** Reflect-101 index into 0…n−1. @param {number} i @param {number} n */
const reflect = (i, n) => {
  if (n === 1) return 0;
  const p = 2 * n - 2;
  let m = ((i % p) + p) % p;
  return m < n ? m : p - m;
};
/** Rounds half to even. @param {number} x */
const rint = (x) => {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
};
/** @param {number} x */
const u8 = (x) => Math.max(0, Math.min(255, rint(x)));

/**
 * The seed pipeline's gray output for interleaved 8-bit pixels.
 * @param {ArrayLike<number>} rgb @param {number} w @param {number} h @param {number} channels
 */
export function seedReference(rgb, w, h, channels) {
  let g = new Float64Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const [r, gg, b] =
      channels >= 3
        ? [rgb[i * channels], rgb[i * channels + 1], rgb[i * channels + 2]]
        : [rgb[i * channels], rgb[i * channels], rgb[i * channels]];
    g[i] = channels >= 3 ? u8((299 * r + 587 * gg + 114 * b) / 1000) : r;
  }
  /** @param {ArrayLike<number>} a @param {number} x @param {number} y */
  const at = (a, x, y) => a[reflect(y, h) * w + reflect(x, w)];
  // Gaussian per its catalogue definition: float64 weights normalised, rounded to float32; each
  // pass sums k_j·(p[x−r+j] + p[x+r−j]) for j = 0…r−1 then k_r·p[x], every sum and product
  // rounded to float32; horizontal, then vertical on the unrounded horizontal result.
  const f = Math.fround;
  const k = [];
  for (let x = -6; x <= 6; x++) k.push(Math.exp(-(x * x) / 8));
  const ks = k.reduce((a, b) => a + b, 0);
  const kn = k.map((v) => f(v / ks));
  /**
   * @param {Float64Array} src
   * @param {(a: Float64Array, x: number, y: number, d: number) => number} get the pixel `d` away along the pass
   */
  const pass = (src, get) => {
    const out = new Float64Array(w * h);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let j = 0; j < 6; j++) s = f(s + f(kn[j] * f(get(src, x, y, j - 6) + get(src, x, y, 6 - j))));
        out[y * w + x] = f(s + f(kn[6] * get(src, x, y, 0)));
      }
    return out;
  };
  const tmp = pass(g, (a, x, y, d) => at(a, x + d, y));
  const blurred = pass(tmp, (a, x, y, d) => at(a, x, y + d));
  const blur = blurred.map(u8);
  const sob = new Float64Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      /** @param {number} dx @param {number} dy */
      const p = (dx, dy) => at(blur, x + dx, y + dy);
      const gx = -p(-1, -1) + p(1, -1) - 2 * p(-1, 0) + 2 * p(1, 0) - p(-1, 1) + p(1, 1);
      const gy = -p(-1, -1) - 2 * p(0, -1) - p(1, -1) + p(-1, 1) + 2 * p(0, 1) + p(1, 1);
      sob[y * w + x] = u8(Math.sqrt(gx * gx + gy * gy));
    }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += (dx || dy ? -2 : 32) * at(sob, x + dx, y + dy);
      out[y * w + x] = u8(u8(s / 16) * 1.2);
    }
  return out;
}
