/**
 * Geometry ops (resize, rotate, crop, crop-aspect, flip, auto-orient, thumbnail): exact sizes, exact pixels
 * where the op moves pixels only (checked against independent JS references), and the decode
 * stage (auto-orient / thumbnail leading a recipe are done by the decoder).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { defaultParams, getOperation, type Params } from '../../src/core/catalogue';
import { blit, createFrame, view, type Frame } from '../../src/core/frame';
import { outputOptions, validateOutput } from '../../src/core/formats';
import type { ResolvedStep } from '../../src/core/recipe';
import { decode, decodeSource, encode, frameToImage } from '../../src/engine/codec';
import { planDecode, processImage } from '../../src/engine/image-task';
import type { SourceInfo } from '../../src/engine/ops/context';
import { aspectWindow, resizeGeometry } from '../../src/core/output-geometry';
import { runSteps } from '../../src/engine/run-steps';
import { loadVips, type Vips } from '../../src/engine/vips';
import { mulberry32, pngWithOrientation, px, step } from './helpers';

let vips: Vips;
beforeAll(async () => {
  ({ vips } = await loadVips());
});

/** Random pixels in a frame whose rows are padded (stride > width·channels), to catch stride bugs. */
function padded(w: number, h: number, ch: number, seed: number): Frame {
  const rnd = mulberry32(seed);
  const big = createFrame(w + 3, h + 2, ch, new ArrayBuffer((w + 3) * (h + 2) * ch));
  for (let i = 0; i < big.data.length; i++) big.data[i] = Math.floor(rnd() * 256);
  return view(big, 2, 1, w, h);
}

/** A packed copy built from out(x, y) = in(map(x, y)). */
function remap(src: Frame, w: number, h: number, map: (x: number, y: number) => [number, number]): Frame {
  const out = createFrame(w, h, src.channels, new ArrayBuffer(w * h * src.channels));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [sx, sy] = map(x, y);
      out.data.set(px(src, sx, sy), (y * w + x) * src.channels);
    }
  return out;
}

const REF = {
  rot90: (f: Frame) => remap(f, f.height, f.width, (x, y) => [y, f.height - 1 - x]),
  rot180: (f: Frame) => remap(f, f.width, f.height, (x, y) => [f.width - 1 - x, f.height - 1 - y]),
  rot270: (f: Frame) => remap(f, f.height, f.width, (x, y) => [f.width - 1 - y, x]),
  flipH: (f: Frame) => remap(f, f.width, f.height, (x, y) => [f.width - 1 - x, y]),
  flipV: (f: Frame) => remap(f, f.width, f.height, (x, y) => [x, f.height - 1 - y]),
  transpose: (f: Frame) => remap(f, f.height, f.width, (x, y) => [y, x]),
  transverse: (f: Frame) => remap(f, f.height, f.width, (x, y) => [f.width - 1 - y, f.height - 1 - x]),
  id: (f: Frame) => remap(f, f.width, f.height, (x, y) => [x, y]),
};

/** What a viewer does to show a stored image with EXIF orientation o (the EXIF 2.3 table). */
const ORIENT: Record<number, (f: Frame) => Frame> = {
  1: REF.id,
  2: REF.flipH,
  3: REF.rot180,
  4: REF.flipV,
  5: REF.transpose,
  6: REF.rot90,
  7: REF.transverse,
  8: REF.rot270,
};

function packedCopy(f: Frame): Frame {
  const out = createFrame(f.width, f.height, f.channels, new ArrayBuffer(f.width * f.height * f.channels));
  blit(f, 0, 0, f.width, f.height, out, 0, 0);
  return out;
}

async function run(src: Frame, op: string, params: Params = {}, source: SourceInfo = { orientation: 1 }): Promise<Frame> {
  const spec = getOperation(op)!;
  const { frame } = await runSteps(src, [{ op, params: { ...defaultParams(spec), ...params } }], source);
  return packedCopy(frame);
}

function same(a: Frame, b: Frame): boolean {
  return (
    a.width === b.width &&
    a.height === b.height &&
    a.channels === b.channels &&
    Buffer.from(packedCopy(a).data).equals(Buffer.from(packedCopy(b).data))
  );
}

function meanAbsDiff(a: Frame, b: Frame): number {
  expect([a.width, a.height, a.channels]).toEqual([b.width, b.height, b.channels]);
  const pa = packedCopy(a).data,
    pb = packedCopy(b).data;
  let d = 0;
  for (let i = 0; i < pa.length; i++) d += Math.abs(pa[i] - pb[i]);
  return d / pa.length;
}

function uniform(w: number, h: number, value: number[]): Frame {
  const f = createFrame(w, h, value.length, new ArrayBuffer(w * h * value.length));
  for (let i = 0; i < w * h; i++) f.data.set(value, i * value.length);
  return f;
}

describe('catalogue entries', () => {
  test('all seven are global vips transforms; auto-orient and thumbnail run at decode', () => {
    for (const name of ['resize', 'rotate', 'crop', 'crop-aspect', 'flip', 'auto-orient', 'thumbnail']) {
      const op = getOperation(name)!;
      expect(op, name).toBeDefined();
      expect([op.category, op.engine, op.locality]).toEqual(['transform', 'vips', 'global']);
      expect(op.outChannels(3)).toBe(3);
      expect(op.description.length).toBeGreaterThan(10);
    }
    expect(getOperation('auto-orient').stage).toBe('decode');
    expect(getOperation('thumbnail').stage).toBe('decode');
    expect(getOperation('resize').stage).toBeUndefined();
    expect(defaultParams(getOperation('resize'))).toEqual({
      mode: 'fit',
      width: 1024,
      height: 1024,
      edge: 2048,
      megapixels: 2,
      percent: 50,
      background: '#ffffff',
      kernel: 'lanczos3',
      enlarge: false,
    });
    expect(defaultParams(getOperation('crop-aspect'))).toEqual({ ratioWidth: 16, ratioHeight: 9, gravity: 'centre' });
    expect(defaultParams(getOperation('crop'))).toEqual({ mode: 'centre', x: 0, y: 0, width: 512, height: 512 });
    expect(defaultParams(getOperation('rotate'))).toEqual({ angle: 90, expand: true, background: '#000000' });
  });
});

describe('resize', () => {
  const cases: [string, number, number, Params, [number, number]][] = [
    ['fit, landscape into a square', 400, 300, { mode: 'fit', width: 200, height: 200 }, [200, 150]],
    ['fit, portrait into a square', 300, 400, { mode: 'fit', width: 200, height: 200 }, [150, 200]],
    ['fit, never enlarges by default', 120, 80, { mode: 'fit', width: 500, height: 500 }, [120, 80]],
    ['fit, enlarges when allowed', 120, 80, { mode: 'fit', width: 300, height: 300, enlarge: true }, [300, 200]],
    ['fit, odd ratio rounds', 333, 211, { mode: 'fit', width: 100, height: 100 }, [100, 63]],
    ['fill, exact box', 400, 300, { mode: 'fill', width: 200, height: 200 }, [200, 200]],
    ['fill, wide box', 400, 300, { mode: 'fill', width: 300, height: 100 }, [300, 100]],
    ['fill, smaller image is cropped, not enlarged', 150, 90, { mode: 'fill', width: 100, height: 100 }, [100, 90]],
    ['fill, smaller image enlarged when allowed', 150, 90, { mode: 'fill', width: 200, height: 200, enlarge: true }, [200, 200]],
    ['width', 400, 300, { mode: 'width', width: 101 }, [101, 76]],
    ['width, no enlarge', 400, 300, { mode: 'width', width: 800 }, [400, 300]],
    ['width, enlarge', 400, 300, { mode: 'width', width: 800, enlarge: true }, [800, 600]],
    ['height', 400, 300, { mode: 'height', height: 77 }, [103, 77]],
    ['percent down', 401, 301, { mode: 'percent', percent: 25 }, [100, 75]],
    ['percent up (always allowed)', 40, 30, { mode: 'percent', percent: 250 }, [100, 75]],
    ['percent to a 1-pixel floor', 40, 30, { mode: 'percent', percent: 1 }, [1, 1]],
    ['long-edge, landscape', 400, 300, { mode: 'long-edge', edge: 120 }, [120, 90]],
    ['long-edge, portrait', 300, 400, { mode: 'long-edge', edge: 120 }, [90, 120]],
    ['long-edge, never enlarges by default', 80, 60, { mode: 'long-edge', edge: 120 }, [80, 60]],
    ['long-edge, enlarges when allowed', 80, 60, { mode: 'long-edge', edge: 120, enlarge: true }, [120, 90]],
    ['short-edge, landscape', 400, 300, { mode: 'short-edge', edge: 60 }, [80, 60]],
    ['short-edge, portrait', 300, 400, { mode: 'short-edge', edge: 60 }, [60, 80]],
    ['short-edge, never enlarges by default', 80, 60, { mode: 'short-edge', edge: 90 }, [80, 60]],
    ['megapixels', 400, 300, { mode: 'megapixels', megapixels: 0.03 }, [200, 150]],
    ['megapixels, rounded sides', 333, 211, { mode: 'megapixels', megapixels: 0.01 }, [126, 80]],
    ['megapixels, never enlarges by default', 100, 100, { mode: 'megapixels', megapixels: 0.02 }, [100, 100]],
    ['megapixels, enlarges when allowed', 100, 100, { mode: 'megapixels', megapixels: 0.02, enlarge: true }, [141, 141]],
    ['pad, landscape onto a square', 400, 300, { mode: 'pad', width: 100, height: 100 }, [100, 100]],
    ['pad, portrait onto a wide canvas', 300, 400, { mode: 'pad', width: 160, height: 90 }, [160, 90]],
    ['pad, a small image is not enlarged but the canvas is exact', 30, 20, { mode: 'pad', width: 100, height: 50 }, [100, 50]],
  ];
  test.each(cases)('%s: %i×%i → exact size', async (_n, w, h, params, want) => {
    const p = { ...defaultParams(getOperation('resize')), ...params };
    const g = resizeGeometry(w, h, p);
    const box = g.crop ?? g.pad;
    expect(box ? [box.width, box.height] : [g.width, g.height]).toEqual(want);
    for (const ch of [3, 4]) {
      const out = await run(padded(w, h, ch, w + h), 'resize', params);
      expect([out.width, out.height, out.channels]).toEqual([...want, ch]);
    }
  });

  test.each(['nearest', 'linear', 'cubic', 'lanczos3'])('%s: every kernel gives exact sizes for awkward scales', async (kernel) => {
    for (const [w, h, W] of [
      [97, 61, 13],
      [1000, 3, 7],
      [5, 400, 3],
      [640, 480, 639],
    ] as const) {
      const out = await run(padded(w, h, 1, W), 'resize', { mode: 'width', width: W, kernel });
      expect([out.width, out.height]).toEqual([W, Math.max(1, Math.round((h * W) / w))]);
    }
  });

  test('a uniform image stays uniform (alpha premultiplied round trip is exact)', async () => {
    for (const value of [[200, 30, 90, 128], [17, 255], [10, 20, 30], [99]]) {
      for (const kernel of ['nearest', 'linear', 'cubic', 'lanczos3']) {
        const out = await run(uniform(90, 70, value), 'resize', { mode: 'percent', percent: 37, kernel });
        expect(same(out, uniform(out.width, out.height, value)), `${kernel} ${value.join(',')}`).toBe(true);
      }
    }
  });

  test('transparent pixels do not bleed their colour into opaque ones', async () => {
    // Left half: opaque blue. Right half: fully transparent red.
    const f = createFrame(64, 16, 4, new ArrayBuffer(64 * 16 * 4));
    for (let y = 0; y < 16; y++) for (let x = 0; x < 64; x++) f.data.set(x < 32 ? [0, 0, 255, 255] : [255, 0, 0, 0], (y * 64 + x) * 4);
    const out = await run(f, 'resize', { mode: 'percent', percent: 50, kernel: 'lanczos3' });
    for (let x = 0; x < out.width; x++) {
      const [r, , , a] = px(out, x, 8);
      if (a > 0) expect(r, `x=${x} alpha ${a}`).toBeLessThanOrEqual(1);
    }
  });

  test('fill crops the centre of the scaled image', async () => {
    // 2:1 image → 100×100: scale to 200×100, then the middle 100 columns.
    const f = createFrame(400, 200, 1, new ArrayBuffer(400 * 200));
    for (let y = 0; y < 200; y++) for (let x = 0; x < 400; x++) f.data[y * 400 + x] = x < 100 || x >= 300 ? 0 : 255;
    const out = await run(f, 'resize', { mode: 'fill', width: 100, height: 100, kernel: 'nearest' });
    expect([out.width, out.height]).toEqual([100, 100]);
    expect(out.data.every((v) => v === 255)).toBe(true);
  });

  test.each([
    ['long-edge 1200', { mode: 'long-edge', edge: 1200 }, [1200, 900]],
    ['short-edge 600', { mode: 'short-edge', edge: 600 }, [800, 600]],
    // s = sqrt(2/12) = 0.408248…: 1632.99 → 1633 and 1224.74 → 1225 (2.000 425 MP).
    ['megapixels 2', { mode: 'megapixels', megapixels: 2 }, [1633, 1225]],
    ['pad 1000×1000', { mode: 'pad', width: 1000, height: 1000 }, [1000, 1000]],
  ] as [string, Params, [number, number]][])('a 4000×3000 photo, %s → exact size', async (_n, params, want) => {
    const out = await run(uniform(4000, 3000, [90, 140, 200]), 'resize', { ...params, kernel: 'linear' });
    expect([out.width, out.height, out.channels]).toEqual([...want, 3]);
    expect(px(out, out.width >> 1, out.height >> 1)).toEqual([90, 140, 200]);
    if (params.mode === 'pad') {
      // 1000×750 at y = 125, white bars above and below.
      const column = [0, 124, 125, 874, 875, 999].map((y) => px(out, 500, y).join());
      expect(column).toEqual(['255,255,255', '255,255,255', '90,140,200', '90,140,200', '255,255,255', '255,255,255']);
    }
  });

  test('pad: the picture centred, the bars exactly the background colour (RGB, gray, alpha)', async () => {
    // 400×300 onto 200×200: scaled to 200×150 at y = floor(50 / 2) = 25.
    const rows = (out: Frame, bar: number[], pic: number[]) => {
      let wrong = 0;
      for (let y = 0; y < 200; y++)
        for (let x = 0; x < 200; x++) if (px(out, x, y).join() !== (y >= 25 && y < 175 ? pic : bar).join()) wrong++;
      return wrong;
    };
    const rgb = await run(uniform(400, 300, [200, 30, 40]), 'resize', { mode: 'pad', width: 200, height: 200, background: '#1040f0' });
    expect([rgb.width, rgb.height]).toEqual([200, 200]);
    expect(rows(rgb, [0x10, 0x40, 0xf0], [200, 30, 40])).toBe(0);
    const gray = await run(uniform(400, 300, [77]), 'resize', { mode: 'pad', width: 200, height: 200, background: '#ff8000' });
    expect(rows(gray, [Math.round((299 * 255 + 587 * 128) / 1000)], [77])).toBe(0);
    const alpha = await run(uniform(400, 300, [10, 20, 30, 128]), 'resize', {
      mode: 'pad',
      width: 200,
      height: 200,
      background: '#ffffff',
    });
    expect(rows(alpha, [255, 255, 255, 255], [10, 20, 30, 128])).toBe(0);

    // Portrait onto a wide canvas: bars left and right; a smaller image is centred unscaled.
    const tall = await run(uniform(30, 60, [5, 6, 7]), 'resize', { mode: 'pad', width: 100, height: 40, background: '#000000' });
    // 30×60 → 20×40 at x = 40.
    expect([tall.width, tall.height]).toEqual([100, 40]);
    expect([px(tall, 39, 20), px(tall, 40, 20), px(tall, 59, 20), px(tall, 60, 20)]).toEqual([
      [0, 0, 0],
      [5, 6, 7],
      [5, 6, 7],
      [0, 0, 0],
    ]);
    const f = padded(31, 21, 3, 5);
    const small = await run(f, 'resize', { mode: 'pad', width: 100, height: 50, background: '#ffffff' });
    // Not enlarged: the very pixels at (floor(69 / 2), floor(29 / 2)) = (34, 14).
    expect(same(await run(small, 'crop', { mode: 'box', x: 34, y: 14, width: 31, height: 21 }), REF.id(f))).toBe(true);
    expect(px(small, 33, 14)).toEqual([255, 255, 255]);
  });
});

describe('rotate', () => {
  test.each([1, 2, 3, 4])('quarter turns are lossless and exact (%i channels, padded stride)', async (ch) => {
    const f = padded(23, 11, ch, ch);
    expect(same(await run(f, 'rotate', { angle: 90 }), REF.rot90(f))).toBe(true);
    expect(same(await run(f, 'rotate', { angle: 180 }), REF.rot180(f))).toBe(true);
    expect(same(await run(f, 'rotate', { angle: 270 }), REF.rot270(f))).toBe(true);
    expect(same(await run(f, 'rotate', { angle: -90 }), REF.rot270(f))).toBe(true);
    expect(same(await run(f, 'rotate', { angle: -270 }), REF.rot90(f))).toBe(true);
    expect(same(await run(f, 'rotate', { angle: 360 }), REF.id(f))).toBe(true);
    expect(same(await run(f, 'rotate', { angle: 0 }), REF.id(f))).toBe(true);
  });

  test('expand off keeps the canvas: a quarter turn of a wide image is cut and padded, centred', async () => {
    const f = uniform(40, 10, [200, 100, 50]);
    const out = await run(f, 'rotate', { angle: 90, expand: false, background: '#102030' });
    expect([out.width, out.height]).toEqual([40, 10]);
    // The rotated image is 10 wide, centred: columns 15–24 are image, the rest background.
    expect(px(out, 20, 5)).toEqual([200, 100, 50]);
    expect(px(out, 0, 0)).toEqual([0x10, 0x20, 0x30]);
    expect(px(out, 39, 9)).toEqual([0x10, 0x20, 0x30]);
  });

  test('arbitrary angles: bounding-box canvas, background corners, transparent corners with alpha', async () => {
    const f = uniform(100, 50, [255, 255, 255]);
    const out = await run(f, 'rotate', { angle: 30, background: '#ff0000' });
    const bw = 100 * Math.cos(Math.PI / 6) + 50 * Math.sin(Math.PI / 6),
      bh = 100 * Math.sin(Math.PI / 6) + 50 * Math.cos(Math.PI / 6);
    expect(Math.abs(out.width - bw)).toBeLessThanOrEqual(2);
    expect(Math.abs(out.height - bh)).toBeLessThanOrEqual(2);
    expect(px(out, 0, 0)).toEqual([255, 0, 0]);
    expect(px(out, out.width >> 1, out.height >> 1)).toEqual([255, 255, 255]);

    const g = await run(uniform(100, 50, [0, 0, 0]), 'rotate', { angle: 30, background: '#ffffff' });
    expect(px(g, 0, 0)).toEqual([255, 255, 255]);

    const gray = await run(uniform(100, 50, [0]), 'rotate', { angle: -45, background: '#ff8000' });
    expect(px(gray, 0, 0)).toEqual([Math.round((299 * 255 + 587 * 128) / 1000)]);

    const a = await run(uniform(100, 50, [10, 200, 30, 255]), 'rotate', { angle: 45, background: '#ff0000' });
    expect(px(a, 0, 0)).toEqual([0, 0, 0, 0]);
    expect(px(a, a.width >> 1, a.height >> 1)).toEqual([10, 200, 30, 255]);

    const ga = await run(uniform(60, 40, [77, 255]), 'rotate', { angle: -20, expand: false });
    expect([ga.width, ga.height, ga.channels]).toEqual([60, 40, 2]);
    expect(px(ga, 0, 0)).toEqual([0, 0]);
    expect(px(ga, 30, 20)).toEqual([77, 255]);

    const kept = await run(uniform(100, 50, [9, 9, 9]), 'rotate', { angle: 12.5, expand: false });
    expect([kept.width, kept.height]).toEqual([100, 50]);
    expect(px(kept, 50, 25)).toEqual([9, 9, 9]);
    expect(px(kept, 0, 0)).toEqual([0, 0, 0]);
  });
});

describe('flip', () => {
  test.each([1, 2, 3, 4])('exact pixels (%i channels, padded stride)', async (ch) => {
    const f = padded(17, 9, ch, 40 + ch);
    expect(same(await run(f, 'flip', { direction: 'horizontal' }), REF.flipH(f))).toBe(true);
    expect(same(await run(f, 'flip', { direction: 'vertical' }), REF.flipV(f))).toBe(true);
    expect(same(await run(f, 'flip', { direction: 'both' }), REF.rot180(f))).toBe(true);
  });
});

describe('crop', () => {
  test('box: exact pixels, clamped to the image', async () => {
    const f = padded(50, 40, 3, 7);
    const out = await run(f, 'crop', { mode: 'box', x: 10, y: 5, width: 20, height: 15 });
    expect(
      same(
        out,
        remap(f, 20, 15, (x, y) => [x + 10, y + 5]),
      ),
    ).toBe(true);
    const clamped = await run(f, 'crop', { mode: 'box', x: 45, y: 30, width: 100, height: 100 });
    expect(
      same(
        clamped,
        remap(f, 5, 10, (x, y) => [x + 45, y + 30]),
      ),
    ).toBe(true);
  });

  test('box wholly outside the image is a clear error', async () => {
    const f = padded(50, 40, 3, 7);
    await expect(run(f, 'crop', { mode: 'box', x: 50, y: 0, width: 10, height: 10 })).rejects.toThrow(
      'crop box at x 50, y 0 is outside the 50×40 image (x must be below 50 and y below 40)',
    );
    await expect(run(f, 'crop', { mode: 'box', x: 0, y: 400, width: 10, height: 10 })).rejects.toThrow(/outside the 50×40 image/);
  });

  test('centre: the middle window, exact pixels; larger than the image is the image', async () => {
    const f = padded(51, 40, 4, 9);
    const out = await run(f, 'crop', { mode: 'centre', width: 20, height: 11 });
    expect(
      same(
        out,
        remap(f, 20, 11, (x, y) => [x + 15, y + 14]),
      ),
    ).toBe(true);
    const big = await run(f, 'crop', { mode: 'centre', width: 100, height: 20 });
    expect([big.width, big.height]).toEqual([51, 20]);
  });

  test.each([1, 2, 3, 4])('attention: the requested size, on the interesting part (%i channels)', async (ch) => {
    // Flat gray with a busy, saturated patch near the bottom-right corner.
    const f = uniform(
      200,
      150,
      new Array<number>(ch).fill(128).map((v, i) => (i === 3 || (ch === 2 && i === 1) ? 255 : v)),
    );
    const rnd = mulberry32(3);
    const colour = ch >= 3 ? 3 : 1;
    for (let y = 110; y < 145; y++)
      for (let x = 150; x < 195; x++)
        for (let c = 0; c < colour; c++) f.data[(y * 200 + x) * ch + c] = c === 0 ? 255 : Math.floor(rnd() * 256);
    const out = await run(f, 'crop', { mode: 'attention', width: 60, height: 50 });
    expect([out.width, out.height, out.channels]).toEqual([60, 50, ch]);
    // The window lies over the patch: most of its pixels are not the flat gray.
    let busy = 0;
    for (let i = 0; i < 60 * 50; i++) if (out.data[i * ch] !== 128) busy++;
    expect(busy).toBeGreaterThan(60 * 50 * 0.3);
  });
});

describe('crop-aspect', () => {
  test.each([
    [4000, 3000, 16, 9, [4000, 2250]],
    [4000, 3000, 1, 1, [3000, 3000]],
    [3000, 4000, 16, 9, [3000, 1688]],
    [3000, 4000, 9, 16, [2250, 4000]],
    [4000, 3000, 4, 5, [2400, 3000]],
    [1920, 1080, 16, 9, [1920, 1080]],
    [1000, 3, 1, 1, [3, 3]],
    [5, 7, 1000, 1, [5, 1]],
  ] as const)('%i×%i at %i:%i → the largest window', (w, h, a, b, want) => {
    expect(aspectWindow(w, h, a, b)).toEqual({ width: want[0], height: want[1] });
  });

  test('16:9 of a 4000×3000 photo is 4000×2250, cut from the middle', async () => {
    const f = createFrame(4000, 3000, 3, new ArrayBuffer(4000 * 3000 * 3));
    // Rows carry their number, so the cut's position is readable from the pixels.
    for (let y = 0; y < 3000; y++) f.data.fill(y % 251, y * 12000, (y + 1) * 12000);
    const out = await run(f, 'crop-aspect', { ratioWidth: 16, ratioHeight: 9 });
    expect([out.width, out.height]).toEqual([4000, 2250]);
    // floor((3000 − 2250) / 2) = 375.
    for (const y of [0, 1, 1000, 2249]) expect(px(out, 1234, y)).toEqual(new Array(3).fill((y + 375) % 251));
  });

  test('centre: exact pixels; an image of the ratio already is passed on as it is', async () => {
    const f = padded(51, 40, 4, 19);
    const out = await run(f, 'crop-aspect', { ratioWidth: 1, ratioHeight: 1 });
    expect(
      same(
        out,
        remap(f, 40, 40, (x, y) => [x + 5, y]),
      ),
    ).toBe(true);
    const g = padded(32, 18, 3, 4);
    expect(same(await run(g, 'crop-aspect', { ratioWidth: 16, ratioHeight: 9 }), REF.id(g))).toBe(true);
  });

  test.each([1, 3, 4])('attention: the window goes where the interesting patch is (%i channels)', async (ch) => {
    // Flat gray, a busy saturated patch near the left edge: centre would cut x 50…349, attention
    // should slide the 300×300 window left over the patch.
    const f = uniform(
      400,
      300,
      new Array<number>(ch).fill(128).map((v, i) => (i === 3 ? 255 : v)),
    );
    const rnd = mulberry32(8);
    const colour = ch >= 3 ? 3 : 1;
    for (let y = 120; y < 180; y++)
      for (let x = 5; x < 45; x++)
        for (let c = 0; c < colour; c++) f.data[(y * 400 + x) * ch + c] = c === 0 ? 255 : Math.floor(rnd() * 256);
    const source: SourceInfo = { orientation: 1 };
    const { frame } = await runSteps(f, [step('crop-aspect', { ratioWidth: 1, ratioHeight: 1, gravity: 'attention' })], source);
    expect([frame.width, frame.height, frame.channels]).toEqual([300, 300, ch]);
    const left = source.geometry!.toInput[2];
    expect(left, 'window left edge in the input').toBeLessThanOrEqual(5);
    // The patch is in the output, where the map says.
    expect(px(frame, 20 - left, 150)[0]).toBe(255);
    const centre = await run(f, 'crop-aspect', { ratioWidth: 1, ratioHeight: 1, gravity: 'centre' });
    expect(
      same(
        centre,
        remap(f, 300, 300, (x, y) => [x + 50, y]),
      ),
    ).toBe(true);
  });
});

describe('auto-orient', () => {
  test.each([1, 2, 3, 4, 5, 6, 7, 8])('orientation %i as a frame op equals the EXIF definition', async (o) => {
    for (const ch of [1, 3, 4]) {
      const f = padded(7, 4, ch, o * 10 + ch); // small and asymmetric
      const source: SourceInfo = { orientation: o };
      const out = await run(f, 'auto-orient', {}, source);
      expect(same(out, ORIENT[o](f)), `orientation ${o}, ${ch} channels`).toBe(true);
      expect(source.orientation).toBe(1);
    }
  });

  test('a second auto-orient does nothing', async () => {
    const f = padded(7, 4, 3, 1);
    const source: SourceInfo = { orientation: 6 };
    const { frame } = await runSteps(f, [step('auto-orient'), step('auto-orient')], source);
    expect(same(frame, REF.rot90(f))).toBe(true);
  });

  test.each([1, 2, 3, 4, 5, 6, 7, 8])('orientation %i leading the recipe is applied while decoding', async (o) => {
    const f = packedCopy(padded(7, 4, 3, 70 + o));
    const png = pngWithOrientation(vips, f, o);
    expect(decodeSource(vips, png).source.orientation).toBe(o);
    const direct = decodeSource(vips, png, { autoOrient: true });
    expect(direct.source.orientation).toBe(1);
    expect(same(direct.frame, ORIENT[o](f))).toBe(true);

    // Through the worker's per-image path, with metadata kept: the output says orientation 1.
    const res = await processImage(vips, {
      file: new Blob([]),
      bytes: png.slice().buffer,
      name: 'o.png',
      steps: [step('auto-orient')],
      output: validateOutput({ format: 'png', metadata: 'keep' }),
      maxPixels: Infinity,
    });
    if (res.kind !== 'done') throw new Error('expected done');
    expect(same(decode(vips, res.bytes), ORIENT[o](f))).toBe(true);
    const back = vips.Image.newFromBuffer(res.bytes);
    try {
      expect(back.getTypeof('orientation') ? back.getInt('orientation') : 1).toBe(1);
    } finally {
      back.delete();
    }
  });

  test('without auto-orient, a kept orientation is passed on unchanged', async () => {
    const f = packedCopy(padded(7, 4, 3, 5));
    const res = await processImage(vips, {
      file: new Blob([]),
      bytes: pngWithOrientation(vips, f, 6).slice().buffer,
      name: 'o.png',
      steps: [step('flip')],
      output: validateOutput({ format: 'jpeg', metadata: 'keep' }),
      maxPixels: Infinity,
    });
    if (res.kind !== 'done') throw new Error('expected done');
    const back = vips.Image.newFromBuffer(res.bytes);
    try {
      expect(back.getInt('orientation')).toBe(6);
      expect([back.width, back.height]).toEqual([7, 4]);
    } finally {
      back.delete();
    }
  });

  test('a JPEG with orientation 6 decodes upright (random access for the turn)', () => {
    const f = createFrame(600, 400, 3, new ArrayBuffer(600 * 400 * 3));
    for (let y = 0; y < 400; y++) for (let x = 0; x < 600; x++) f.data.set(x < 300 ? [250, 10, 10] : [10, 10, 250], (y * 600 + x) * 3);
    const im = frameToImage(vips, f);
    let jpg: Uint8Array;
    try {
      im.setInt('orientation', 6);
      jpg = im.jpegsaveBuffer({ Q: 95, keep: 1 });
    } finally {
      im.delete();
    }
    const { frame } = decodeSource(vips, jpg, { autoOrient: true });
    expect([frame.width, frame.height]).toEqual([400, 600]);
    // Turned clockwise: the left (red) half is now on top.
    expect(px(frame, 200, 100)[0]).toBeGreaterThan(200);
    expect(px(frame, 200, 500)[2]).toBeGreaterThan(200);
  });
});

describe('thumbnail', () => {
  test('as a frame op it is a fit-resize that never enlarges', async () => {
    const f = padded(300, 200, 3, 2);
    const t = await run(f, 'thumbnail', { size: 64 });
    const r = await run(f, 'resize', { mode: 'fit', width: 64, height: 64 });
    expect([t.width, t.height]).toEqual([64, 43]);
    expect(same(t, r)).toBe(true);
    const small = await run(f, 'thumbnail', { size: 1000 });
    expect(same(small, REF.id(f))).toBe(true);
  });

  test('decode-stage planning takes only leading auto-orient / thumbnail, once each', () => {
    const ops = (s: ResolvedStep[]) => s.map((x) => x.op);
    let p = planDecode([step('auto-orient'), step('thumbnail', { size: 99 }), step('resize')]);
    expect(p.decode).toEqual({ autoOrient: true, thumbnail: 99 });
    expect(ops(p.rest)).toEqual(['resize']);
    p = planDecode([step('thumbnail', { size: 50 }), step('auto-orient'), step('thumbnail')]);
    expect(p.decode).toEqual({ autoOrient: true, thumbnail: 50 });
    expect(ops(p.rest)).toEqual(['thumbnail']);
    p = planDecode([step('flip'), step('auto-orient')]);
    expect(p.decode).toEqual({});
    expect(ops(p.rest)).toEqual(['flip', 'auto-orient']);
    p = planDecode([step('auto-orient'), step('auto-orient')]);
    expect(ops(p.rest)).toEqual(['auto-orient']);
  });

  /** A photo-like 3-channel frame: smooth gradients with some texture. */
  function photo(w: number, h: number): Frame {
    const f = createFrame(w, h, 3, new ArrayBuffer(w * h * 3));
    const rnd = mulberry32(w);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const n = rnd() * 16;
        f.data[(y * w + x) * 3] = (128 + 100 * Math.sin(x / 97) * Math.cos(y / 53) + n) | 0;
        f.data[(y * w + x) * 3 + 1] = ((x * 255) / w) | 0;
        f.data[(y * w + x) * 3 + 2] = ((y * 255) / h + n) & 255;
      }
    return f;
  }

  test('leading the recipe it shrinks on load: libvips thumbnail pixels, close to the plain resize', async () => {
    // Speed (≈3–10× on large JPEGs) is a bench matter; here we check the decoder really took
    // the shrink-on-load path: its pixels are libvips' own thumbnail of the same bytes.
    const big = photo(4000, 3000);
    const jpg = encode(vips, big, outputOptions('jpeg', 90));
    const output = outputOptions('png');
    const req = (steps: ResolvedStep[]) => ({
      file: new Blob([]),
      bytes: jpg.slice().buffer,
      name: 'big.jpg',
      steps,
      output,
      maxPixels: Infinity,
    });
    const a = await processImage(vips, req([step('thumbnail', { size: 256 })]));
    // The same result the slow way: full decode, then a fit-resize as a frame op.
    const b = await processImage(vips, req([step('resize', { mode: 'fit', width: 256, height: 256 })]));
    if (a.kind !== 'done' || b.kind !== 'done') throw new Error('expected done');
    expect([a.width, a.height]).toEqual([256, 192]);
    expect([b.width, b.height]).toEqual([256, 192]);
    const direct = vips.Image.thumbnailBuffer(jpg, 256, { height: 256, size: 'down', no_rotate: true });
    let viaVips: Uint8Array;
    try {
      viaVips = direct.writeToMemory() as Uint8Array;
    } finally {
      direct.delete();
    }
    expect(Buffer.from(decode(vips, a.bytes).data).equals(Buffer.from(viaVips))).toBe(true);
    expect(meanAbsDiff(decode(vips, a.bytes), decode(vips, b.bytes))).toBeLessThan(3);
  });

  test('leading thumbnail rotates only with auto-orient', () => {
    const f = photo(300, 200);
    const im = frameToImage(vips, f);
    let jpg: Uint8Array;
    try {
      im.setInt('orientation', 8);
      jpg = im.jpegsaveBuffer({ keep: 1 });
    } finally {
      im.delete();
    }
    const plain = decodeSource(vips, jpg, { thumbnail: 60 });
    expect([plain.frame.width, plain.frame.height, plain.source.orientation]).toEqual([60, 40, 8]);
    const upright = decodeSource(vips, jpg, { thumbnail: 60, autoOrient: true });
    expect([upright.frame.width, upright.frame.height, upright.source.orientation]).toEqual([40, 60, 1]);
  });
});
