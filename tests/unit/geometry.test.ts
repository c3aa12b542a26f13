/**
 * Geometry tracking (core/geometry.ts; recorded by the vips ops and the decoder): after any chain
 * of steps, `source.geometry.toInput` maps a pixel of the current frame to where it came from in
 * the input. Checked pixel by pixel for the ops that move pixels exactly, by the centroid of a
 * marker for the resampling ones, and through the decoder (orientation, shrink-on-load).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { createFrame, type Frame } from '../../src/core/frame';
import { apply, compose, flipMap, IDENTITY, invert, mapBox, orientationMap, rotationMap, type Affine } from '../../src/core/geometry';
import type { ResolvedStep } from '../../src/core/recipe';
import { decodeSource } from '../../src/engine/codec';
import type { SourceInfo } from '../../src/engine/ops/context';
import { runSteps } from '../../src/engine/run-steps';
import { loadVips, type Vips } from '../../src/engine/vips';
import { mulberry32, pngWithOrientation, px, step } from './helpers';

let vips: Vips;
beforeAll(async () => {
  ({ vips } = await loadVips());
});

function random(w: number, h: number, ch: number, seed: number): Frame {
  const rnd = mulberry32(seed);
  const f = createFrame(w, h, ch, new ArrayBuffer(w * h * ch));
  for (let i = 0; i < f.data.length; i++) f.data[i] = Math.floor(rnd() * 256);
  return f;
}

async function chain(
  src: Frame,
  steps: ResolvedStep[],
  source: SourceInfo = { orientation: 1 },
): Promise<{ out: Frame; toInput: Affine; source: SourceInfo }> {
  const { frame } = await runSteps(src, steps, source);
  const out = createFrame(frame.width, frame.height, frame.channels, new ArrayBuffer(frame.width * frame.height * frame.channels));
  for (let y = 0; y < frame.height; y++)
    out.data.set(frame.data.subarray(y * frame.stride, y * frame.stride + frame.width * frame.channels), y * frame.width * frame.channels);
  return { out, toInput: source.geometry?.toInput ?? IDENTITY, source };
}

describe('affine maps', () => {
  test('compose and invert', () => {
    const a: Affine = [0.5, 0.2, 3, -0.1, 2, -7];
    const b: Affine = [1, 0, 4, 0, -1, 9];
    const ab = compose(a, b);
    const [x, y] = apply(b, 3.5, -2);
    expect(apply(ab, 3.5, -2)).toEqual(apply(a, x, y).map((v): unknown => expect.closeTo(v, 12)));
    const back = apply(invert(ab), ...apply(ab, 11, 13));
    expect(back[0]).toBeCloseTo(11, 10);
    expect(back[1]).toBeCloseTo(13, 10);
  });

  test('a quarter turn maps whole pixels to whole pixels, and boxes to the turned box', () => {
    // 90° clockwise of a 40×30 image: the output is 30×40 and out(x, y) = in(y, 29 − x).
    const m = rotationMap(90, 40, 30, 30, 40);
    expect([...m]).toEqual([0, 1, 0, -1, 0, 30]);
    expect(mapBox(m, [0, 0, 30, 10], 40, 30)).toEqual([0, 0, 10, 30]);
    expect(mapBox(flipMap('horizontal', 40, 30), [1, 2, 3, 4], 40, 30)).toEqual([36, 2, 3, 4]);
  });

  test('mapBox: nearest rounds edges, outward covers them, both clip to the image', () => {
    const s: Affine = [1.5, 0, 0, 0, 1.5, 0];
    expect(mapBox(s, [1, 1, 3, 3], 100, 100)).toEqual([2, 2, 4, 4]); // 1.5 → 2, 6 → 6
    expect(mapBox(s, [1, 1, 3, 3], 100, 100, 'outward')).toEqual([1, 1, 5, 5]);
    expect(mapBox(s, [60, 60, 20, 20], 100, 100)).toEqual([90, 90, 10, 10]);
  });

  test.each([1, 2, 3, 4, 5, 6, 7, 8])('orientation %i: each upright pixel maps to the stored pixel the EXIF table puts there', (o) => {
    const W = 7,
      H = 4;
    // The EXIF 2.3 table, as pixel maps from the upright image (w × h) to the stored one (W × H).
    const table: Record<number, (x: number, y: number) => [number, number]> = {
      1: (x, y) => [x, y],
      2: (x, y) => [W - 1 - x, y],
      3: (x, y) => [W - 1 - x, H - 1 - y],
      4: (x, y) => [x, H - 1 - y],
      5: (x, y) => [y, x],
      6: (x, y) => [y, H - 1 - x],
      7: (x, y) => [W - 1 - y, H - 1 - x],
      8: (x, y) => [W - 1 - y, x],
    };
    const [w, h] = o >= 5 ? [H, W] : [W, H];
    const m = orientationMap(o, W, H);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const [sx, sy] = apply(m, x + 0.5, y + 0.5);
        expect([sx - 0.5, sy - 0.5]).toEqual(table[o](x, y));
      }
  });
});

describe('steps that move pixels exactly record where each pixel came from', () => {
  /** Every output pixel equals the input pixel under the mapped centre. */
  async function exact(steps: ResolvedStep[], w = 53, h = 37, source?: SourceInfo): Promise<Affine> {
    const src = random(w, h, 3, w * 31 + h);
    const { out, toInput } = await chain(src, steps, source);
    let bad = 0,
      first = '';
    for (let y = 0; y < out.height; y++)
      for (let x = 0; x < out.width; x++) {
        const [sx, sy] = apply(toInput, x + 0.5, y + 0.5).map(Math.floor);
        const ok = sx >= 0 && sy >= 0 && sx < w && sy < h && px(out, x, y).join() === px(src, sx, sy).join();
        if (!ok && !bad++) first = `out (${x}, ${y}) → in (${sx}, ${sy})`;
      }
    expect(bad, `${steps.map((s) => s.op).join(' → ')}: ${bad} pixels misplaced, first ${first}`).toBe(0);
    return toInput;
  }

  test.each([
    ['crop box', [step('crop', { mode: 'box', x: 11, y: 5, width: 20, height: 30 })]],
    ['crop centre', [step('crop', { mode: 'centre', width: 20, height: 15 })]],
    ['crop attention', [step('crop', { mode: 'attention', width: 17, height: 21 })]],
    ['flip horizontal', [step('flip', { direction: 'horizontal' })]],
    ['flip vertical', [step('flip', { direction: 'vertical' })]],
    ['flip both', [step('flip', { direction: 'both' })]],
    ['rotate 90', [step('rotate', { angle: 90 })]],
    ['rotate 180', [step('rotate', { angle: 180 })]],
    ['rotate -90', [step('rotate', { angle: -90 })]],
    ['resize nearest ×2', [step('resize', { mode: 'percent', percent: 200, kernel: 'nearest' })]],
    ['crop-aspect centre 1:1', [step('crop-aspect', { ratioWidth: 1, ratioHeight: 1 })]],
    ['crop-aspect centre 16:9', [step('crop-aspect', { ratioWidth: 16, ratioHeight: 9 })]],
    ['crop-aspect attention 2:3', [step('crop-aspect', { ratioWidth: 2, ratioHeight: 3, gravity: 'attention' })]],
    ['long-edge nearest ×2', [step('resize', { mode: 'long-edge', edge: 106, kernel: 'nearest', enlarge: true })]],
    [
      'a chain: crop, turn, flip, crop',
      [
        step('crop', { mode: 'box', x: 3, y: 4, width: 40, height: 30 }),
        step('rotate', { angle: 90 }),
        step('flip', { direction: 'vertical' }),
        step('crop', { mode: 'centre', width: 19, height: 23 }),
      ],
    ],
  ] as [string, ResolvedStep[]][])('%s', async (_name, steps) => {
    await exact(steps);
  });

  test('a turn with the canvas kept: the pixels cut off map outside, the rest map exactly', async () => {
    // (Turns of 270° take the same path with the other sign.)
    // 53×37 turned 90° and cut back to 53×37: corners are fill, which maps outside the input.
    const src = random(53, 37, 3, 9);
    const { out, toInput } = await chain(src, [step('rotate', { angle: 90, expand: false, background: '#000000' })]);
    let inside = 0;
    for (let y = 0; y < out.height; y++)
      for (let x = 0; x < out.width; x++) {
        const [sx, sy] = apply(toInput, x + 0.5, y + 0.5).map(Math.floor);
        if (sx >= 0 && sy >= 0 && sx < 53 && sy < 37) {
          inside++;
          expect(px(out, x, y)).toEqual(px(src, sx, sy));
        } else expect(px(out, x, y)).toEqual([0, 0, 0]);
      }
    expect(inside).toBe(37 * 37);
  });

  test.each([
    ['onto a square: bars above and below', 106, 106, 0, 16],
    ['onto a wide canvas: bars left and right', 200, 74, 47, 0],
  ] as const)('pad, %s: the picture maps exactly, the bars map outside the input', async (_n, W, H, dx, dy) => {
    // 53×37 doubled (nearest) is 106×74, placed at (floor((W − 106)/2), floor((H − 74)/2)).
    const src = random(53, 37, 3, 4);
    const { out, toInput } = await chain(src, [
      step('resize', { mode: 'pad', width: W, height: H, kernel: 'nearest', enlarge: true, background: '#000000' }),
    ]);
    expect([out.width, out.height]).toEqual([W, H]);
    let inside = 0;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const [sx, sy] = apply(toInput, x + 0.5, y + 0.5).map(Math.floor);
        if (sx >= 0 && sy >= 0 && sx < 53 && sy < 37) {
          inside++;
          expect(px(out, x, y), `(${x}, ${y})`).toEqual(px(src, sx, sy));
          expect([sx, sy]).toEqual([Math.floor((x - dx) / 2), Math.floor((y - dy) / 2)]);
        } else expect(px(out, x, y), `(${x}, ${y})`).toEqual([0, 0, 0]);
      }
    expect(inside).toBe(106 * 74);
  });

  test('pad then crop: a point of the final frame maps back to its input pixel', async () => {
    // 400×300 padded to 100×100 is 100×75 (a quarter) at y = floor(25 / 2) = 12; then a box from (10, 5), reaching into the top bar.
    const src = createFrame(400, 300, 1, new ArrayBuffer(400 * 300));
    const { out, toInput } = await chain(src, [
      step('resize', { mode: 'pad', width: 100, height: 100 }),
      step('crop', { mode: 'box', x: 10, y: 5, width: 50, height: 50 }),
    ]);
    expect([out.width, out.height]).toEqual([50, 50]);
    // Output (5, 10) is canvas (15, 15), scaled image (15, 3), input (60, 12).
    expect(apply(toInput, 5, 10)).toEqual([60, 12]);
    // Output (0, 0) is canvas (10, 5), in the top bar: above the input, at y (5 − 12)·4 = −28.
    expect(apply(toInput, 0, 0)).toEqual([40, -28]);
  });

  test.each([2, 3, 4, 5, 6, 7, 8])('auto-orient as a step (orientation %i)', async (o) => {
    await exact([step('auto-orient')], 53, 37, { orientation: o });
  });
});

describe('resampling steps: a marker lands where its mapped position says', () => {
  /** Centre of mass of the bright pixels (value > 40) of a gray frame. */
  function centroid(f: Frame): [number, number] {
    let sx = 0,
      sy = 0,
      n = 0;
    for (let y = 0; y < f.height; y++)
      for (let x = 0; x < f.width; x++) {
        const v = f.data[y * f.stride + x * f.channels];
        if (v > 40) {
          sx += v * (x + 0.5);
          sy += v * (y + 0.5);
          n += v;
        }
      }
    if (!n) throw new Error('marker lost');
    return [sx / n, sy / n];
  }

  function marker(w: number, h: number, cx: number, cy: number, r = 4): Frame {
    const f = createFrame(w, h, 1, new ArrayBuffer(w * h));
    for (let y = cy - r; y < cy + r; y++) for (let x = cx - r; x < cx + r; x++) f.data[y * w + x] = 250;
    return f;
  }

  test.each([
    ['resize fit', [step('resize', { mode: 'fit', width: 150, height: 150 })]],
    ['resize fill', [step('resize', { mode: 'fill', width: 120, height: 120 })]],
    ['resize width (lanczos3)', [step('resize', { mode: 'width', width: 97 })]],
    ['resize 250 %', [step('resize', { mode: 'percent', percent: 250, kernel: 'cubic' })]],
    ['resize long-edge', [step('resize', { mode: 'long-edge', edge: 170 })]],
    ['resize short-edge', [step('resize', { mode: 'short-edge', edge: 90 })]],
    ['resize megapixels', [step('resize', { mode: 'megapixels', megapixels: 0.02 })]],
    ['resize pad', [step('resize', { mode: 'pad', width: 160, height: 160, background: '#000000' })]],
    [
      'crop-aspect 4:5, then resize',
      [step('crop-aspect', { ratioWidth: 4, ratioHeight: 5 }), step('resize', { mode: 'long-edge', edge: 99 })],
    ],
    ['thumbnail', [step('thumbnail', { size: 128 })]],
    ['rotate 30', [step('rotate', { angle: 30 })]],
    ['rotate -47, canvas kept', [step('rotate', { angle: -47, expand: false })]],
    [
      'resize, rotate 17, crop',
      [
        step('resize', { mode: 'percent', percent: 60 }),
        step('rotate', { angle: 17 }),
        step('crop', { mode: 'centre', width: 120, height: 90 }),
      ],
    ],
  ] as [string, ResolvedStep[]][])('%s', async (_name, steps) => {
    // Off-centre and asymmetric, so a wrong flip, turn or offset would show.
    const cx = 141,
      cy = 73;
    const src = marker(301, 203, cx, cy);
    const { out, toInput } = await chain(src, steps);
    const [mx, my] = apply(toInput, ...centroid(out));
    expect(
      Math.hypot(mx - cx, my - cy),
      `marker mapped back to (${mx.toFixed(2)}, ${my.toFixed(2)}), drawn at (${cx}, ${cy})`,
    ).toBeLessThan(1);
  });
});

describe('the decoder records orientation and shrink-on-load', () => {
  /** A PNG of a gray frame with a marker, whose EXIF says orientation o. */
  function png(o: number): Uint8Array {
    const f = createFrame(301, 203, 1, new ArrayBuffer(301 * 203));
    for (let y = 60; y < 68; y++) for (let x = 200; x < 208; x++) f.data[y * 301 + x] = 250;
    return pngWithOrientation(vips, f, o);
  }

  test.each([
    [6, { autoOrient: true }],
    [8, { autoOrient: true, thumbnail: 100 }],
    [3, { thumbnail: 64 }],
    [1, { thumbnail: 150 }],
  ] as [number, { autoOrient?: boolean; thumbnail?: number }][])(
    'orientation %i, %j: the marker maps back to the stored pixels',
    (o, opts) => {
      const { frame, source } = decodeSource(vips, png(o), opts);
      expect(source.geometry, 'geometry recorded').toBeDefined();
      const g = source.geometry!;
      expect([g.inputWidth, g.inputHeight]).toEqual([301, 203]);
      let sx = 0,
        sy = 0,
        n = 0;
      for (let y = 0; y < frame.height; y++)
        for (let x = 0; x < frame.width; x++) {
          const v = frame.data[y * frame.stride + x * frame.channels];
          if (v > 40) {
            sx += v * (x + 0.5);
            sy += v * (y + 0.5);
            n += v;
          }
        }
      const [mx, my] = apply(g.toInput, sx / n, sy / n);
      expect(Math.hypot(mx - 204, my - 64)).toBeLessThan(1);
    },
  );

  test('a plain decode records nothing', () => {
    expect(decodeSource(vips, png(6)).source.geometry).toBeUndefined();
  });
});
