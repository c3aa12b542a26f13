// The studio's input grid and results, as a person uses them in the built app: pick the preview
// from the grid, leave files out of the batch, a grid of thousands of files keeps only a window
// of cells in the page; the results' totals, sort and filter, Retry failed after fixing the
// setting that failed them, and the CSV report read back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { listOpfs, startApp } from './harness.mjs';
import { makeFolder } from './fixtures.mjs';

/** @typedef {import('playwright-core').Page} Page */

const S = 'tessera-studio';
const GRID = `${S} input-grid`;

/** Five photos: two 100 px wide (a box crop at x = 150 misses them), three 200 px wide. @type {import('./fixtures.mjs').ImageSpec[]} */
const SPECS = [100, 100, 200, 200, 200].map((w, i) => ({
  path: `shoot/a${i}.jpg`,
  w,
  h: 90,
  channels: 3,
  format: /** @type {const} */ ('jpeg'),
}));

/** A crop that fails for the narrow photos (the box is wholly outside them). */
const CROP = (/** @type {number} */ x) => ({
  name: 'Corner',
  steps: [{ op: 'crop', params: { mode: 'box', x, y: 0, width: 50, height: 50 } }],
  output: { format: 'png' },
});

/** @type {import('./harness.mjs').App} */
let app;
/** @type {Awaited<ReturnType<typeof makeFolder<import('./fixtures.mjs').ImageSpec>>>} */
let fixture;

before(async () => {
  fixture = await makeFolder(SPECS, 21);
  // Not photos: a text file the batch skips, and a "video" that is not one (its cell shows a video icon).
  writeFileSync(join(fixture.dir, 'shoot', 'notes.txt'), 'not a photo\n');
  writeFileSync(join(fixture.dir, 'shoot', 'clip.mp4'), 'not a video either');
  app = await startApp();
  await app.page.setViewportSize({ width: 1366, height: 768 });
});
after(async () => app?.close());

/** Chooses the fixture folder as the input and waits for its grid. @param {Page} page */
async function chooseFolder(page) {
  await page.setInputFiles(`${S} #folder-input`, fixture.dir);
  await page.waitForFunction(
    (n) =>
      document.querySelector('tessera-studio')?.shadowRoot?.querySelector('input-grid')?.shadowRoot?.querySelectorAll('.cell').length === n,
    7,
  );
}

/** Output into a fresh OPFS folder `name` (headless Chromium cannot drive the folder picker). @param {Page} page @param {string} name */
async function outputToOpfs(page, name) {
  await page.evaluate(async (name) => {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(name, { recursive: true }).catch(() => {});
    document.querySelector('tessera-studio')?.useOutputFolder(await root.getDirectoryHandle(name, { create: true }));
  }, name);
}

/** Presses Start and waits for the summary. @param {Page} page */
async function runBatch(page) {
  await page.click(`${S} #start`);
  await page.waitForSelector(`${S} #summary`, { timeout: 60_000 });
  return (await page.textContent(`${S} #summary`)) ?? '';
}

/** The preview's heading, once it names `path`. @param {Page} page @param {string} path */
async function previewShows(page, path) {
  await page.waitForFunction(
    (path) =>
      document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel')?.shadowRoot?.querySelector('h2')?.textContent ===
      `Preview — ${path}`,
    path,
    { timeout: 30_000 },
  );
}

/** Decoded sizes of OPFS files, in the page. @param {Page} page @param {string} dir @param {string[]} paths */
function decodedSizes(page, dir, paths) {
  return page.evaluate(
    async ({ dir, paths }) => {
      let d = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
      /** @type {string[]} */
      const out = [];
      for (const p of paths) {
        const parts = p.split('/');
        let sub = d;
        for (const part of parts.slice(0, -1)) sub = await sub.getDirectoryHandle(part);
        const bmp = await createImageBitmap(await (await sub.getFileHandle(parts[parts.length - 1])).getFile());
        out.push(`${p} ${bmp.width}×${bmp.height}`);
        bmp.close();
      }
      return out;
    },
    { dir, paths },
  );
}

/** The results table's rows as [path, status], in the order shown. @param {Page} page */
function tableRows(page) {
  return page
    .locator(`${S} results-table tbody tr`)
    .evaluateAll((els) => els.map((e) => [/** @type {HTMLElement} */ (e).dataset.path, /** @type {HTMLElement} */ (e).dataset.status]));
}

/** An RFC 4180 reader: fields, doubled quotes, CRLF records. @param {string} text */
function parseCsv(text) {
  /** @type {string[][]} */
  const rows = [];
  /** @type {string[]} */
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[i++];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.equal(field + row.join(''), '', 'the CSV ends with a complete record');
  return rows;
}

describe('input grid', () => {
  test('every file has a cell: photos with thumbnails, the video with an icon, the text file with why it is skipped', async () => {
    const { page } = app;
    await chooseFolder(page);
    const cells = await page
      .locator(`${GRID} .cell`)
      .evaluateAll((els) => els.map((e) => [/** @type {HTMLElement} */ (e).dataset.path, /** @type {HTMLElement} */ (e).dataset.kind]));
    assert.deepEqual(cells, [
      ['shoot/a0.jpg', 'image'],
      ['shoot/a1.jpg', 'image'],
      ['shoot/a2.jpg', 'image'],
      ['shoot/a3.jpg', 'image'],
      ['shoot/a4.jpg', 'image'],
      ['shoot/clip.mp4', 'video'],
      ['shoot/notes.txt', 'other'],
    ]);
    assert.match((await page.textContent(`${GRID} .cell[data-path="shoot/notes.txt"]`)) ?? '', /skipped: not an image or video .*\.txt/);
    assert.match((await page.textContent(`${GRID} .cell[data-path="shoot/clip.mp4"]`)) ?? '', /video/);
    assert.equal(await page.textContent(`${GRID} #included-count`), '6 of 6 included');
    // Thumbnails are drawn: a photo's canvas has its pixels (not blank) once decoded.
    await page.waitForFunction(() => {
      const grid = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('input-grid');
      return [...(grid?.shadowRoot?.querySelectorAll('canvas') ?? [])].every((c) => c.dataset.drawn?.startsWith(`${c.dataset.path}@`));
    });
    const lit = () =>
      page.$eval(`${GRID} canvas[data-path="shoot/a2.jpg"]`, (c) => {
        const ctx = /** @type {HTMLCanvasElement} */ (c).getContext('2d');
        const px =
          ctx?.getImageData(0, 0, /** @type {HTMLCanvasElement} */ (c).width, /** @type {HTMLCanvasElement} */ (c).height).data ?? [];
        let opaque = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] === 255) opaque++;
        return opaque;
      });
    assert.ok((await lit()) > 100, `the thumbnail of a2 has ${await lit()} opaque pixels`);
    // A phone-sized window lays the cells out anew (a canvas resized is cleared): drawn again.
    const size = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.waitForFunction(() => {
        const grid = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('input-grid');
        return [...(grid?.shadowRoot?.querySelectorAll('canvas') ?? [])].every(
          (c) => c.dataset.drawn === `${c.dataset.path}@${c.width}x${c.height}`,
        );
      });
      assert.ok((await lit()) > 100, 'the thumbnail is drawn again at 390 px');
    } finally {
      if (size) await page.setViewportSize(size);
    }
  });

  test('a click or Enter on a cell shows that photo in the preview', async () => {
    const { page } = app;
    await previewShows(page, 'shoot/a0.jpg'); // the first photo, picked by the studio
    await page.click(`${GRID} .cell[data-path="shoot/a2.jpg"] .thumb`);
    await previewShows(page, 'shoot/a2.jpg');
    assert.equal(await page.getAttribute(`${GRID} .cell[data-path="shoot/a2.jpg"]`, 'aria-current'), 'true');
    // Keyboard: the clicked cell is the grid's tab stop; the arrows move, Enter picks.
    await page.focus(`${GRID} .cell[data-path="shoot/a2.jpg"]`);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await previewShows(page, 'shoot/a4.jpg');
    const tabStops = await page.locator(`${GRID} .cell[tabindex="0"]`).evaluateAll((els) => els.map((e) => e.dataset.path));
    assert.deepEqual(tabStops, ['shoot/a4.jpg'], 'one tab stop: the cell last used');
    assert.deepEqual(app.errors, []);
  });

  test('excluding files (checkbox, Space) leaves them out: the batch writes only the included ones', async () => {
    const { page } = app;
    await page.selectOption(`${S} recipe-editor #preset`, 'seed');
    await outputToOpfs(page, 'grid-out');
    // a1 by its checkbox, a3 by Space on its cell, the clip (not a video) by its checkbox.
    await page.click(`${GRID} .cell[data-path="shoot/a1.jpg"] input[type="checkbox"]`);
    await page.focus(`${GRID} .cell[data-path="shoot/a3.jpg"]`);
    await page.keyboard.press('Space');
    await page.click(`${GRID} .cell[data-path="shoot/clip.mp4"] input[type="checkbox"]`);
    assert.equal(await page.textContent(`${GRID} #included-count`), '3 of 6 included');
    assert.equal(await page.isChecked(`${GRID} .cell[data-path="shoot/a3.jpg"] input[type="checkbox"]`), false);
    assert.match(await runBatch(page), /^3 written, 0 failed/);
    const written = (await listOpfs(page, 'grid-out')).map((f) => f.path);
    assert.deepEqual(written, ['shoot/a0.png', 'shoot/a2.png', 'shoot/a4.png']);
    assert.deepEqual(await decodedSizes(page, 'grid-out', written), ['shoot/a0.png 100×90', 'shoot/a2.png 200×90', 'shoot/a4.png 200×90']);
    // The written files, then the skipped text file with the reason; nothing else.
    const rows = await tableRows(page);
    assert.deepEqual(
      rows
        .filter((r) => r[1] === 'ok')
        .map((r) => r[0])
        .sort(),
      ['shoot/a0.jpg', 'shoot/a2.jpg', 'shoot/a4.jpg'],
    );
    assert.deepEqual(rows[rows.length - 1], ['shoot/notes.txt', 'skipped']);
    assert.match((await page.textContent(`${S} results-table tr.skipped`)) ?? '', /not an image or video .*\.txt/);
    // Exclude all, then Start cannot run; Include all brings every file back.
    await page.click(`${GRID} #exclude-all`);
    assert.equal(await page.textContent(`${GRID} #included-count`), '0 of 6 included');
    assert.equal(await page.isDisabled(`${S} #start`), true);
    await page.click(`${GRID} #include-all`);
    assert.equal(await page.textContent(`${GRID} #included-count`), '6 of 6 included');
    assert.equal(await page.isDisabled(`${S} #start`), false);
  });

  test('thumbnails are upright (EXIF orientation) and contained, from the scaled JPEG decode', async () => {
    const { page } = app;
    await page.evaluate(async () => {
      const canvas = new OffscreenCanvas(1600, 800);
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2D context');
      ctx.fillStyle = '#c22';
      ctx.fillRect(0, 0, 1600, 800);
      const jpeg = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg' })).arrayBuffer());
      // An APP1 Exif block saying "rotate 90° clockwise to show" (orientation 6), after SOI.
      const tiff = [0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0];
      const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
      const app1 = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 255, ...payload];
      const rotated = new Uint8Array([...jpeg.subarray(0, 2), ...app1, ...jpeg.subarray(2)]);
      document
        .querySelector('tessera-studio')
        ?.useInputFiles([
          new File([rotated], 'portrait.jpg', { type: 'image/jpeg' }),
          new File([jpeg], 'landscape.jpg', { type: 'image/jpeg' }),
        ]);
    });
    await page.waitForFunction(() => {
      const root = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('input-grid')?.shadowRoot;
      const drawn = [...(root?.querySelectorAll('canvas') ?? [])].filter((c) => c.dataset.drawn?.startsWith(`${c.dataset.path}@`));
      return drawn.length === 2;
    });
    /** The drawn picture's box in its canvas: [width, height]. @param {string} path */
    const box = (path) =>
      page.$eval(`${GRID} canvas[data-path="${path}"]`, (el) => {
        const c = /** @type {HTMLCanvasElement} */ (el);
        const px = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
        let x0 = c.width,
          x1 = -1,
          y0 = c.height,
          y1 = -1;
        for (let y = 0; y < c.height; y++)
          for (let x = 0; x < c.width; x++)
            if (px[(y * c.width + x) * 4 + 3] > 200) {
              x0 = Math.min(x0, x);
              x1 = Math.max(x1, x);
              y0 = Math.min(y0, y);
              y1 = Math.max(y1, y);
            }
        return [x1 - x0 + 1, y1 - y0 + 1, c.width, c.height];
      });
    const [pw, ph, cw, ch] = await box('portrait.jpg');
    const [lw, lh] = await box('landscape.jpg');
    // Upright: the rotated photo is twice as tall as wide, filling the thumbnail's height; the other twice as wide.
    assert.ok(Math.abs(ph / pw - 2) < 0.1 && Math.abs(ph - ch) <= 1, `portrait drawn ${pw}×${ph} in ${cw}×${ch}`);
    assert.ok(Math.abs(lw / lh - 2) < 0.1 && lw <= cw, `landscape drawn ${lw}×${lh} in ${cw}×${ch}`);
    // Both 1600×800 JPEGs went through the browser's scaled decode (not decoded whole).
    const stats = await page.$eval(GRID, (g) => /** @type {import('../../src/ui/input-grid').InputGrid} */ (g).thumbnailStats);
    assert.deepEqual([stats.decoded, stats.scaled], [2, 2]);
  });

  test('with 2,500 files the page holds only a window of cells, wherever the grid is scrolled', async () => {
    const { page } = app;
    const n = 2500;
    await page.evaluate(async (n) => {
      const canvas = new OffscreenCanvas(64, 48);
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2D context');
      ctx.fillStyle = '#3a7';
      ctx.fillRect(0, 0, 64, 48);
      const blob = await canvas.convertToBlob({ type: 'image/png' });
      const files = Array.from({ length: n }, (_, i) => new File([blob], `f${String(i).padStart(5, '0')}.png`, { type: 'image/png' }));
      document.querySelector('tessera-studio')?.useInputFiles(files);
    }, n);
    await page.waitForFunction(
      () =>
        document.querySelector('tessera-studio')?.shadowRoot?.querySelector('input-grid')?.shadowRoot?.querySelector('#included-count')
          ?.textContent === '2500 of 2500 included',
    );
    const cells = () => page.locator(`${GRID} .cell`).count();
    const bound = 40;
    assert.ok((await cells()) <= bound, `${await cells()} cells in the page`);
    assert.ok((await cells()) >= 6);
    // Scrolled to the end: the last file's cell is there, and still only a window.
    await page.$eval(`${GRID} .scroll`, (el) => el.scrollTo(0, el.scrollHeight));
    await page.waitForSelector(`${GRID} .cell[data-path="f02499.png"]`);
    assert.ok((await cells()) <= bound, `${await cells()} cells at the end`);
    assert.equal(await page.locator(`${GRID} .cell[data-path="f00000.png"]`).count(), 0);
    // The keyboard: Home goes back to the first file (scrolling it into view), End to the last.
    await page.focus(`${GRID} .cell[data-path="f02499.png"]`);
    await page.keyboard.press('Home');
    await page.waitForFunction(() => {
      const root = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('input-grid')?.shadowRoot;
      return root?.activeElement?.getAttribute('data-path') === 'f00000.png';
    });
    assert.ok((await cells()) <= bound);
    const held = await page.$eval(GRID, (g) => /** @type {import('../../src/ui/input-grid').InputGrid} */ (g).thumbnailStats.held);
    assert.ok(held <= 240, `${held} thumbnails held`);
    assert.deepEqual(app.errors, []);
  });
});

describe('results', () => {
  test('totals, sort and filter; Retry failed after fixing the setting; the CSV report read back', async () => {
    const { page } = app;
    await chooseFolder(page);
    await page.click(`${GRID} .cell[data-path="shoot/clip.mp4"] input[type="checkbox"]`);
    await page.evaluate((r) => document.querySelector('tessera-studio')?.useRecipe(r), CROP(150));
    await outputToOpfs(page, 'retry-out');
    assert.match(await runBatch(page), /^3 written, 2 failed/);
    const T = `${S} results-table`;
    assert.match((await page.textContent(`${T} #results-totals`)) ?? '', /^\s*3 written · 2 failed · 1 skipped · /);
    for (const i of [0, 1])
      assert.match((await page.textContent(`${T} tr[data-path="shoot/a${i}.jpg"]`)) ?? '', /crop/i, `a${i} failed because of the crop box`);

    // Sort by name, descending: the files in reverse order, the skipped one where its name falls.
    await page.selectOption(`${T} #sort`, 'name');
    await page.click(`${T} #sort-direction`);
    assert.deepEqual(
      (await tableRows(page)).map((r) => r[0]),
      ['shoot/notes.txt', 'shoot/a4.jpg', 'shoot/a3.jpg', 'shoot/a2.jpg', 'shoot/a1.jpg', 'shoot/a0.jpg'],
    );
    // By status (ascending): failures first, then the skipped file, then those written.
    await page.click(`${T} #sort-direction`);
    await page.selectOption(`${T} #sort`, 'status');
    assert.deepEqual(
      (await tableRows(page)).map((r) => r[1]),
      ['failed', 'failed', 'skipped', 'ok', 'ok', 'ok'],
    );
    await page.selectOption(`${T} #filter`, 'failed');
    assert.deepEqual((await tableRows(page)).map((r) => r[0]).sort(), ['shoot/a0.jpg', 'shoot/a1.jpg']);
    await page.selectOption(`${T} #filter`, 'skipped');
    assert.deepEqual(await tableRows(page), [['shoot/notes.txt', 'skipped']]);
    await page.selectOption(`${T} #filter`, 'all');
    await page.selectOption(`${T} #sort`, 'name');

    // Fix the setting (a box inside every photo), then retry only the failed files.
    await page.evaluate((r) => document.querySelector('tessera-studio')?.useRecipe(r), CROP(0));
    assert.match((await page.textContent(`${T} #retry-failed`)) ?? '', /Retry failed \(2\)/);
    await page.click(`${T} #retry-failed`);
    await page.waitForFunction(
      () => /^2 written, 0 failed/.test(document.querySelector('tessera-studio')?.shadowRoot?.querySelector('#summary')?.textContent ?? ''),
      null,
      {
        timeout: 60_000,
      },
    );
    assert.deepEqual(await tableRows(page), [
      ['shoot/a0.jpg', 'ok'],
      ['shoot/a1.jpg', 'ok'],
      ['shoot/a2.jpg', 'ok'],
      ['shoot/a3.jpg', 'ok'],
      ['shoot/a4.jpg', 'ok'],
      ['shoot/notes.txt', 'skipped'],
    ]);
    const written = await listOpfs(page, 'retry-out');
    assert.deepEqual(
      written.map((f) => f.path),
      ['shoot/a0.png', 'shoot/a1.png', 'shoot/a2.png', 'shoot/a3.png', 'shoot/a4.png'],
    );
    // The retried ones with the fixed box (50×50 at 0, 0); the others kept from the first run (at 150, 0).
    assert.deepEqual(await decodedSizes(page, 'retry-out', ['shoot/a0.png', 'shoot/a1.png', 'shoot/a2.png']), [
      'shoot/a0.png 50×50',
      'shoot/a1.png 50×50',
      'shoot/a2.png 50×50',
    ]);
    assert.match((await page.textContent(`${T} #results-totals`)) ?? '', /^\s*5 written · 0 failed · 1 skipped · /);
    assert.equal(await page.isDisabled(`${T} #retry-failed`), true);

    // The CSV report: one line per file, sizes as written.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${T} #csv`)]);
    assert.match(download.suggestedFilename(), /^tessera-report-.*\.csv$/);
    const text = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
    const [head, ...rows] = parseCsv(text);
    assert.deepEqual(head, [
      'input path',
      'status',
      'message',
      'input bytes',
      'output paths',
      'output bytes',
      'saved %',
      'width',
      'height',
      'faces',
      'ms',
      'variant',
    ]);
    const byPath = Object.fromEntries(rows.map((r) => [r[0], r]));
    assert.deepEqual(Object.keys(byPath).sort(), [...SPECS.map((s) => s.path), 'shoot/notes.txt'].sort());
    const outSize = Object.fromEntries(written.map((f) => [f.path, f.size]));
    for (const spec of fixture.files) {
      const r = byPath[spec.path];
      const out = spec.path.replace(/\.jpg$/, '.png');
      assert.deepEqual(
        [r[1], r[2], r[3], r[4], r[5], r[7], r[8]],
        ['ok', '', String(spec.size), out, String(outSize[out]), '50', '50'],
        spec.path,
      );
      assert.equal(Number(r[6]).toFixed(1), ((1 - outSize[out] / spec.size) * 100).toFixed(1));
      assert.ok(Number(r[10]) >= 0);
    }
    assert.equal(byPath['shoot/notes.txt'][1], 'skipped');
    assert.match(byPath['shoot/notes.txt'][2], /not an image or video .*\.txt/);

    // axe-core, every impact, on the grid and the results in this state (a cell focused, rows sorted).
    await page.focus(`${GRID} .cell[data-path="shoot/a1.jpg"]`);
    const axe = await new AxeBuilder({ page }).analyze();
    const ours = axe.violations.flatMap((v) =>
      v.nodes
        .filter((n) => JSON.stringify(n.target).match(/input-grid|results-table/))
        .map((n) => `${v.impact} ${v.id}: ${JSON.stringify(n.target)}`),
    );
    assert.deepEqual(ours, []);
    assert.ok(
      axe.passes.some((p) => p.id === 'aria-required-children'),
      'axe judged the grid',
    );
    assert.deepEqual(app.errors, []);
  });

  test('at 390×844 neither the grid nor the results widen the page', async () => {
    const { page } = app;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => document.documentElement.scrollWidth <= 390);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
    const columns = await page.$eval(GRID, (g) => g.shadowRoot?.querySelector('[role="grid"]')?.getAttribute('aria-colcount'));
    assert.ok(Number(columns) >= 2, `${columns} columns at 390 px`);
    await page.setViewportSize({ width: 1366, height: 768 });
  });
});
