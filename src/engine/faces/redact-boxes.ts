/**
 * Redaction of given boxes, the one implementation of the effects: the redact-faces step uses
 * it for the boxes it detects, video for tracked boxes (including boxes the detector missed in
 * a frame). Definition in src/core/catalogue/faces.ts: margin, blur σ = strength % × max(w, h) / 4
 * (on a shrunk copy), pixelate cells of ceil(max(w, h) / blocks), a fill colour or a picture
 * stretched over the region (engine/faces/redact-picture.ts decodes it), kept inside
 * the mask's shape (core/redact-mask.ts: ellipse or rectangle, feathered edge). In place.
 */
import type { REDACT_PARAMS } from '../../core/catalogue/faces';
import type { ParamsOf } from '../../core/catalogue/types';
import type { Frame } from '../../core/frame';
import { withScope } from '../../core/scope';
import { blend, maskWeights, type Region } from '../../core/redact-mask';
import { areaResize } from '../../core/resample';
import { cvMessage, type CV } from '../opencv';

/** How a box is hidden (core/catalogue/faces.ts REDACT_PARAMS). */
export type RedactParams = ParamsOf<typeof REDACT_PARAMS>;

/** The face box grown by margin % of its width/height on each side, clipped, as integer [x0, y0, x1, y1). */
export function redactRegion(box: readonly number[], marginPct: number, w: number, h: number): [number, number, number, number] {
  const mx = (box[2] * marginPct) / 100;
  const my = (box[3] * marginPct) / 100;
  return [
    Math.max(0, Math.floor(box[0] - mx)),
    Math.max(0, Math.floor(box[1] - my)),
    Math.min(w, Math.ceil(box[0] + box[2] + mx)),
    Math.min(h, Math.ceil(box[1] + box[3] + my)),
  ];
}

const colourChannels = (f: Frame): number => (f.channels === 2 || f.channels === 4 ? f.channels - 1 : f.channels);

function fill(f: Frame, r: number[], rgb: number[]): void {
  const cc = colourChannels(f);
  const vals = cc === 1 ? [Math.round(0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2])] : rgb;
  for (let y = r[1]; y < r[3]; y++)
    for (let x = r[0], i = y * f.stride + r[0] * f.channels; x < r[2]; x++, i += f.channels)
      for (let c = 0; c < cc; c++) f.data[i + c] = vals[c];
}

function pixelate(f: Frame, r: number[], blocks: number): void {
  const cc = colourChannels(f);
  const cell = Math.max(1, Math.ceil(Math.max(r[2] - r[0], r[3] - r[1]) / blocks));
  const sum = new Float64Array(cc);
  for (let by = r[1]; by < r[3]; by += cell)
    for (let bx = r[0]; bx < r[2]; bx += cell) {
      const ey = Math.min(r[3], by + cell);
      const ex = Math.min(r[2], bx + cell);
      sum.fill(0);
      for (let y = by; y < ey; y++)
        for (let x = bx, i = y * f.stride + bx * f.channels; x < ex; x++, i += f.channels)
          for (let c = 0; c < cc; c++) sum[c] += f.data[i + c];
      const n = (ey - by) * (ex - bx);
      const mean = Array.from(sum, (s) => Math.round(s / n));
      for (let y = by; y < ey; y++)
        for (let x = bx, i = y * f.stride + bx * f.channels; x < ex; x++, i += f.channels)
          for (let c = 0; c < cc; c++) f.data[i + c] = mean[c];
    }
}

/**
 * Gaussian blur of region r (σ in full-resolution pixels), written back inside r only. The region
 * padded by the kernel radius is shrunk by k = max(1, σ / BLUR_SMALL_SIGMA) (INTER_AREA), blurred
 * with σ / k, and enlarged back (INTER_LINEAR): the same look as the full blur at a 1/k² of the
 * cost, so a default-strength blur of a 1000-px face takes a few ms instead of seconds.
 */
export const BLUR_SMALL_SIGMA = 2;

function blur(cv: CV, f: Frame, r: number[], sigma: number): void {
  const rad = Math.ceil(3 * sigma);
  const px0 = Math.max(0, r[0] - rad),
    py0 = Math.max(0, r[1] - rad);
  const px1 = Math.min(f.width, r[2] + rad),
    py1 = Math.min(f.height, r[3] + rad);
  const pw = px1 - px0,
    ph = py1 - py0;
  const cc = colourChannels(f);
  const k = Math.max(1, Math.min(sigma / BLUR_SMALL_SIGMA, pw / 4, ph / 4));
  try {
    withScope(({ track: keep }) => {
      const m = keep(new cv.Mat(ph, pw, cc === 1 ? cv.CV_8UC1 : cv.CV_8UC3));
      const d = m.data;
      for (let y = 0, o = 0; y < ph; y++)
        for (let x = 0, i = (py0 + y) * f.stride + px0 * f.channels; x < pw; x++, i += f.channels)
          for (let c = 0; c < cc; c++) d[o++] = f.data[i + c];
      const out = keep(new cv.Mat());
      if (k <= 1) cv.GaussianBlur(m, out, new cv.Size(2 * rad + 1, 2 * rad + 1), sigma, sigma, cv.BORDER_REPLICATE);
      else {
        const small = keep(new cv.Mat());
        cv.resize(m, small, new cv.Size(Math.max(1, Math.round(pw / k)), Math.max(1, Math.round(ph / k))), 0, 0, cv.INTER_AREA);
        const s = sigma / k;
        const sr = Math.ceil(3 * s);
        const sb = keep(new cv.Mat());
        cv.GaussianBlur(small, sb, new cv.Size(2 * sr + 1, 2 * sr + 1), s, s, cv.BORDER_REPLICATE);
        cv.resize(sb, out, new cv.Size(pw, ph), 0, 0, cv.INTER_LINEAR);
      }
      const b = out.data;
      for (let y = r[1]; y < r[3]; y++)
        for (let x = r[0], i = y * f.stride + x * f.channels, o = ((y - py0) * pw + (x - px0)) * cc; x < r[2]; x++, i += f.channels)
          for (let c = 0; c < cc; c++) f.data[i + c] = b[o++];
    });
  } catch (e) {
    throw new Error(`redact-faces: OpenCV failed: ${cvMessage(cv, e)}`);
  }
}

/**
 * The picture (RGBA, straight alpha) stretched over region r by area resampling and put over it
 * with its alpha: k = round(256 × a / 255), so a transparent pixel keeps the original exactly.
 */
function picture(f: Frame, r: Region, pic: Frame): void {
  const cc = colourChannels(f);
  const rw = r[2] - r[0];
  const p = areaResize(pic, rw, r[3] - r[1]).data;
  for (let y = r[1]; y < r[3]; y++)
    for (let x = r[0], i = y * f.stride + r[0] * f.channels, o = (y - r[1]) * rw * 4; x < r[2]; x++, i += f.channels, o += 4) {
      const k = Math.round((p[o + 3] * 256) / 255);
      if (k === 0) continue;
      if (cc === 1) f.data[i] = blend(f.data[i], Math.round(0.299 * p[o] + 0.587 * p[o + 1] + 0.114 * p[o + 2]), k);
      else for (let c = 0; c < 3; c++) f.data[i + c] = blend(f.data[i + c], p[o + c], k);
    }
}

function hexRgb(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** The region's pixels, packed (its original, for blending). */
function copyRegion(f: Frame, r: Region): Uint8Array {
  const row = (r[2] - r[0]) * f.channels;
  const out = new Uint8Array(row * (r[3] - r[1]));
  for (let y = r[1]; y < r[3]; y++)
    out.set(f.data.subarray(y * f.stride + r[0] * f.channels, y * f.stride + r[2] * f.channels), (y - r[1]) * row);
  return out;
}

/**
 * The effect (already in f) kept by the mask's weights, the original elsewhere: weight 0 gives the
 * original byte for byte, so pixels outside the shape are untouched. Alpha is never changed.
 */
function applyMask(f: Frame, r: Region, orig: Uint8Array, weights: Uint16Array): void {
  const cc = colourChannels(f);
  const w = r[2] - r[0];
  for (let y = r[1]; y < r[3]; y++)
    for (
      let x = r[0], i = y * f.stride + r[0] * f.channels, o = (y - r[1]) * w * f.channels, m = (y - r[1]) * w;
      x < r[2];
      x++, i += f.channels, o += f.channels, m++
    ) {
      const k = weights[m];
      if (k === 256) continue;
      for (let c = 0; c < cc; c++) f.data[i + c] = k === 0 ? orig[o + c] : blend(orig[o + c], f.data[i + c], k);
    }
}

/**
 * Redacts each box of `boxes` in `f` (in place) with a redaction's params (redact-faces',
 * redact-regions'). `cv` only for blur, `pic` (RGBA, from redactPicture) only for the picture effect.
 */
export function redactBoxes(f: Frame, boxes: readonly (readonly number[])[], p: RedactParams, cv?: CV, pic?: Frame): void {
  if (p.effect === 'picture' && (!pic || pic.channels !== 4)) throw new Error('redactBoxes: the picture effect needs an RGBA picture');
  for (const box of boxes) {
    const r = redactRegion(box, p.margin, f.width, f.height);
    if (r[2] <= r[0] || r[3] <= r[1]) continue;
    // A full rectangle needs no mask; any other shape keeps the original to blend with.
    const masked = p.shape !== 'rectangle' || p.feather > 0;
    const orig = masked ? copyRegion(f, r) : undefined;
    if (p.effect === 'fill') fill(f, r, hexRgb(p.color));
    else if (p.effect === 'pixelate') pixelate(f, r, p.blocks);
    else if (p.effect === 'picture') picture(f, r, pic as Frame);
    else {
      if (!cv) throw new Error('redactBoxes: blur needs OpenCV');
      blur(cv, f, r, Math.max(0.5, ((p.strength / 100) * Math.max(box[2], box[3])) / 4));
    }
    if (orig) applyMask(f, r, orig, maskWeights(r, p.shape, p.feather));
  }
}
