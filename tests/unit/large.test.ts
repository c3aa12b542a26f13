/** core/large.ts: which way a large image goes, and the refusals' words. */
import { describe, expect, test } from 'vitest';
import { TesseraError } from '../../src/core/errors';
import { checkFormatLimits, largePath } from '../../src/core/large';
import type { ResolvedStep } from '../../src/core/recipe';

const GB = 2 ** 30;
const limits = { maxPixels: 4 << 20, streamPixels: 40e6, memoryBudget: GB };
const sharpen: ResolvedStep[] = [{ op: 'sharpen', params: {} }];
const img = (mp: number, channels = 3) => ({
  width: Math.round(Math.sqrt(mp * 1e6 * 1.5)),
  height: Math.round(Math.sqrt((mp * 1e6) / 1.5)),
  channels,
});

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TesseraError);
    expect((e as TesseraError).code).toBe('too-large');
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('largePath', () => {
  test('local recipes: whole, then tiles, then streamed for JPEG, PNG and TIFF', () => {
    expect(largePath(img(3), sharpen, 'jpeg', limits).path).toBe('whole');
    expect(largePath(img(20), sharpen, 'jpeg', limits).path).toBe('tiles');
    for (const f of ['jpeg', 'png', 'tiff'] as const)
      expect(largePath(img(1000), sharpen, f, limits)).toEqual({ path: 'stream', steps: sharpen });
  });

  test('formats that cannot stream are tiled while they fit, then refused naming what would work', () => {
    expect(largePath(img(100), sharpen, 'webp', { ...limits, memoryBudget: 4 * GB }).path).toBe('tiles');
    const m = refusal(() => largePath({ width: 14000, height: 14000, channels: 3 }, sharpen, 'webp', limits));
    expect(m).toMatch(/14,000×14,000 \(196 MP\): WebP output needs the whole image in memory \(about 1,122 MB, over the 1,024 MB budget\)/);
    expect(m).toMatch(/JPEG, PNG, TIFF, Deep Zoom \(DZI\) are written as a stream at any size/);
  });

  test('hard format limits, whatever the memory', () => {
    expect(refusal(() => checkFormatLimits(20000, 15000, 'webp'))).toMatch(
      /too large for WebP: WebP stores at most 16,383 pixels a side; PNG, TIFF or Deep Zoom \(DZI\) can take it/,
    );
    expect(refusal(() => checkFormatLimits(70000, 1000, 'jpeg'))).toMatch(/JPEG stores at most 65,535 pixels a side/);
    expect(refusal(() => checkFormatLimits(8000, 6000, 'avif'))).toMatch(/AVIF/);
    expect(() => checkFormatLimits(16383, 16383, 'webp')).not.toThrow();
    expect(() => checkFormatLimits(100000, 100000, 'tiff')).not.toThrow();
  });

  test('a global step on a giant image is refused naming the step; thumbnail first shrinks on load', () => {
    const rotate: ResolvedStep[] = [...sharpen, { op: 'rotate', params: { angle: 90 } }];
    const m = refusal(() => largePath(img(1000), rotate, 'jpeg', limits));
    expect(m).toMatch(/the step "Rotate" needs the whole image in memory/);
    expect(m).toMatch(/Thumbnail as the first step shrinks while decoding/);
    expect(largePath(img(1000), [{ op: 'thumbnail', params: { size: 2048 } }, ...sharpen], 'jpeg', limits).path).toBe('whole');
    expect(largePath(img(20), rotate, 'jpeg', limits).path).toBe('whole');
  });

  test('auto-orient of an upright image is left out so the rest streams; of a turned one it needs the whole image', () => {
    const steps: ResolvedStep[] = [{ op: 'auto-orient', params: {} }, ...sharpen];
    expect(largePath({ ...img(1000), orientation: 1 }, steps, 'jpeg', limits)).toEqual({ path: 'stream', steps: sharpen });
    expect(refusal(() => largePath({ ...img(1000), orientation: 6 }, steps, 'jpeg', limits))).toMatch(/"Turn upright"/);
  });
});
