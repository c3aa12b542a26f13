/** Redaction masks: ellipse or rectangle, feathered edges, weights exact at both ends, blending integer. */
import { describe, expect, test } from 'vitest';
import { blend, maskWeight, maskWeights, type Region } from '../../src/core/redact-mask';
import { createFrame } from '../../src/core/frame';
import { redactBoxes } from '../../src/engine/faces/redact-boxes';
import { resolveSteps, validateRecipe } from '../../src/core/recipe';
import type { OpParams } from '../../src/core/catalogue';

const R: Region = [10, 20, 110, 80]; // 100 × 60, centre (60, 50)

describe('mask weights', () => {
  test('ellipse: 1 at the centre, 0 outside the inscribed ellipse and in the corners, smooth in the feather band', () => {
    expect(maskWeight(59, 49, R, 'ellipse', 20)).toBe(1);
    expect(maskWeight(10, 20, R, 'ellipse', 20)).toBe(0); // a corner
    expect(maskWeight(109, 49, R, 'ellipse', 0)).toBe(1); // the last pixel on the long axis, hard edge
    expect(maskWeight(5, 49, R, 'ellipse', 0)).toBe(0); // outside the region
    // Along the long axis: d = |x + 0.5 − 60| / 50; inside 1 − f all effect, then falling to 0.
    const along = Array.from({ length: 50 }, (_, i) => maskWeight(60 + i, 49, R, 'ellipse', 20));
    expect(along.slice(0, 39).every((w) => w === 1)).toBe(true);
    for (let i = 40; i < 50; i++) expect(along[i]).toBeLessThan(along[i - 1]);
    expect(along[49]).toBeGreaterThan(0);
    expect(along[49]).toBeLessThan(0.05);
  });

  test('rectangle: the whole region with no feather; with feather, a ramp from every edge', () => {
    expect(maskWeights(R, 'rectangle', 0).every((k) => k === 256)).toBe(true);
    const k = maskWeights(R, 'rectangle', 50);
    const w = 100;
    expect(k[30 * w + 50]).toBe(256); // the middle
    expect(k[0]).toBeLessThan(5); // a corner pixel, half a pixel from two edges
    expect(k[30 * w]).toBeLessThan(k[30 * w + 5]);
  });

  test('blending: weight 0 is the original, 256 the effect, integer rounding between', () => {
    expect(blend(10, 250, 0)).toBe(10);
    expect(blend(10, 250, 256)).toBe(250);
    expect(blend(0, 255, 128)).toBe(128);
  });
});

describe('redactBoxes with a mask', () => {
  const params = (p: Record<string, unknown>) =>
    resolveSteps(validateRecipe({ name: 't', steps: [{ op: 'redact-faces', params: { margin: 0, ...p } }] }))[0]
      .params as OpParams<'redact-faces'>;

  test('fill in a feathered ellipse: pixels outside the ellipse untouched, inside the colour, the band between', () => {
    const W = 64,
      H = 48;
    const f = createFrame(W, H, 4, new ArrayBuffer(W * H * 4));
    for (let i = 0; i < f.data.length; i++) f.data[i] = (i * 7) & 255;
    const before = f.data.slice();
    redactBoxes(f, [[8, 4, 40, 30]], params({ effect: 'fill', color: '#ff0000', shape: 'ellipse', feather: 25 }));
    const k = maskWeights([8, 4, 48, 34], 'ellipse', 25);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const p = (y * W + x) * 4;
        const inside = x >= 8 && x < 48 && y >= 4 && y < 34;
        const w = inside ? k[(y - 4) * 40 + (x - 8)] : 0;
        const want = [255, 0, 0].map((e, c) => blend(before[p + c], e, w));
        expect([f.data[p], f.data[p + 1], f.data[p + 2]], `${x},${y} weight ${w}`).toEqual(want);
        expect(f.data[p + 3]).toBe(before[p + 3]); // alpha kept
      }
  });

  test('mosaic in a hard rectangle: the whole box, as before masks', () => {
    const f = createFrame(20, 20, 1, new ArrayBuffer(400));
    for (let i = 0; i < 400; i++) f.data[i] = i & 255;
    redactBoxes(f, [[0, 0, 10, 10]], params({ effect: 'pixelate', blocks: 2, shape: 'rectangle', feather: 0 }));
    const cell = (x0: number, y0: number) => {
      let s = 0;
      for (let y = y0; y < y0 + 5; y++) for (let x = x0; x < x0 + 5; x++) s += (y * 20 + x) & 255;
      return Math.round(s / 25);
    };
    expect(f.data[0]).toBe(cell(0, 0));
    expect(f.data[9 * 20 + 9]).toBe(cell(5, 5));
    expect(f.data[10]).toBe(10); // outside
  });

  test('picture: stretched over the box and put over it with its alpha; transparent parts and outside untouched', () => {
    // 2×2 picture: opaque red, transparent, half-transparent green, opaque blue.
    const pic = createFrame(2, 2, 4, new ArrayBuffer(16));
    pic.data.set([255, 0, 0, 255, 9, 9, 9, 0, 0, 255, 0, 128, 0, 0, 255, 255]);
    const W = 30;
    const f = createFrame(W, W, 3, new ArrayBuffer(W * W * 3));
    for (let i = 0; i < f.data.length; i++) f.data[i] = (i * 13) & 255;
    const before = f.data.slice();
    redactBoxes(f, [[4, 6, 20, 20]], params({ effect: 'picture', picture: 'x.png', shape: 'rectangle', feather: 0 }), undefined, pic);
    const half = Math.round((128 * 256) / 255);
    for (let y = 0; y < W; y++)
      for (let x = 0; x < W; x++) {
        const p = (y * W + x) * 3;
        const o = [0, 1, 2].map((c) => before[p + c]);
        const got = [0, 1, 2].map((c) => f.data[p + c]);
        const inside = x >= 4 && x < 24 && y >= 6 && y < 26;
        if (!inside) {
          expect(got, `${x},${y} outside`).toEqual(o);
          continue;
        }
        const right = x >= 14,
          bottom = y >= 16;
        const want = !bottom ? (right ? o : [255, 0, 0]) : right ? [0, 0, 255] : [0, 255, 0].map((e, c) => blend(o[c], e, half));
        expect(got, `${x},${y}`).toEqual(want);
      }
  });

  test('picture: refused without one (faces must not be left visible)', () => {
    const f = createFrame(8, 8, 3, new ArrayBuffer(192));
    expect(() => redactBoxes(f, [[0, 0, 4, 4]], params({ effect: 'picture', picture: 'x.png' }))).toThrow(/needs an RGBA picture/);
  });
});
