import { describe, expect, test } from 'vitest';
import { FaceTracker, type Box, type TrackPixels } from '../../src/core/faces-track';
import { iou } from '../../src/core/faces';
import { mulberry32 } from './helpers';

const det = (box: Box, score = 0.9) => ({ box, score });

describe('FaceTracker', () => {
  test('a face moving across frames keeps one track ID', () => {
    const t = new FaceTracker();
    const ids = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const out = t.update([det([10 + i * 6, 40 + i, 60, 60])]);
      expect(out).toHaveLength(1);
      expect(out[0].predicted).toBe(false);
      ids.add(out[0].trackId);
    }
    expect([...ids]).toEqual([1]);
    expect(t.created).toBe(1);
  });

  test('two faces get two stable IDs, whatever the order of detections', () => {
    const t = new FaceTracker();
    const a0 = t.update([det([0, 0, 50, 50]), det([200, 0, 50, 50])]);
    const a = a0.find((f) => f.box[0] === 0)!.trackId;
    const b = a0.find((f) => f.box[0] === 200)!.trackId;
    expect(a).not.toBe(b);
    for (let i = 1; i < 10; i++) {
      const out = t.update(
        i % 2 ? [det([200 - i * 2, 0, 50, 50]), det([i * 3, 0, 50, 50])] : [det([i * 3, 0, 50, 50]), det([200 - i * 2, 0, 50, 50])],
      );
      expect(out.find((f) => f.box[0] === i * 3)!.trackId).toBe(a);
      expect(out.find((f) => f.box[0] === 200 - i * 2)!.trackId).toBe(b);
    }
    expect(t.created).toBe(2);
  });

  test('short gap: a missed face coasts along its velocity and keeps its ID', () => {
    const t = new FaceTracker({ maxMisses: 3 });
    for (let i = 0; i < 5; i++) t.update([det([i * 10, 0, 40, 40])]);
    // frames 5, 6: detector misses; predicted boxes continue at +10 px per frame
    const m1 = t.update([]);
    expect(m1).toHaveLength(1);
    expect(m1[0]).toMatchObject({ trackId: 1, predicted: true, misses: 1 });
    expect(m1[0].box[0]).toBeCloseTo(50, 5);
    const m2 = t.update([]);
    expect(m2[0].box[0]).toBeCloseTo(60, 5);
    // frame 7: found again where the motion predicted → same ID
    const back = t.update([det([70, 0, 40, 40])]);
    expect(back).toEqual([expect.objectContaining({ trackId: 1, predicted: false, misses: 0 })]);
    expect(t.created).toBe(1);
  });

  test('without velocity a coasting box stays at its last position', () => {
    const t = new FaceTracker({ useVelocity: false });
    t.update([det([0, 0, 40, 40])]);
    t.update([det([10, 0, 40, 40])]);
    expect(t.update([])[0].box).toEqual([10, 0, 40, 40]);
  });

  test('tracks are retired after maxMisses frames; a face that comes back later gets a new ID', () => {
    const t = new FaceTracker({ maxMisses: 2 });
    t.update([det([0, 0, 40, 40])]);
    expect(t.update([])).toHaveLength(1);
    expect(t.update([])).toHaveLength(1);
    expect(t.update([])).toHaveLength(0);
    expect(t.live).toBe(0);
    expect(t.update([det([0, 0, 40, 40])])[0].trackId).toBe(2);
  });

  test('a detection far from every track starts a new track; the old one coasts', () => {
    const t = new FaceTracker();
    t.update([det([0, 0, 40, 40])]);
    const out = t.update([det([300, 300, 40, 40])]);
    expect(out.map((f) => [f.trackId, f.predicted])).toEqual([
      [2, false],
      [1, true],
    ]);
  });

  test('keypoints pass through', () => {
    const t = new FaceTracker();
    const kp: [number, number][] = [
      [1, 2],
      [3, 4],
    ];
    expect(t.update([{ box: [0, 0, 10, 10], score: 0.7, keypoints: kp }])[0].keypoints).toEqual(kp);
  });

  describe('with pixels: a missed face is followed by its appearance', () => {
    // A 40×40 textured "face" on a smooth 240×160 background (gray, one channel). It moves right
    // 4 px a frame while detected (frames 0–9), then — missed by the detector for frames 10–13 —
    // turns back at 5 px a frame, and is detected again at frame 14.
    const rnd = mulberry32(5);
    // Features of a few pixels (like eyes, brows, a mouth at this size), not per-pixel noise.
    const blocks = Array.from({ length: 100 }, () => 40 + Math.floor(rnd() * 180));
    const face = Uint8Array.from({ length: 40 * 40 }, (_, k) => blocks[Math.floor(k / 40 / 4) * 10 + Math.floor((k % 40) / 4)]);
    const xAt = (i: number) => (i <= 9 ? 20 + 4 * i : 56 - 5 * (i - 9));
    const background = (x: number, y: number) => 110 + Math.round(30 * Math.sin(x / 40) * Math.cos(y / 50));
    function frame(i: number, withFace = true): TrackPixels {
      const w = 240,
        h = 160,
        data = new Uint8Array(w * h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = background(x, y);
      const fx = xAt(i),
        fy = 60;
      if (withFace) for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) data[(fy + y) * w + fx + x] = face[y * 40 + x];
      return { width: w, height: h, channels: 1, data };
    }
    const truth = (i: number): Box => [xAt(i), 60, 40, 40];

    function run(withPixels: boolean) {
      const t = new FaceTracker();
      const gap: { iou: number; matched?: number }[] = [];
      let backId = 0;
      for (let i = 0; i <= 14; i++) {
        const dets = i >= 10 && i <= 13 ? [] : [det(truth(i))];
        const out = t.update(dets, withPixels ? frame(i) : undefined);
        if (i >= 10 && i <= 13) gap.push({ iou: iou(out[0].box, truth(i)), matched: out[0].matched });
        if (i === 14) backId = out.find((f) => !f.predicted)!.trackId;
      }
      return { gap, backId, created: t.created };
    }

    test('motion alone overshoots the turn; the correlation tracker stays on the face and keeps its ID', () => {
      const motion = run(false);
      const looked = run(true);
      console.log(
        `IoU with the face while missed — motion only: ${motion.gap.map((g) => g.iou.toFixed(2)).join(', ')}; with appearance: ${looked.gap.map((g) => `${g.iou.toFixed(2)} (ncc ${g.matched})`).join(', ')}`,
      );
      expect(motion.gap.at(-1)!.iou).toBeLessThan(0.3);
      expect(motion.backId, 'motion alone loses the face: it comes back under a new ID').not.toBe(1);
      for (const g of looked.gap) {
        expect(g.iou).toBeGreaterThan(0.8);
        expect(g.matched).toBeGreaterThan(0.8);
      }
      expect(looked.backId).toBe(1);
      expect(looked.created).toBe(1);
    });

    test('no match below minCorrelation: a face that vanishes is not chased onto the background', () => {
      const t = new FaceTracker();
      for (let i = 0; i <= 9; i++) t.update([det(truth(i))], frame(i));
      const out = t.update([], frame(10, false));
      expect(out[0].predicted).toBe(true);
      expect(out[0].matched).toBeUndefined();
      // Motion alone: one frame on at +4 px.
      expect(out[0].box[0]).toBeCloseTo(xAt(9) + 4, 5);
    });
  });
});
