/**
 * The truthful preview: core/preview-plan.ts and core/resample.ts (exact numbers), and the
 * worker's preview (engine/true-preview.ts) against the batch's own path (processImage) in Node —
 * the pixels shown at 100% equal the written file's there, the size reported is the file's, and
 * the encoded view's bytes are the file's.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { createFrame, type Frame } from '../../src/core/frame';
import { validateOutput, type OutputOptions } from '../../src/core/formats';
import { orientedSteps } from '../../src/core/output-geometry';
import { decodeStage, decodedSize, planView, scaleLabel, splitGlobal } from '../../src/core/preview-plan';
import { resolveSteps, type ResolvedStep } from '../../src/core/recipe';
import { areaResize } from '../../src/core/resample';
import { decodeSource, encode } from '../../src/engine/codec';
import { processImage } from '../../src/engine/image-task';
import { preview } from '../../src/engine/true-preview';
import { loadVips, type Vips } from '../../src/engine/vips';
import { photoLikeImage, pngWithOrientation, step, toFrame } from './helpers';

let vips: Vips;
beforeAll(async () => {
  ({ vips } = await loadVips());
});

const gray = (w: number, h: number, values: number[]): Frame => {
  const f = createFrame(w, h, 1, new ArrayBuffer(w * h));
  f.data.set(values);
  return f;
};

describe('areaResize', () => {
  test('2× down is the mean of each 2×2 block, rounded half up', () => {
    const f = gray(4, 2, [0, 10, 20, 30, 1, 2, 3, 5]);
    expect([...areaResize(f, 2, 1).data]).toEqual([3, 15]); // (0+10+1+2)/4 = 3.25, (20+30+3+5)/4 = 14.5 → 15
  });
  test('3 → 2 weighs the middle pixel half to each side', () => {
    const f = gray(3, 1, [0, 100, 200]);
    // [0, 1.5): (0·1 + 100·0.5)/1.5 = 33.3; [1.5, 3): (100·0.5 + 200)/1.5 = 166.7
    expect([...areaResize(f, 2, 1).data]).toEqual([33, 167]);
  });
  test('a uniform colour stays exactly that colour at any scale; channels kept; up-scaling repeats pixels', () => {
    const f = createFrame(37, 23, 3, new ArrayBuffer(37 * 23 * 3));
    for (let i = 0; i < f.data.length; i += 3) f.data.set([200, 17, 99], i);
    for (const [w, h] of [
      [5, 3],
      [36, 22],
      [11, 23],
    ]) {
      const r = areaResize(f, w, h);
      expect([r.width, r.height, r.channels]).toEqual([w, h, 3]);
      expect(new Set(Array.from({ length: w * h }, (_, i) => r.data.slice(i * 3, i * 3 + 3).join()))).toEqual(new Set(['200,17,99']));
    }
    expect([...areaResize(gray(2, 1, [10, 250]), 4, 1).data]).toEqual([10, 10, 250, 250]);
  });
  test('not nearest-neighbour: a 1-pixel checkerboard halves to flat gray, not to one of its colours', () => {
    const f = gray(4, 4, [0, 255, 0, 255, 255, 0, 255, 0, 0, 255, 0, 255, 255, 0, 255, 0]);
    expect([...areaResize(f, 2, 2).data]).toEqual([128, 128, 128, 128]);
  });
});

describe('planView', () => {
  const vp = { width: 800, height: 600 };
  test('fit shows the whole output, never enlarged', () => {
    expect(planView(2048, 1536, { zoom: 'fit', viewport: vp })).toEqual({
      zoom: 800 / 2048,
      region: { x: 0, y: 0, width: 2048, height: 1536 },
      display: { width: 800, height: 600 },
      exact: true,
    });
    expect(planView(256, 192, { zoom: 'fit', viewport: vp }).zoom).toBe(1);
    // 24 MP of local steps is too much for every edit: a reduced copy, said so.
    expect(planView(6000, 4000, { zoom: 'fit', viewport: vp }).exact).toBe(false);
  });
  test('50% shows twice the width and height of 100% (more of the picture), at the same screen size', () => {
    const at100 = planView(6000, 4000, { zoom: 1, viewport: vp, centre: [3000, 2000] });
    const at50 = planView(6000, 4000, { zoom: 0.5, viewport: vp, centre: [3000, 2000] });
    expect(at100.region).toEqual({ x: 2600, y: 1700, width: 800, height: 600 });
    expect(at50.region).toEqual({ x: 2200, y: 1400, width: 1600, height: 1200 });
    expect(at50.display).toEqual(at100.display);
    expect(planView(6000, 4000, { zoom: 4, viewport: vp, centre: [3000, 2000] }).region).toEqual({
      x: 2900,
      y: 1925,
      width: 200,
      height: 150,
    });
  });
  test('the region stays inside the output when the centre is near an edge', () => {
    expect(planView(1000, 700, { zoom: 1, viewport: vp, centre: [0, 10_000] }).region).toEqual({ x: 0, y: 100, width: 800, height: 600 });
  });
  test('labels', () => {
    expect([scaleLabel(1), scaleLabel(0.25), scaleLabel(0.4)]).toEqual(['100%', '1/4', '40%']);
  });
});

describe('what runs where', () => {
  const web = resolveSteps({
    name: 'w',
    steps: [{ op: 'auto-orient' }, { op: 'resize', params: { mode: 'width', width: 1200 } }, { op: 'unsharp-mask' }],
  });
  test('the decoder turns and shrinks-on-load as the batch does; the prefix ends at the last global step', () => {
    const { decode, rest } = decodeStage(web);
    expect(decode).toEqual({ autoOrient: true });
    expect(splitGlobal(rest).prefix.map((s) => s.op)).toEqual(['resize']);
    expect(splitGlobal(rest).suffix.map((s) => s.op)).toEqual(['unsharp-mask']);
    expect(splitGlobal([step('sharpen')]).prefix).toEqual([]);
    expect(decodeStage(orientedSteps([step('thumbnail', { size: 300 })], 'upright')).decode).toEqual({ autoOrient: true, thumbnail: 300 });
    expect(decodedSize({ width: 4000, height: 3000, orientation: 6 }, { autoOrient: true, thumbnail: 300 })).toEqual({
      width: 225,
      height: 300,
      orientation: 1,
    });
    expect(decodedSize({ width: 4000, height: 3000, orientation: 6 }, {})).toEqual({ width: 4000, height: 3000, orientation: 6 });
  });
});

describe('the worker preview is the batch output', () => {
  const W = 1500,
    H = 1000;
  let file: Blob;
  beforeAll(() => {
    const f = toFrame(photoLikeImage(W, H, 3, 7));
    file = new Blob([encode(vips, f, validateOutput({ format: 'png' })) as Uint8Array<ArrayBuffer>]);
  });

  /** The batch's output for these steps, decoded (the same path as runBatch's whole-image files). */
  async function batchOutput(blob: Blob, steps: ResolvedStep[], output: OutputOptions) {
    const r = await processImage(vips, { file: blob, name: 'p.png', steps, output, maxPixels: Infinity });
    if (r.kind !== 'done') throw new Error(r.kind);
    return { bytes: r.bytes, frame: decodeSource(vips, r.bytes).frame };
  }

  const steps = resolveSteps({
    name: 'w',
    steps: [
      { op: 'resize', params: { mode: 'width', width: 1200 } },
      { op: 'unsharp-mask' },
      { op: 'brightness', params: { factor: 1.1 } },
    ],
  });

  test('a global recipe at 100%: the real output size, and its pixels there', async () => {
    const png = validateOutput({ format: 'png' });
    const out = await batchOutput(file, steps, png);
    expect([out.frame.width, out.frame.height]).toEqual([1200, 800]);
    const r = await preview(vips, { file, key: 'a', steps, view: { zoom: 1, centre: [900, 300], viewport: { width: 320, height: 200 } } });
    expect(r.truth).toMatchObject({ outputWidth: 1200, outputHeight: 800, exact: true, zoom: 1 });
    expect(r.region).toEqual({ x: 740, y: 200, width: 320, height: 200 });
    const after = new Uint8Array(r.after);
    let diff = 0;
    for (let y = 0; y < 200; y++)
      for (let x = 0; x < 320; x++)
        for (let c = 0; c < 3; c++) diff += Number(after[(y * 320 + x) * 4 + c] !== out.frame.data[((y + 200) * 1200 + x + 740) * 3 + c]);
    expect(diff).toBe(0);
    // Editing the last step re-runs only the local steps on the kept resize.
    const again = await preview(vips, {
      file,
      key: 'a',
      steps: [...steps.slice(0, 2), step('brightness', { factor: 1.2 })],
      view: { zoom: 1, centre: [900, 300], viewport: { width: 320, height: 200 } },
    });
    expect(again.truth?.outputWidth).toBe(1200);
    expect(Buffer.from(again.after).equals(Buffer.from(r.after))).toBe(false);
  });

  test('quick: a large image whose resize changed answers from a reduced copy first, labelled pending, with the real size', async () => {
    const big = toFrame(photoLikeImage(3000, 2400, 3, 3));
    const blob = new Blob([encode(vips, big, validateOutput({ format: 'png' })) as Uint8Array<ArrayBuffer>]);
    const r = await preview(vips, {
      file: blob,
      key: 'q',
      steps,
      quick: true,
      view: { zoom: 'fit', viewport: { width: 600, height: 400 } },
    });
    expect(r.truth).toMatchObject({ outputWidth: 1200, outputHeight: 960, pending: true, exact: false });
    const exact = await preview(vips, {
      file: blob,
      key: 'q',
      steps,
      quick: true,
      view: { zoom: 'fit', viewport: { width: 600, height: 400 } },
    });
    // Quick never runs the slow whole-image steps itself: asked quick again, it is still the reduced copy.
    expect(exact.truth?.pending).toBe(true);
    const full = await preview(vips, { file: blob, key: 'q', steps, view: { zoom: 'fit', viewport: { width: 600, height: 400 } } });
    expect(full.truth).toMatchObject({ outputWidth: 1200, outputHeight: 960, exact: true });
    expect(full.truth?.pending).toBeUndefined();
  });

  test('the encoded view: the same bytes as the batch writes (WebP, JPEG, PNG), and their decoded pixels', async () => {
    for (const output of [
      validateOutput({ format: 'webp', quality: 70 }),
      validateOutput({ format: 'jpeg', quality: 60 }),
      validateOutput({ format: 'png' }),
    ]) {
      const out = await batchOutput(file, steps, output);
      const r = await preview(vips, {
        file,
        key: 'a',
        steps,
        encode: output,
        view: { zoom: 1, centre: [600, 400], viewport: { width: 1200, height: 800 } },
      });
      expect(r.encoded?.bytes, output.format).toBe(out.bytes.length);
      expect(r.encoded?.inputBytes).toBe(file.size);
      const px = new Uint8Array(r.encoded!.pixels);
      let diff = 0;
      for (let i = 0; i < 1200 * 800; i++) for (let c = 0; c < 3; c++) diff += Number(px[i * 4 + c] !== out.frame.data[i * 3 + c]);
      expect(diff, output.format).toBe(0);
    }
  });

  test('a sideways photo previews upright with orientation upright, as stored with keep', async () => {
    const f = toFrame(photoLikeImage(300, 200, 3, 5));
    const blob = new Blob([pngWithOrientation(vips, f, 6) as Uint8Array<ArrayBuffer>]);
    const fit = { zoom: 'fit' as const, viewport: { width: 1000, height: 1000 } };
    const up = await preview(vips, { file: blob, key: 'o', steps: orientedSteps([step('sharpen')], 'upright'), view: fit });
    expect([up.truth?.outputWidth, up.truth?.outputHeight, up.truth?.turned, up.truth?.storedOrientation]).toEqual([200, 300, true, 6]);
    const kept = await preview(vips, { file: blob, key: 'o', steps: orientedSteps([step('sharpen')], 'keep'), view: fit });
    expect([kept.truth?.outputWidth, kept.truth?.outputHeight, kept.truth?.turned]).toEqual([300, 200, false]);
  });
});
