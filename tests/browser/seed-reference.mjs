// The seed pipeline written straight from its definition (no code shared with src/), used to
// check the bytes the app writes. 601 luma → Gaussian σ2 (r = 6) → Sobel magnitude → Pillow
// SHARPEN → ×1.2; reflect-101 borders; each step rounded half-to-even and clipped.
const reflect = (i, n) => {
  if (n === 1) return 0;
  const p = 2 * n - 2;
  let m = ((i % p) + p) % p;
  return m < n ? m : p - m;
};
const rint = (x) => {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
};
const u8 = (x) => Math.max(0, Math.min(255, rint(x)));

export function seedReference(rgb, w, h, channels) {
  let g = new Float64Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const [r, gg, b] = channels >= 3 ? [rgb[i * channels], rgb[i * channels + 1], rgb[i * channels + 2]] : [rgb[i * channels], rgb[i * channels], rgb[i * channels]];
    g[i] = channels >= 3 ? u8((299 * r + 587 * gg + 114 * b) / 1000) : r;
  }
  const at = (a, x, y) => a[reflect(y, h) * w + reflect(x, w)];
  const k = [];
  for (let x = -6; x <= 6; x++) k.push(Math.exp(-(x * x) / 8));
  const ks = k.reduce((a, b) => a + b, 0);
  const kn = k.map((v) => v / ks);
  const tmp = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0;
    for (let t = 0; t < 13; t++) s += kn[t] * at(g, x + t - 6, y);
    tmp[y * w + x] = s;
  }
  const blur = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0;
    for (let t = 0; t < 13; t++) s += kn[t] * at(tmp, x, y + t - 6);
    blur[y * w + x] = u8(s);
  }
  const sob = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = (dx, dy) => at(blur, x + dx, y + dy);
    const gx = -p(-1, -1) + p(1, -1) - 2 * p(-1, 0) + 2 * p(1, 0) - p(-1, 1) + p(1, 1);
    const gy = -p(-1, -1) - 2 * p(0, -1) - p(1, -1) + p(-1, 1) + 2 * p(0, 1) + p(1, 1);
    sob[y * w + x] = u8(Math.sqrt(gx * gx + gy * gy));
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += (dx || dy ? -2 : 32) * at(sob, x + dx, y + dy);
    out[y * w + x] = u8(u8(s / 16) * 1.2);
  }
  return out;
}
