/**
 * Target file size on a real photo: the best quality that fits (one more would not), a target
 * too small failing in words, and Shrink to fit making a smaller image instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { validateOutput, type OutputOptions } from '../../src/core/formats';
import { decodeSource, encodeOutput } from '../../src/engine/codec';
import { encodeWithin } from '../../src/engine/target-size';
import { loadVips, type Vips } from '../../src/engine/vips';
import type { Frame } from '../../src/core/frame';

let vips: Vips;
let photo: Frame;
beforeAll(async () => {
  ({ vips } = await loadVips());
  photo = decodeSource(vips, new Uint8Array(readFileSync(join(__dirname, '../../.tmp/face-samples/sample1.jpg')))).frame;
});

const opts = (o: Partial<OutputOptions>) => validateOutput({ metadata: 'strip', ...o });

describe('target file size', () => {
  test.each(['jpeg', 'webp', 'avif'] as const)('%s: the best quality that fits', async (format) => {
    const o = opts({ format, maxBytes: 60_000 });
    const r = await encodeWithin(vips, photo, o);
    expect(r.bytes.length).toBeLessThanOrEqual(60_000);
    expect(r.fit?.scale).toBe(1);
    const q = r.fit!.quality!;
    expect(q).toBeGreaterThan(1);
    expect(q).toBeLessThan(o.quality);
    // One step better would not fit: the bisection found the edge.
    expect((await encodeOutput(vips, photo, { ...o, quality: q + 1 })).length).toBeGreaterThan(60_000);
    expect([r.width, r.height]).toEqual([photo.width, photo.height]);
  });

  test('a target already met keeps the chosen quality', async () => {
    const r = await encodeWithin(vips, photo, opts({ format: 'jpeg', quality: 70, maxBytes: 5_000_000 }));
    expect(r.fit).toEqual({ quality: 70, scale: 1, target: 5_000_000 });
  });

  test('an impossible target fails in words; Shrink to fit writes a smaller image instead', async () => {
    await expect(encodeWithin(vips, photo, opts({ format: 'jpeg', maxBytes: 2_000 }))).rejects.toThrow(
      /^cannot be made 2\.0 KB or smaller: at quality 1 it is [\d.]+ KB; turn on Shrink to fit/,
    );
    const r = await encodeWithin(vips, photo, opts({ format: 'jpeg', maxBytes: 2_000, shrinkToFit: true }));
    expect(r.bytes.length).toBeLessThanOrEqual(2_000);
    expect(r.width).toBeLessThan(photo.width);
    expect(r.width / r.height).toBeCloseTo(photo.width / photo.height, 1);
    expect(r.fit!.scale).toBeLessThan(1);
  });

  test('PNG has no quality: it can only shrink', async () => {
    await expect(encodeWithin(vips, photo, opts({ format: 'png', maxBytes: 50_000 }))).rejects.toThrow(/PNG has no quality to lower/);
    const r = await encodeWithin(vips, photo, opts({ format: 'png', maxBytes: 50_000, shrinkToFit: true }));
    expect(r.bytes.length).toBeLessThanOrEqual(50_000);
    expect(r.fit?.quality).toBeUndefined();
  });

  test('the option is checked', () => {
    expect(() => validateOutput({ maxBytes: 10 })).toThrow(/\/output\/maxBytes: must be a whole number 1000–2000000000, got 10/);
  });
});
