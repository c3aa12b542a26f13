/**
 * The object tracker (core/object-track.ts), corrections and loss (from the tracker branch): textured
 * objects on a textured, noisy background, moving, growing from 0.8× to 1.3×, and hidden for a few
 * frames by a patch of a different texture; a wrong first mark corrected later. Scored by IoU.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OBJECT_TRACK,
  frameAtTime,
  grayFactor,
  toGray,
  trackObject,
  trackObjects,
  type Box,
  type GrayFrame,
  type GrayFrameSource,
  type ObjectTrack,
} from '../../src/core/object-track';
import { mulberry32 } from './helpers';

/** A smooth random texture: a grid of random values, read bilinearly at (u, v) in grid cells. */
function texture(seed: number, gw: number, gh: number): (u: number, v: number) => number {
  const rnd = mulberry32(seed);
  const g = Float32Array.from({ length: gw * gh }, () => rnd() * 255);
  return (u, v) => {
    const x = Math.max(0, Math.min(gw - 1.001, u)),
      y = Math.max(0, Math.min(gh - 1.001, v));
    const x0 = Math.floor(x),
      y0 = Math.floor(y),
      fx = x - x0,
      fy = y - y0;
    const a = g[y0 * gw + x0],
      b = g[y0 * gw + x0 + 1],
      c = g[(y0 + 1) * gw + x0],
      d = g[(y0 + 1) * gw + x0 + 1];
    return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
  };
}

interface ObjectSpec {
  seed: number;
  /** The box in each frame. */
  box: (f: number) => Box;
}

interface Clip extends GrayFrameSource {
  frames: GrayFrame[];
}

const W = 320,
  H = 240,
  N = 60;

/**
 * N frames of W×H: a background texture (8 px cells) with per-frame noise (±10), the objects (a
 * 12×9-cell texture stretched over each box, so it scales with it), and `occluder` (its own
 * texture) over `occluded` frames.
 */
function makeClip(objects: ObjectSpec[], occluder?: { box: Box; frames: [number, number] }): Clip {
  const bg = texture(7, Math.ceil(W / 8) + 2, Math.ceil(H / 8) + 2);
  const noise = mulberry32(99);
  const tex = objects.map((o) => texture(o.seed, 12, 9));
  const occ = texture(1234, 12, 9);
  const frames: GrayFrame[] = [];
  for (let f = 0; f < N; f++) {
    const data = new Uint8Array(W * H);
    const boxes = objects.map((o) => o.box(f));
    const hidden = occluder && f >= occluder.frames[0] && f <= occluder.frames[1];
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const px = x + 0.5,
          py = y + 0.5;
        let v = bg(px / 8, py / 8) * 0.8 + 25;
        boxes.forEach((b, i) => {
          if (px >= b[0] && px < b[0] + b[2] && py >= b[1] && py < b[1] + b[3])
            v = tex[i](((px - b[0]) / b[2]) * 11, ((py - b[1]) / b[3]) * 8);
        });
        if (hidden) {
          const b = occluder.box;
          if (px >= b[0] && px < b[0] + b[2] && py >= b[1] && py < b[1] + b[3])
            v = occ(((px - b[0]) / b[2]) * 11, ((py - b[1]) / b[3]) * 8);
        }
        v += (noise() - 0.5) * 20;
        data[y * W + x] = Math.max(0, Math.min(255, Math.round(v)));
      }
    frames.push({ width: W, height: H, data });
  }
  return { frames, length: N, scale: 1, frame: (i) => frames[i] };
}

/** Linear from a to b over the clip. */
const lerp = (a: number, b: number, f: number) => a + ((b - a) * f) / (N - 1);

/** Moves from (x0, y0) to (x1, y1), its 60×45 size scaled 0.8 → 1.3 about its centre. */
function moving(seed: number, x0: number, y0: number, x1: number, y1: number): ObjectSpec {
  return {
    seed,
    box: (f) => {
      const s = lerp(0.8, 1.3, f);
      const w = 60 * s,
        h = 45 * s;
      return [lerp(x0, x1, f) - w / 2, lerp(y0, y1, f) - h / 2, w, h];
    },
  };
}

function iou(a: readonly number[], b: readonly number[]): number {
  const x0 = Math.max(a[0], b[0]),
    y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]),
    y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const i = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return i / (a[2] * a[3] + b[2] * b[3] - i);
}

/** Frames (of `which`) where the track's box has IoU ≥ 0.7 with the truth, over how many were checked. */
function score(track: ObjectTrack, truth: ObjectSpec, which: (f: number) => boolean): { good: number; of: number; bad: number[] } {
  const at = new Map(track.frames.map((p) => [p.frame, p]));
  let good = 0,
    of = 0;
  const bad: number[] = [];
  for (let f = 0; f < N; f++) {
    if (!which(f)) continue;
    of++;
    const p = at.get(f);
    if (p && !p.lost && iou(p.box, truth.box(f)) >= 0.7) good++;
    else bad.push(f);
  }
  return { good, of, bad };
}

const OCCLUDED: [number, number] = [40, 44];

describe('object tracking on generated clips', () => {
  const obj = moving(11, 70, 70, 230, 150);
  // The occluder covers the object's whole path through frames 40–44 (and a margin).
  const cover = (): Box => {
    const a = obj.box(OCCLUDED[0]),
      b = obj.box(OCCLUDED[1]);
    return [a[0] - 12, a[1] - 12, b[0] + b[2] - a[0] + 24, b[1] + b[3] - a[1] + 24];
  };
  const clip = makeClip([obj], { box: cover(), frames: OCCLUDED });
  const occluded = (f: number) => f >= OCCLUDED[0] && f <= OCCLUDED[1];

  it('follows a moving, growing object forwards and backwards from a mark in the middle (IoU ≥ 0.7 on ≥ 95 % of visible frames)', () => {
    const [t] = trackObjects(clip, [{ id: 'plate', frame: 25, box: obj.box(25) }]);
    expect(t.id).toBe('plate');
    expect(t.frames[0].frame).toBe(0);
    expect(t.frames.at(-1)!.frame).toBe(N - 1);
    const s = score(t, obj, (f) => !occluded(f));
    expect(s.good / s.of, `frames off: ${s.bad.join(', ')}`).toBeGreaterThanOrEqual(0.95);
    // The scale was followed, not just the position: the last box is ~1.3/0.8 the first's width.
    const ratio = t.frames.at(-1)!.box[2] / t.frames[0].box[2];
    expect(ratio).toBeGreaterThan(1.45);
    expect(ratio).toBeLessThan(1.8);
  });

  it('reports the object lost while it is hidden, not the occluder, and finds it again after', () => {
    const fwd = trackObject(clip, { frame: 30, box: obj.box(30) }, 1);
    const at = new Map(fwd.map((p) => [p.frame, p]));
    for (let f = OCCLUDED[0]; f <= OCCLUDED[1]; f++) {
      const p = at.get(f)!;
      expect(p.lost, `frame ${f}`).toBe(true);
      expect(p.confidence).toBeLessThan(DEFAULT_OBJECT_TRACK.lostBelow);
    }
    // Re-acquired within two frames of reappearing, and on the object from then on.
    for (let f = OCCLUDED[1] + 3; f < N; f++) {
      const p = at.get(f)!;
      expect(p.lost, `frame ${f}`).toBeUndefined();
      expect(iou(p.box, obj.box(f)), `frame ${f}`).toBeGreaterThanOrEqual(0.7);
    }
    // Backwards through the occlusion, from after it.
    const back = trackObject(clip, { frame: 55, box: obj.box(55) }, -1);
    expect(back.at(-1)!.frame).toBe(55);
    const bat = new Map(back.map((p) => [p.frame, p]));
    for (let f = OCCLUDED[0]; f <= OCCLUDED[1]; f++) expect(bat.get(f)!.lost, `frame ${f}`).toBe(true);
    for (let f = OCCLUDED[0] - 3; f >= 0; f--) expect(iou(bat.get(f)!.box, obj.box(f)), `frame ${f}`).toBeGreaterThanOrEqual(0.7);
  });

  it('ends a track that never re-acquires after maxLost frames', () => {
    // Hidden for good from frame 40.
    const gone = makeClip([obj], { box: [0, 0, W, H], frames: [40, N - 1] });
    const fwd = trackObject(gone, { frame: 30, box: obj.box(30) }, 1, { maxLost: 6 });
    expect(fwd.at(-1)!.frame).toBe(45);
    expect(fwd.filter((p) => p.lost).length).toBe(6);
  });

  it('tracks two objects at once, each keeping its ID', () => {
    const a = moving(21, 60, 60, 250, 90);
    const b = moving(22, 260, 190, 80, 150);
    const two = makeClip([a, b]);
    const tracks = trackObjects(two, [
      { id: 'b', frame: 30, box: b.box(30) },
      { id: 'a', frame: 30, box: a.box(30) },
    ]);
    expect(tracks.map((t) => t.id)).toEqual(['b', 'a']);
    const sa = score(tracks[1], a, () => true),
      sb = score(tracks[0], b, () => true);
    expect(sa.good / sa.of, `a off: ${sa.bad.join(', ')}`).toBeGreaterThanOrEqual(0.95);
    expect(sb.good / sb.of, `b off: ${sb.bad.join(', ')}`).toBeGreaterThanOrEqual(0.95);
  });

  it('a correction (a second box for the same ID) restarts tracking there', () => {
    const plain = makeClip([obj]);
    // The first mark is wrong: on the background, where the object is not.
    const wrong: Box = [10, 170, 60, 45];
    const uncorrected = trackObjects(plain, [{ id: 'x', frame: 0, box: wrong }])[0];
    expect(score(uncorrected, obj, (f) => f >= 30).good).toBe(0);
    const [t] = trackObjects(plain, [
      { id: 'x', frame: 0, box: wrong },
      { id: 'x', frame: 30, box: obj.box(30) },
    ]);
    const p30 = t.frames.find((p) => p.frame === 30)!;
    expect(p30).toEqual({ frame: 30, box: obj.box(30), confidence: 1 });
    expect(t.frames.find((p) => p.frame === 0)!.box).toEqual(wrong);
    // From the correction on (and back to halfway to the first mark) the track is on the object.
    const s = score(t, obj, (f) => f >= 16);
    expect(s.good / s.of, `frames off: ${s.bad.join(', ')}`).toBeGreaterThanOrEqual(0.95);
    expect(() =>
      trackObjects(plain, [
        { id: 'x', frame: 3, box: wrong },
        { id: 'x', frame: 3, box: wrong },
      ]),
    ).toThrow(/two boxes in frame 3/);
  });
});

describe('object tracking helpers', () => {
  it('grayFactor keeps the long side ≤ 640', () => {
    expect(grayFactor(1920, 1080)).toBe(3);
    expect(grayFactor(640, 480)).toBe(1);
    expect(grayFactor(3840, 2160)).toBe(6);
  });

  it('toGray area-averages luma, partial blocks included', () => {
    // 3×1 RGBA: red, green, blue; factor 2 → 2 px: mean(red, green) luma and blue's.
    const d = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255]);
    const g = toGray(d, 3, 1, 4, 2);
    expect(g.width).toBe(2);
    expect(Array.from(g.data)).toEqual([Math.round((0.299 * 255 + 0.587 * 255) / 2), Math.round(0.114 * 255)]);
  });

  it('frameAtTime picks the nearest timestamp', () => {
    expect(frameAtTime(0.51, [0, 0.25, 0.5, 0.75])).toBe(2);
    expect(frameAtTime(9, [0, 0.25, 0.5])).toBe(2);
  });

  it('rejects a start outside the clip and a box without area', () => {
    const c = makeClip([]);
    expect(() => trackObject(c, { frame: N, box: [0, 0, 10, 10] }, 1)).toThrow(/outside the clip/);
    expect(() => trackObject(c, { frame: 0, box: [0, 0, 0, 10] }, 1)).toThrow(/no area/);
  });
});
