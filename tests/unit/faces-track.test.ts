import { describe, expect, test } from 'vitest';
import { FaceTracker, type Box } from '../../src/engine/faces/track';

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
      const out = t.update(i % 2 ? [det([200 - i * 2, 0, 50, 50]), det([i * 3, 0, 50, 50])] : [det([i * 3, 0, 50, 50]), det([200 - i * 2, 0, 50, 50])]);
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
    expect(out.map((f) => [f.trackId, f.predicted])).toEqual([[2, false], [1, true]]);
  });

  test('keypoints pass through', () => {
    const t = new FaceTracker();
    const kp: [number, number][] = [[1, 2], [3, 4]];
    expect(t.update([{ box: [0, 0, 10, 10], score: 0.7, keypoints: kp }])[0].keypoints).toEqual(kp);
  });
});
