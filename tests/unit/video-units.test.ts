/**
 * The browser-free parts of the video job (src/jobs/video/): the frame range, which frames are
 * copied as planes, the face recipe split and in-order tracking (with a fake redaction call),
 * audio pass-through (the copy/drop decision and the packet pump), the even crop, progress.
 */
import { describe, expect, test } from 'vitest';
import type { FacesReport } from '../../src/core/faces';
import type { Affine } from '../../src/core/geometry';
import type { FrameResult } from '../../src/engine/api';
import { AudioPump, planAudio } from '../../src/jobs/video/audio';
import { copiesPlanes } from '../../src/jobs/video/dispatch';
import { cropRgba } from '../../src/jobs/video/encode-mux';
import { progressReporter } from '../../src/jobs/video/progress';
import { frameRange, inRange } from '../../src/jobs/video/range';
import { FrameTracking, faceRecipe } from '../../src/jobs/video/tracking';
import type { VideoProgress } from '../../src/jobs/video/types';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('frameRange', () => {
  const v = { duration: 10, frameRate: 30, packetCount: 301 };
  test('the whole video: the packet count', () => {
    expect(frameRange({ start: 0 }, v)).toEqual({ startUs: 0, endUs: Infinity, totalFrames: 301 });
  });
  test('a part: its length × the frame rate, the end clipped to the video', () => {
    expect(frameRange({ start: 2, end: 4 }, v)).toEqual({ startUs: 2e6, endUs: 4e6, totalFrames: 60 });
    expect(frameRange({ start: 8, end: 20 }, v).totalFrames).toBe(60);
    expect(frameRange({ start: 1.5 }, v).totalFrames).toBe(255);
    expect(frameRange({ start: 12 }, v).totalFrames).toBe(1);
  });
  test('inRange: start inclusive, end exclusive', () => {
    const r = frameRange({ start: 2, end: 4 }, v);
    expect([1999999, 2e6, 3999999, 4e6].map((us) => inRange(r, us))).toEqual([false, true, true, false]);
  });
});

describe('copiesPlanes', () => {
  const auto = { mode: 'transcode' as const, tracks: false, grayFirst: true };
  test('gray-first recipes read the decoder planes; colour ones RGBA unless yuv is forced', () => {
    expect(copiesPlanes('I420', auto)).toBe(true);
    expect(copiesPlanes('NV12', auto)).toBe(true);
    expect(copiesPlanes('I420', { ...auto, grayFirst: false })).toBe(false);
    expect(copiesPlanes('I420', { ...auto, grayFirst: false, pixels: 'yuv' })).toBe(true);
    expect(copiesPlanes('I420', { ...auto, pixels: 'rgba' })).toBe(false);
  });
  test('never for other formats, face recipes, or decode mode', () => {
    expect(copiesPlanes('I420A', auto)).toBe(false);
    expect(copiesPlanes('RGBA', { ...auto, pixels: 'yuv' })).toBe(false);
    expect(copiesPlanes(null, auto)).toBe(false);
    expect(copiesPlanes('I420', { ...auto, tracks: true, pixels: 'yuv' })).toBe(false);
    expect(copiesPlanes('I420', { ...auto, mode: 'decode' })).toBe(false);
    expect(copiesPlanes('I420', { ...auto, mode: 'process' })).toBe(true);
  });
});

describe('faceRecipe', () => {
  const blur = { op: 'gaussian-blur', params: { sigma: 2 } };
  const red = { op: 'redact-faces', params: { effect: 'fill', margin: 0.1 } };
  const det = { op: 'detect-faces', params: { detector: 'blazeface' } };
  test('no face step: the whole recipe in one call, no tracking', () => {
    expect(faceRecipe([blur], 'transcode')).toEqual({ firstSteps: [blur], tracks: false, seesDetectionFrame: false });
  });
  test('redact-faces splits the recipe: detect-faces with its params first, the rest after the tracked redaction', () => {
    const sharpen = { op: 'sharpen', params: {} };
    const f = faceRecipe([blur, red, sharpen], 'transcode');
    expect(f.firstSteps).toEqual([blur, { op: 'detect-faces', params: red.params }]);
    expect(f.redact).toEqual({ params: red.params, restSteps: [sharpen] });
    expect(f.tracks).toBe(true);
    expect(f.seesDetectionFrame).toBe(true);
  });
  test('detect-faces tracks; it sees the detection frame only when last; decode mode never tracks', () => {
    expect(faceRecipe([det, blur], 'process')).toMatchObject({ tracks: true, seesDetectionFrame: false });
    expect(faceRecipe([blur, det], 'transcode')).toMatchObject({ tracks: true, seesDetectionFrame: true });
    expect(faceRecipe([blur, det], 'decode').tracks).toBe(false);
    expect(faceRecipe([det], 'transcode').redact).toBeUndefined();
  });
});

function frameWith(faces: FacesReport | undefined, width = 200, height = 100): FrameResult {
  return {
    width,
    height,
    rgba: new ArrayBuffer(width * height * 4),
    steps: [{ op: 'detect-faces', ms: 1 }],
    means: [],
    channels: 4,
    reports: faces
      ? [
          { op: 'detect-faces', kind: 'faces', data: { width: 1, height: 1, faces: [] } },
          { op: 'detect-faces', kind: 'faces', data: faces },
        ]
      : [],
  };
}
const face = (box: [number, number, number, number], score = 0.9) => ({ box, score, detector: 'blazeface' as const });

describe('FrameTracking', () => {
  test('detections get track IDs in frame order; a missed face is predicted and still counted', async () => {
    const t = new FrameTracking(faceRecipe([{ op: 'detect-faces', params: {} }], 'transcode'), { maxMisses: 2 });
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { detections, res } = await t.track(frameWith({ width: 200, height: 100, faces: [face([10 + i * 5, 10, 30, 30])] }), i);
      expect(res.width).toBe(200);
      expect(detections).toHaveLength(1);
      expect(detections[0].predicted).toBeUndefined();
      ids.push(detections[0].trackId);
    }
    const missed = await t.track(frameWith({ width: 200, height: 100, faces: [] }), 4);
    expect(missed.detections).toHaveLength(1);
    expect(missed.detections[0]).toMatchObject({ trackId: ids[0], predicted: true });
    expect(missed.detections[0].box[0]).toBeCloseTo(30, 0); // moved on by its velocity
    expect(new Set(ids)).toEqual(new Set([1]));
    expect(t.framesWithDetections).toBe(4);
    expect(t.framesRedacted).toBe(0);
    expect(t.tracks).toBe(1);
    // The last faces report of a frame counts; a frame without one has no faces.
    expect((await t.track(frameWith(undefined), 5)).detections.every((d) => d.predicted)).toBe(true);
  });

  test("boxes are tracked in the detection frame and reported in the input's pixels", async () => {
    // The detector saw a half-size frame: input (x, y) → (x/2, y/2).
    const half: Affine = [0.5, 0, 0, 0, 0.5, 0];
    const t = new FrameTracking(
      faceRecipe(
        [
          { op: 'resize', params: {} },
          { op: 'detect-faces', params: {} },
        ],
        'transcode',
      ),
      undefined,
    );
    const rep: FacesReport = {
      width: 400,
      height: 200,
      faces: [face([100, 40, 60, 60])],
      frame: { width: 200, height: 100, fromInput: half },
    };
    const { detections } = await t.track(frameWith(rep), 0);
    expect(detections).toHaveLength(1);
    expect(detections[0].box).toEqual([100, 40, 60, 60]);
    expect(detections[0].trackId).toBe(1);
  });

  test('redaction: the tracked boxes (whole pixels, rounded outward) go to the second call, missed frames too', async () => {
    const calls: { boxes: number[][]; index: number }[] = [];
    const recipe = faceRecipe([{ op: 'redact-faces', params: { effect: 'fill' } }], 'transcode');
    const t = new FrameTracking(recipe, { maxMisses: 3 }, async (first, boxes, index) => {
      calls.push({ boxes, index });
      await tick(1);
      return { ...first, steps: [...first.steps, { op: 'redact-faces', ms: 2 }] };
    });
    const a = await t.track(frameWith({ width: 200, height: 100, faces: [face([10.4, 10.6, 30.2, 30])] }), 0);
    expect(calls).toEqual([{ boxes: [[10, 10, 31, 31]], index: 0 }]);
    expect(a.res.steps.map((s) => s.op)).toEqual(['detect-faces', 'redact-faces']);
    const b = await t.track(frameWith({ width: 200, height: 100, faces: [] }), 1);
    expect(calls[1].index).toBe(1);
    expect(calls[1].boxes).toHaveLength(1);
    expect(b.detections[0].predicted).toBe(true);
    expect(t.framesRedacted).toBe(2);
    expect(t.framesWithDetections).toBe(1);
    // No face at all: the call still runs (the rest of the recipe), nothing counted as redacted.
    const t2 = new FrameTracking(recipe, undefined, (first) => Promise.resolve(first));
    await t2.track(frameWith({ width: 200, height: 100, faces: [] }), 0);
    expect(t2.framesRedacted).toBe(0);
  });

  test('the tracker is updated when track() is called, before the redaction settles', () => {
    let release!: () => void;
    const t = new FrameTracking(
      faceRecipe([{ op: 'redact-faces', params: {} }], 'transcode'),
      undefined,
      (first) => new Promise((r) => (release = () => r(first))),
    );
    void t.track(frameWith({ width: 200, height: 100, faces: [face([10, 10, 30, 30])] }), 0);
    expect(t.tracks).toBe(1);
    expect(t.framesRedacted).toBe(1);
    release();
  });
});

describe('planAudio', () => {
  test('copied when the container takes the codec', () => {
    expect(planAudio('opus', ['aac', 'opus'], 'copy', 'MP4')).toEqual({ result: { status: 'copied', codec: 'opus' } });
  });
  test('dropped by choice: no warning', () => {
    expect(planAudio('aac', ['aac'], 'drop', 'MP4')).toEqual({
      result: { status: 'dropped', codec: 'aac', reason: 'audio: drop was chosen' },
    });
  });
  test('dropped when the container cannot take it: the reason names what it takes (no PCM or G.711)', () => {
    const p = planAudio('aac', ['opus', 'vorbis', 'pcm-s16', 'ulaw', 'alaw'], 'copy', 'WebM');
    expect(p.result).toEqual({
      status: 'dropped',
      codec: 'aac',
      reason: 'AAC audio cannot go in WebM without re-encoding (WebM takes Opus, Vorbis)',
    });
    expect(p.warning).toBe('audio dropped: AAC audio cannot go in WebM without re-encoding (WebM takes Opus, Vorbis)');
    expect(planAudio(null, ['opus'], 'copy', 'WebM').result.reason).toBe(
      'an unknown codec audio cannot go in WebM without re-encoding (WebM takes Opus)',
    );
  });
});

class Packet {
  constructor(
    readonly timestamp: number,
    readonly id: number,
  ) {}
  clone(o: { timestamp: number }): Packet {
    return new Packet(o.timestamp, this.id);
  }
}

function packets(times: number[]): AsyncIterator<Packet> & { returned: boolean } {
  let i = 0;
  const it = {
    returned: false,
    next(): Promise<IteratorResult<Packet>> {
      return Promise.resolve(i < times.length ? { done: false, value: new Packet(times[i], i++) } : { done: true, value: undefined });
    },
    return(): Promise<IteratorResult<Packet>> {
      it.returned = true;
      return Promise.resolve({ done: true, value: undefined });
    },
  };
  return it;
}

describe('AudioPump', () => {
  const times = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4];
  test('only packets in the range, shifted to output time, interleaved up to each time; the config with the first', async () => {
    const added: { id: number; t: number; config: boolean }[] = [];
    const config = { codec: 'opus', sampleRate: 48000, numberOfChannels: 2 };
    const src = packets(times);
    const pump = new AudioPump<Packet>(
      src,
      (p, meta) => {
        added.push({ id: p.id, t: p.timestamp, config: !!meta?.decoderConfig });
        return Promise.resolve();
      },
      frameRange({ start: 1, end: 3 }, { duration: 4, frameRate: 30, packetCount: 120 }),
      config,
    );
    // The first kept video frame was at 1.0 s: output time = input time − 1.
    await pump.pump(0.6, 1e6);
    expect(added).toEqual([
      { id: 2, t: 0, config: true },
      { id: 3, t: 0.5, config: false },
    ]);
    await pump.pump(0.6, 1e6); // nothing new is due
    expect(added).toHaveLength(2);
    await pump.pump(Infinity, 1e6);
    expect(added.map((a) => [a.id, a.t])).toEqual([
      [2, 0],
      [3, 0.5],
      [4, 1],
      [5, 1.5],
    ]); // 3.0 s is past the end
    expect(pump.sent).toBe(4);
    await pump.close();
    expect(src.returned).toBe(true);
  });

  test('from the start with no shift: packets unchanged, no config when the track has none', async () => {
    const added: { p: Packet; meta: unknown }[] = [];
    const pump = new AudioPump<Packet>(
      packets([0, 0.5, 1]),
      (p, meta) => {
        added.push({ p, meta });
        return Promise.resolve();
      },
      frameRange({ start: 0 }, { duration: 2, frameRate: 30, packetCount: 60 }),
    );
    await pump.pump(0.5, 0);
    expect(added.map((a) => a.p.timestamp)).toEqual([0, 0.5]);
    expect(added.every((a) => a.meta === undefined)).toBe(true);
  });

  test('a muxer failure propagates to the caller', async () => {
    const pump = new AudioPump<Packet>(
      packets([0, 1]),
      () => Promise.reject(new Error('muxer closed')),
      frameRange({ start: 0 }, { duration: 2, frameRate: 30, packetCount: 60 }),
    );
    await expect(pump.pump(5, 0)).rejects.toThrow('muxer closed');
  });
});

describe('cropRgba', () => {
  test('keeps the first columns and rows', () => {
    const w = 3,
      h = 3;
    const data = new Uint8Array(w * h * 4).map((_, i) => i);
    const c = cropRgba(data, w, 2, 2);
    expect([...c]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 16, 17, 18, 19]);
  });
});

describe('progressReporter', () => {
  test('throttled to one report per 150 ms unless forced; ETA from the rate', () => {
    const seen: VideoProgress[] = [];
    const t0 = performance.now() - 1000;
    const report = progressReporter('a.mp4', 100, t0, (p) => seen.push(p));
    report(10);
    report(11);
    expect(seen).toHaveLength(1);
    report(12, true);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({ path: 'a.mp4', frames: 12, totalFrames: 100 });
    expect(seen[1].fps).toBeGreaterThan(10);
    expect(seen[1].etaSeconds!).toBeGreaterThan(0);
    report(150, true);
    expect(seen[2].totalFrames).toBe(150);
    expect(seen[2].etaSeconds).toBe(0);
    progressReporter('b', 1, 0)(1, true); // no listener: nothing happens
  });
});
