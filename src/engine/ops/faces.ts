/**
 * detect-faces and redact-faces (engine 'opencv'; definitions in src/core/catalogue/faces.ts).
 * Detection is src/engine/faces/detect.ts; both ops report { width, height, faces } as 'faces'.
 */
import type { Params } from '../../core/catalogue';
import type { Frame } from '../../core/frame';
import { detectFaces } from '../faces/detect';
import type { DetectorName, Face } from '../faces/types';
import { cvMessage, loadOpenCV, type CV } from '../opencv';
import type { OpContext, OpTable } from './context';

export interface FacesReport {
  width: number;
  height: number;
  faces: Face[];
}

async function findFaces(src: Frame, p: Params, ctx: OpContext): Promise<{ cv: CV; faces: Face[] }> {
  const { cv } = await loadOpenCV();
  const faces = await detectFaces(cv, src, { detector: p.detector as DetectorName, minScore: p.minScore as number, minSize: p.minSize as number });
  ctx.report?.('faces', { width: src.width, height: src.height, faces } satisfies FacesReport);
  return { cv, faces };
}

/** A packed copy of `src` in a ctx frame. */
function copyOf(src: Frame, ctx: OpContext): Frame {
  const out = ctx.alloc(src.width, src.height, src.channels);
  const row = src.width * src.channels;
  if (src.stride === row) out.data.set(src.data.subarray(0, row * src.height));
  else for (let y = 0; y < src.height; y++) out.data.set(src.data.subarray(y * src.stride, y * src.stride + row), y * row);
  return out;
}

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
  for (let y = r[1]; y < r[3]; y++) for (let x = r[0], i = y * f.stride + r[0] * f.channels; x < r[2]; x++, i += f.channels) for (let c = 0; c < cc; c++) f.data[i + c] = vals[c];
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
      for (let y = by; y < ey; y++) for (let x = bx, i = y * f.stride + bx * f.channels; x < ex; x++, i += f.channels) for (let c = 0; c < cc; c++) sum[c] += f.data[i + c];
      const n = (ey - by) * (ex - bx);
      const mean = Array.from(sum, (s) => Math.round(s / n));
      for (let y = by; y < ey; y++) for (let x = bx, i = y * f.stride + bx * f.channels; x < ex; x++, i += f.channels) for (let c = 0; c < cc; c++) f.data[i + c] = mean[c];
    }
}

function blur(cv: CV, f: Frame, r: number[], sigma: number): void {
  const rad = Math.ceil(3 * sigma);
  const px0 = Math.max(0, r[0] - rad), py0 = Math.max(0, r[1] - rad);
  const px1 = Math.min(f.width, r[2] + rad), py1 = Math.min(f.height, r[3] + rad);
  const pw = px1 - px0, ph = py1 - py0;
  const cc = colourChannels(f);
  const m = new cv.Mat(ph, pw, cc === 1 ? cv.CV_8UC1 : cv.CV_8UC3);
  const out = new cv.Mat();
  try {
    const d = m.data;
    for (let y = 0, o = 0; y < ph; y++) for (let x = 0, i = (py0 + y) * f.stride + px0 * f.channels; x < pw; x++, i += f.channels) for (let c = 0; c < cc; c++) d[o++] = f.data[i + c];
    cv.GaussianBlur(m, out, new cv.Size(2 * rad + 1, 2 * rad + 1), sigma, sigma, cv.BORDER_REPLICATE);
    const b = out.data;
    for (let y = r[1]; y < r[3]; y++)
      for (let x = r[0], i = y * f.stride + x * f.channels, o = ((y - py0) * pw + (x - px0)) * cc; x < r[2]; x++, i += f.channels) for (let c = 0; c < cc; c++) f.data[i + c] = b[o++];
  } catch (e) {
    throw new Error(`redact-faces: OpenCV failed: ${cvMessage(cv, e)}`);
  } finally {
    out.delete();
    m.delete();
  }
}

function hexRgb(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

export const FACE_OPS_TABLE: OpTable = {
  'detect-faces': async (src, p, ctx) => {
    await findFaces(src, p, ctx);
    return src;
  },

  'redact-faces': async (src, p, ctx) => {
    const { cv, faces } = await findFaces(src, p, ctx);
    const out = copyOf(src, ctx);
    for (const face of faces) {
      const r = redactRegion(face.box, p.margin as number, src.width, src.height);
      if (r[2] <= r[0] || r[3] <= r[1]) continue;
      if (p.effect === 'fill') fill(out, r, hexRgb(p.color as string));
      else if (p.effect === 'pixelate') pixelate(out, r, p.blocks as number);
      else blur(cv, out, r, Math.max(0.5, (((p.strength as number) / 100) * Math.max(face.box[2], face.box[3])) / 4));
    }
    return out;
  },
};
