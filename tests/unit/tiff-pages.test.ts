/**
 * Multi-page TIFFs in the engine: the first decode says how many pages there are; `page` picks
 * another, whole (processImage), as a thumbnail-first recipe, handed back for tiling with the
 * page count, and decoded into a (shared) frame for the tiled path (decodeFileInto). Other
 * multi-frame formats (an animated GIF) report no pages.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { createFrame, describe as describeFrame } from '../../src/core/frame';
import { validateOutput } from '../../src/core/formats';
import type { ProcessRequest } from '../../src/engine/api';
import { decodeFileInto, processImage } from '../../src/engine/image-task';
import { loadVips, type Vips } from '../../src/engine/vips';
import { encodeTiffPages } from '../browser/fixtures.mjs';
import { step } from './helpers';

let vips: Vips;
const PAGES = [
  { width: 40, height: 30, pixel: (x: number, y: number) => [255, x * 6, y * 8] },
  { width: 25, height: 50, pixel: (x: number, y: number) => [0, 200 - y, x * 10] },
  { width: 64, height: 16, pixel: (x: number, y: number) => [y * 15, 0, 255 - x] },
];
const tiff = new Uint8Array(encodeTiffPages(PAGES));

beforeAll(async () => {
  ({ vips } = await loadVips());
});

const request = (o: Partial<ProcessRequest>): ProcessRequest => ({
  file: new Blob([tiff]),
  bytes: tiff.slice().buffer,
  name: 'scan.tif',
  steps: [],
  output: validateOutput({ format: 'png' }),
  maxPixels: Infinity,
  ...o,
});

/** The PNG's pixels as rows of [r, g, b]. */
function pixelsOf(png: Uint8Array): { width: number; height: number; at: (x: number, y: number) => number[] } {
  const im = vips.Image.newFromBuffer(png);
  try {
    const data = im.writeToMemory() as Uint8Array;
    const { width, height, bands } = im;
    return { width, height, at: (x, y) => [...data.subarray((y * width + x) * bands, (y * width + x) * bands + 3)] };
  } finally {
    im.delete();
  }
}

describe('multi-page TIFF', () => {
  test('each page whole: its own size and pixels, and the page count on every result', async () => {
    for (const [k, pg] of PAGES.entries()) {
      const res = await processImage(vips, request(k ? { page: k } : {}));
      if (res.kind !== 'done') throw new Error(`page ${k}: ${res.kind}`);
      expect(res.pages).toBe(3);
      const px = pixelsOf(res.bytes);
      expect([px.width, px.height]).toEqual([pg.width, pg.height]);
      for (const [x, y] of [
        [0, 0],
        [pg.width - 1, pg.height - 1],
        [7, 11],
      ])
        expect(px.at(x, y), `page ${k} (${x}, ${y})`).toEqual(pg.pixel(x, y));
    }
  });

  test('a thumbnail-first recipe shrinks the page asked for', async () => {
    const res = await processImage(vips, request({ page: 1, steps: [step('thumbnail', { size: 10 })] }));
    if (res.kind !== 'done') throw new Error(res.kind);
    expect(res.pages).toBe(3);
    expect([res.width, res.height]).toEqual([5, 10]); // page 2 is 25×50
  });

  test('a page too large for one task comes back for tiling with its size and the count; decodeFileInto reads that page', async () => {
    const res = await processImage(vips, request({ page: 2, maxPixels: 100 }));
    expect(res).toMatchObject({ kind: 'needs-tiles', width: 64, height: 16, channels: 3, pages: 3 });
    const dst = createFrame(64, 16, 3);
    await decodeFileInto(vips, new Blob([tiff]), 'scan.tif', describeFrame(dst), 'srgb', 2);
    expect([...dst.data.subarray((5 * 64 + 9) * 3, (5 * 64 + 9) * 3 + 3)]).toEqual(PAGES[2].pixel(9, 5));
  });

  test('a page past the last fails naming it; a one-page file and an animated GIF report no pages', async () => {
    await expect(processImage(vips, request({ page: 3 }))).rejects.toThrow(/page 4/);
    const single = new Uint8Array(encodeTiffPages([PAGES[0]]));
    const one = await processImage(vips, request({ bytes: single.slice().buffer, file: new Blob([single]) }));
    expect(one.pages).toBeUndefined();
    // Three different frames (identical ones would be merged by the encoder).
    const rows = new Uint8Array(8 * 24).map((_, i) => Math.floor(i / 64) * 100);
    const frames = vips.Image.newFromMemory(rows, 8, 24, 1, vips.BandFormat.uchar);
    const tall = frames.copy();
    tall.setInt('page-height', 8);
    const gif = tall.gifsaveBuffer().slice();
    for (const x of [tall, frames]) x.delete();
    const loaded = vips.Image.newFromBuffer(gif);
    expect(loaded.getInt('n-pages')).toBe(3); // three frames: libvips calls them pages
    loaded.delete();
    const g = await processImage(vips, request({ bytes: gif.slice().buffer, file: new Blob([gif]), name: 'anim.gif' }));
    expect(g.pages).toBeUndefined();
  });
});
