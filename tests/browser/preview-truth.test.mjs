// The studio's preview is the truth about the batch output (issue 13, "a truthful preview"), in
// the built app at 1366×768, each claim checked against files the batch really writes (a zip
// download, read back and decoded in Node):
// - Web export at width 1200 of a 4224×3168 photo says 1200×900, and writes 1200×900;
// - at 100% the preview's pixels are the written file's there, exactly; at 50% the region is
//   twice as wide and tall and its pixels are the file's 2×2 means; Fit shows the whole output;
// - the encoded view's byte size is the written file's, and its pixels are that file's, decoded;
// - a photo stored sideways (EXIF orientation 6) previews upright and is written upright;
//   Orientation "as stored" previews and writes it as stored;
// - zoom, loupe and panning are reachable and work with the keyboard alone; axe finds nothing
//   serious with the loupe and the encoded view on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { unzipSync } from 'fflate';
import { startApp } from './harness.mjs';
import { makeFolder, scene, vips } from './fixtures.mjs';

/** @typedef {import('playwright-core').Page} Page */

const S = 'tessera-studio';
const P = `${S} preview-panel`;

/** @type {import('./harness.mjs').App} */
let app;
/** @type {string} */
let big;
/** @type {string} */
let sideways;

before(async () => {
  const folder = await makeFolder([{ path: 'big.jpg', w: 4224, h: 3168, channels: 3, format: 'jpeg' }]);
  big = join(folder.dir, 'big.jpg');
  // 600×400 stored, EXIF orientation 6 (a phone held upright): upright it is 400×600.
  const v = await vips();
  const raw = v.Image.newFromMemory(scene(600, 400, 3, 42), 600, 400, 3, v.BandFormat.uchar);
  const im = raw.copy({ interpretation: 'srgb' });
  im.setInt('orientation', 6);
  sideways = join(folder.dir, 'sideways.jpg');
  writeFileSync(sideways, im.jpegsaveBuffer({ Q: 92, keep: 1 }));
  im.delete();
  raw.delete();
  app = await startApp();
  await app.page.setViewportSize({ width: 1366, height: 768 });
});
after(async () => app?.close());

/** The preview panel's result and state, from the page. @param {Page} page */
function state(page) {
  return page.evaluate(() => {
    const studio = document.querySelector('tessera-studio');
    const panel = studio?.shadowRoot?.querySelector('preview-panel');
    const r = panel?.result;
    return studio && panel && r
      ? {
          truth: r.truth,
          region: r.region,
          width: r.width,
          height: r.height,
          encodedBytes: r.encoded?.bytes,
          busy: studio.previewBusy || !!panel.shadowRoot?.querySelector('#preview-status'),
          size: panel.shadowRoot?.querySelector('#preview-size')?.textContent,
          meta: panel.shadowRoot?.querySelector('#preview-meta')?.textContent?.replace(/\s+/g, ' ').trim(),
        }
      : undefined;
  });
}

/**
 * Waits until the preview is settled (nothing running, not a quick view) and `ok` holds.
 * @param {Page} page @param {(s: NonNullable<Awaited<ReturnType<typeof state>>>) => boolean} ok @param {string} what
 */
async function settled(page, ok, what, timeout = 120_000) {
  const t0 = Date.now();
  /** @type {Awaited<ReturnType<typeof state>>} */
  let s;
  for (;;) {
    s = await state(page);
    if (s && !s.busy && !s.truth?.pending && ok(s)) return s;
    if (Date.now() - t0 > timeout) assert.fail(`${what}: not within ${timeout / 1000} s; last ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** RGBA pixels of the panel's last result ('after', 'before' or 'encoded'). @param {Page} page @param {'after' | 'before' | 'encoded'} which */
async function pixels(page, which) {
  const b64 = await page.evaluate((which) => {
    const r = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel')?.result;
    if (!r) throw new Error('no preview result');
    const buf = which === 'encoded' ? r.encoded?.pixels : r[which];
    if (!buf) throw new Error(`no ${which} pixels`);
    const u = new Uint8Array(buf);
    let s = '';
    for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode(...u.subarray(i, i + 0x8000));
    return btoa(s);
  }, which);
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/** The zip the batch downloads when Start is pressed, its files. @param {Page} page */
async function batch(page) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 180_000 }), page.click(`${S} #start`)]);
  const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
  await page.waitForSelector(`${S} #summary`);
  return files;
}

/** A written file decoded in Node: RGB pixels. @param {Uint8Array} bytes */
async function decoded(bytes) {
  const v = await vips();
  const im = v.Image.newFromBuffer(bytes);
  try {
    return { width: im.width, height: im.height, channels: im.bands, data: new Uint8Array(im.writeToMemory()) };
  } finally {
    im.delete();
  }
}

/**
 * Mismatched channel values of RGBA `rgba` (w×h) against `ref` at (x, y), each ref pixel the mean
 * of its k×k block (k 1: the pixels themselves), rounded half up.
 * @param {Uint8Array} rgba @param {number} w @param {number} h @param {{ width: number, channels: number, data: Uint8Array }} ref
 * @param {number} x @param {number} y @param {number} [k]
 */
function mismatches(rgba, w, h, ref, x, y, k = 1) {
  let bad = 0;
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++)
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < k; dy++)
          for (let dx = 0; dx < k; dx++) sum += ref.data[((y + j * k + dy) * ref.width + x + i * k + dx) * ref.channels + c];
        const want = Math.floor(sum / (k * k) + 0.5);
        if (Math.abs(rgba[(j * w + i) * 4 + c] - want) > (k > 1 ? 1 : 0)) bad++;
      }
  return bad;
}

const WEB_1200 = {
  name: 'Web export 1200',
  steps: [
    { op: 'auto-orient' },
    { op: 'resize', params: { mode: 'width', width: 1200 } },
    { op: 'unsharp-mask', params: { sigma: 0.8, amount: 0.5 } },
  ],
  output: { format: 'png' },
};

describe('the preview is the batch output', () => {
  test(
    'Web export at width 1200 of a 4224×3168 photo: the preview says 1200×900, the batch writes it; 100%, 50% and Fit show its pixels',
    { timeout: 300_000 },
    async () => {
      const { page } = app;
      await page.evaluate((r) => document.querySelector('tessera-studio')?.useRecipe(r), WEB_1200);
      await page.setInputFiles(`${S} #files-input`, big);
      const fit = await settled(page, (s) => s.size === '1200×900', 'Fit of the resized photo');
      assert.deepEqual(fit.region, { x: 0, y: 0, width: 1200, height: 900 }, 'Fit: the whole output');
      assert.match(fit.meta ?? '', /^Output 1200×900 · fit, \d+% · /);

      const files = await batch(page);
      const out = await decoded(files['big.png']);
      assert.deepEqual([out.width, out.height], [1200, 900], 'the written file is the size the preview said');

      await page.click(`${P} #zoom-100`);
      const at100 = await settled(page, (s) => s.truth?.zoom === 1 && s.region.width < 1200, '100%');
      assert.equal(at100.truth?.exact, true);
      assert.deepEqual([at100.width, at100.height], [at100.region.width, at100.region.height], '100%: one picture pixel per output pixel');
      const a100 = await pixels(page, 'after');
      assert.equal(mismatches(a100, at100.width, at100.height, out, at100.region.x, at100.region.y), 0, '100%: the written pixels there');

      await page.click(`${P} #zoom-50`);
      const at50 = await settled(page, (s) => s.truth?.zoom === 0.5, '50%');
      // More of the picture, not the same crop smaller: twice the region (clipped to the output).
      assert.equal(at50.region.width, Math.min(1200, at100.region.width * 2));
      assert.equal(at50.region.height, Math.min(900, at100.region.height * 2));
      assert.ok(at50.region.x <= at100.region.x && at50.region.y <= at100.region.y, 'the 50% region holds the 100% one');
      const a50 = await pixels(page, 'after');
      const w = Math.floor(at50.region.width / 2),
        h = Math.floor(at50.region.height / 2);
      // An exact halving is each 2×2 block's mean (±1 for float rounding): area-resampled, not nearest-neighbour.
      assert.equal(at50.width, at50.region.width / 2);
      assert.ok(
        mismatches(a50, at50.width, h, out, at50.region.x, at50.region.y, 2) < w * h * 0.001,
        '50%: the 2×2 means of the written pixels',
      );
    },
  );

  test('the encoded view: the byte size the batch writes, and that file’s pixels', { timeout: 300_000 }, async () => {
    const { page } = app;
    await page.evaluate(
      (r) =>
        document.querySelector('tessera-studio')?.useRecipe({
          ...r,
          output: { format: 'webp', quality: 75, metadata: 'strip' },
        }),
      WEB_1200,
    );
    await page.click(`${P} #zoom-100`);
    await page.click(`${P} #preview-encoded`);
    const s = await settled(page, (x) => x.encodedBytes !== undefined && x.truth?.zoom === 1, 'the encoded view');
    assert.match(s.meta ?? '', /WebP, quality 75: [\d.]+ KB, \d+% smaller than the input/);
    const shownBytes = Number(await page.getAttribute(`${P} #encoded-size strong`, 'data-bytes'));
    const files = await batch(page);
    assert.equal(shownBytes, files['big.webp'].length, 'the encoded view’s size is the written file’s');
    assert.equal(s.encodedBytes, files['big.webp'].length);
    const out = await decoded(files['big.webp']);
    const enc = await pixels(page, 'encoded');
    assert.equal(mismatches(enc, s.width, s.height, out, s.region.x, s.region.y), 0, 'the encoded pixels are the written file’s');
    // Not the decoded result itself: WebP at 75 changes pixels.
    assert.notEqual(mismatches(await pixels(page, 'after'), s.width, s.height, out, s.region.x, s.region.y), 0);
    await page.click(`${P} #preview-encoded`);
  });

  test('a photo stored sideways previews upright and is written upright; "as stored" keeps it', { timeout: 300_000 }, async () => {
    const { page } = app;
    await page.evaluate(() =>
      document.querySelector('tessera-studio')?.useRecipe({
        name: 'Sharpen',
        steps: [{ op: 'sharpen' }],
        output: { format: 'png' },
      }),
    );
    await page.setInputFiles(`${S} #files-input`, sideways);
    await page.click(`${P} #zoom-fit`);
    const up = await settled(page, (s) => s.size === '400×600', 'upright preview');
    assert.match(up.meta ?? '', /turned upright \(EXIF orientation 6\)/);
    const files = await batch(page);
    const out = await decoded(files['sideways.png']);
    assert.deepEqual([out.width, out.height], [400, 600], 'written upright');
    // Its pixels: the stored photo turned 90° clockwise (then sharpened: compare loosely, by rows' means).
    const v = await vips();
    const ref = v.Image.newFromFile(sideways).autorot();
    const refPx = { width: ref.width, channels: ref.bands, data: new Uint8Array(ref.writeToMemory()) };
    ref.delete();
    /** @param {{ width: number, channels: number, data: Uint8Array }} f @param {number} y */
    const rowMean = (f, y) => {
      let s = 0;
      for (let x = 0; x < f.width; x++) s += f.data[(y * f.width + x) * f.channels];
      return s / f.width;
    };
    for (const y of [10, 200, 590]) assert.ok(Math.abs(rowMean(out, y) - rowMean(refPx, y)) < 6, `row ${y} is the upright photo's`);

    await page.selectOption(`${S} output-options #out-orientation`, 'keep');
    const kept = await settled(page, (s) => s.size === '600×400', 'as stored');
    assert.match(kept.meta ?? '', /as stored \(EXIF orientation 6\)/);
    const files2 = await batch(page);
    const out2 = await decoded(files2['sideways.png']);
    assert.deepEqual([out2.width, out2.height], [600, 400], 'written as stored');
    await page.selectOption(`${S} output-options #out-orientation`, 'upright');
  });
});

/** Presses Tab until the focused element (through shadow roots) matches `selector`. @param {Page} page @param {string} selector */
async function tabTo(page, selector, max = 200) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate((sel) => {
      let el = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return !!el && el !== document.body && el.matches(sel);
    }, selector);
    if (hit) return;
  }
  assert.fail(`${selector} is not reached with Tab in ${max} presses`);
}

describe('zoom, loupe and panning by keyboard', () => {
  test(
    'Tab reaches 100% and the loupe; Enter presses them; the arrow keys pan the region; axe finds nothing serious',
    { timeout: 300_000 },
    async () => {
      const { page } = app;
      await page.evaluate((r) => document.querySelector('tessera-studio')?.useRecipe(r), WEB_1200);
      await page.setInputFiles(`${S} #files-input`, big);
      await page.click(`${P} #zoom-fit`);
      await settled(page, (s) => s.size === '1200×900' && s.region.width === 1200, 'Fit');
      await page.focus(`${S} #start`);
      await tabTo(page, '#zoom-100');
      await page.keyboard.press('Enter');
      assert.equal(await page.getAttribute(`${P} #zoom-100`, 'aria-pressed'), 'true');
      const at100 = await settled(page, (s) => s.truth?.zoom === 1, '100% by keyboard');
      await tabTo(page, '#preview-loupe');
      await page.keyboard.press('Enter');
      assert.equal(await page.getAttribute(`${P} #preview-loupe`, 'aria-pressed'), 'true');
      await tabTo(page, '.viewport');
      assert.equal(await page.locator(`${P} preview-loupe`).count(), 1, 'the loupe shows at the centre for keyboard use');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowDown');
      const moved = await settled(page, (s) => s.region.x > at100.region.x, 'panned right');
      assert.ok(moved.region.y > at100.region.y, 'panned down');
      assert.equal(moved.region.width, at100.region.width);
      // The loupe's picture is the result's pixels under it, magnified: not blank.
      const lit = await page.locator(`${P} preview-loupe`).evaluate((el) => {
        const c = el.shadowRoot?.querySelector('canvas');
        const d = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
        return d ? new Set(Array.from({ length: d.length / 4 }, (_, i) => d[i * 4])).size : 0;
      });
      assert.ok(lit > 3, `the loupe shows pixels (${lit} distinct values)`);
      await page.keyboard.press('+');
      const at200 = await settled(page, (s) => s.truth?.zoom === 2, '+ zooms in');
      assert.equal(at200.region.width, Math.ceil(at100.region.width / 2), '200%: half the region');
      await page.keyboard.press('-');
      await settled(page, (s) => s.truth?.zoom === 1, '− zooms out');
      await page.keyboard.press('0');
      await settled(page, (s) => s.region.width === 1200, '0 fits');
      await page.click(`${P} #preview-encoded`);
      await settled(page, (s) => s.encodedBytes !== undefined, 'encoded view');
      const results = await new AxeBuilder({ page }).analyze();
      const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(
        serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        [],
      );
      assert.deepEqual(app.errors, []);
    },
  );
});
