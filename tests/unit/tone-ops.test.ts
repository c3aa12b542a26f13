/**
 * Tone operations: contrast, saturation, gamma, invert, threshold — hand-computed cases from
 * their catalogue definitions (Pillow's ImageEnhance blend truncates; see tone.ts).
 */
import { describe, expect, test } from 'vitest';
import { getOperation } from '../../src/core/catalogue';
import { ENGINE_OPS } from '../../src/engine/run-steps';
import { firstDiff, fromFrame, mulberry32, photoLikeImage, randomImage, runOnImage, runOnViews } from './helpers';
import type { RefImage } from './reference';

/** Runs one op with its defaults filled in (as a validated recipe would). */
const engine = (img: RefImage, op: string, params: Record<string, number> = {}) => runOnImage(img, op, params);

const gray = (values: number[]): RefImage => ({ width: values.length, height: 1, channels: 1, data: Uint8Array.from(values) });
const RAMP = gray(Array.from({ length: 256 }, (_, v) => v));

describe('catalogue', () => {
  test('point ops have halo 0; contrast is global (its mean gray spans the whole image)', () => {
    for (const op of ['saturation', 'gamma', 'invert', 'threshold']) expect(getOperation(op)!.locality).toBe('point');
    expect(getOperation('contrast').locality).toBe('global');
    expect(getOperation('threshold').params.level).toMatchObject({ type: 'integer', min: 0, max: 255, default: 128 });
  });
});

describe('invert', () => {
  test('255 − v on every value; alpha kept', async () => {
    expect(Array.from((await engine(RAMP, 'invert')).data)).toEqual(Array.from({ length: 256 }, (_, v) => 255 - v));
    const rgba: RefImage = { width: 1, height: 1, channels: 4, data: Uint8Array.from([0, 100, 255, 77]) };
    expect(Array.from((await engine(rgba, 'invert')).data)).toEqual([255, 155, 0, 77]);
  });
});

describe('threshold', () => {
  test('v ≥ level -> 255, else 0, per colour plane', async () => {
    expect(Array.from((await engine(gray([0, 127, 128, 129, 255]), 'threshold')).data)).toEqual([0, 0, 255, 255, 255]);
    expect(Array.from((await engine(gray([0, 1, 255]), 'threshold', { level: 0 })).data)).toEqual([255, 255, 255]);
    expect(Array.from((await engine(gray([0, 254, 255]), 'threshold', { level: 255 })).data)).toEqual([0, 0, 255]);
    const rgba: RefImage = { width: 1, height: 1, channels: 4, data: Uint8Array.from([10, 150, 99, 3]) };
    expect(Array.from((await engine(rgba, 'threshold', { level: 100 })).data)).toEqual([0, 255, 0, 3]);
  });
});

describe('gamma', () => {
  test('1 is the identity', async () => {
    expect(firstDiff(await engine(RAMP, 'gamma', { gamma: 1 }), RAMP)).toBeNull();
  });
  test('hand-computed values', async () => {
    // γ = 2: 255·√(64/255) = 127.75 -> 128; 255·√(128/255) = 180.67 -> 181.
    expect(Array.from((await engine(gray([0, 64, 128, 255]), 'gamma', { gamma: 2 })).data)).toEqual([0, 128, 181, 255]);
    // γ = 0.5: 255·(64/255)² = 16.06 -> 16; 255·(128/255)² = 64.25 -> 64.
    expect(Array.from((await engine(gray([0, 64, 128, 255]), 'gamma', { gamma: 0.5 })).data)).toEqual([0, 16, 64, 255]);
  });
  test('monotone for every γ in range', async () => {
    for (const g of [0.1, 0.45, 2.2, 10]) {
      const out = (await engine(RAMP, 'gamma', { gamma: g })).data;
      for (let v = 1; v < 256; v++) expect(out[v]).toBeGreaterThanOrEqual(out[v - 1]);
      expect([out[0], out[255]]).toEqual([0, 255]);
    }
  });
});

describe('contrast (ImageEnhance.Contrast)', () => {
  test('blends from the mean gray, truncating as Pillow', async () => {
    // mean 150: factor 2 -> 150 ± 100; factor 0.5 -> 150 ± 25.
    expect(Array.from((await engine(gray([100, 200]), 'contrast', { factor: 2 })).data)).toEqual([50, 250]);
    expect(Array.from((await engine(gray([100, 200]), 'contrast', { factor: 0.5 })).data)).toEqual([125, 175]);
    // mean 150.5 -> int(150.5 + 0.5) = 151; 151 + 0.5·49 = 175.5 truncates to 175 (not 176).
    expect(Array.from((await engine(gray([101, 200]), 'contrast', { factor: 0.5 })).data)).toEqual([126, 175]);
    // Factor 0: a flat image of the mean; 1: unchanged; extrapolation clips.
    expect(Array.from((await engine(gray([0, 90, 255]), 'contrast', { factor: 0 })).data)).toEqual([115, 115, 115]);
    expect(Array.from((await engine(gray([0, 90, 255]), 'contrast', { factor: 10 })).data)).toEqual([0, 0, 255]);
    const img = photoLikeImage(31, 17, 4, 8);
    expect(firstDiff(await engine(img, 'contrast', { factor: 1 }), img)).toBeNull();
  });

  test('RGB mean uses Pillow’s luma; alpha is ignored and kept', async () => {
    // L(255, 0, 0) = (255·19595 + 32768) >> 16 = 76; L(0, 0, 0) = 0: mean 38.
    const img: RefImage = { width: 2, height: 1, channels: 4, data: Uint8Array.from([255, 0, 0, 9, 0, 0, 0, 250]) };
    const got = await engine(img, 'contrast', { factor: 0.5 });
    // 38 + 0.5·217 = 146.5 -> 146; 38 − 19 = 19.
    expect(Array.from(got.data)).toEqual([146, 19, 19, 9, 19, 19, 19, 250]);
  });

  test('depends on the whole image, so a part alone differs', async () => {
    const img = gray([10, 10, 10, 250]);
    const whole = await engine(img, 'contrast', { factor: 2 });
    const part = await engine(gray([10, 10]), 'contrast', { factor: 2 });
    expect(whole.data[0]).not.toBe(part.data[0]);
  });
});

describe('saturation (ImageEnhance.Color)', () => {
  // L(200, 100, 50) = (3919000 + 3847000 + 373550 + 32768) >> 16 = 124.
  const px = (r: number, g: number, b: number): RefImage => ({ width: 1, height: 1, channels: 3, data: Uint8Array.from([r, g, b]) });
  test('hand-computed blends towards the luma, truncated', async () => {
    expect(Array.from((await engine(px(200, 100, 50), 'saturation', { factor: 0 })).data)).toEqual([124, 124, 124]);
    expect(Array.from((await engine(px(200, 100, 50), 'saturation', { factor: 0.5 })).data)).toEqual([162, 112, 87]);
    // 124 + 0.3·76 = 146.8 -> 146; 124 − 0.3·74 = 101.8 -> 101.
    expect(Array.from((await engine(px(200, 100, 50), 'saturation', { factor: 0.3 })).data)).toEqual([146, 116, 101]);
    expect(Array.from((await engine(px(200, 100, 50), 'saturation', { factor: 2 })).data)).toEqual([255, 76, 0]);
  });
  test('factor 1 and gray input are the identity; alpha kept', async () => {
    for (const ch of [1, 2, 3, 4]) {
      const img = randomImage(23, 9, ch, 40 + ch);
      expect(firstDiff(await engine(img, 'saturation', { factor: 1 }), img)).toBeNull();
      if (ch < 3) expect(firstDiff(await engine(img, 'saturation', { factor: 3 }), img)).toBeNull();
    }
    const rgba: RefImage = { width: 1, height: 1, channels: 4, data: Uint8Array.from([200, 100, 50, 33]) };
    expect(Array.from((await engine(rgba, 'saturation', { factor: 0 })).data)).toEqual([124, 124, 124, 33]);
  });
});

describe('tone ops on strided views', () => {
  test('read and write sub-rectangles of larger frames correctly', async () => {
    const rnd = mulberry32(12);
    const steps: Array<[string, Record<string, number>]> = [
      ['contrast', { factor: 1.6 }],
      ['saturation', { factor: 1.4 }],
      ['gamma', { gamma: 2.2 }],
      ['invert', {}],
      ['threshold', { level: 90 }],
    ];
    for (const [op, params] of steps)
      for (const ch of [1, 2, 3, 4]) {
        const { src, dst, outsideChanged } = await runOnViews(ENGINE_OPS.kernel[op], params, ch, ch, rnd);
        expect(firstDiff(fromFrame(dst), await engine(fromFrame(src), op, params)), `${op} ch=${ch}`).toBeNull();
        expect(outsideChanged).toBe(0);
      }
  });
});
