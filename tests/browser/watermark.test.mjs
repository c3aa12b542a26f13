// Watermarks on a real photo: through the command a user runs (`npm run batch` with a recipe file
// naming its logo relative to itself), and in the page, where a large image is cut into tiles
// whose text (the browser's own OffscreenCanvas glyphs) and logo must equal the untiled result.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchCommand, commandSummary, handFiles, requireBuilt, samplePhoto, startApp } from './harness.mjs';
import { rgbPixels, vips } from './fixtures.mjs';
import { AxeBuilder } from '@axe-core/playwright';

/** @type {string} */
let work;
/** @type {{ width: number, height: number, data: Uint8Array }} */
let photo;

/** A 200×100 RGBA logo: opaque orange left half, transparent right half but for a half-alpha blue band. */
async function logoPng() {
  const v = await vips();
  const px = new Uint8Array(200 * 100 * 4);
  for (let y = 0; y < 100; y++)
    for (let x = 0; x < 200; x++) {
      const k = (y * 200 + x) * 4;
      if (x < 100) px.set([240, 130, 20, 255], k);
      else if (y >= 40 && y < 60) px.set([0, 0, 255, 128], k);
    }
  const im = v.Image.newFromMemory(px, 200, 100, 4, v.BandFormat.uchar);
  try {
    return im.pngsaveBuffer();
  } finally {
    im.delete();
  }
}

before(async () => {
  requireBuilt();
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-watermark-'));
  // The real photo as a PNG, so the test decodes exactly what the command decodes.
  const v = await vips();
  const im = v.Image.newFromFile(samplePhoto('sample2.jpg'));
  try {
    await fs.mkdir(join(work, 'in'));
    await fs.writeFile(join(work, 'in', 'photo.png'), im.pngsaveBuffer({ compression: 1 }));
  } finally {
    im.delete();
  }
  photo = await rgbPixels(await fs.readFile(join(work, 'in', 'photo.png')));
  await fs.mkdir(join(work, 'recipes', 'assets'), { recursive: true });
  await fs.writeFile(join(work, 'recipes', 'assets', 'logo.png'), await logoPng());
});

after(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

const LOGO_STEP = {
  op: 'watermark-image',
  params: { logo: 'assets/logo.png', width: 20, opacity: 0.5, position: 'bottom-right', margin: 3 },
};
const TEXT_STEP = {
  op: 'watermark-text',
  params: { text: 'TESSERA', size: 8, color: '#ff00ff', opacity: 1, position: 'top-left', margin: 3 },
};

test('npm run batch: a recipe file with a logo beside it and a text; pixels in the boxes change, the rest do not', async () => {
  const recipe = join(work, 'recipes', 'marks.json');
  await fs.writeFile(recipe, JSON.stringify({ name: 'Marks', steps: [LOGO_STEP, TEXT_STEP], output: { format: 'png' } }));
  const out = join(work, 'out');
  const r = await batchCommand([join(work, 'in'), out, '--recipe', recipe, '--workers', '2', '--no-build']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(commandSummary(r.stdout, r.stderr).ok, 1);
  const got = await rgbPixels(await fs.readFile(join(out, 'photo.png')));
  const { width: W, height: H } = photo;
  assert.deepEqual([got.width, got.height], [W, H]);

  // The logo: 20 % of the width, its aspect kept (2:1), 3 % of the shorter side from the corner.
  const margin = Math.floor(Math.min(W, H) * 0.03 + 0.5);
  const lw = Math.floor(W * 0.2 + 0.5),
    lh = Math.round(lw / 2);
  const lx = W - lw - margin,
    ly = H - lh - margin;
  // Its opaque half at opacity 0.5 (alpha 128): v + (m − v)·128/255, within 1 level (libvips' float).
  const orange = [240, 130, 20];
  let worst = 0,
    checked = 0;
  for (let y = ly + 2; y < ly + lh - 2; y++)
    for (let x = lx + 2; x < lx + lw / 2 - 2; x++)
      for (let c = 0; c < 3; c++) {
        const k = (y * W + x) * 3 + c;
        worst = Math.max(worst, Math.abs(got.data[k] - (photo.data[k] + (orange[c] - photo.data[k]) * (128 / 255))));
        checked++;
      }
  assert.ok(checked > 1000, `checked ${checked}`);
  assert.ok(worst <= 1, `logo blend off by ${worst}`);
  // The transparent part of the logo (away from its blue band) leaves the photo as it was.
  const k = ((ly + 5) * W + lx + Math.floor((3 * lw) / 4)) * 3;
  assert.deepEqual([...got.data.subarray(k, k + 3)], [...photo.data.subarray(k, k + 3)]);

  // The text: magenta letters in the top-left corner, 8 % of the shorter side high.
  const size = Math.floor(Math.min(W, H) * 0.08 + 0.5);
  let magenta = 0;
  for (let y = margin; y < margin + 2 * size; y++)
    for (let x = margin; x < margin + 8 * size; x++) {
      const p = (y * W + x) * 3;
      if (got.data[p] === 255 && got.data[p + 1] === 0 && got.data[p + 2] === 255) magenta++;
    }
  assert.ok(magenta > size * size, `${magenta} magenta pixels for letters ${size} px high`);

  // Everything outside the two boxes is untouched, byte for byte.
  let changedOutside = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const inLogo = x >= lx - 1 && x <= lx + lw && y >= ly - 1 && y <= ly + lh;
      const inText = x < margin + 10 * size && y < margin + 2 * size;
      if (inLogo || inText) continue;
      const p = (y * W + x) * 3;
      if (got.data[p] !== photo.data[p] || got.data[p + 1] !== photo.data[p + 1] || got.data[p + 2] !== photo.data[p + 2]) changedOutside++;
    }
  assert.equal(changedOutside, 0);
});

test('npm run batch: a logo the recipe names but that is not there is a usage error naming the path', async () => {
  const recipe = join(work, 'recipes', 'missing.json');
  await fs.writeFile(recipe, JSON.stringify({ name: 'M', steps: [{ op: 'watermark-image', params: { logo: 'nope/logo.png' } }] }));
  const r = await batchCommand([join(work, 'in'), join(work, 'out-missing'), '--recipe', recipe, '--no-build']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /the image "nope\/logo\.png" named in recipe file .*missing\.json does not exist \(looked for .*recipes\/nope\/logo\.png/,
  );
  await assert.rejects(fs.stat(join(work, 'out-missing', 'photo.png')));
});

test('in the page: tiled and untiled batches give the same bytes (repeated text from the real canvas, and a logo)', async () => {
  const app = await startApp();
  try {
    await handFiles(app.page, 'wm-files', [join(work, 'in', 'photo.png'), join(work, 'recipes', 'assets', 'logo.png')]);
    const r = await app.page.evaluate(
      async ({ steps }) => {
        const t = window.tessera;
        const files = /** @type {HTMLInputElement} */ (document.getElementById('wm-files')).files;
        if (!files) throw new Error('no files');
        const [photo, logo] = [files[0], files[1]];
        t.shareAsset('assets/logo.png', new Uint8Array(await logo.arrayBuffer()));
        const pool = t.createEnginePool(2);
        const hex = async (/** @type {Uint8Array<ArrayBuffer>} */ b) =>
          [...new Uint8Array(await crypto.subtle.digest('SHA-256', b))].map((x) => x.toString(16).padStart(2, '0')).join('');
        /** @param {number | undefined} maxPixels */
        const run = async (maxPixels) => {
          const sink = new t.MemorySink();
          const s = await t.runBatch({
            input: t.filesSource([photo]),
            output: sink,
            recipe: { name: 'wm', steps, output: { format: 'png' } },
            pool,
            ...(maxPixels ? { maxPixels, tilePixels: 40_000 } : {}),
          });
          const bytes = /** @type {Uint8Array<ArrayBuffer> | undefined} */ (sink.files.get('photo.png'));
          if (!bytes) throw new Error(`no output: ${JSON.stringify(s.errors)}`);
          return { tiles: s.results[0]?.tiles ?? 0, hash: await hex(bytes), size: bytes.length };
        };
        try {
          const whole = await run(undefined);
          const tiled = await run(50_000);
          return { whole, tiled };
        } finally {
          pool.dispose();
        }
      },
      {
        steps: [
          LOGO_STEP,
          { op: 'watermark-text', params: { text: '© Tessera test', size: 6, opacity: 0.5, tiled: true, angle: -30 } },
          TEXT_STEP,
        ],
      },
    );
    assert.ok(r.tiled.tiles > 4, `the photo should be tiled, got ${r.tiled.tiles} tiles`);
    assert.equal(r.whole.tiles ?? 0, 0);
    assert.equal(r.tiled.hash, r.whole.hash);
  } finally {
    await app.close();
  }
});

test('in the studio: a logo picked with the step’s file button shows in the preview, where the recipe puts it', async () => {
  const app = await startApp();
  const S = 'tessera-studio recipe-editor';
  try {
    const { page } = app;
    await page.setInputFiles('tessera-studio #folder-input', join(work, 'in'));
    await page.waitForSelector('tessera-studio preview-panel #preview-meta', { timeout: 30_000 });
    while (await page.locator(`${S} li.step`).count()) await page.click(`${S} li.step >> nth=0 >> button.remove`);
    await page.selectOption(`${S} #add-step`, 'watermark-image');
    const step = `${S} li.step[data-op="watermark-image"]`;
    // No logo yet: the file button says so.
    assert.equal((await page.textContent(`${step} label.file-btn`))?.trim(), 'Choose image…');
    await page.setInputFiles(`${step} input[type=file][data-param="logo"]`, join(work, 'recipes', 'assets', 'logo.png'));
    // The file is read, shared with the workers, and the step names it.
    await page.waitForSelector(`${step} label.file-btn:has-text("logo.png")`, { timeout: 10_000 });
    // The centre of the logo's opaque half (20 % wide, 2:1, 3 % of the shorter side from the
    // corner), against the preview's own "before" picture of the same place.
    const { width: W, height: H } = photo;
    const margin = Math.floor(Math.min(W, H) * 0.03 + 0.5),
      lw = Math.floor(W * 0.2 + 0.5);
    const at = { fx: (W - margin - 0.75 * lw) / W, fy: (H - margin - lw / 4) / H };
    const seen = await page.waitForFunction(
      ({ fx, fy }) => {
        const root = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel')?.shadowRoot;
        const px = (/** @type {string} */ sel, /** @type {number} */ x, /** @type {number} */ y) => {
          const c = root?.querySelector(sel);
          const g = c instanceof HTMLCanvasElement && c.width ? c.getContext('2d') : null;
          return g && c instanceof HTMLCanvasElement
            ? [...g.getImageData(Math.floor(x * c.width), Math.floor(y * c.height), 1, 1).data].slice(0, 3)
            : undefined;
        };
        const before = px('canvas.before', fx, fy),
          after = px('canvas.after', fx, fy);
        const farBefore = px('canvas.before', 0.3, 0.3),
          farAfter = px('canvas.after', 0.3, 0.3);
        if (!before || !after || !farBefore || !farAfter) return false;
        // Opacity 0.8 (the default: alpha 204) of orange over the photo; far from it, the photo.
        const orange = [240, 130, 20];
        const ok = [0, 1, 2].every((k) => Math.abs(after[k] - (before[k] + ((orange[k] - before[k]) * 204) / 255)) <= 3);
        return ok && farAfter.join() === farBefore.join() ? { before, after } : false;
      },
      at,
      { timeout: 30_000 },
    );
    const { before, after } = /** @type {{ before: number[], after: number[] }} */ (await seen.jsonValue());
    assert.notDeepEqual(after, before);

    // Both steps' controls are named and legible: axe finds nothing serious (the file button,
    // the text box, the position menus).
    await page.selectOption(`${S} #add-step`, 'watermark-text');
    assert.equal(
      await page.locator(`${S} li.step[data-op="watermark-text"] input[type=text][data-param="text"]`).inputValue(),
      '© Tessera',
    );
    const axe = await new AxeBuilder({ page }).analyze();
    const blocking = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(
      blocking.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`),
      [],
    );
    assert.ok(
      axe.passes.some((r) => r.id === 'label'),
      'axe checked the labels',
    );
  } finally {
    await app.close();
  }
});
