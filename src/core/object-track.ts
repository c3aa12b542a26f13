/**
 * Tracking of arbitrary objects the user marks in a video (a licence plate, a badge, a screen):
 * a correlation tracker in pure TypeScript, generalised from the face tracker's appearance match
 * (core/faces-track.ts).
 *
 * Why not OpenCV: the OpenCV.js build the project ships (@techstark/opencv-js) has no CSRT, KCF,
 * GOTURN, Nano or MOSSE tracker (`'TrackerCSRT' in cv` etc. are false); it has only TrackerMIL,
 * which follows position only (no scale change) and whose update() reports success on almost
 * every frame (no usable confidence, so it drifts instead of saying the object is lost), and it
 * would need the full-size frame as a Mat in one OpenCV instance per object, in frame order.
 *
 * The model, per object:
 * - The frames are gray copies shrunk by an integer factor so the long side is ≤ 640 px
 *   (`grayFactor`: 1080p → factor 3 → 640×360, area-averaged by `toGray`). Boxes in and out are
 *   in the video's pixels; the source's `scale` converts.
 * - Template: the object's box, area-averaged into a grid of cells, 32 on the box's long side
 *   and proportionally fewer (≥ 8) on its short side — so the template has the same cells at
 *   any object size, and scale search is sampling the candidate box into the same grid. Cells
 *   are exact area means with fractional edges, read from the frame's integral image (bilinear
 *   in the integral), so sub-pixel positions and sizes sample smoothly.
 * - Each frame: the box moves by the smoothed velocity (prediction); around it, a window of ±R
 *   cells is searched at scales 0.95, 1, 1.05 of the box by zero-mean normalised cross-correlation
 *   (NCC) with the template; the peak is refined to sub-cell precision by a parabola through its
 *   neighbours, and the scale by a parabola through the three scales' peaks.
 * - Confidence = the peak NCC. Below `lostBelow` the object is LOST: its box is not moved to
 *   the match (no drift onto the occluder); the prediction keeps moving with the last velocity
 *   and is searched with a larger window (±2R) for up to `maxLost` frames; a match ≥
 *   `reacquireAt` re-acquires it, else the track ends there.
 * - Template update only on confident frames (NCC ≥ `updateAt`): the live template is an
 *   exponential average of the matched patches (rate `learnRate`), and the template matched is
 *   always the initial one blended half and half with it, so appearance changes (lighting, a
 *   slight turn) are followed while the initial appearance anchors it against drift.
 */

import { normalised } from './ncc';

export type Box = [number, number, number, number];

/** A template flatter than this (mean squared deviation, gray levels²) has nothing to follow. */
const FLAT = 1e-4;

/** An 8-bit gray frame, tightly packed. */
export interface GrayFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A clip's gray frames, random access (tracking runs forwards and backwards). */
export interface GrayFrameSource {
  /** Frames in the clip. */
  length: number;
  /** Gray pixels per video pixel (1 / the shrink factor): boxes are given and returned in video pixels. */
  scale: number;
  frame(index: number): GrayFrame;
}

export interface ObjectTrackOptions {
  /** Cells on the template's long side. */
  templateCells: number;
  /** Search radius around the prediction, in cells (doubled while lost). */
  radius: number;
  /** Box scales tried each frame. */
  scales: readonly number[];
  /** Peak NCC below this: the object is lost. */
  lostBelow: number;
  /** While lost: the peak NCC that re-acquires it. */
  reacquireAt: number;
  /** Frames a lost object is predicted and searched for before its track ends. */
  maxLost: number;
  /** Peak NCC at or above which the template learns from the frame. */
  updateAt: number;
  /** Weight of a confident frame's patch in the live template. */
  learnRate: number;
}

export const DEFAULT_OBJECT_TRACK: ObjectTrackOptions = {
  templateCells: 32,
  radius: 6,
  scales: [0.95, 1, 1.05],
  lostBelow: 0.5,
  reacquireAt: 0.6,
  maxLost: 15,
  updateAt: 0.8,
  learnRate: 0.1,
};

/** One frame of a track: the box (video pixels), the peak NCC, and whether the object is lost there (the box is then the prediction). */
export interface TrackPoint {
  frame: number;
  box: Box;
  confidence: number;
  lost?: true;
}

/** Long gray side ≤ this (see grayFactor). */
export const GRAY_LONG_SIDE = 640;

/** The integer shrink factor for a video's gray copies: the long side becomes ≤ 640 px. */
export function grayFactor(width: number, height: number): number {
  return Math.max(1, Math.ceil(Math.max(width, height) / GRAY_LONG_SIDE));
}

/**
 * Rec. 601 luma of interleaved 8-bit pixels (1–4 channels, row `stride` bytes; colour read as
 * luma, alpha ignored), area-averaged over `factor`×`factor` blocks (partial blocks at the right
 * and bottom edge averaged over what they hold).
 */
export function toGray(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
  factor: number,
  stride = width * channels,
): GrayFrame {
  const gw = Math.ceil(width / factor),
    gh = Math.ceil(height / factor);
  const sum = new Float32Array(gw);
  const out = new Uint8Array(gw * gh);
  const colour = channels >= 3;
  for (let gy = 0; gy < gh; gy++) {
    sum.fill(0);
    const y1 = Math.min(height, (gy + 1) * factor);
    for (let y = gy * factor; y < y1; y++) {
      let o = y * stride;
      if (colour)
        for (let x = 0; x < width; x++, o += channels) sum[(x / factor) | 0] += 0.299 * data[o] + 0.587 * data[o + 1] + 0.114 * data[o + 2];
      else for (let x = 0; x < width; x++, o += channels) sum[(x / factor) | 0] += data[o];
    }
    const rows = y1 - gy * factor;
    for (let gx = 0; gx < gw; gx++) {
      const cols = Math.min(width, (gx + 1) * factor) - gx * factor;
      out[gy * gw + gx] = Math.round(sum[gx] / (rows * cols));
    }
  }
  return { width: gw, height: gh, data: out };
}

/** A frame's integral image, (w + 1) × (h + 1). */
interface Integral {
  w: number;
  h: number;
  s: Float64Array;
}

function integral(f: GrayFrame): Integral {
  const w = f.width,
    h = f.height,
    W = w + 1;
  const s = new Float64Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += f.data[y * w + x];
      s[(y + 1) * W + x + 1] = s[y * W + x + 1] + row;
    }
  }
  return { w, h, s };
}

/** The integral at a fractional point (bilinear), the point clamped to the frame (edges repeat by clamping the cells instead). */
function at(I: Integral, x: number, y: number): number {
  const W = I.w + 1;
  const x0 = Math.floor(x),
    y0 = Math.floor(y);
  const fx = x - x0,
    fy = y - y0;
  const x1 = Math.min(I.w, x0 + 1),
    y1 = Math.min(I.h, y0 + 1);
  const a = I.s[y0 * W + x0],
    b = I.s[y0 * W + x1],
    c = I.s[y1 * W + x0],
    d = I.s[y1 * W + x1];
  return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
}

/**
 * Mean gray of n×m cells of cw×ch px from (x0, y0): exact area means with fractional edges. A cell
 * reaching outside the frame is clipped to it (an edge cell then averages what is inside; a cell
 * wholly outside takes the nearest edge's value).
 */
function cells(I: Integral, x0: number, y0: number, cw: number, ch: number, n: number, m: number): Float32Array {
  const out = new Float32Array(n * m);
  const xs = new Float64Array(n + 1),
    ys = new Float64Array(m + 1);
  for (let i = 0; i <= n; i++) xs[i] = x0 + i * cw;
  for (let j = 0; j <= m; j++) ys[j] = y0 + j * ch;
  const clip = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
  for (let j = 0; j < m; j++) {
    let ya = clip(ys[j], I.h),
      yb = clip(ys[j + 1], I.h);
    if (yb - ya < 1e-3) {
      // Wholly outside (or a sliver at the edge): the edge row.
      ya = Math.min(ya, I.h - 1);
      yb = ya + 1;
    }
    for (let i = 0; i < n; i++) {
      let xa = clip(xs[i], I.w),
        xb = clip(xs[i + 1], I.w);
      if (xb - xa < 1e-3) {
        xa = Math.min(xa, I.w - 1);
        xb = xa + 1;
      }
      const s = at(I, xb, yb) - at(I, xa, yb) - at(I, xb, ya) + at(I, xa, ya);
      out[j * n + i] = s / ((xb - xa) * (yb - ya));
    }
  }
  return out;
}

interface Match {
  /** Top-left of the matched box, gray px. */
  x: number;
  y: number;
  /** The scale of the box tried. */
  s: number;
  ncc: number;
}

/** The template's grid: `tw`×`th` cells. */
interface Grid {
  tw: number;
  th: number;
}

/** The NCC surface of `tpl` over ±r cells around box (x, y, w, h) in gray px; its peak refined to sub-cell. */
function searchAt(I: Integral, tpl: Float32Array, g: Grid, x: number, y: number, w: number, h: number, r: number, s: number): Match {
  const { tw, th } = g;
  const cw = (w * s) / tw,
    ch = (h * s) / th;
  // Scaled about the box's centre.
  const bx = x + (w - w * s) / 2,
    by = y + (h - h * s) / 2;
  const W = tw + 2 * r,
    H = th + 2 * r;
  const win = cells(I, bx - r * cw, by - r * ch, cw, ch, W, H);
  // Prefix sums of the window (and of its squares) for each candidate's mean and norm.
  const P = new Float64Array((W + 1) * (H + 1)),
    Q = new Float64Array((W + 1) * (H + 1));
  for (let j = 0; j < H; j++) {
    let a = 0,
      b = 0;
    for (let i = 0; i < W; i++) {
      const v = win[j * W + i];
      a += v;
      b += v * v;
      P[(j + 1) * (W + 1) + i + 1] = P[j * (W + 1) + i + 1] + a;
      Q[(j + 1) * (W + 1) + i + 1] = Q[j * (W + 1) + i + 1] + b;
    }
  }
  const n = tw * th;
  const side = 2 * r + 1;
  const surf = new Float32Array(side * side);
  let best = -2,
    bi = r,
    bj = r;
  for (let dy = 0; dy < side; dy++)
    for (let dx = 0; dx < side; dx++) {
      let dot = 0;
      for (let j = 0; j < th; j++) {
        const row = (dy + j) * W + dx,
          trow = j * tw;
        for (let i = 0; i < tw; i++) dot += win[row + i] * tpl[trow + i];
      }
      const a = (y0: number, x0: number) => y0 * (W + 1) + x0;
      const sum = P[a(dy + th, dx + tw)] - P[a(dy, dx + tw)] - P[a(dy + th, dx)] + P[a(dy, dx)];
      const sq = Q[a(dy + th, dx + tw)] - Q[a(dy, dx + tw)] - Q[a(dy + th, dx)] + Q[a(dy, dx)];
      // Σ tpl = 0, so Σ (v − mean)·tpl = Σ v·tpl; divided by the window's own norm.
      const norm = Math.sqrt(Math.max(0, sq - (sum * sum) / n));
      const ncc = norm > 1e-2 ? dot / norm : -1;
      surf[dy * side + dx] = ncc;
      if (ncc > best) {
        best = ncc;
        bi = dx;
        bj = dy;
      }
    }
  const peak = (l: number, c: number, rr: number) => {
    const d = l - 2 * c + rr;
    return d < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (l - rr)) / d)) : 0;
  };
  const ox = bi > 0 && bi < side - 1 ? peak(surf[bj * side + bi - 1], best, surf[bj * side + bi + 1]) : 0;
  const oy = bj > 0 && bj < side - 1 ? peak(surf[(bj - 1) * side + bi], best, surf[(bj + 1) * side + bi]) : 0;
  return { x: bx + (bi - r + ox) * cw, y: by + (bj - r + oy) * ch, s, ncc: best };
}

/** The template grid for a box of w×h: `cells` on the long side. */
function gridFor(w: number, h: number, cellsLong: number): Grid {
  const short = (k: number) => Math.max(8, Math.min(cellsLong, Math.round(cellsLong * k)));
  return w >= h ? { tw: cellsLong, th: short(h / w) } : { tw: short(w / h), th: cellsLong };
}

/**
 * Follows the object at `start.box` (video pixels) in frame `start.frame`, frame by frame in
 * `direction` (1 forwards, −1 backwards), until the clip's end, `until` (exclusive: the frame
 * where another given box takes over) or `maxLost` frames lost in a row. The result starts with
 * the start frame (confidence 1) and includes the lost frames (their boxes are predictions: a
 * redaction keeps covering where the object should be while it is hidden), at most `maxLost` of
 * them at the end of a track that never re-acquired. Backwards, the points are returned in frame
 * order too (the start frame last).
 */
export function trackObject(
  frames: GrayFrameSource,
  start: { frame: number; box: Box },
  direction: 1 | -1,
  o: Partial<ObjectTrackOptions> & { until?: number } = {},
): TrackPoint[] {
  return drain(trackObjectSteps(frames, start, direction, o));
}

/** Runs a stepwise computation to its end (what the synchronous functions do). */
function drain<R>(steps: Generator<unknown, R>): R {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * trackObject one frame at a time: yields after each frame it looks at (so a caller can share the
 * thread, show progress or stop), returns the track. Checks its arguments on the first step.
 */
export function* trackObjectSteps(
  frames: GrayFrameSource,
  start: { frame: number; box: Box },
  direction: 1 | -1,
  o: Partial<ObjectTrackOptions> & { until?: number } = {},
): Generator<void, TrackPoint[]> {
  const opt = { ...DEFAULT_OBJECT_TRACK, ...o };
  const k = frames.scale;
  const f0 = start.frame;
  if (!Number.isInteger(f0) || f0 < 0 || f0 >= frames.length)
    throw new RangeError(`the start frame ${f0} is outside the clip (0–${frames.length - 1})`);
  const [bx, by, bw, bh] = start.box;
  if (!(bw > 0 && bh > 0)) throw new RangeError(`the box [${start.box.join(', ')}] has no area`);
  // State in gray px.
  let x = bx * k,
    y = by * k,
    w = bw * k,
    h = bh * k;
  const g = gridFor(w, h, opt.templateCells);
  const I0 = integral(frames.frame(f0));
  const t0 = normalised(cells(I0, x, y, w / g.tw, h / g.th, g.tw, g.th), FLAT);
  const out: TrackPoint[] = [{ frame: f0, box: [...start.box] as Box, confidence: 1 }];
  // A flat box has no appearance to follow: it stays where it was given only.
  if (!t0) return out;
  const live = Float32Array.from(t0);
  let tpl = t0;
  let vx = 0,
    vy = 0,
    vs = 1;
  let lost = 0;
  const end = o.until ?? (direction > 0 ? frames.length : -1);
  const toVideo = (): Box => [x / k, y / k, w / k, h / k].map((v) => Math.round(v * 100) / 100) as Box;
  for (let f = f0 + direction; direction > 0 ? f < end && f < frames.length : f > end && f >= 0; f += direction) {
    yield;
    const I = integral(frames.frame(f));
    // The prediction: last placed box moved by the velocity (and scale trend).
    const px = x + vx,
      py = y + vy;
    const r = lost ? 2 * opt.radius : opt.radius;
    const ms = opt.scales.map((s) => searchAt(I, tpl, g, px, py, w, h, r, s * (lost ? 1 : vs)));
    let best = ms[0];
    for (const m of ms) if (m.ncc > best.ncc) best = m;
    const accept = lost ? best.ncc >= opt.reacquireAt : best.ncc >= opt.lostBelow;
    if (!accept) {
      lost++;
      if (lost > opt.maxLost) break;
      // Coast: the box follows the prediction, its size unchanged.
      x = px;
      y = py;
      out.push({ frame: f, box: toVideo(), confidence: round3(best.ncc), lost: true });
      continue;
    }
    // Scale refined by a parabola through the scales' peaks (for three scales in order).
    let s = best.s;
    const bi = ms.indexOf(best);
    if (ms.length === 3 && bi === 1) {
      const d = ms[0].ncc - 2 * ms[1].ncc + ms[2].ncc;
      if (d < 0) {
        const off = Math.max(-1, Math.min(1, (0.5 * (ms[0].ncc - ms[2].ncc)) / d));
        s = best.s + off * (off < 0 ? best.s - ms[0].s : ms[2].s - best.s);
      }
    }
    const nw = w * s,
      nh = h * s;
    // Centre of the matched box (found at scale best.s), the size at the refined scale.
    const cx = best.x + (w * best.s) / 2,
      cy = best.y + (h * best.s) / 2;
    const nx = cx - nw / 2,
      ny = cy - nh / 2;
    // Displacement from the last box (after a loss: from the coasted prediction, so the error
    // it shows built up over the frames lost).
    const ivx = nx + nw / 2 - (x + w / 2),
      ivy = ny + nh / 2 - (y + h / 2);
    vx = lost ? vx + (ivx - vx) / (lost + 1) : 0.5 * vx + 0.5 * ivx;
    vy = lost ? vy + (ivy - vy) / (lost + 1) : 0.5 * vy + 0.5 * ivy;
    vs = Math.max(0.97, Math.min(1.03, 0.5 * vs + 0.5 * s));
    x = nx;
    y = ny;
    w = nw;
    h = nh;
    lost = 0;
    if (best.ncc >= opt.updateAt) {
      const cur = normalised(cells(I, x, y, w / g.tw, h / g.th, g.tw, g.th), FLAT);
      if (cur) {
        for (let i = 0; i < live.length; i++) live[i] = (1 - opt.learnRate) * live[i] + opt.learnRate * cur[i];
        const mixed = new Float32Array(live.length);
        for (let i = 0; i < live.length; i++) mixed[i] = 0.5 * t0[i] + 0.5 * live[i];
        tpl = normalised(mixed, FLAT) ?? t0;
      }
    }
    out.push({ frame: f, box: toVideo(), confidence: round3(best.ncc) });
  }
  return direction > 0 ? out : out.reverse();
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** A box the user gave: object `id` is at `box` (video pixels) in frame `frame`. */
export interface ObjectMark {
  id: string;
  frame: number;
  box: Box;
}

/** One object's track: a point for every frame it was followed in, in frame order. */
export interface ObjectTrack {
  id: string;
  frames: TrackPoint[];
}

/**
 * Several objects, each with an ID and one or more given boxes (the first mark, then the user's
 * corrections). From each given box the object is tracked forwards until the next given box of
 * that ID (or loss, or the clip's end) and backwards until the previous one; where the forward
 * run from one box and the backward run from the next overlap, each frame takes the run that
 * found the object there (not lost) from the nearer given box, then the higher confidence: a
 * correction is the user saying the earlier run went wrong near it, and a run that drifted onto
 * something else can still be confident, so nearness decides before confidence. The given boxes
 * themselves are kept exactly (confidence 1).
 */
export function trackObjects(frames: GrayFrameSource, marks: readonly ObjectMark[], o: Partial<ObjectTrackOptions> = {}): ObjectTrack[] {
  return drain(trackObjectsSteps(frames, marks, o));
}

/**
 * trackObjects without holding the thread: the frames are followed in slices of about `sliceMs`
 * ms, between which it gives way to the event loop (the studio's page stays responsive on a long
 * clip), says how far it is (`onProgress(done, total)`, frames looked at over the objects × the
 * clip's frames: an object lost early ends sooner) and stops with the signal's reason when aborted.
 * The tracks are exactly trackObjects'.
 */
export async function trackObjectsAsync(
  frames: GrayFrameSource,
  marks: readonly ObjectMark[],
  o: Partial<ObjectTrackOptions> = {},
  run: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal; sliceMs?: number } = {},
): Promise<ObjectTrack[]> {
  const steps = trackObjectsSteps(frames, marks, o);
  const total = new Set(marks.map((m) => m.id)).size * frames.length;
  const slice = run.sliceMs ?? 30;
  let done = 0;
  for (;;) {
    run.signal?.throwIfAborted();
    const t0 = Date.now();
    for (;;) {
      const r = steps.next();
      if (r.done) {
        run.onProgress?.(total, total);
        return r.value;
      }
      done++;
      if (Date.now() - t0 >= slice) break;
    }
    run.onProgress?.(Math.min(done, total), total);
    await giveWay();
  }
}

/**
 * Lets the event loop run, then resumes: a message to itself (setTimeout is clamped to 4 ms once
 * nested, a tenth of a slice lost each time; a message port is not).
 */
function giveWay(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

function* trackObjectsSteps(
  frames: GrayFrameSource,
  marks: readonly ObjectMark[],
  o: Partial<ObjectTrackOptions>,
): Generator<void, ObjectTrack[]> {
  const ids = [...new Set(marks.map((m) => m.id))];
  const out: ObjectTrack[] = [];
  for (const id of ids) {
    const own = marks.filter((m) => m.id === id).sort((a, b) => a.frame - b.frame);
    for (let i = 1; i < own.length; i++)
      if (own[i].frame === own[i - 1].frame) throw new RangeError(`object "${id}" has two boxes in frame ${own[i].frame}`);
    const best = new Map<number, { p: TrackPoint; dist: number }>();
    const offer = (p: TrackPoint, dist: number) => {
      const cur = best.get(p.frame);
      if (!cur || better(p, dist, cur.p, cur.dist)) best.set(p.frame, { p, dist });
    };
    for (let i = 0; i < own.length; i++) {
      const m = own[i];
      offer({ frame: m.frame, box: [...m.box] as Box, confidence: 1 }, 0);
      const next = own[i + 1]?.frame ?? frames.length;
      const prev = own[i - 1]?.frame ?? -1;
      for (const p of (yield* trackObjectSteps(frames, m, 1, { ...o, until: next })).slice(1)) offer(p, p.frame - m.frame);
      for (const p of (yield* trackObjectSteps(frames, m, -1, { ...o, until: prev })).slice(0, -1)) offer(p, m.frame - p.frame);
    }
    out.push({ id, frames: [...best.values()].map((v) => v.p).sort((a, b) => a.frame - b.frame) });
  }
  return out;
}

function better(p: TrackPoint, dist: number, q: TrackPoint, qdist: number): boolean {
  if (!!p.lost !== !!q.lost) return !p.lost;
  if (dist !== qdist) return dist < qdist;
  return p.confidence > q.confidence;
}

/** The frame whose timestamp (seconds) is nearest to `time`, from the clip's frame timestamps in order. */
export function frameAtTime(time: number, timestamps: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < timestamps.length; i++) if (Math.abs(timestamps[i] - time) < Math.abs(timestamps[best] - time)) best = i;
  return best;
}
