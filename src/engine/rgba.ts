/** Conversion of any 1–4 channel frame to tightly packed RGBA (for ImageData and VideoFrame). */
import type { Frame } from '../core/frame';

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function toRgba(f: Frame, out = new Uint8ClampedArray(f.width * f.height * 4)): Uint8ClampedArray {
  const c = f.channels;
  if (c === 1 && littleEndian) {
    // Gray → opaque RGBA one 32-bit word per pixel: 0xFF_v_v_v.
    const o32 = new Uint32Array(out.buffer, out.byteOffset, f.width * f.height);
    for (let y = 0; y < f.height; y++) {
      const row = y * f.stride;
      const o = y * f.width;
      for (let x = 0; x < f.width; x++) o32[o + x] = 0xff000000 | (f.data[row + x] * 0x010101);
    }
    return out;
  }
  for (let y = 0; y < f.height; y++) {
    let i = y * f.stride;
    let o = y * f.width * 4;
    for (let x = 0; x < f.width; x++, i += c, o += 4) {
      if (c >= 3) {
        out[o] = f.data[i];
        out[o + 1] = f.data[i + 1];
        out[o + 2] = f.data[i + 2];
        out[o + 3] = c === 4 ? f.data[i + 3] : 255;
      } else {
        out[o] = out[o + 1] = out[o + 2] = f.data[i];
        out[o + 3] = c === 2 ? f.data[i + 1] : 255;
      }
    }
  }
  return out;
}

/** Per-frame measurements for analysis exports: mean of each colour channel (0–255). */
export function channelMeans(f: Frame): number[] {
  const c = f.channels;
  const colours = c === 2 || c === 4 ? c - 1 : c;
  const sums = new Array<number>(colours).fill(0);
  for (let y = 0; y < f.height; y++) {
    let i = y * f.stride;
    for (let x = 0; x < f.width; x++, i += c) for (let k = 0; k < colours; k++) sums[k] += f.data[i + k];
  }
  return sums.map((s) => s / (f.width * f.height));
}

/** RGBA → RGB into `out` (for opaque sources such as video frames). */
export function dropAlpha(f: Frame, out: Uint8Array): Frame {
  const n = f.width * f.height;
  for (let y = 0, o = 0; y < f.height; y++) {
    let i = y * f.stride;
    for (let x = 0; x < f.width; x++, i += 4, o += 3) {
      out[o] = f.data[i];
      out[o + 1] = f.data[i + 1];
      out[o + 2] = f.data[i + 2];
    }
  }
  return { width: f.width, height: f.height, channels: 3, stride: f.width * 3, data: out.subarray(0, n * 3) };
}

/** Opaque RGBA → three planes R, G, B (alpha dropped), one 32-bit read per pixel. */
export function splitRgba(f: Frame, r: Uint8Array, g: Uint8Array, b: Uint8Array): void {
  const { width: w, height: h } = f;
  if (littleEndian && f.data.byteOffset % 4 === 0 && f.stride % 4 === 0) {
    const s32 = new Uint32Array(f.data.buffer, f.data.byteOffset, (f.stride * (h - 1)) / 4 + w);
    for (let y = 0; y < h; y++) {
      const row = (y * f.stride) / 4,
        o = y * w;
      for (let x = 0; x < w; x++) {
        const p = s32[row + x];
        r[o + x] = p;
        g[o + x] = p >> 8;
        b[o + x] = p >> 16;
      }
    }
    return;
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0, i = y * f.stride, o = y * w; x < w; x++, i += 4) {
      r[o + x] = f.data[i];
      g[o + x] = f.data[i + 1];
      b[o + x] = f.data[i + 2];
    }
  }
}

/** Three planes → opaque RGBA words (`out` viewing n × 4 bytes). */
export function mergePlanes(r: Uint8Array, g: Uint8Array, b: Uint8Array, n: number, out: Uint32Array): void {
  if (littleEndian) {
    for (let i = 0; i < n; i++) out[i] = 0xff000000 | (b[i] << 16) | (g[i] << 8) | r[i];
    return;
  }
  const o8 = new Uint8Array(out.buffer, out.byteOffset, n * 4);
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    o8[o] = r[i];
    o8[o + 1] = g[i];
    o8[o + 2] = b[i];
    o8[o + 3] = 255;
  }
}
