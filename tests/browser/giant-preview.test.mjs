// Giant images in the studio's preview (issue 11): a 100 MP JPEG (the sample photo tiled with the
// vips CLI, in a temp folder deleted after) opens at "fit" from a 1/8-scale decode, and a region
// at 100% has exactly the pixels of the same region cut by the vips CLI — with no steps, and with
// sharpen (its halo read from the full-resolution cache) against the kernel's definition applied
// to the CLI's pixels. A tiled TIFF's regions come straight from the file, and the cache in OPFS is
// deleted when another image is shown. Timings: bench/giant-preview.mjs, not here.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { samplePhoto, startApp } from './harness.mjs';
import { vips } from './fixtures.mjs';

const W = 12000,
  H = 8400;
const S = 'tessera-studio recipe-editor';
const PANEL = 'tessera-studio preview-panel';

/** @type {string} */
let dir;
/** @type {string} */
let big;
/** @type {import('./harness.mjs').App} */
let app;

/** @param {string[]} args */
function vipsCli(...args) {
  const r = spawnSync('vips', args, { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(
      `vips ${args.join(' ')} failed: ${r.stderr || r.error?.message || 'is the vips CLI installed? (apt-get install -y libvips-tools)'}`,
    );
}

/**
 * The pixels of `file` (any format vips reads), as the CLI wrote them and wasm-vips reads them back losslessly.
 * @param {string} file
 */
async function pixelsOf(file) {
  const v = await vips();
  const im = v.Image.newFromFile(file);
  try {
    return { width: im.width, height: im.height, channels: im.bands, data: /** @type {Uint8Array} */ (im.writeToMemory()) };
  } finally {
    im.delete();
  }
}

/** A region of `file` cut by the vips CLI (PNG, lossless). @param {string} file @param {{ x: number, y: number, width: number, height: number }} r */
async function cliRegion(file, r) {
  const out = join(dir, `region-${r.x}-${r.y}-${r.width}-${r.height}.png`);
  vipsCli('crop', file, out, String(r.x), String(r.y), String(r.width), String(r.height));
  return pixelsOf(out);
}

/**
 * The preview's state and its meta line, read from the page; with `pixels`, the before and after
 * RGBA too (large: only once the state is the one wanted).
 */
async function shown(pixels = false) {
  const r = await app.page.evaluate((pixels) => {
    /** Bytes as base64: Playwright hands a string over far faster than an array of numbers. @param {ArrayBuffer} b */
    const b64 = (b) => {
      const u = new Uint8Array(b);
      let s = '';
      for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode(...u.subarray(i, i + 0x8000));
      return btoa(s);
    };
    const panel = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel');
    const r = panel?.result;
    if (!r) return undefined;
    return {
      giant: r.giant,
      region: r.region,
      scale: r.scale,
      width: r.width,
      height: r.height,
      sourceWidth: r.sourceWidth,
      before: pixels ? b64(r.before) : '',
      after: pixels ? b64(r.after) : '',
      steps: r.steps.map((s) => s.op),
      meta: panel.shadowRoot?.querySelector('#preview-meta')?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
      failed: panel.giantStatus?.phase === 'failed' ? panel.giantStatus.message : undefined,
    };
  }, pixels);
  return r && { ...r, before: new Uint8Array(Buffer.from(r.before, 'base64')), after: new Uint8Array(Buffer.from(r.after, 'base64')) };
}

/**
 * Waits until the preview shows what `ok` wants; returns it with its pixels.
 * @param {(r: NonNullable<Awaited<ReturnType<typeof shown>>>) => boolean} ok
 * @param {string} what
 */
async function waitFor(ok, what, timeout = 180_000) {
  const t0 = Date.now();
  for (;;) {
    const r = await shown();
    if (r?.failed) assert.fail(`${what}: ${r.failed}`);
    if (r && ok(r)) {
      // The same result, now with its pixels (nothing asked for another meanwhile: the test waits).
      const full = await shown(true);
      if (full && ok(full)) return full;
    }
    if (Date.now() - t0 > timeout)
      assert.fail(
        `${what}: not within ${timeout / 1000} s; last ${JSON.stringify(r && { giant: r.giant, region: r.region, meta: r.meta })}`,
      );
    await new Promise((res) => setTimeout(res, 100));
  }
}

/**
 * RGBA preview pixels against RGB reference pixels: the first difference, or null.
 * @param {Uint8Array} rgba @param {{ data: Uint8Array, channels: number }} ref
 */
function firstDiff(rgba, ref) {
  assert.equal(rgba.length / 4, ref.data.length / ref.channels, 'same pixel count');
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += ref.channels)
    for (let c = 0; c < 3; c++)
      if (rgba[i + c] !== ref.data[j + c]) return `pixel ${i / 4} channel ${c}: ${rgba[i + c]} vs ${ref.data[j + c]}`;
  return null;
}

/**
 * The catalogue's sharpen at its default intensity, from its definition: (32·p − 2·Σ 8 neighbours)
 * / 16, half-to-even, clipped; on the interior of `win` (one pixel in from every side).
 * @param {{ width: number, height: number, channels: number, data: Uint8Array }} win
 */
function sharpenInterior(win) {
  const { width: w, height: h, channels: c, data } = win;
  const out = new Uint8Array((w - 2) * (h - 2) * c);
  let o = 0;
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++)
      for (let ch = 0; ch < c; ch++) {
        let around = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (dx || dy) around += data[((y + dy) * w + x + dx) * c + ch];
        const n = 32 * data[(y * w + x) * c + ch] - 2 * around;
        let q = Math.floor(n / 16);
        const rem = n - 16 * q;
        if (rem > 8 || (rem === 8 && q % 2 !== 0)) q++;
        out[o++] = Math.max(0, Math.min(255, q));
      }
  return { width: w - 2, height: h - 2, channels: c, data: out };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-giant-'));
  big = join(dir, 'big.jpg');
  const tiled = join(dir, 'tiled.v');
  vipsCli('replicate', samplePhoto(), tiled, String(Math.ceil(W / 1920)), String(Math.ceil(H / 1280)));
  vipsCli('crop', tiled, `${big}[Q=90]`, '0', '0', String(W), String(H));
  rmSync(tiled);
  app = await startApp();
});
after(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('giant images in the preview', () => {
  test('a 100 MP JPEG opens at fit: a 1/16 view of the whole picture, labelled as such', async () => {
    const { page } = app;
    await page.setInputFiles('tessera-studio #files-input', big);
    while (await page.locator(`${S} li.step`).count()) await page.click(`${S} li.step >> nth=0 >> button.remove`);
    const fit = await waitFor((r) => r.giant?.view === 'fit' && r.giant.overviewRows === undefined && r.steps.length === 0, 'fit view');
    // The 1/8 overview (1500×1050) box-shrunk by 2 to stay under the preview's 1 MP.
    assert.deepEqual([fit.width, fit.height, fit.scale, fit.giant?.scaleLabel], [750, 525, 1 / 16, '1/16']);
    assert.deepEqual(fit.region, { x: 0, y: 0, width: W, height: H });
    assert.match(fit.meta, /fit — 1\/16 scale preview of 12000×8400: the steps ran on this reduced view, not the exact output/);
    // Painted, not blank: the canvas holds the result's pixels, and they vary like a photo.
    const canvas = await page.evaluate(() => {
      const c = /** @type {HTMLCanvasElement | null | undefined} */ (
        document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel')?.shadowRoot?.querySelector('canvas.before')
      );
      if (!c) throw new Error('no canvas');
      const px = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray(0);
      let s = '';
      for (let i = 0; i < px.length; i += 0x8000) s += String.fromCharCode(...px.subarray(i, i + 0x8000));
      return { w: c.width, h: c.height, data: btoa(s) };
    });
    assert.deepEqual([canvas.w, canvas.h], [750, 525]);
    const painted = new Uint8Array(Buffer.from(canvas.data, 'base64'));
    assert.ok(Buffer.from(painted).equals(Buffer.from(fit.before)), 'the canvas shows the result');
    const mean = painted.reduce((a, v, i) => (i % 4 === 3 ? a : a + v), 0) / ((painted.length * 3) / 4);
    const spread = painted.reduce((a, v, i) => (i % 4 === 3 ? a : a + (v - mean) ** 2), 0) / ((painted.length * 3) / 4);
    assert.ok(Math.sqrt(spread) > 20, `the fit view has a photo's contrast (σ ${Math.sqrt(spread).toFixed(1)})`);
    // Faithful: the CLI's own 1/8 shrink-on-load of the file, box-shrunk by 2 the same way. The
    // browser's scaled decode is libjpeg-turbo's DC-only IDCT too: the same bytes (measured).
    const ov = join(dir, 'overview.png');
    vipsCli('jpegload', big, ov, '--shrink', '8');
    const ref = await pixelsOf(ov);
    let sum = 0,
      worst = 0;
    for (let y = 0; y < 525; y++)
      for (let x = 0; x < 750; x++)
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) s += ref.data[((2 * y + dy) * ref.width + 2 * x + dx) * 3 + c];
          const d = Math.abs(Math.floor((s + 2) / 4) - fit.before[(y * 750 + x) * 4 + c]);
          sum += d;
          worst = Math.max(worst, d);
        }
    const meanDiff = sum / (750 * 525 * 3);
    assert.equal(worst, 0, `fit view against vips' 1/8 decode: mean |diff| ${meanDiff.toFixed(3)}, max ${worst}`);
  });

  test('a click zooms to 100% there; once cached, the region is the CLI’s own pixels', async () => {
    const { page } = app;
    // 30% across, 70% down: rows near the bottom, which only the cache (never a fresh decode) serves.
    // On the stage: the slider's two canvases lie one over the other there.
    await page.locator(`${PANEL} .stage`).click({ position: { x: 750 * 0.3, y: 525 * 0.7 } });
    const first = await waitFor((r) => r.giant?.view === 'region', 'zoomed view');
    // Centred on the click (3600, 5880), to within the mouse's rounding.
    assert.deepEqual([first.region.width, first.region.height], [1000, 1000]);
    assert.ok(Math.abs(first.region.x - 3100) <= 16 && Math.abs(first.region.y - 5380) <= 16, JSON.stringify(first.region));
    const exact = await waitFor((r) => r.giant?.view === 'region' && r.giant.exact, 'exact region');
    assert.equal(exact.scale, 1);
    assert.match(exact.meta, /region 1000×1000 at \(\d+, \d+\) of 12000×8400, full resolution, exact/);
    const ref = await cliRegion(big, exact.region);
    assert.equal(firstDiff(exact.before, ref), null, 'before = the CLI crop');
    assert.equal(firstDiff(exact.after, ref), null, 'no steps: after = before');
  });

  test('sharpen at 100%: the region’s pixels are the definition applied to the CLI’s, halo included', async () => {
    const { page } = app;
    await page.selectOption(`${S} #add-step`, 'sharpen');
    const r = await waitFor((x) => x.giant?.exact === true && x.steps.join() === 'sharpen', 'sharpened region');
    const g = r.region;
    const win = await cliRegion(big, { x: g.x - 1, y: g.y - 1, width: g.width + 2, height: g.height + 2 });
    assert.equal(firstDiff(r.after, sharpenInterior(win)), null);
    assert.notEqual(firstDiff(r.after, await cliRegion(big, g)), null, 'sharpen changed the pixels');
  });

  test('the fit view runs the recipe on the reduced picture, and says so', async () => {
    const { page } = app;
    await page.click(`${PANEL} #zoom-fit`);
    const fit = await waitFor((r) => r.giant?.view === 'fit' && r.steps.join() === 'sharpen', 'fit view with sharpen');
    assert.ok(!Buffer.from(fit.after).equals(Buffer.from(fit.before)), 'sharpen changed the fit view');
    assert.match(fit.meta, /the steps ran on this reduced view, not the exact output/);
    const progress = await page.textContent(`${PANEL} #giant-progress`);
    assert.match(progress ?? '', /full resolution ready/);
  });

  test('a tiled pyramidal TIFF: regions straight from the file, no cache', async () => {
    const { page } = app;
    const tif = join(dir, 'big.tif');
    // 45 MP: giant, but quick to write.
    vipsCli('crop', big, join(dir, 'part.v'), '0', '0', '9000', '5000');
    vipsCli('tiffsave', join(dir, 'part.v'), tif, '--tile', '--pyramid', '--compression', 'deflate');
    rmSync(join(dir, 'part.v'));
    await page.setInputFiles('tessera-studio #files-input', tif);
    const fit = await waitFor((r) => r.sourceWidth === 9000 && r.giant?.view === 'fit' && r.giant.overviewRows === undefined, 'TIFF fit');
    assert.equal(fit.giant?.scaleLabel, '1/8'); // its 1/8 pyramid level fits the preview's 1 MP as it is
    await page.click(`${PANEL} #zoom-100`);
    const r = await waitFor((x) => x.sourceWidth === 9000 && x.giant?.view === 'region' && x.steps.join() === 'sharpen', 'TIFF region');
    assert.equal(r.giant?.exact, true, 'exact at once: nothing to cache');
    const g = r.region;
    assert.deepEqual(g, { x: 4000, y: 2000, width: 1000, height: 1000 });
    const win = await cliRegion(tif, { x: g.x - 1, y: g.y - 1, width: g.width + 2, height: g.height + 2 });
    assert.equal(firstDiff(r.after, sharpenInterior(win)), null);
  });

  test('another image ends the giant one: its cache leaves OPFS', async () => {
    const { page } = app;
    await page.setInputFiles('tessera-studio #files-input', samplePhoto());
    await waitFor((r) => r.sourceWidth === 1920 && !r.giant, 'small photo');
    const t0 = Date.now();
    /** @type {string[]} */
    let left = [];
    do {
      left = await page.evaluate(async () => {
        const root = await navigator.storage.getDirectory();
        const names = [];
        for await (const name of (await root.getDirectoryHandle('tessera-giant', { create: true })).keys()) names.push(name);
        return names;
      });
      if (left.length) await new Promise((res) => setTimeout(res, 200));
    } while (left.length && Date.now() - t0 < 20_000);
    assert.deepEqual(left, []);
  });

  test('no page errors', () => assert.deepEqual(app.errors, []));
});
