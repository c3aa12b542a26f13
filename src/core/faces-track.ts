/**
 * Face tracking across video frames (pure TS, no OpenCV): greedy IoU association between the
 * tracks' predicted boxes and the frame's detections, stable track IDs, and a short-gap tracker —
 * a track the detector misses is followed for up to `maxMisses` frames and reported as
 * `predicted`, so a face missed for a few frames stays redacted; after `maxMisses` consecutive
 * misses it is retired. Call `update` once per frame, in frame order.
 *
 * Following a missed face: its box moves by the track's velocity, and — when the frame's pixels
 * are given — a correlation tracker then looks for the face's appearance around that prediction:
 * a 24×24 gray template of the face, taken at its last detection, is matched by normalised
 * cross-correlation over a window of ±1/3 of the face (area-averaged to the template's scale);
 * a match with correlation ≥ `minCorrelation` becomes the track's box (and updates its velocity),
 * so a face that stops or turns while the detector misses it is still covered. The template is
 * only ever taken from detector boxes, so the tracker cannot drift onto what it matched itself.
 * (OpenCV's TrackerMIL keeps state per face in one OpenCV instance; here frames are processed
 * on several workers and tracking runs in frame order on the main thread, where a few hundred
 * thousand multiply-adds per missed face cost well under a millisecond.)
 */
import { iou } from './faces';
import { normalised } from './ncc';

export type Box = [number, number, number, number];

export interface Detection {
  box: Box;
  score: number;
  keypoints?: [number, number][];
}

export interface TrackerOptions {
  /** A detection joins a track when IoU(predicted box, detection) ≥ this. */
  iouThreshold: number;
  /** Frames a track may go undetected (coasting) before it is retired. */
  maxMisses: number;
  /** Move coasting boxes by the track's last velocity (else they stay where they were last seen). */
  useVelocity: boolean;
  /** With pixels: the least normalised cross-correlation for the appearance match to move a missed face's box. */
  minCorrelation: number;
}

export const DEFAULT_TRACKER: TrackerOptions = { iouThreshold: 0.25, maxMisses: 5, useVelocity: true, minCorrelation: 0.6 };

/** Interleaved 8-bit pixels (1–4 channels) of the frame the boxes are in; colour is read as luma. */
export interface TrackPixels {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/** Template side, in cells, and the search radius around the prediction, in cells (±1/3 of the face). */
const T = 24;
const R = 8;

export interface TrackedFace extends Detection {
  trackId: number;
  /** true: the detector missed this face in this frame; the box is the track's prediction. */
  predicted: boolean;
  /** With `predicted`: the appearance match placed the box (else motion alone); its correlation. */
  matched?: number;
  /** Consecutive frames missed so far (0 when detected in this frame). */
  misses: number;
}

interface Track {
  id: number;
  /** Where the face was last placed (by the detector or the appearance match). */
  box: Box;
  /** Frames since `box` was placed. */
  since: number;
  /** Per-frame motion of x, y, w, h (smoothed). */
  v: Box;
  score: number;
  keypoints?: [number, number][];
  misses: number;
  hits: number;
  /** Zero-mean, unit-norm T×T gray template from the last detection (with pixels). */
  template?: Float32Array;
}

function moved(b: Box, v: Box, n: number): Box {
  return [b[0] + v[0] * n, b[1] + v[1] * n, Math.max(1, b[2] + v[2] * n), Math.max(1, b[3] + v[3] * n)];
}

/**
 * Mean luma of each of n×m cells of size cw×ch starting at (x0, y0) (cells outside the frame
 * repeat its edge), so a template and a search window are compared at the same scale.
 */
function cells(p: TrackPixels, x0: number, y0: number, cw: number, ch: number, n: number, m: number): Float32Array {
  const out = new Float32Array(n * m);
  const c = p.channels;
  const clampX = (v: number) => Math.min(p.width - 1, Math.max(0, v));
  const clampY = (v: number) => Math.min(p.height - 1, Math.max(0, v));
  for (let j = 0; j < m; j++) {
    const ya = clampY(Math.floor(y0 + j * ch)),
      yb = Math.max(ya + 1, clampY(Math.floor(y0 + (j + 1) * ch)));
    for (let i = 0; i < n; i++) {
      const xa = clampX(Math.floor(x0 + i * cw)),
        xb = Math.max(xa + 1, clampX(Math.floor(x0 + (i + 1) * cw)));
      let s = 0;
      for (let y = ya; y < yb; y++) {
        let o = (y * p.width + xa) * c;
        for (let x = xa; x < xb; x++, o += c) s += c >= 3 ? 0.299 * p.data[o] + 0.587 * p.data[o + 1] + 0.114 * p.data[o + 2] : p.data[o];
      }
      out[j * n + i] = s / ((yb - ya) * (xb - xa));
    }
  }
  return out;
}

function templateOf(p: TrackPixels, b: Box): Float32Array | undefined {
  return normalised(cells(p, b[0], b[1], b[2] / T, b[3] / T, T, T), 1e-6);
}

/**
 * The best normalised cross-correlation of the template within ±R cells of `pred`, in steps of
 * half a cell (a face of 100 px has 4-px cells: whole-cell steps would miss its texture): the box
 * there and its correlation.
 */
function matchAround(p: TrackPixels, tpl: Float32Array, pred: Box): { box: Box; ncc: number } {
  let best = { box: pred, ncc: -2 };
  for (const sy of [0, 0.5])
    for (const sx of [0, 0.5]) {
      const m = matchGrid(p, tpl, pred, sx, sy);
      if (m.ncc > best.ncc) best = m;
    }
  return best;
}

/** matchAround on the grid of cells shifted by (sx, sy) cells. */
function matchGrid(p: TrackPixels, tpl: Float32Array, pred: Box, sx: number, sy: number): { box: Box; ncc: number } {
  const cw = pred[2] / T,
    ch = pred[3] / T,
    W = T + 2 * R;
  const x0 = pred[0] + (sx - R) * cw,
    y0 = pred[1] + (sy - R) * ch;
  const win = cells(p, x0, y0, cw, ch, W, W);
  let best = -2,
    bx = R,
    by = R;
  for (let dy = 0; dy <= 2 * R; dy++)
    for (let dx = 0; dx <= 2 * R; dx++) {
      let s = 0,
        s2 = 0,
        dot = 0;
      for (let j = 0; j < T; j++) {
        const row = (dy + j) * W + dx;
        for (let i = 0; i < T; i++) {
          const v = win[row + i];
          s += v;
          s2 += v * v;
          dot += v * tpl[j * T + i];
        }
      }
      // Σ tpl = 0, so Σ (v − mean)·tpl = Σ v·tpl; divide by the window's own norm.
      const norm = Math.sqrt(Math.max(0, s2 - (s * s) / (T * T)));
      const ncc = norm > 1e-3 ? dot / norm : -1;
      if (ncc > best) {
        best = ncc;
        bx = dx;
        by = dy;
      }
    }
  return { box: [x0 + bx * cw, y0 + by * ch, pred[2], pred[3]], ncc: best };
}

export class FaceTracker {
  private tracks: Track[] = [];
  private nextId = 1;
  readonly opts: TrackerOptions;

  constructor(opts: Partial<TrackerOptions> = {}) {
    this.opts = { ...DEFAULT_TRACKER, ...opts };
  }

  /** Tracks alive now (detected or coasting). */
  get live(): number {
    return this.tracks.length;
  }

  /** IDs handed out so far. */
  get created(): number {
    return this.nextId - 1;
  }

  /**
   * One frame's detections → the faces to show/redact in that frame: every detection with its
   * track's ID, then every coasting track's predicted box (`predicted: true`). `pixels`: the
   * frame the boxes are in, for the appearance model (templates at detections, matching while
   * missed); without it missed faces follow their motion only.
   */
  update(detections: readonly Detection[], pixels?: TrackPixels): TrackedFace[] {
    const { iouThreshold, maxMisses, useVelocity, minCorrelation } = this.opts;
    // Where each track should be in this frame.
    const pred = this.tracks.map((t) => (useVelocity ? moved(t.box, t.v, t.since + 1) : t.box));
    const pairs: [number, number, number][] = [];
    for (let ti = 0; ti < this.tracks.length; ti++)
      for (let di = 0; di < detections.length; di++) {
        const o = Math.max(iou(pred[ti], detections[di].box), iou(this.tracks[ti].box, detections[di].box));
        if (o >= iouThreshold) pairs.push([o, ti, di]);
      }
    pairs.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
    const trackOf = new Array<number>(detections.length).fill(-1);
    const matched = new Set<number>();
    for (const [, ti, di] of pairs) {
      if (matched.has(ti) || trackOf[di] >= 0) continue;
      matched.add(ti);
      trackOf[di] = ti;
    }
    const out: TrackedFace[] = [];
    const next: Track[] = [];
    for (let di = 0; di < detections.length; di++) {
      const d = detections[di];
      const box = [...d.box] as Box;
      const ti = trackOf[di];
      let t: Track;
      if (ti >= 0) {
        t = this.tracks[ti];
        place(t, box);
        t.score = d.score;
        t.keypoints = d.keypoints;
        t.misses = 0;
      } else {
        t = { id: this.nextId++, box, since: 0, v: [0, 0, 0, 0], score: d.score, keypoints: d.keypoints, misses: 0, hits: 1 };
      }
      if (pixels) t.template = templateOf(pixels, box);
      next.push(t);
      out.push({ box, score: d.score, ...(d.keypoints ? { keypoints: d.keypoints } : {}), trackId: t.id, predicted: false, misses: 0 });
    }
    for (let ti = 0; ti < this.tracks.length; ti++) {
      if (matched.has(ti)) continue;
      const t = this.tracks[ti];
      if (t.misses + 1 > maxMisses) continue; // retired
      t.misses++;
      let box = pred[ti];
      let ncc: number | undefined;
      if (pixels && t.template) {
        const m = matchAround(pixels, t.template, box);
        if (m.ncc >= minCorrelation) {
          place(t, m.box);
          box = m.box;
          ncc = Math.round(m.ncc * 1000) / 1000;
        } else t.since++;
      } else t.since++; // keep the last placed box; predictions are recomputed from it
      box = box.map((x) => Math.round(x * 100) / 100) as Box;
      next.push(t);
      out.push({ box, score: t.score, trackId: t.id, predicted: true, misses: t.misses, ...(ncc !== undefined ? { matched: ncc } : {}) });
    }
    this.tracks = next;
    return out;
  }
}

/** The face is at `box` now: update the smoothed velocity over the frames since it was last placed. */
function place(t: Track, box: Box): void {
  const gap = t.since + 1;
  const inst = [0, 1, 2, 3].map((k) => (box[k] - t.box[k]) / gap) as Box;
  t.v = (t.hits > 1 ? inst.map((x, k) => 0.5 * x + 0.5 * t.v[k]) : inst) as Box;
  t.box = box;
  t.since = 0;
  t.hits++;
}
