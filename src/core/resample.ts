/**
 * Area resampling for the screen: each output pixel is the mean of the source pixels it covers,
 * partly covered ones weighted by the part covered (a box filter of the scale's width). It is what
 * a down-scaled view should show — no aliasing, no stretched or dropped pixels (the old preview's
 * nearest-neighbour copy did both) — and cheap enough to run on every preview. Never used for
 * output files: those are the catalogue's resize/thumbnail.
 */
import { createFrame, type Frame } from './frame';

/** Source pixels [start, end) and their weights for each output position along one axis. */
interface Span {
  start: number;
  weights: Float32Array;
}

/** Output pixel i of `dst` covers [i·s, (i + 1)·s) of the `src`-long axis, s = src/dst. */
function spans(src: number, dst: number): Span[] {
  const s = src / dst;
  const out: Span[] = [];
  for (let i = 0; i < dst; i++) {
    const a = i * s,
      b = Math.min(src, (i + 1) * s);
    const start = Math.floor(a),
      end = Math.max(start + 1, Math.ceil(b - 1e-9));
    const weights = new Float32Array(end - start);
    for (let j = start; j < end; j++) weights[j - start] = (Math.min(b, j + 1) - Math.max(a, j)) / (b - a);
    out.push({ start, weights });
  }
  return out;
}

/**
 * `src` resampled to dw×dh by area (see above), in a fresh buffer; the same channels. Scaling up
 * repeats pixels (each output pixel lies inside one source pixel). Rounded half up.
 */
export function areaResize(src: Frame, dw: number, dh: number): Frame {
  dw = Math.max(1, Math.round(dw));
  dh = Math.max(1, Math.round(dh));
  const ch = src.channels;
  const out = createFrame(dw, dh, ch, new ArrayBuffer(dw * dh * ch));
  if (dw === src.width && dh === src.height) {
    for (let y = 0; y < dh; y++) out.data.set(src.data.subarray(y * src.stride, y * src.stride + dw * ch), y * dw * ch);
    return out;
  }
  const xs = spans(src.width, dw),
    ys = spans(src.height, dh);
  const row = new Float32Array(dw * ch);
  const acc = new Float32Array(dw * ch);
  // Each source row is reduced across once, however many output rows it feeds (at most two).
  let cachedRow = -1;
  for (let oy = 0; oy < dh; oy++) {
    acc.fill(0);
    const { start: sy0, weights: wy } = ys[oy];
    for (let k = 0; k < wy.length; k++) {
      const sy = sy0 + k;
      if (sy !== cachedRow) {
        reduceRow(src, sy, xs, row);
        cachedRow = sy;
      }
      const w = wy[k];
      for (let i = 0; i < acc.length; i++) acc[i] += w * row[i];
    }
    const o = oy * dw * ch;
    for (let i = 0; i < acc.length; i++) out.data[o + i] = Math.min(255, Math.floor(acc[i] + 0.5));
  }
  return out;
}

/** Row `sy` of `src` averaged across into `row` (dw·channels floats). */
function reduceRow(src: Frame, sy: number, xs: Span[], row: Float32Array): void {
  const ch = src.channels,
    d = src.data,
    base = sy * src.stride;
  for (let ox = 0; ox < xs.length; ox++) {
    const { start, weights } = xs[ox];
    for (let c = 0; c < ch; c++) {
      let v = 0;
      let p = base + start * ch + c;
      for (let k = 0; k < weights.length; k++, p += ch) v += weights[k] * d[p];
      row[ox * ch + c] = v;
    }
  }
}
