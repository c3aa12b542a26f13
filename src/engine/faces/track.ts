/**
 * Face tracking across video frames (pure TS, no OpenCV): greedy IoU association between the
 * tracks' predicted boxes and the frame's detections, stable track IDs, and a short-gap policy —
 * a track the detector misses keeps coasting (its last box moved by its last velocity) for up to
 * `maxMisses` frames and is reported as `predicted`, so a face missed for a few frames stays
 * redacted; after `maxMisses` consecutive misses it is retired. Call `update` once per frame, in
 * frame order.
 */
import { iou } from '../../core/faces';

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
}

export const DEFAULT_TRACKER: TrackerOptions = { iouThreshold: 0.25, maxMisses: 5, useVelocity: true };

export interface TrackedFace extends Detection {
  trackId: number;
  /** true: the detector missed this face in this frame; the box is the track's prediction. */
  predicted: boolean;
  /** Consecutive frames missed so far (0 when detected in this frame). */
  misses: number;
}

interface Track {
  id: number;
  box: Box;
  /** Per-frame motion of x, y, w, h (smoothed). */
  v: Box;
  score: number;
  keypoints?: [number, number][];
  misses: number;
  hits: number;
}

function moved(b: Box, v: Box, n: number): Box {
  return [b[0] + v[0] * n, b[1] + v[1] * n, Math.max(1, b[2] + v[2] * n), Math.max(1, b[3] + v[3] * n)];
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
   * track's ID, then every coasting track's predicted box (`predicted: true`).
   */
  update(detections: readonly Detection[]): TrackedFace[] {
    const { iouThreshold, maxMisses, useVelocity } = this.opts;
    // Where each track should be in this frame.
    const pred = this.tracks.map((t) => (useVelocity ? moved(t.box, t.v, t.misses + 1) : t.box));
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
        const gap = t.misses + 1;
        const inst = [0, 1, 2, 3].map((k) => (box[k] - t.box[k]) / gap) as Box;
        t.v = (t.hits > 1 ? inst.map((x, k) => 0.5 * x + 0.5 * t.v[k]) : inst) as Box;
        t.box = box;
        t.score = d.score;
        t.keypoints = d.keypoints;
        t.misses = 0;
        t.hits++;
      } else {
        t = { id: this.nextId++, box, v: [0, 0, 0, 0], score: d.score, keypoints: d.keypoints, misses: 0, hits: 1 };
      }
      next.push(t);
      out.push({ box, score: d.score, ...(d.keypoints ? { keypoints: d.keypoints } : {}), trackId: t.id, predicted: false, misses: 0 });
    }
    for (let ti = 0; ti < this.tracks.length; ti++) {
      if (matched.has(ti)) continue;
      const t = this.tracks[ti];
      if (t.misses + 1 > maxMisses) continue; // retired
      const box = pred[ti].map((x) => Math.round(x * 100) / 100) as Box;
      t.misses++;
      next.push(t);
      out.push({ box, score: t.score, trackId: t.id, predicted: true, misses: t.misses });
    }
    // Keep the last seen box of a coasting track (predictions are recomputed from it).
    this.tracks = next;
    return out;
  }
}
