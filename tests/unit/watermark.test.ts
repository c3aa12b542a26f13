/**
 * Watermarks: placement maths, the tiled text pattern, the straight-alpha blend against a float
 * reference, and both ops on parts of an image (tiles with their Placement) giving the whole
 * image's pixels. The text's glyphs come from a stand-in rasteriser (Node has no canvas; the
 * browser test draws real text); the logo goes through real wasm-vips.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { defaultParams, getOperation, type Params } from '../../src/core/catalogue';
import { blit, createFrame, type Frame } from '../../src/core/frame';
import { recipeAssets, validateRecipe } from '../../src/core/recipe';
import { coreOffset, planTiles } from '../../src/core/tiles';
import {
  blendCoverage,
  grayOf,
  marginPx,
  over,
  placeBox,
  spanColumns,
  textCell,
  textSizePx,
  WATERMARK_POSITIONS,
} from '../../src/core/watermark';
import { putAsset } from '../../src/engine/assets';
import { runSteps } from '../../src/engine/run-steps';
import { setTextRasteriser } from '../../src/engine/text-raster';
import { loadVips, type Vips } from '../../src/engine/vips';
import { boxRasteriser } from './text-raster-fake';
import { batchSettings, type RunBatchOptions } from '../../src/jobs/batch/settings';
import { hasAsset, shareAsset } from '../../src/pool/assets';

let vips: Vips;
beforeAll(async () => {
  setTextRasteriser(boxRasteriser);
  ({ vips } = await loadVips());
});

function scene(w: number, h: number, ch: number, seed = 7): Frame {
  const f = createFrame(w, h, ch, new ArrayBuffer(w * h * ch));
  let s = seed;
  for (let i = 0; i < f.data.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    f.data[i] = (s >> 16) & 255;
  }
  // Alpha channels: some transparent, some half, most opaque.
  if (ch === 2 || ch === 4) for (let i = ch - 1; i < f.data.length; i += ch) f.data[i] = [0, 128, 255, 255][((i / ch) % 4) | 0];
  return f;
}

const copy = (f: Frame): Frame => {
  const c = createFrame(f.width, f.height, f.channels, new ArrayBuffer(f.width * f.height * f.channels));
  blit(f, 0, 0, f.width, f.height, c, 0, 0);
  return c;
};

async function whole(img: Frame, op: string, params: Params): Promise<Frame> {
  return copy((await runSteps(img, [{ op, params }])).frame);
}

/** The op on tiles, each told (or not) where its window lies. */
async function tiled(img: Frame, op: string, params: Params, tile: number, tellPlace = true): Promise<Frame> {
  const plan = planTiles(img.width, img.height, tile, tile, 0);
  const out = createFrame(img.width, img.height, img.channels, new ArrayBuffer(img.data.length));
  for (const t of plan.tiles) {
    const win = createFrame(
      t.window.width,
      t.window.height,
      img.channels,
      new ArrayBuffer(t.window.width * t.window.height * img.channels),
    );
    blit(img, t.window.x, t.window.y, t.window.width, t.window.height, win, 0, 0);
    const placement = tellPlace ? { x: t.window.x, y: t.window.y, width: img.width, height: img.height } : undefined;
    const { frame } = await runSteps(win, [{ op, params }], undefined, { placement });
    const o = coreOffset(t);
    blit(frame, o.x, o.y, t.core.width, t.core.height, out, t.core.x, t.core.y);
  }
  return out;
}

/** Bounding box of the pixels that differ between two frames. */
function changed(a: Frame, b: Frame): { x0: number; y0: number; x1: number; y1: number; n: number } {
  const r = { x0: Infinity, y0: Infinity, x1: -1, y1: -1, n: 0 };
  for (let y = 0; y < a.height; y++)
    for (let x = 0; x < a.width; x++)
      for (let c = 0; c < a.channels; c++)
        if (a.data[(y * a.width + x) * a.channels + c] !== b.data[(y * a.width + x) * a.channels + c]) {
          r.x0 = Math.min(r.x0, x);
          r.y0 = Math.min(r.y0, y);
          r.x1 = Math.max(r.x1, x);
          r.y1 = Math.max(r.y1, y);
          r.n++;
          break;
        }
  return r;
}

describe('placement', () => {
  test('nine positions, margin from the edges they touch, centred axes floor', () => {
    const got = Object.fromEntries(WATERMARK_POSITIONS.map((p) => [p, placeBox(100, 60, 21, 11, p, 5)]));
    expect(got).toEqual({
      'top-left': { x: 5, y: 5 },
      top: { x: 39, y: 5 },
      'top-right': { x: 74, y: 5 },
      left: { x: 5, y: 24 },
      centre: { x: 39, y: 24 },
      right: { x: 74, y: 24 },
      'bottom-left': { x: 5, y: 44 },
      bottom: { x: 39, y: 44 },
      'bottom-right': { x: 74, y: 44 },
    });
  });
  test('sizes are relative to the output: the same look at every size', () => {
    expect(textSizePx(4000, 3000, 5)).toBe(150);
    expect(textSizePx(400, 300, 5)).toBe(15);
    expect(textSizePx(10, 10, 0.5)).toBe(1);
    expect(marginPx(4000, 3000, 3)).toBe(90);
    expect(marginPx(400, 300, 3)).toBe(9);
  });
});

describe('tiled text pattern', () => {
  test('the cell holds one copy on the image centre and repeats with its own size', () => {
    const c = textCell(120, 30, -30, 1000, 700);
    expect(c.width % 2).toBe(0);
    expect(c.height % 2).toBe(0);
    // The cell's centre copy lands on the image centre (within the floor of odd halves).
    const cx = c.originX + c.width / 2,
      cy = c.originY + c.height / 2;
    expect(Math.abs(((500 - cx) % c.width) + 0)).toBeLessThanOrEqual(1);
    expect(Math.abs((350 - cy) % c.height)).toBeLessThanOrEqual(1);
    // The turned text's box fits in the cell with the gap.
    const a = Math.PI / 6;
    expect(c.width).toBeGreaterThanOrEqual(120 * Math.cos(a) + 30 * Math.sin(a) + 30);
    expect(c.height).toBeGreaterThanOrEqual(120 * Math.sin(a) + 30 * Math.cos(a) + 30);
  });

  test('a tiled text repeats with the cell period over the whole image', async () => {
    const img = createFrame(300, 200, 3, new ArrayBuffer(300 * 200 * 3));
    img.data.fill(0);
    const p = { ...defaultParams(getOperation('watermark-text')), tiled: true, size: 8, text: 'abc', opacity: 1 };
    const out = await whole(img, 'watermark-text', p);
    const m = boxRasteriser.measure({ text: 'abc', font: 'sans-serif', bold: true, sizePx: textSizePx(300, 200, 8) });
    const c = textCell(m.width, m.ascent + m.descent, p.angle, 300, 200);
    let same = 0,
      lit = 0;
    for (let y = 0; y + c.height < 200; y++)
      for (let x = 0; x + c.width < 300; x++) {
        const v = out.data[(y * 300 + x) * 3];
        if (v) lit++;
        if (v === out.data[((y + c.height) * 300 + x) * 3] && v === out.data[(y * 300 + x + c.width) * 3]) same++;
      }
    expect(lit).toBeGreaterThan(1000);
    expect(same).toBe((200 - c.height) * (300 - c.width));
  });
});

describe('straight-alpha blend', () => {
  test('over() against a float reference, and blendCoverage on 1–4 channels', () => {
    expect(over(200, 0.5, 100).value).toBe(150);
    expect(over(200, 0.25, 100, 0)).toEqual({ value: 200, alpha: 0.25 });
    const o = over(255, 0.5, 0, 0.5);
    expect(o.alpha).toBeCloseTo(0.75);
    expect(o.value).toBeCloseTo((255 * 0.5) / 0.75);
    for (const ch of [1, 2, 3, 4]) {
      const f = scene(9, 5, ch);
      const before = copy(f);
      const rgb: [number, number, number] = [250, 40, 90];
      const cov = (i: number, j: number) => (i * 31 + j * 17) % 256;
      const grid = Uint8Array.from({ length: 6 * 3 }, (_, k) => cov(k % 6, Math.floor(k / 6)));
      blendCoverage(f, { x: 2, y: 1, width: 6, height: 3 }, grid, (j) => j * 6, spanColumns(0, 6), rgb, 0.7);
      for (let y = 0; y < 5; y++)
        for (let x = 0; x < 9; x++) {
          const inside = x >= 2 && x < 8 && y >= 1 && y < 4;
          const k = (y * 9 + x) * ch;
          const a = inside ? (cov(x - 2, y - 1) / 255) * 0.7 : 0;
          const alphaAt = ch === 2 || ch === 4 ? ch - 1 : -1;
          const da = alphaAt < 0 ? 1 : before.data[k + alphaAt] / 255;
          const colour = ch <= 2 ? [grayOf(...rgb)] : rgb;
          for (let c = 0; c < colour.length; c++) {
            if (a === 0) {
              expect(f.data[k + c]).toBe(before.data[k + c]);
              continue;
            }
            const ao = a + da * (1 - a);
            const want = (colour[c] * a + before.data[k + c] * da * (1 - a)) / ao;
            expect(Math.abs(f.data[k + c] - want), `ch ${ch} (${x},${y}) c${c}`).toBeLessThanOrEqual(0.5);
          }
          if (alphaAt >= 0 && a > 0) expect(Math.abs(f.data[k + alphaAt] - 255 * (a + da * (1 - a)))).toBeLessThanOrEqual(0.5);
        }
    }
  });
});

describe('text watermark', () => {
  const op = getOperation('watermark-text');
  test('draws inside its box at the position and nowhere else', async () => {
    const img = scene(200, 120, 3);
    const p = { ...defaultParams(op), text: 'Tessera', size: 10, opacity: 1, position: 'bottom-right', margin: 5 };
    const out = await whole(img, 'watermark-text', p);
    const px = textSizePx(200, 120, 10);
    const m = boxRasteriser.measure({ text: 'Tessera', font: 'sans-serif', bold: true, sizePx: px });
    const pad = Math.round(px * 0.1);
    const bw = Math.ceil(m.width) + 2 * pad,
      bh = Math.ceil(m.ascent + m.descent) + 2 * pad;
    const at = placeBox(200, 120, bw, bh, 'bottom-right', marginPx(200, 120, 5));
    const d = changed(img, out);
    expect(d.n).toBeGreaterThan(100);
    expect(d.x0).toBeGreaterThanOrEqual(at.x);
    expect(d.y0).toBeGreaterThanOrEqual(at.y);
    expect(d.x1).toBeLessThan(at.x + bw);
    expect(d.y1).toBeLessThan(at.y + bh);
    // Opaque white at full coverage.
    const cx = at.x + (bw >> 1),
      cy = at.y + (bh >> 1);
    expect([...out.data.subarray((cy * 200 + cx) * 3, (cy * 200 + cx) * 3 + 3)]).toEqual([255, 255, 255]);
  });

  test.each([1, 2, 3, 4])('tiles with their placement give the whole image’s pixels (%i channels)', async (ch) => {
    const img = scene(97, 61, ch);
    for (const extra of [{}, { tiled: true }, { position: 'centre', size: 30 }, { tiled: true, angle: 45, size: 12 }]) {
      const p = { ...defaultParams(op), opacity: 0.8, ...extra };
      const ref = await whole(img, 'watermark-text', p);
      expect(changed(img, ref).n).toBeGreaterThan(0);
      for (const tile of [16, 23])
        expect(Buffer.from((await tiled(img, 'watermark-text', p, tile)).data).equals(Buffer.from(ref.data)), JSON.stringify(extra)).toBe(
          true,
        );
    }
  });

  test('tiles NOT told where they lie would each draw their own mark (the placement is what makes it exact)', async () => {
    const img = scene(97, 61, 3);
    const p = { ...defaultParams(op), position: 'centre' };
    const ref = await whole(img, 'watermark-text', p);
    expect(Buffer.from((await tiled(img, 'watermark-text', p, 32, false)).data).equals(Buffer.from(ref.data))).toBe(false);
  });
});

describe('logo watermark (wasm-vips composite2)', () => {
  /** A 40×20 RGBA logo: opaque red left half, transparent right half with a half-alpha blue band. */
  function logoPng(): Uint8Array {
    const w = 40,
      h = 20;
    const px = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const k = (y * w + x) * 4;
        if (x < 20) px.set([230, 20, 10, 255], k);
        else if (y >= 8 && y < 12) px.set([0, 0, 255, 128], k);
      }
    const im = vips.Image.newFromMemory(px, w, h, 4, vips.BandFormat.uchar);
    try {
      return im.pngsaveBuffer();
    } finally {
      im.delete();
    }
  }
  const op = getOperation('watermark-image');

  test('a recipe names its logo; the validator takes a path, recipeAssets lists it once', () => {
    const r = validateRecipe({
      name: 't',
      steps: [
        { op: 'watermark-image', params: { logo: 'assets/logo.png' } },
        { op: 'watermark-image', params: { logo: 'assets/logo.png', position: 'top-left' } },
        { op: 'watermark-image' },
      ],
    });
    expect(recipeAssets(r.steps)).toEqual(['assets/logo.png']);
  });

  test('a batch naming a logo nobody shared is refused before any work, with the path of the step', () => {
    const opts = (logo: string) =>
      ({
        recipe: { name: 'r', steps: [{ op: 'grayscale' }, { op: 'watermark-image', params: { logo } }] },
        input: [],
        output: undefined,
        // Never reached: the recipe is checked before a pool would be made.
        pool: {},
      }) as unknown as RunBatchOptions;
    let err: unknown;
    try {
      batchSettings(opts('brand/logo.png'));
    } catch (e) {
      err = e;
    }
    expect(String(err)).toMatch(/\/steps\/1\/params\/logo: the image "brand\/logo.png" was not loaded/);
    expect(hasAsset('brand/logo.png')).toBe(false);
    shareAsset('brand/logo.png', new Uint8Array([1, 2, 3]));
    expect(hasAsset('brand/logo.png')).toBe(true);
    expect(() => batchSettings(opts('brand/logo.png'))).not.toThrow();
  });

  test('without a logo the picture is unchanged; an unknown logo is a clear error', async () => {
    const img = scene(30, 20, 3);
    expect(Buffer.from((await whole(img, 'watermark-image', defaultParams(op))).data).equals(Buffer.from(img.data))).toBe(true);
    await expect(whole(img, 'watermark-image', { ...defaultParams(op), logo: 'missing.png' })).rejects.toThrow(
      /"missing.png" was not loaded/,
    );
  });

  test('opaque logo pixels are the expected blend; outside the logo nothing changes (1, 3, 4 channels)', async () => {
    putAsset('logo.png', logoPng());
    for (const ch of [1, 3, 4]) {
      const img = scene(200, 100, ch);
      if (ch === 4) for (let i = 3; i < img.data.length; i += 4) img.data[i] = 255;
      // 20 % of 200 = 40 px wide: the logo at its own size, 3 % of 100 = 3 px from the corner.
      const p = { ...defaultParams(op), logo: 'logo.png', width: 20, opacity: 0.5, position: 'bottom-right', margin: 3 };
      const out = await whole(img, 'watermark-image', p);
      const at = placeBox(200, 100, 40, 20, 'bottom-right', 3);
      expect(at).toEqual({ x: 157, y: 77 });
      const d = changed(img, out);
      expect(d.x0).toBeGreaterThanOrEqual(at.x);
      expect(d.y0).toBeGreaterThanOrEqual(at.y);
      expect(d.x1).toBeLessThan(at.x + 40);
      expect(d.y1).toBeLessThan(at.y + 20);
      // The opaque red half at opacity 0.5 (alpha round(255·0.5) = 128): v + (m − v)·128/255.
      const logo = ch === 1 ? [grayOf(230, 20, 10)] : [230, 20, 10];
      let worst = 0;
      for (let y = at.y + 1; y < at.y + 19; y++)
        for (let x = at.x + 1; x < at.x + 19; x++)
          for (let c = 0; c < logo.length; c++) {
            const k = (y * 200 + x) * ch + c;
            worst = Math.max(worst, Math.abs(out.data[k] - (img.data[k] + (logo[c] - img.data[k]) * (128 / 255))));
          }
      expect(worst, `${ch} channels`).toBeLessThanOrEqual(1);
      if (ch === 4) for (let i = 3; i < out.data.length; i += 4) expect(out.data[i]).toBe(255);
      // Transparent parts of the logo leave the picture as it was.
      const k = ((at.y + 2) * 200 + at.x + 30) * ch;
      expect([...out.data.subarray(k, k + ch)]).toEqual([...img.data.subarray(k, k + ch)]);
    }
  });

  test.each([1, 3, 4])('tiles with their placement give the whole image’s pixels (%i channels)', async (ch) => {
    putAsset('logo.png', logoPng());
    const img = scene(90, 64, ch);
    for (const extra of [{}, { position: 'centre', width: 60 }, { position: 'top-left', margin: 0, width: 100 }]) {
      const p = { ...defaultParams(op), logo: 'logo.png', ...extra };
      const ref = await whole(img, 'watermark-image', p);
      expect(changed(img, ref).n).toBeGreaterThan(0);
      for (const tile of [16, 29])
        expect(Buffer.from((await tiled(img, 'watermark-image', p, tile)).data).equals(Buffer.from(ref.data)), JSON.stringify(extra)).toBe(
          true,
        );
    }
  });
});
