/**
 * JPEG's YCbCr planes → RGB exactly as libjpeg-turbo produces it (and so Pillow, OpenCV and
 * wasm-vips): "fancy" triangle upsampling of subsampled chroma (jdsample.c h2v1/h2v2) and the
 * 16-bit fixed-point YCbCr → RGB tables of jdcolor.c. The browser's ImageDecoder hands over the
 * decoder's planes as they come out of the IDCT (I420, I422, I444); converting them here instead
 * of through its own RGBA conversion (libyuv: other coefficients, bilinear chroma, up to 17 levels
 * off) gives libjpeg's bytes. Tested against wasm-vips on 4:2:0, 4:2:2, 4:4:4, progressive and
 * odd-sized JPEGs, and checked once per worker at run time (engine/browser-jpeg.ts).
 */
import type { Frame } from '../../core/frame';

/** One plane's place in the decoder's buffer (VideoFrame.copyTo's PlaneLayout). */
export interface PlaneLayout {
  offset: number;
  stride: number;
}

/** Chroma subsampling factors: 4:2:0 = 2×2, 4:2:2 = 2×1, 4:4:4 = 1×1. */
export interface Subsampling {
  h: 1 | 2;
  v: 1 | 2;
}

const SCALEBITS = 16;
const ONE_HALF = 1 << (SCALEBITS - 1);
const FIX = (x: number) => Math.floor(x * (1 << SCALEBITS) + 0.5);

// jdcolor.c build_ycc_rgb_table: Cr→R and Cb→B rounded; Cr→G and Cb→G kept scaled (Cb→G carries
// the rounding half) and summed before one shift.
const CR_R = new Int32Array(256);
const CB_B = new Int32Array(256);
const CR_G = new Int32Array(256);
const CB_G = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  CR_R[i] = (FIX(1.402) * x + ONE_HALF) >> SCALEBITS;
  CB_B[i] = (FIX(1.772) * x + ONE_HALF) >> SCALEBITS;
  CR_G[i] = -FIX(0.71414) * x;
  CB_G[i] = -FIX(0.34414) * x + ONE_HALF;
}

/**
 * Whether libjpeg would use fancy upsampling for a component this wide: it falls back to plain
 * replication when a horizontally subsampled component is 2 samples wide or less.
 */
export function fancyUpsamples(width: number, sub: Subsampling): boolean {
  return sub.h === 1 || Math.ceil(width / 2) > 2;
}

/**
 * Full-resolution chroma for output row `y` (libjpeg's fancy upsampling; rows above the first and
 * below the last are the edge rows, as its main controller supplies them).
 */
function upsampleRow(src: Uint8Array, p: PlaneLayout, cw: number, ch: number, y: number, sub: Subsampling, out: Uint8Array): void {
  if (sub.v === 2) {
    // h2v2: vertical 3:1 blend with the nearer/farther chroma row, then horizontal 3:1 with
    // biases 8 and 7 (jdsample.c h2v2_fancy_upsample).
    const row = y >> 1;
    const far = (y & 1) === 0 ? Math.max(0, row - 1) : Math.min(ch - 1, row + 1);
    const a = p.offset + row * p.stride;
    const b = p.offset + far * p.stride;
    let last = 0;
    let cur = src[a] * 3 + src[b];
    for (let x = 0; x < cw; x++) {
      const next = x + 1 < cw ? src[a + x + 1] * 3 + src[b + x + 1] : 0;
      out[2 * x] = x === 0 ? (cur * 4 + 8) >> 4 : (cur * 3 + last + 8) >> 4;
      out[2 * x + 1] = x === cw - 1 ? (cur * 4 + 7) >> 4 : (cur * 3 + next + 7) >> 4;
      last = cur;
      cur = next;
    }
  } else if (sub.h === 2) {
    // h2v1: horizontal 3:1 with biases 1 and 2 (jdsample.c h2v1_fancy_upsample).
    const r = p.offset + y * p.stride;
    for (let x = 0; x < cw; x++) {
      const c = src[r + x];
      out[2 * x] = x === 0 ? c : (c * 3 + src[r + x - 1] + 1) >> 2;
      out[2 * x + 1] = x === cw - 1 ? c : (c * 3 + src[r + x + 1] + 2) >> 2;
    }
  } else {
    out.set(src.subarray(p.offset + y * p.stride, p.offset + y * p.stride + cw));
  }
}

/**
 * Converts decoder planes (Y, Cb, Cr at `layout`) of a w×h JPEG into the 3-channel frame `out`.
 * Horizontally subsampled components must satisfy `fancyUpsamples`. Vertical-only subsampling
 * (4:4:0) is not handled: callers decode those another way.
 */
export function yccToRgb(src: Uint8Array, layout: readonly PlaneLayout[], w: number, h: number, sub: Subsampling, out: Frame): void {
  if (out.width !== w || out.height !== h || out.channels !== 3) throw new RangeError('yccToRgb: output frame must be w×h×3');
  if (sub.v === 2 && sub.h !== 2) throw new RangeError('yccToRgb: 4:4:0 is not supported');
  const cw = Math.ceil(w / sub.h);
  const ch = Math.ceil(h / sub.v);
  const cb = new Uint8Array(cw * sub.h);
  const cr = new Uint8Array(cw * sub.h);
  const Y = layout[0];
  const d = out.data;
  for (let y = 0; y < h; y++) {
    upsampleRow(src, layout[1], cw, ch, y, sub, cb);
    upsampleRow(src, layout[2], cw, ch, y, sub, cr);
    const yr = Y.offset + y * Y.stride;
    for (let x = 0, o = y * out.stride; x < w; x++, o += 3) {
      const l = src[yr + x];
      const b = cb[x];
      const r = cr[x];
      const R = l + CR_R[r];
      const G = l + ((CB_G[b] + CR_G[r]) >> SCALEBITS);
      const B = l + CB_B[b];
      d[o] = R < 0 ? 0 : R > 255 ? 255 : R;
      d[o + 1] = G < 0 ? 0 : G > 255 ? 255 : G;
      d[o + 2] = B < 0 ? 0 : B > 255 ? 255 : B;
    }
  }
}
