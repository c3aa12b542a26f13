/**
 * Animated GIF and WebP: the rules (delays, loop counts, the memory bound, attention crops pinned
 * to frame 1's window) and the engine end to end in Node — animations made here with wasm-vips,
 * sent through processImage, decoded back: frames, delays, loop count, frame size, and each
 * frame's pixels against the recipe run on that input frame alone.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  ANIMATION_MAX_PIXELS,
  animates,
  checkAnimationPixels,
  dependsOnContent,
  frameDelays,
  loopCount,
  pinSteps,
  FrameSampler,
  sampledDelays,
} from '../../src/core/animation';
import { TesseraError } from '../../src/core/errors';
import { createFrame, type Frame } from '../../src/core/frame';
import { validateOutput, type OutputOptions } from '../../src/core/formats';
import type { ResolvedStep } from '../../src/core/recipe';
import { probeAnimation } from '../../src/engine/animation';
import { processImage } from '../../src/engine/image-task';
import { imageToFrame } from '../../src/engine/codec';
import { runSteps } from '../../src/engine/run-steps';
import { loadVips, type Vips } from '../../src/engine/vips';
import { kindFromMagic } from '../../src/core/sniff';
import { step } from './helpers';

describe('animation rules', () => {
  test('one delay per frame: missing or short lists carry the last, else 100 ms', () => {
    expect(frameDelays([50, 120, 370], 3)).toEqual([50, 120, 370]);
    expect(frameDelays([80], 3)).toEqual([80, 80, 80]);
    expect(frameDelays(undefined, 2)).toEqual([100, 100]);
    expect(frameDelays([0, 10, -5, NaN], 4)).toEqual([0, 10, 10, 10]);
    expect(frameDelays([33.4], 1)).toEqual([33]);
  });

  test('loop counts: whole numbers kept, anything else plays forever (0)', () => {
    expect(loopCount(3)).toBe(3);
    expect(loopCount(0)).toBe(0);
    expect(loopCount(undefined)).toBe(0);
    expect(loopCount(-1)).toBe(0);
    expect(loopCount(2.5)).toBe(0);
  });

  test('the memory bound is frames × width × height, refused in words', () => {
    expect(() => checkAnimationPixels(100, 1000, 1000)).not.toThrow(); // exactly the limit
    expect(ANIMATION_MAX_PIXELS).toBe(100e6);
    let err: unknown;
    try {
      checkAnimationPixels(300, 1920, 1080);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('too-large');
    expect((err as Error).message).toMatch(/300 frames of 1920×1080 are 622 MP, more than the 100 MP/);
    expect(() => checkAnimationPixels(10, 100, 100, 99_999, 'processed frames')).toThrow(/10 processed frames of 100×100/);
  });

  test('GIF and WebP animate; the others write frame 1', () => {
    expect(animates('gif')).toBe(true);
    expect(animates('webp')).toBe(true);
    for (const f of ['png', 'jpeg', 'avif', 'tiff', 'dzi'] as const) expect(animates(f)).toBe(false);
  });

  test('attention crops are pinned to frame 1’s window; every other step is left as it is', () => {
    const steps = [
      step('resize', { mode: 'percent', percent: 50 }),
      step('crop', { mode: 'attention', width: 20, height: 10 }),
      step('crop', { mode: 'centre', width: 8, height: 8 }),
      step('crop-aspect', { ratioWidth: 1, ratioHeight: 1, gravity: 'attention' }),
      step('invert'),
    ];
    expect(steps.map(dependsOnContent)).toEqual([false, true, false, true, false]);
    const pinned = pinSteps(steps, [
      { step: 1, x: 3, y: 4, width: 20, height: 10 },
      { step: 3, x: 5, y: 0, width: 8, height: 8 },
    ]);
    expect(pinned[0]).toBe(steps[0]);
    expect(pinned[1]).toEqual({ op: 'crop', params: { mode: 'box', x: 3, y: 4, width: 20, height: 10 } });
    expect(pinned[2]).toBe(steps[2]);
    expect(pinned[3]).toEqual({ op: 'crop', params: { mode: 'box', x: 5, y: 0, width: 8, height: 8 } });
    expect(pinned[4]).toBe(steps[4]);
    // A step with no window reported stays as it was.
    expect(pinSteps(steps, [])).toEqual(steps);
  });
});

describe('video frames for an animation', () => {
  const sample = (fps: number, timestamps: number[]) => {
    const s = new FrameSampler(fps);
    return timestamps.filter((t) => s.take(t));
  };
  const at = (fps: number, n: number) => Array.from({ length: n }, (_, i) => Math.round((i * 1e6) / fps));

  test('30 fps at 10 fps keeps every third frame: duration × fps frames', () => {
    const kept = sample(10, at(30, 60)); // 2 s
    expect(kept.length).toBe(20);
    expect(kept.slice(0, 4)).toEqual([0, 100000, 200000, 300000]);
    expect(sampledDelays(kept, 10)).toEqual(Array.from({ length: 20 }, () => 100));
  });

  test('timestamps rounded by the container still land on their tick', () => {
    // 29.97 fps at 1/1000 s timestamps; 10 fps ticks every 100 ms.
    const ts = Array.from({ length: 30 }, (_, i) => Math.floor((i * 1001) / 30) * 1000);
    const kept = sample(10, ts);
    expect(kept.length).toBe(10);
  });

  test('a video slower than the rate keeps every frame, its own timing in the delays', () => {
    const kept = sample(20, at(5, 10));
    expect(kept.length).toBe(10);
    expect(sampledDelays(kept, 20)).toEqual([...Array.from({ length: 9 }, () => 200), 50]);
  });

  test('delays are rounded on the cumulative clock: 15 fps keeps its total', () => {
    const kept = sample(15, at(30, 30));
    expect(kept.length).toBe(15);
    const d = sampledDelays(kept, 15);
    expect(d.slice(0, 3)).toEqual([67, 66, 67]);
    expect(d.slice(0, -1).reduce((a, b) => a + b, 0)).toBe(Math.round(kept[kept.length - 1] / 1000));
  });
});

test('an animation written as a video: each frame starts when the ones before it have shown', async () => {
  const { frameTimes } = await import('../../src/jobs/video/animation-video');
  expect(frameTimes([80, 160, 240, 320])).toEqual([0, 80_000, 240_000, 480_000]);
  expect(frameTimes([])).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// The engine, in Node.

let vips: Vips;
beforeAll(async () => {
  ({ vips } = await loadVips());
});

const W = 48;
const H = 32;
const DELAYS = [50, 120, 370];

/** Frame i: a gradient with a bright 8×8 square that moves right frame by frame (RGB). */
function inputFrame(i: number): Frame {
  const f = createFrame(W, H, 3, new ArrayBuffer(W * H * 3));
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const o = y * f.stride + x * 3;
      const inSquare = x >= 4 + i * 14 && x < 12 + i * 14 && y >= 12 && y < 20;
      f.data[o] = inSquare ? 250 : x * 4;
      f.data[o + 1] = inSquare ? 40 : y * 6;
      f.data[o + 2] = inSquare ? 30 : 100 + i * 40;
    }
  return f;
}

/** An animation of the frames above, written by wasm-vips itself. */
function animationFile(format: 'gif' | 'webp', loop: number): Uint8Array {
  const pages = DELAYS.map((_, i) => {
    const f = inputFrame(i);
    return vips.Image.newFromMemory(f.data, W, H, 3, vips.BandFormat.uchar);
  });
  const joined = vips.Image.arrayjoin(pages, { across: 1 });
  const tall = joined.copy({ interpretation: 'srgb' });
  try {
    tall.setInt('page-height', H);
    tall.setArrayInt('delay', DELAYS);
    tall.setInt('loop', loop);
    return format === 'gif' ? tall.gifsaveBuffer({ keep_duplicate_frames: true }) : tall.webpsaveBuffer({ lossless: true, keep: 0 });
  } finally {
    for (const p of pages) p.delete();
    joined.delete();
    tall.delete();
  }
}

/** Every frame of an encoded animation, with its delays and loop count. */
function framesOf(bytes: Uint8Array): { frames: Frame[]; delays: number[]; loop: number; width: number; pageHeight: number } {
  const kind = kindFromMagic(bytes.subarray(0, 16));
  const im = vips.Image.newFromBuffer(bytes, kind === 'gif' || kind === 'webp' ? 'n=-1' : '');
  try {
    const pages = im.getTypeof('n-pages') ? im.getInt('n-pages') : 1;
    const ph = im.getTypeof('page-height') ? im.getInt('page-height') : im.height;
    const rgb = im.bands === 4 ? im.extractBand(0, { n: 3 }) : im.copy();
    try {
      const frames = Array.from({ length: pages }, (_, i) => {
        const page = rgb.extractArea(0, i * ph, rgb.width, ph);
        try {
          return imageToFrame(page);
        } finally {
          page.delete();
        }
      });
      return {
        frames,
        delays: im.getTypeof('delay') ? im.getArrayInt('delay') : [],
        loop: im.getTypeof('loop') ? im.getInt('loop') : -1,
        width: im.width,
        pageHeight: ph,
      };
    } finally {
      rgb.delete();
    }
  } finally {
    im.delete();
  }
}

async function process(bytes: Uint8Array, name: string, steps: ResolvedStep[], o: Partial<OutputOptions>) {
  const res = await processImage(vips, {
    file: new Blob([]),
    bytes: bytes.slice().buffer,
    name,
    steps,
    output: validateOutput({ metadata: 'strip', ...o }),
    maxPixels: Infinity,
  });
  if (res.kind !== 'done') throw new Error(`expected done, got ${res.kind}`);
  return res;
}

/** Largest per-channel difference between two frames of one size. */
function maxDiff(a: Frame, b: Frame): number {
  expect([a.width, a.height, a.channels]).toEqual([b.width, b.height, b.channels]);
  let m = 0;
  for (let y = 0; y < a.height; y++)
    for (let x = 0; x < a.width * a.channels; x++) m = Math.max(m, Math.abs(a.data[y * a.stride + x] - b.data[y * b.stride + x]));
  return m;
}

/** The recipe on one input frame alone, packed into a frame of its own. */
async function expected(f: Frame, steps: ResolvedStep[]): Promise<Frame> {
  const { frame } = await runSteps(f, steps);
  const out = createFrame(frame.width, frame.height, frame.channels, new ArrayBuffer(frame.width * frame.height * frame.channels));
  for (let y = 0; y < frame.height; y++)
    out.data.set(frame.data.subarray(y * frame.stride, y * frame.stride + frame.width * frame.channels), y * out.stride);
  return out;
}

describe('animated input through the engine', () => {
  const recipe = () => [step('resize', { mode: 'percent', percent: 50, kernel: 'nearest' }), step('invert')];

  test('the probe reads frames, delays and loop of both formats; stills are not animations', () => {
    for (const format of ['gif', 'webp'] as const) {
      const info = probeAnimation(vips, animationFile(format, 4));
      expect(info).toEqual({ frames: 3, width: W, height: H, delays: DELAYS, loop: 4 });
    }
    const still = vips.Image.black(4, 4).pngsaveBuffer();
    expect(probeAnimation(vips, still)).toBeUndefined();
  });

  test.each([
    ['gif', 'gif'],
    ['gif', 'webp'],
    ['webp', 'gif'],
    ['webp', 'webp'],
  ] as const)('%s → %s keeps every frame, its delay and the loop count; frames are the recipe on each frame', async (from, to) => {
    const steps = recipe();
    const res = await process(animationFile(from, 4), `a.${from}`, steps, { format: to, ...(to === 'webp' ? { lossless: true } : {}) });
    expect(res.animation).toEqual({ frames: 3, animated: true });
    expect([res.width, res.height]).toEqual([W / 2, H / 2]);
    const out = framesOf(res.bytes);
    expect(out.frames.length).toBe(3);
    expect(out.delays).toEqual(DELAYS);
    expect(out.loop).toBe(4);
    expect([out.width, out.pageHeight]).toEqual([W / 2, H / 2]);
    // The input frames as the file holds them (a GIF is palettised), then the recipe on each.
    const inFrames = framesOf(animationFile(from, 4)).frames;
    for (let i = 0; i < 3; i++) {
      const want = await expected(inFrames[i], steps);
      // Lossless WebP is exact; GIF output is quantised to a palette (a few levels on gradients).
      expect(maxDiff(out.frames[i], want)).toBeLessThanOrEqual(to === 'webp' ? 0 : 12);
    }
  });

  test('loop 0 (forever) stays forever', async () => {
    const res = await process(animationFile('gif', 0), 'a.gif', recipe(), { format: 'webp' });
    expect(framesOf(res.bytes).loop).toBe(0);
  });

  test('an attention crop takes frame 1’s window on every frame (no jumping)', async () => {
    const steps = [step('crop', { mode: 'attention', width: 16, height: 16 })];
    const file = animationFile('webp', 1);
    const res = await process(file, 'a.webp', steps, { format: 'webp', lossless: true });
    const out = framesOf(res.bytes);
    const inFrames = framesOf(file).frames;
    // The window frame 1 chose (the moving square attracts it), then the same box on every frame.
    const placed: { x: number; y: number }[] = [];
    await runSteps(inFrames[0], steps, { orientation: 1 }, { onPlaced: (w) => placed.push(w) });
    expect(placed.length).toBe(1);
    const box = [step('crop', { mode: 'box', x: placed[0].x, y: placed[0].y, width: 16, height: 16 })];
    for (let i = 0; i < 3; i++) expect(maxDiff(out.frames[i], await expected(inFrames[i], box))).toBe(0);
    // Unpinned, later frames would have been cropped elsewhere (the test can tell).
    const free: { x: number }[] = [];
    await runSteps(inFrames[2], steps, { orientation: 1 }, { onPlaced: (w) => free.push(w) });
    expect(free[0].x).not.toBe(placed[0].x);
  });

  test('a still format writes frame 1 and says so', async () => {
    const steps = recipe();
    const file = animationFile('gif', 4);
    const res = await process(file, 'a.gif', steps, { format: 'png' });
    expect(res.animation).toEqual({ frames: 3, animated: false });
    const out = framesOf(res.bytes);
    expect(out.frames.length).toBe(1);
    expect(maxDiff(out.frames[0], await expected(framesOf(file).frames[0], steps))).toBe(0);
  });

  test('too many pixels is refused before decoding', async () => {
    const { processAnimation } = await import('../../src/engine/animation');
    const file = animationFile('gif', 1);
    const info = probeAnimation(vips, file)!;
    const timings = { idleMs: 0, readMs: 0, decodeMs: 0, steps: [], encodeMs: 0 };
    const req = { name: 'a.gif', steps: recipe(), output: validateOutput({ format: 'gif' }), colour: 'srgb' as const };
    await expect(processAnimation(vips, file, info, { ...req, maxPixels: 3 * W * H - 1 }, timings)).rejects.toThrow(/3 frames of 48×32/);
    // The output bound too: a 2× enlargement passes the input check, not the output one.
    const big = [step('resize', { mode: 'percent', percent: 200 })];
    await expect(processAnimation(vips, file, info, { ...req, steps: big, maxPixels: 3 * W * H }, timings)).rejects.toThrow(
      /3 processed frames of 96×64/,
    );
  });

  test('processed frames made elsewhere (a video’s) encode with their delays', async () => {
    const { encodeFrames } = await import('../../src/engine/animation');
    const rgba = DELAYS.map((_, i) => {
      const f = inputFrame(i);
      const out = new Uint8Array(W * H * 4);
      for (let p = 0; p < W * H; p++) out.set([f.data[p * 3], f.data[p * 3 + 1], f.data[p * 3 + 2], 255], p * 4);
      return out.buffer;
    });
    const r = await encodeFrames(vips, {
      frames: rgba,
      width: W,
      height: H,
      channels: 3,
      delays: DELAYS,
      loop: 0,
      output: validateOutput({ format: 'webp', lossless: true }),
    });
    const out = framesOf(r.bytes);
    expect([out.frames.length, out.delays, out.loop]).toEqual([3, DELAYS, 0]);
    for (let i = 0; i < 3; i++) expect(maxDiff(out.frames[i], inputFrame(i))).toBe(0);
  });

  test('maxBytes is met by quality on an animated WebP', async () => {
    const res = await process(animationFile('gif', 2), 'a.gif', [], { format: 'webp', maxBytes: 1500 });
    expect(res.bytes.length).toBeLessThanOrEqual(1500);
    expect(res.fit?.quality).toBeDefined();
    expect(framesOf(res.bytes).frames.length).toBe(3);
  });
});
