/**
 * The object tracker (src/core/object-track.ts) on generated clips: a textured object moving
 * across a textured background while it grows from 0.8× to 1.3×, passing behind a static
 * occluder for a few frames; tracked forwards and backwards from a box given in the middle,
 * against the true box of every frame.
 */
import { describe, expect, test } from 'vitest';
import {
  grayFactor,
  toGray,
  trackObject,
  trackObjects,
  trackObjectsAsync,
  type Box,
  type GrayFrame,
  type GrayFrameSource,
} from '../../src/core/object-track';
import { iou } from '../../src/core/faces';
import { mulberry32 } from './helpers';

/** A w×h texture: blobs of random gray, smoothed (so it is trackable at any scale), 0–255. */
function texture(w: number, h: number, seed: number, blob = 6): Float32Array {
  const r = mulberry32(seed);
  const gw = Math.ceil(w / blob) + 2,
    gh = Math.ceil(h / blob) + 2;
  const g = Float32Array.from({ length: gw * gh }, () => r() * 255);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const fx = x / blob,
        fy = y / blob;
      const x0 = Math.floor(fx),
        y0 = Math.floor(fy);
      const ax = fx - x0,
        ay = fy - y0;
      const v = (i: number, j: number) => g[(y0 + j) * gw + x0 + i];
      out[y * w + x] = (1 - ay) * ((1 - ax) * v(0, 0) + ax * v(1, 0)) + ay * ((1 - ax) * v(0, 1) + ax * v(1, 1));
    }
  return out;
}

const W = 640,
  H = 360,
  N = 80;
const OBJ = texture(80, 56, 7, 5);
const BG = texture(W, H, 3, 9);
const OCC = texture(150, 130, 11, 4);
/** The occluder: something passing in front of the object in frames 50–55 only (it covers the object's path there). */
const OCC_FRAMES = [50, 55];
const OCC_BOX: Box = [300, 90, 150, 130];

/** The object's true box in frame f: moving right and down, growing 0.8× → 1.3×. */
function truth(f: number): Box {
  const s = 0.8 + (0.5 * f) / (N - 1);
  const w = 80 * s,
    h = 56 * s;
  const cx = 80 + f * 5.2,
    cy = 110 + f * 1.1 + 15 * Math.sin(f / 9);
  return [cx - w / 2, cy - h / 2, w, h];
}

const inside = (b: Box, o: Box) => b[0] >= o[0] && b[1] >= o[1] && b[0] + b[2] <= o[0] + o[2] && b[1] + b[3] <= o[1] + o[3];
/** Frames where more than half the object is hidden. */
const hidden = (f: number) => {
  if (f < OCC_FRAMES[0] || f > OCC_FRAMES[1]) return false;
  const t = truth(f);
  const ix = Math.max(0, Math.min(t[0] + t[2], OCC_BOX[0] + OCC_BOX[2]) - Math.max(t[0], OCC_BOX[0]));
  const iy = Math.max(0, Math.min(t[1] + t[3], OCC_BOX[1] + OCC_BOX[3]) - Math.max(t[1], OCC_BOX[1]));
  return (ix * iy) / (t[2] * t[3]) > 0.5;
};

function render(f: number): GrayFrame {
  const data = new Uint8Array(W * H);
  const [bx, by, bw, bh] = truth(f);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      let v = BG[y * W + x];
      const u = (x + 0.5 - bx) / bw,
        w = (y + 0.5 - by) / bh;
      if (u >= 0 && u < 1 && w >= 0 && w < 1) v = OBJ[Math.floor(w * 56) * 80 + Math.floor(u * 80)];
      const ox = x - OCC_BOX[0],
        oy = y - OCC_BOX[1];
      if (f >= OCC_FRAMES[0] && f <= OCC_FRAMES[1] && ox >= 0 && ox < OCC_BOX[2] && oy >= 0 && oy < OCC_BOX[3])
        v = OCC[oy * OCC_BOX[2] + ox];
      data[y * W + x] = Math.round(v);
    }
  return { width: W, height: H, data };
}

const FRAMES = Array.from({ length: N }, (_, f) => render(f));
const clip: GrayFrameSource = { length: N, scale: 1, frame: (i) => FRAMES[i] };

describe('one object, forwards and backwards from a box in the middle', () => {
  const start = 30;
  const fwd = trackObject(clip, { frame: start, box: truth(start) }, 1);
  const back = trackObject(clip, { frame: start, box: truth(start) }, -1);
  const hiddenFrames = Array.from({ length: N }, (_, f) => f).filter(hidden);

  test('the clip hides the object for a few frames (the test is about something)', () => {
    expect(hiddenFrames).toEqual([50, 51, 52, 53, 54, 55]);
    expect(inside(truth(start), [0, 0, W, H])).toBe(true);
  });

  test('IoU ≥ 0.7 with the truth on ≥ 95 % of the visible frames, both ways', () => {
    const points = [...back, ...fwd.slice(1)];
    const visible = points.filter((p) => !hidden(p.frame) && !hiddenFrames.some((h) => Math.abs(h - p.frame) <= 1));
    const good = visible.filter((p) => iou(p.box, truth(p.frame)) >= 0.7);
    const worst = visible.map((p) => [p.frame, Math.round(iou(p.box, truth(p.frame)) * 100) / 100]).sort((a, b) => a[1] - b[1]);
    console.log(
      `tracked ${points.length} frames; IoU ≥ 0.7 on ${good.length}/${visible.length} visible; worst ${JSON.stringify(worst.slice(0, 4))}`,
    );
    expect(back[0].frame).toBe(0);
    expect(back.at(-1)!.frame).toBe(start);
    expect(visible.length).toBeGreaterThan(N * 0.8);
    expect(good.length / visible.length).toBeGreaterThanOrEqual(0.95);
    // The size change was followed: the last box is ~1.3/0.8 the first.
    const last = fwd.at(-1)!;
    expect(last.frame).toBe(N - 1);
    expect(last.box[2] / back[0].box[2]).toBeGreaterThan(1.4);
  });

  test('behind the occluder it says lost instead of drifting onto it, and re-acquires after', () => {
    const during = fwd.filter((p) => hidden(p.frame));
    console.log(`while hidden: ${JSON.stringify(during.map((p) => [p.frame, p.confidence, p.lost ?? false]))}`);
    expect(during.length).toBe(hiddenFrames.length);
    expect(during.filter((p) => p.lost).length).toBeGreaterThanOrEqual(during.length - 1);
    // Never placed (not lost) on the occluder while it is there.
    for (const p of fwd) if (!p.lost && hidden(p.frame)) expect(inside(p.box, OCC_BOX), `frame ${p.frame} on the occluder`).toBe(false);
    const after = Math.max(...hiddenFrames) + 3;
    const p = fwd.find((q) => q.frame === after)!;
    expect(p.lost).toBeUndefined();
    expect(iou(p.box, truth(after))).toBeGreaterThanOrEqual(0.7);
  });
});

describe('several objects and corrections', () => {
  test('two objects keep their IDs; a correction restarts tracking from it', () => {
    // The second object: a patch of the background itself, static.
    const bgBox: Box = [40, 260, 70, 60];
    const tracks = trackObjects(clip, [
      { id: 'plate', frame: 10, box: truth(10) },
      { id: 'badge', frame: 0, box: bgBox },
      // A correction of the plate at frame 65, a little off where the tracker would have it.
      { id: 'plate', frame: 65, box: truth(65) },
    ]);
    expect(tracks.map((t) => t.id)).toEqual(['plate', 'badge']);
    const [plate, badge] = tracks;
    expect(plate.frames.map((p) => p.frame)).toEqual(Array.from({ length: N }, (_, f) => f));
    expect(plate.frames[65]).toEqual({ frame: 65, box: truth(65), confidence: 1 });
    expect(iou(plate.frames[70].box, truth(70))).toBeGreaterThanOrEqual(0.7);
    for (const p of badge.frames) expect(iou(p.box, bgBox)).toBeGreaterThanOrEqual(0.9);
    expect(() =>
      trackObjects(clip, [
        { id: 'a', frame: 3, box: bgBox },
        { id: 'a', frame: 3, box: bgBox },
      ]),
    ).toThrow(/two boxes in frame 3/);
    expect(() => trackObject(clip, { frame: N, box: bgBox }, 1)).toThrow(/outside the clip/);
  });
});

describe('following without holding the thread', () => {
  const marks = [
    { id: 'plate', frame: 10, box: truth(10) },
    { id: 'badge', frame: 0, box: [40, 260, 70, 60] as Box },
  ];

  test('the same tracks as trackObjects, in slices between which other work runs, with progress to the end', async () => {
    const progress: [number, number][] = [];
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    try {
      const tracks = await trackObjectsAsync(clip, marks, {}, { sliceMs: 1, onProgress: (d, t) => progress.push([d, t]) });
      expect(tracks).toEqual(trackObjects(clip, marks));
    } finally {
      clearInterval(ticker);
    }
    // The event loop ran between slices; progress never goes back and ends at the total (2 objects × N frames).
    expect(ticks).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i][0]).toBeGreaterThanOrEqual(progress[i - 1][0]);
    expect(progress.at(-1)).toEqual([2 * N, 2 * N]);
  });

  test('an abort stops it with the signal’s reason', async () => {
    const stop = new AbortController();
    const run = trackObjectsAsync(clip, marks, {}, { sliceMs: 1, signal: stop.signal, onProgress: () => stop.abort(new Error('closed')) });
    await expect(run).rejects.toThrow('closed');
  });
});

describe('gray frames', () => {
  test('1080p becomes 640×360 luma, area-averaged', () => {
    expect(grayFactor(1920, 1080)).toBe(3);
    expect(grayFactor(640, 360)).toBe(1);
    const w = 6,
      h = 3;
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([i < 9 ? 255 : 0, 0, 0, 255], i * 4);
    const g = toGray(rgba, w, h, 4, 3);
    expect([g.width, g.height]).toEqual([2, 1]);
    // The first 3×3 block holds pixels 0–2, 6–8 (red) and 12–14 (black): 6/9 of red's luma.
    const expected0 = Math.round((0.299 * 255 * 6) / 9);
    expect(g.data[1]).toBe(Math.round((0.299 * 255 * 3) / 9)); // pixels 3–5 red of 3–5, 9–11, 15–17
    expect(g.data[0]).toBe(expected0);
  });
});
