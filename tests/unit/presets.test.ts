/**
 * Every preset validates and does what its name promises, through the same per-image code the
 * workers run (read → decode-stage steps → steps → encode), on a 3000×2000 JPEG that carries an
 * EXIF orientation of 6 (stored sideways) and an Artist tag.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { createFrame } from '../../src/core/frame';
import { validateOutput } from '../../src/core/formats';
import { PRESETS } from '../../src/core/presets';
import { resolveSteps, validateRecipe } from '../../src/core/recipe';
import { frameToImage } from '../../src/engine/codec';
import { processImage } from '../../src/engine/image-task';
import { loadVips, type Vips } from '../../src/engine/vips';

let vips: Vips;
let jpeg: Uint8Array;
beforeAll(async () => {
  ({ vips } = await loadVips());
  const w = 3000,
    h = 2000;
  const f = createFrame(w, h, 3, new ArrayBuffer(w * h * 3));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      f.data[i] = (x * 255) / w;
      f.data[i + 1] = (y * 255) / h;
      f.data[i + 2] = 128 + 100 * Math.sin(x / 50) * Math.cos(y / 70);
    }
  const im = frameToImage(vips, f);
  try {
    im.setInt('orientation', 6);
    im.setString('exif-ifd0-Artist', 'Preset test');
    jpeg = im.jpegsaveBuffer({ Q: 85 });
  } finally {
    im.delete();
  }
});

async function run(key: string) {
  const recipe = validateRecipe(PRESETS[key]);
  const r = await processImage(vips, {
    file: new Blob([]),
    bytes: jpeg.slice().buffer,
    name: 'photo.jpg',
    steps: resolveSteps(recipe),
    output: validateOutput(recipe.output ?? {}),
    maxPixels: Infinity,
  });
  if (r.kind !== 'done') throw new Error('expected a whole-image result');
  const out = vips.Image.newFromBuffer(r.bytes);
  try {
    return {
      width: out.width,
      height: out.height,
      bands: out.bands,
      loader: out.getTypeof('vips-loader') ? out.getString('vips-loader') : '',
      exif: out.getTypeof('exif-data') !== 0,
      steps: r.timings.steps.map((s) => s.op),
    };
  } finally {
    out.delete();
  }
}

describe('presets', () => {
  test.each(Object.keys(PRESETS))('%s validates', (key) => {
    expect(() => validateRecipe(PRESETS[key])).not.toThrow();
  });

  test('Web export: upright, fits 2048, WebP, metadata stripped', async () => {
    const o = await run('web-export');
    // Stored 3000×2000 with orientation 6 → upright 2000×3000 → fit 2048 → 1365×2048.
    expect([o.width, o.height]).toEqual([1365, 2048]);
    expect(o.loader).toBe('webpload_buffer');
    expect(o.exif).toBe(false);
  });

  test('Thumbnails: fits 256 (upright, shrink-on-load at decode), JPEG', async () => {
    const o = await run('thumbnails');
    expect([o.width, o.height]).toEqual([171, 256]);
    expect(o.loader).toBe('jpegload_buffer');
    // Both steps ran inside the decoder: nothing was left for the frame pipeline.
    expect(o.steps).toEqual([]);
  });

  test('Edges: one gray channel of edges, PNG', async () => {
    const o = await run('edges');
    expect([o.width, o.height, o.bands]).toEqual([3000, 2000, 1]);
    expect(o.loader).toBe('pngload_buffer');
  });

  test('Pillow filter tour: five filters, colour kept', async () => {
    const o = await run('pillow-tour');
    expect(o.steps).toEqual(['smooth-more', 'detail', 'edge-enhance', 'emboss', 'contour']);
    expect([o.width, o.height, o.bands]).toEqual([3000, 2000, 3]);
  });
});
