// Presets and output formats in the built app: the lazily loaded parts of the worker bundle
// (OpenCV.js for Canny, the HEIF side module for AVIF, vips transforms) work in the browser.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderToOpfs, startApp } from './harness.mjs';
import Vips from 'wasm-vips';
import { scene, vips } from './fixtures.mjs';

// Reading AVIF back needs the HEIF side module, which the fixtures' fast instance skips.
/** @type {import('../../src/engine/vips').Vips | undefined} */
let fullVips;
const inspectVips = async () => {
  if (!fullVips) {
    fullVips = await Vips();
    fullVips.Cache.max(0);
  }
  return fullVips;
};

/** @type {import('./harness.mjs').App} */
let app;
/** @type {string} */
let outDir;
before(async () => {
  const v = await vips();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-formats-'));
  const raw = v.Image.newFromMemory(scene(300, 200, 3, 5), 300, 200, 3, v.BandFormat.uchar);
  const im = raw.copy({ interpretation: 'srgb' });
  im.setInt('orientation', 6);
  im.setString('exif-ifd0-Artist', 'Formats test');
  writeFileSync(join(dir, 'sideways.jpg'), im.jpegsaveBuffer({ Q: 90 }));
  im.delete();
  raw.delete();
  outDir = mkdtempSync(join(tmpdir(), 'tessera-formats-out-'));
  app = await startApp({ outputDir: outDir });
  await folderToOpfs(app.page, dir, 'formats-in');
});
after(async () => app?.close());

/**
 * Runs a preset (or a recipe) with output overrides on the folder; outputs land in outDir/<sub>.
 * @param {import('playwright-core').Page} page
 * @param {string} sub
 * @param {string | import('../../src/core/recipe').Recipe} recipe a preset's name, or a recipe
 * @param {Partial<import('../../src/core/formats').OutputOptions>} [format]
 */
function runIn(page, sub, recipe, format) {
  return page.evaluate(
    async ({ sub, recipe, format }) => {
      const t = window.tessera;
      const root = await navigator.storage.getDirectory();
      const s = await t.runBatch({
        input: t.walkDirectory(await root.getDirectoryHandle('formats-in')),
        output: new t.HttpSink(`${location.origin}/__out/${sub}/`),
        recipe: typeof recipe === 'string' ? t.PRESETS[recipe] : recipe,
        format,
        workers: 2,
      });
      return { ok: s.ok, errors: s.errors };
    },
    { sub, recipe, format },
  );
}

/** @param {string} path */
async function inspect(path) {
  const v = await inspectVips();
  const im = v.Image.newFromBuffer(readFileSync(path));
  try {
    return {
      width: im.width,
      height: im.height,
      bands: im.bands,
      loader: im.getString('vips-loader'),
      exif: im.getTypeof('exif-data') !== 0,
    };
  } finally {
    im.delete();
  }
}

describe('presets and formats in the browser', () => {
  test('Web export: auto-oriented, WebP, EXIF stripped', async () => {
    assert.deepEqual(await runIn(app.page, 'web', 'web-export'), { ok: 1, errors: [] });
    const o = await inspect(join(outDir, 'web/sideways.webp'));
    assert.deepEqual([o.width, o.height, o.loader, o.exif], [200, 300, 'webpload_buffer', false]);
  });

  test('Edges (OpenCV.js Canny, loaded lazily in the worker): one channel of 0/255', async () => {
    assert.deepEqual(await runIn(app.page, 'edges', 'edges'), { ok: 1, errors: [] });
    const v = await vips();
    const im = v.Image.newFromBuffer(readFileSync(join(outDir, 'edges/sideways.png')));
    const px = im.writeToMemory();
    const [w, h, bands] = [im.width, im.height, im.bands];
    im.delete();
    // The photo is stored sideways (orientation 6): output option orientation 'upright' (the
    // default) turns it upright before the steps, though the preset has no Turn upright step.
    assert.deepEqual([w, h, bands], [200, 300, 1]);
    assert.ok(px.every((p) => p === 0 || p === 255));
    assert.ok(
      px.some((p) => p === 255),
      'some edges found',
    );
  });

  test('AVIF (HEIF side module), TIFF, GIF, progressive JPEG keeping metadata', async () => {
    const keep = { name: 'Upright', steps: [{ op: 'auto-orient' }] };
    for (const [format, ext, loader] of /** @type {const} */ ([
      ['avif', 'avif', 'heifload_buffer'],
      ['tiff', 'tif', 'tiffload_buffer'],
      ['gif', 'gif', 'gifload_buffer'],
      ['jpeg', 'jpg', 'jpegload_buffer'],
    ])) {
      assert.deepEqual(
        await runIn(app.page, format, keep, { format, progressive: format === 'jpeg', metadata: 'keep' }),
        { ok: 1, errors: [] },
        format,
      );
      const o = await inspect(join(outDir, `${format}/sideways.${ext}`));
      assert.equal(o.loader, loader, format);
      assert.deepEqual([o.width, o.height], [200, 300], format);
      if (format === 'jpeg' || format === 'avif') assert.equal(o.exif, true, `${format} keeps EXIF`);
    }
  });

  test('no page errors', () => assert.deepEqual(app.errors, []));
});
