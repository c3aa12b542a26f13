/**
 * Area resampling for the screen: each output pixel is the mean of the source pixels it covers,
 * partly covered ones weighted by the part covered (a box filter of the scale's width). It is what
 * a down-scaled view should show — no aliasing, no stretched or dropped pixels (the old preview's
 * nearest-neighbour copy did both) — and cheap enough to run on every preview. Never used for
 * output files: those are the catalogue's resize/thumbnail.
 */
import { createFrame, type Frame } from './frame';

/** Source pixels and their weights for each output position along one axis, flat (for speed). */
interface Spans {
  start: Int32Array;
  count: Int32Array;
  /** Offset of each position's weights in `weights`. */
  at: Int32Array;
  weights: Float32Array;
}

/** Output pixel i of `dst` covers [i·s, (i + 1)·s) of the `src`-long axis, s = src/dst. */
function spans(src: number, dst: number): Spans {
  const s = src / dst;
  const start = new Int32Array(dst),
    count = new Int32Array(dst),
    at = new Int32Array(dst);
  const all: number[] = [];
  for (let i = 0; i < dst; i++) {
    const a = i * s,
      b = Math.min(src, (i + 1) * s);
    const j0 = Math.min(src - 1, Math.floor(a)),
      j1 = Math.max(j0 + 1, Math.min(src, Math.ceil(b - 1e-9)));
    start[i] = j0;
    count[i] = j1 - j0;
    at[i] = all.length;
    for (let j = j0; j < j1; j++) all.push(Math.max(0, Math.min(b, j + 1) - Math.max(a, j)) / (b - a));
  }
  return { start, count, at, weights: Float32Array.from(all) };
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
  const n = acc.length;
  const o = out.data;
  // Each source row is reduced across once, however many output rows it feeds (at most two).
  let cachedRow = -1;
  for (let oy = 0; oy < dh; oy++) {
    acc.fill(0);
    const sy0 = ys.start[oy],
      rows = ys.count[oy],
      wAt = ys.at[oy];
    for (let k = 0; k < rows; k++) {
      const sy = sy0 + k;
      if (sy !== cachedRow) {
        reduceRow(src, sy, xs, row);
        cachedRow = sy;
      }
      const w = ys.weights[wAt + k];
      for (let i = 0; i < n; i++) acc[i] += w * row[i];
    }
    const base = oy * n;
    for (let i = 0; i < n; i++) {
      const v = Math.floor(acc[i] + 0.5);
      o[base + i] = v > 255 ? 255 : v;
    }
  }
  return out;
}

/** Row `sy` of `src` averaged across into `row` (dw·channels floats); channels unrolled. */
function reduceRow(src: Frame, sy: number, xs: Spans, row: Float32Array): void {
  const ch = src.channels,
    d = src.data,
    base = sy * src.stride;
  const { start, count, at, weights } = xs;
  const dw = start.length;
  if (ch === 3 || ch === 4) {
    for (let ox = 0; ox < dw; ox++) {
      let p = base + start[ox] * ch;
      const c = count[ox],
        w0 = at[ox];
      let v0 = 0,
        v1 = 0,
        v2 = 0,
        v3 = 0;
      for (let k = 0; k < c; k++, p += ch) {
        const w = weights[w0 + k];
        v0 += w * d[p];
        v1 += w * d[p + 1];
        v2 += w * d[p + 2];
        if (ch === 4) v3 += w * d[p + 3];
      }
      const q = ox * ch;
      row[q] = v0;
      row[q + 1] = v1;
      row[q + 2] = v2;
      if (ch === 4) row[q + 3] = v3;
    }
    return;
  }
  for (let ox = 0; ox < dw; ox++) {
    const c = count[ox],
      w0 = at[ox];
    for (let j = 0; j < ch; j++) {
      let p = base + start[ox] * ch + j;
      let v = 0;
      for (let k = 0; k < c; k++, p += ch) v += weights[w0 + k] * d[p];
      row[ox * ch + j] = v;
    }
  }
}
