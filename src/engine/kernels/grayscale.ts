import type { Frame } from '../../core/frame';

/**
 * L = round-half-even((299R + 587G + 114B) / 1000). The sum is an integer ≤ 255,000, so the
 * rounding is decided exactly in integers; precomputed products keep the loop to adds.
 */
const R = new Int32Array(256), G = new Int32Array(256), B = new Int32Array(256);
for (let v = 0; v < 256; v++) { R[v] = 299 * v; G[v] = 587 * v; B[v] = 114 * v; }

export function grayscale(src: Frame, dst: Frame): void {
  const { width: w, height: h, channels: ch } = src;
  if (ch < 3) {
    for (let y = 0; y < h; y++) dst.data.set(src.data.subarray(y * src.stride, y * src.stride + w * ch), y * dst.stride);
    return;
  }
  const out = dst.channels;
  const s = src.data, d = dst.data;
  for (let y = 0; y < h; y++) {
    let i = y * src.stride;
    let o = y * dst.stride;
    for (let x = 0; x < w; x++, i += ch, o += out) {
      const sum = R[s[i]] + G[s[i + 1]] + B[s[i + 2]];
      const q = (sum / 1000) | 0;
      const r = sum - q * 1000;
      d[o] = r > 500 || (r === 500 && (q & 1) === 1) ? q + 1 : q;
      if (ch === 4) d[o + 1] = s[i + 3];
    }
  }
}
