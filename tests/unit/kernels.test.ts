/**
 * The engine's kernels against the independent reference (tests/unit/reference.ts), byte for
 * byte, on seeded images of awkward sizes and every channel count.
 */
import { describe, expect, test } from 'vitest';
import { getOperation } from '../../src/core/catalogue';
import { SEED_RECIPE } from '../../src/core/presets';
import { resolveSteps, type ResolvedStep } from '../../src/core/recipe';
import { ENGINE_OPS, runSteps } from '../../src/engine/run-steps';
import { firstDiff, fromFrame, mulberry32, photoLikeImage, randomImage, runOnImage, runOnViews, toFrame } from './helpers';
import { planeOf, refChain, refGaussianWeights, refGrayscale, refStep, sharpenNumerator, type RefImage } from './reference';

const SIZES: ReadonlyArray<[number, number]> = [
  [1, 1],
  [1, 7],
  [7, 1],
  [2, 2],
  [3, 2],
  [13, 5],
  [64, 48],
  [257, 129],
];
const CHANNELS = [1, 2, 3, 4];

const SINGLE_STEPS: ResolvedStep[] = [
  { op: 'grayscale', params: {} },
  { op: 'gaussian-blur', params: { sigma: 0.5 } },
  { op: 'gaussian-blur', params: { sigma: 2 } },
  { op: 'gaussian-blur', params: { sigma: 3.3 } },
  { op: 'sobel', params: {} },
  { op: 'sharpen', params: {} },
  { op: 'brightness', params: { factor: 0 } },
  { op: 'brightness', params: { factor: 0.5 } },
  { op: 'brightness', params: { factor: 1.2 } },
  { op: 'brightness', params: { factor: 10 } },
];

const label = (s: ResolvedStep) => `${s.op}${Object.keys(s.params).length ? ' ' + JSON.stringify(s.params) : ''}`;

const engine = (img: RefImage, steps: readonly ResolvedStep[]) => runOnImage(img, steps);

let seed = 1;

describe.each(SINGLE_STEPS.map((s) => [label(s), s] as const))('%s equals the reference', (_name, step) => {
  for (const [w, h] of SIZES)
    for (const ch of CHANNELS) {
      const s = seed++;
      test(`${w}×${h}×${ch} random (seed ${s})`, async () => {
        const img = randomImage(w, h, ch, s);
        const got = await engine(img, [step]);
        const want = refStep(img, step);
        expect(got.channels).toBe(getOperation(step.op)!.outChannels(ch));
        expect(firstDiff(got, want)).toBeNull();
      });
    }

  for (const ch of CHANNELS)
    test(`photo-like 97×61×${ch}`, async () => {
      const img = photoLikeImage(97, 61, ch, 500 + ch);
      expect(firstDiff(await engine(img, [step]), refStep(img, step))).toBeNull();
    });
});

describe('seed recipe equals the chained reference', () => {
  const steps = resolveSteps(SEED_RECIPE);

  test('resolves to the five seed steps', () => {
    expect(steps.map((s) => s.op)).toEqual(['grayscale', 'gaussian-blur', 'sobel', 'sharpen', 'brightness']);
    expect(steps[1].params).toEqual({ sigma: 2 });
    expect(steps[4].params).toEqual({ factor: 1.2 });
  });

  for (const [w, h] of SIZES)
    for (const ch of CHANNELS)
      test(`${w}×${h}×${ch}`, async () => {
        const img = (w * h > 50 ? photoLikeImage : randomImage)(w, h, ch, 9000 + w * 31 + h * 7 + ch);
        const got = await engine(img, steps);
        expect(got.channels).toBe(ch === 4 ? 2 : ch === 3 ? 1 : ch);
        expect(firstDiff(got, refChain(img, steps))).toBeNull();
      });

  test('runSteps reports one timing per step, in order', async () => {
    const { timings } = await runSteps(toFrame(randomImage(8, 8, 3, 3)), steps);
    expect(timings.map((t) => t.op)).toEqual(steps.map((s) => s.op));
    for (const t of timings) expect(t.ms).toBeGreaterThanOrEqual(0);
  });

  test('runSteps with no steps returns the input unchanged', async () => {
    const f = toFrame(randomImage(5, 4, 3, 77));
    const { frame } = await runSteps(f, []);
    expect(frame).toBe(f);
  });

  test('runSteps rejects an unknown operation', async () => {
    await expect(runSteps(toFrame(randomImage(2, 2, 1, 1)), [{ op: 'no-such-op', params: {} }])).rejects.toThrow(
      /unknown operation "no-such-op"/,
    );
  });
});

describe('rounding ties are resolved half-to-even', () => {
  test('grayscale: hand-checked ties', async () => {
    // 299·0 + 587·0 + 114·250 = 28500 -> 28.5 -> 28 (even); 587·12 + 114·4 = 7500 -> 7.5 -> 8.
    // Non-ties either side: 299·1 = 299 -> 0; 587·1 = 587 -> 1.
    const img: RefImage = { width: 4, height: 1, channels: 3, data: Uint8Array.from([0, 0, 250, 0, 12, 4, 1, 0, 0, 0, 1, 0]) };
    const got = await engine(img, [{ op: 'grayscale', params: {} }]);
    expect(Array.from(got.data)).toEqual([28, 8, 0, 1]);
    expect(Array.from(refGrayscale(img).data)).toEqual([28, 8, 0, 1]);
  });

  test('grayscale: every one of the 16,777,216 RGB triples (RGBA, alpha kept)', async () => {
    const w = 4096;
    const h = 4096;
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      data[i * 4] = i >> 16;
      data[i * 4 + 1] = (i >> 8) & 255;
      data[i * 4 + 2] = i & 255;
      data[i * 4 + 3] = (i * 7) & 255;
    }
    const img: RefImage = { width: w, height: h, channels: 4, data };
    const got = await engine(img, [{ op: 'grayscale', params: {} }]);
    const want = refGrayscale(img);
    expect(firstDiff(got, want)).toBeNull();
    // 16,782 triples are exact ties (sum ≡ 500 mod 1000); they round to even.
    let ties = 0;
    for (let i = 0; i < w * h; i++) {
      const sum = 299 * (i >> 16) + 587 * ((i >> 8) & 255) + 114 * (i & 255);
      if (sum % 1000 === 500) {
        ties++;
        expect(got.data[i * 2] % 2).toBe(0);
      }
    }
    expect(ties).toBe(16782);
  });

  test('sharpen: a tie at 98.5 gives 98, at 99.5 gives 100', async () => {
    // Centre 100, neighbours summing 812: (3200 − 1624) / 16 = 98.5.
    // Centre 100, neighbours summing 804: (3200 − 1608) / 16 = 99.5.
    const make = (n: number[]): RefImage => ({
      width: 3,
      height: 3,
      channels: 1,
      data: Uint8Array.from([n[0], n[1], n[2], n[3], 100, n[4], n[5], n[6], n[7]]),
    });
    const a = make([101, 101, 101, 101, 102, 102, 102, 102]);
    const b = make([100, 100, 100, 100, 101, 101, 101, 101]);
    const step = { op: 'sharpen', params: {} };
    expect((await engine(a, [step])).data[4]).toBe(98);
    expect((await engine(b, [step])).data[4]).toBe(100);
    expect(refStep(a, step).data[4]).toBe(98);
    expect(refStep(b, step).data[4]).toBe(100);
  });

  test('sharpen: photo-like input has many unclipped ties, all matching the reference', async () => {
    const img = photoLikeImage(160, 120, 1, 42);
    const p = planeOf(img, 0);
    let ties = 0;
    for (let y = 0; y < img.height; y++)
      for (let x = 0; x < img.width; x++) {
        const n = sharpenNumerator(p, x, y);
        if (((n % 16) + 16) % 16 === 8 && n > 0 && n < 255 * 16) ties++;
      }
    expect(ties).toBeGreaterThan(500);
    const step = { op: 'sharpen', params: {} };
    expect(firstDiff(await engine(img, [step]), refStep(img, step))).toBeNull();
  });

  test('brightness ×0.5 and ×1.5 on all 256 values', async () => {
    const img: RefImage = { width: 256, height: 1, channels: 1, data: Uint8Array.from({ length: 256 }, (_, v) => v) };
    const half = await engine(img, [{ op: 'brightness', params: { factor: 0.5 } }]);
    expect(Array.from(half.data.subarray(0, 8))).toEqual([0, 0, 1, 2, 2, 2, 3, 4]);
    const oneAndHalf = await engine(img, [{ op: 'brightness', params: { factor: 1.5 } }]);
    expect(Array.from(oneAndHalf.data.subarray(0, 6))).toEqual([0, 2, 3, 4, 6, 8]);
    expect(oneAndHalf.data[170]).toBe(255);
    for (const f of [0.5, 1.5]) {
      const step = { op: 'brightness', params: { factor: f } };
      expect(firstDiff(await engine(img, [step]), refStep(img, step))).toBeNull();
    }
  });
});

describe('hand-checked values (independent of the reference)', () => {
  test('sobel of a vertical step edge', async () => {
    // Columns 0 0 255 255: gx at x=1 is 4·255 = 1020 -> 255; at x=0, reflect-101 makes gx 0.
    const row = [0, 0, 255, 255];
    const img: RefImage = { width: 4, height: 3, channels: 1, data: Uint8Array.from([...row, ...row, ...row]) };
    const got = await engine(img, [{ op: 'sobel', params: {} }]);
    expect(Array.from(got.data.subarray(0, 4))).toEqual([0, 255, 255, 0]);
  });

  test('sobel of a gentle ramp: |gx| = 8·step', async () => {
    const row = [10, 13, 16, 19, 22];
    const img: RefImage = { width: 5, height: 2, channels: 1, data: Uint8Array.from([...row, ...row]) };
    const got = await engine(img, [{ op: 'sobel', params: {} }]);
    // Interior: (−1−2−1)·a + (1+2+1)·(a+6) = 24. Edges reflect (x=-1 -> 1), so gx = 0 there.
    expect(Array.from(got.data.subarray(0, 5))).toEqual([0, 24, 24, 24, 0]);
  });

  test('blur of a constant image is the constant; sharpen too', async () => {
    const img: RefImage = { width: 9, height: 4, channels: 2, data: new Uint8Array(72).fill(137) };
    for (const s of [0.5, 2, 3.3, 20]) {
      const got = await engine(img, [{ op: 'gaussian-blur', params: { sigma: s } }]);
      expect(Array.from(new Set(got.data))).toEqual([137]);
    }
    const sharp = await engine(img, [{ op: 'sharpen', params: {} }]);
    expect(Array.from(new Set(sharp.data))).toEqual([137]);
  });

  test('alpha passes through every colour op unchanged', async () => {
    const img = randomImage(11, 6, 4, 1234);
    for (const step of SINGLE_STEPS.filter((s) => s.op !== 'grayscale')) {
      const got = await engine(img, [step]);
      for (let i = 0; i < 66; i++) expect(got.data[i * 4 + 3]).toBe(img.data[i * 4 + 3]);
    }
  });

  test('gaussian weights: radius ceil(3σ), symmetric, sum 1', () => {
    expect(refGaussianWeights(0.5).length).toBe(5);
    expect(refGaussianWeights(2).length).toBe(13);
    expect(refGaussianWeights(3.3).length).toBe(21);
    const k = refGaussianWeights(2);
    expect(k[0]).toBeCloseTo(k[12], 15);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});

describe('kernels on strided views', () => {
  test('each op reads and writes sub-rectangles of larger frames correctly', async () => {
    const rnd = mulberry32(99);
    for (const step of SINGLE_STEPS) {
      for (const ch of CHANNELS) {
        const outCh = getOperation(step.op)!.outChannels(ch);
        const { src, dst, out, outsideChanged } = await runOnViews(ENGINE_OPS.kernel[step.op], step.params, ch, outCh, rnd);
        expect(out).toBe(dst);
        const want = refStep(fromFrame(src), step);
        expect(firstDiff(fromFrame(dst), want), `${label(step)} ch=${ch}`).toBeNull();
        // Bytes outside the destination rectangle are untouched.
        expect(outsideChanged).toBe(0);
      }
    }
  });
});
