/**
 * The 'opencv' engine: OpenCV.js, loaded on first use. Every Mat is tracked in the op's Scope
 * (core/scope.ts) and deleted when the op ends, whatever happens.
 *
 * Each op copies the frame's colour channels into one Mat in the wasm heap (one copy; rows are
 * copied one by one when the frame's stride is not width × channels), runs OpenCV, and copies
 * the result into a `ctx.alloc` frame, putting the input's alpha channel back unchanged.
 * Frames are RGB; only RGB conversion codes are used (never BGR).
 */
import { getOperation } from '../../core/catalogue';
import type { Frame } from '../../core/frame';
import { withScope, type Scope } from '../../core/scope';
import { cvMessage, loadOpenCV, type CV } from '../opencv';
import type { EngineTable, OpContext } from './context';
import { FACE_OPS_TABLE } from './faces';
import { REGION_OPS_TABLE } from './regions';

type Mat = InstanceType<CV['Mat']>;
type Keep = Scope['track'];

/**
 * Runs `body` with OpenCV; everything passed to `keep` is deleted afterwards, whatever happens.
 * OpenCV's C++ exceptions (numbers) become Errors naming the op.
 */
async function withCv(op: string, body: (cv: CV, keep: Keep) => Frame): Promise<Frame> {
  const { cv } = await loadOpenCV(getOperation(op)?.label ?? op);
  try {
    return withScope((scope) => body(cv, scope.track));
  } catch (e) {
    throw new Error(`${op}: OpenCV failed: ${cvMessage(cv, e)}`);
  }
}

const hasAlpha = (f: Frame): boolean => f.channels === 2 || f.channels === 4;

/** The frame's colour channels as a CV_8UC1 (gray, gray+alpha) or CV_8UC3 (RGB, RGBA) Mat. */
function colourMat(cv: CV, f: Frame, keep: Keep): Mat {
  const { width: w, height: h, channels: ch, stride } = f;
  if (ch === 2) {
    const m = keep(new cv.Mat(h, w, cv.CV_8UC1));
    const d = m.data;
    for (let y = 0, o = 0; y < h; y++) for (let x = 0, s = y * stride; x < w; x++, s += 2) d[o++] = f.data[s];
    return m;
  }
  const row = w * ch;
  const m = keep(new cv.Mat(h, w, ch === 1 ? cv.CV_8UC1 : ch === 3 ? cv.CV_8UC3 : cv.CV_8UC4));
  const d = m.data;
  if (stride === row) d.set(f.data.subarray(0, row * h));
  else for (let y = 0; y < h; y++) d.set(f.data.subarray(y * stride, y * stride + row), y * row);
  if (ch !== 4) return m;
  const rgb = keep(new cv.Mat());
  cv.cvtColor(m, rgb, cv.COLOR_RGBA2RGB);
  return rgb;
}

/** Copies a continuous 8-bit Mat of src's size into a new frame, adding src's alpha if it has one. */
function toFrame(mat: Mat, src: Frame, ctx: OpContext): Frame {
  const { width: w, height: h } = src;
  const n = mat.channels();
  if (mat.rows !== h || mat.cols !== w || !mat.isContinuous()) throw new Error(`unexpected ${mat.cols}×${mat.rows} result`);
  const d = mat.data;
  if (!hasAlpha(src)) {
    const out = ctx.alloc(w, h, n);
    out.data.set(d.subarray(0, w * h * n));
    return out;
  }
  const out = ctx.alloc(w, h, n + 1);
  const o = out.data;
  const sc = src.channels;
  let i = 0;
  let j = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0, a = y * src.stride + sc - 1; x < w; x++, a += sc) {
      for (let c = 0; c < n; c++) o[j++] = d[i++];
      o[j++] = src.data[a];
    }
  }
  return out;
}

/** Applies a gray-plane operation to gray input, or to the Y of YCrCb for colour input. */
function onLuma(cv: CV, m: Mat, keep: Keep, apply: (src: Mat, dst: Mat) => void): Mat {
  const out = keep(new cv.Mat());
  if (m.channels() === 1) {
    apply(m, out);
    return out;
  }
  const ycc = keep(new cv.Mat());
  cv.cvtColor(m, ycc, cv.COLOR_RGB2YCrCb);
  const planes = keep(new cv.MatVector());
  cv.split(ycc, planes);
  const y = keep(planes.get(0));
  const y2 = keep(new cv.Mat());
  apply(y, y2);
  planes.set(0, y2);
  cv.merge(planes, ycc);
  cv.cvtColor(ycc, out, cv.COLOR_YCrCb2RGB);
  return out;
}

export const OPENCV_OPS: EngineTable<'opencv'> = {
  median: (src, p, ctx) =>
    withCv('median', (cv, keep) => {
      const m = colourMat(cv, src, keep);
      const dst = keep(new cv.Mat());
      cv.medianBlur(m, dst, 2 * p.radius + 1);
      return toFrame(dst, src, ctx);
    }),

  bilateral: (src, p, ctx) =>
    withCv('bilateral', (cv, keep) => {
      const m = colourMat(cv, src, keep);
      const dst = keep(new cv.Mat()); // bilateralFilter cannot work in place
      cv.bilateralFilter(m, dst, p.diameter, p.sigmaColor, p.sigmaSpace, cv.BORDER_DEFAULT);
      return toFrame(dst, src, ctx);
    }),

  canny: (src, p, ctx) =>
    withCv('canny', (cv, keep) => {
      const m = colourMat(cv, src, keep);
      let gray = m;
      if (m.channels() === 3) {
        gray = keep(new cv.Mat());
        cv.cvtColor(m, gray, cv.COLOR_RGB2GRAY);
      }
      const lo = Math.min(p.low, p.high);
      const hi = Math.max(p.low, p.high);
      const edges = keep(new cv.Mat());
      cv.Canny(gray, edges, lo, hi, 3, false);
      return toFrame(edges, src, ctx);
    }),

  equalize: (src, _p, ctx) =>
    withCv('equalize', (cv, keep) => {
      const out = onLuma(cv, colourMat(cv, src, keep), keep, (a, b) => cv.equalizeHist(a, b));
      return toFrame(out, src, ctx);
    }),

  clahe: (src, p, ctx) =>
    withCv('clahe', (cv, keep) => {
      const tiles = p.tiles;
      const clahe = keep(new cv.CLAHE(p.clipLimit, new cv.Size(tiles, tiles)));
      const out = onLuma(cv, colourMat(cv, src, keep), keep, (a, b) => clahe.apply(a, b));
      return toFrame(out, src, ctx);
    }),

  ...FACE_OPS_TABLE,
  ...REGION_OPS_TABLE,
};
