// The recipe editor as a person uses it: build a recipe from the catalogue, watch the preview
// change, save it, reload (it is remembered), load it, share it as a link, and run it as a batch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseJson } from '../../scripts/lib/json.mjs';
import { startApp } from './harness.mjs';
import { makeFolder } from './fixtures.mjs';

/** @type {import('./harness.mjs').App} */
let app;
/** @type {Awaited<ReturnType<typeof makeFolder<import('./fixtures.mjs').ImageSpec>>>} */
let fixture;
const S = 'tessera-studio recipe-editor';

/** A short fingerprint of the preview's "after" canvas. @param {import('playwright-core').Page} page */
const afterPrint = (page) =>
  page.evaluate(() => {
    /** @type {HTMLCanvasElement | null | undefined} */
    const c = document
      .querySelector('tessera-studio')
      ?.shadowRoot?.querySelector('preview-panel')
      ?.shadowRoot?.querySelector('canvas.after');
    if (!c || !c.width) return '';
    const g = c.getContext('2d');
    if (!g) throw new Error('no 2D context');
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let h = 2166136261;
    for (let i = 0; i < d.length; i += 7) h = Math.imul(h ^ d[i], 16777619);
    return `${c.width}x${c.height}:${h >>> 0}`;
  });

/** Waits until the preview differs from `previous` (a fingerprint); returns the new one. @param {import('playwright-core').Page} page @param {string} previous */
async function waitForNewPreview(page, previous) {
  await page.waitForFunction(
    (prev) => {
      /** @type {HTMLCanvasElement | null | undefined} */
      const c = document
        .querySelector('tessera-studio')
        ?.shadowRoot?.querySelector('preview-panel')
        ?.shadowRoot?.querySelector('canvas.after');
      if (!c || !c.width) return false;
      const g = c.getContext('2d');
      if (!g) throw new Error('no 2D context');
      const d = g.getImageData(0, 0, c.width, c.height).data;
      let h = 2166136261;
      for (let i = 0; i < d.length; i += 7) h = Math.imul(h ^ d[i], 16777619);
      return `${c.width}x${c.height}:${h >>> 0}` !== prev;
    },
    previous,
    { timeout: 30_000 },
  );
  return afterPrint(page);
}

/** Waits until the preview's "after" canvas has one of the given sizes ("WxH"); returns it. @param {import('playwright-core').Page} page @param {string[]} sizes */
async function waitForSize(page, sizes) {
  await page.waitForFunction(
    (want) => {
      /** @type {HTMLCanvasElement | null | undefined} */
      const c = document
        .querySelector('tessera-studio')
        ?.shadowRoot?.querySelector('preview-panel')
        ?.shadowRoot?.querySelector('canvas.after');
      return !!c && want.includes(`${c.width}x${c.height}`);
    },
    sizes,
    { timeout: 30_000 },
  );
  return (await afterPrint(page)).split(':')[0];
}

/** The pixel (x, y) of the preview's "after" canvas as [r, g, b, a]. @param {import('playwright-core').Page} page @param {number} x @param {number} y */
const afterPixel = (page, x, y) =>
  page.evaluate(
    ([x, y]) => {
      /** @type {HTMLCanvasElement | null | undefined} */
      const c = document
        .querySelector('tessera-studio')
        ?.shadowRoot?.querySelector('preview-panel')
        ?.shadowRoot?.querySelector('canvas.after');
      const g = c?.getContext('2d');
      if (!g) throw new Error('no preview canvas');
      return [...g.getImageData(x, y, 1, 1).data];
    },
    [x, y],
  );

/** The params an editor step shows, in order. @param {import('playwright-core').Page} page @param {string} op */
const shownParams = (page, op) =>
  page
    .locator(`${S} li.step[data-op="${op}"] [data-param]`)
    .evaluateAll((/** @type {HTMLElement[]} */ els) => els.map((e) => e.dataset.param));

before(async () => {
  fixture = await makeFolder(
    [
      { path: 'album/one.jpg', w: 320, h: 240, channels: 3, format: 'jpeg' },
      { path: 'album/two.png', w: 200, h: 150, channels: 3, format: 'png' },
    ],
    21,
  );
  app = await startApp();
});
after(async () => app?.close());

describe('recipe editor', () => {
  /** The recipe as the editor saved it (its JSON file). @type {import('../../src/core/recipe').Recipe} */
  let saved;
  test('build a recipe step by step; the preview follows every change', async () => {
    const { page } = app;
    // From the seed preset (the studio starts with Web export): its PNG output travels with the
    // recipe built below.
    await page.selectOption(`${S} #preset`, 'seed');
    await page.setInputFiles('tessera-studio #folder-input', fixture.dir);
    await page.waitForSelector('tessera-studio preview-panel #preview-meta', { timeout: 30_000 });
    let print = await afterPrint(page);
    assert.ok(print, 'the seed preview is drawn');

    // Clear the seed recipe, then add steps from the catalogue menu: the name and menu say it is no longer the preset.
    while (await page.locator(`${S} li.step`).count()) await page.click(`${S} li.step >> nth=0 >> button.remove`);
    assert.equal(await page.inputValue(`${S} #recipe-name`), 'Edge map (reference pipeline) (edited)');
    assert.equal(await page.inputValue(`${S} #preset`), '');
    await page.selectOption(`${S} #add-step`, 'grayscale');
    print = await waitForNewPreview(page, print);
    await page.selectOption(`${S} #add-step`, 'gaussian-blur');
    print = await waitForNewPreview(page, print);
    await page.fill(`${S} li.step[data-op="gaussian-blur"] input[type=number][data-param="sigma"]`, '4');
    await page.press(`${S} li.step[data-op="gaussian-blur"] input[type=number][data-param="sigma"]`, 'Enter');
    print = await waitForNewPreview(page, print);
    await page.selectOption(`${S} #add-step`, 'sobel');
    print = await waitForNewPreview(page, print);

    // Toggling a step off changes the preview; on again restores it exactly.
    const withSobel = print;
    await page.click(`${S} li.step[data-op="sobel"] input.toggle`);
    print = await waitForNewPreview(page, print);
    await page.click(`${S} li.step[data-op="sobel"] input.toggle`);
    print = await waitForNewPreview(page, print);
    assert.equal(print, withSobel);

    // Reorder: move sobel above the blur.
    await page.click(`${S} li.step[data-op="sobel"] button.up`);
    print = await waitForNewPreview(page, print);
    assert.deepEqual(await page.locator(`${S} li.step`).evaluateAll((/** @type {HTMLElement[]} */ els) => els.map((e) => e.dataset.op)), [
      'grayscale',
      'sobel',
      'gaussian-blur',
    ]);

    // An out-of-range value is explained inline and blocks Start.
    await page.fill(`${S} li.step[data-op="gaussian-blur"] input[type=number][data-param="sigma"]`, '99');
    await page.press(`${S} li.step[data-op="gaussian-blur"] input[type=number][data-param="sigma"]`, 'Enter');
    assert.match(
      (await page.textContent(`${S} li.step[data-op="gaussian-blur"] .step-error`)) ?? '',
      /\/steps\/2\/params\/sigma: 99 is out of range for sigma \(0\.1–20\)/,
    );
    assert.equal(await page.isDisabled('tessera-studio #start'), true);
    await page.fill(`${S} li.step[data-op="gaussian-blur"] input[type=number][data-param="sigma"]`, '1.5');
    await page.press(`${S} li.step[data-op="gaussian-blur"] input[type=number][data-param="sigma"]`, 'Enter');
    print = await waitForNewPreview(page, print);
    assert.equal(await page.isDisabled('tessera-studio #start'), false);
    // Time per step is shown for every step.
    assert.equal(await page.locator(`${S} li.step .ms`).count(), 3);

    await page.fill(`${S} #recipe-name`, 'My edges');
    await page.press(`${S} #recipe-name`, 'Enter');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${S} #save-recipe`)]);
    saved = /** @type {import('../../src/core/recipe').Recipe} */ (parseJson(readFileSync(await download.path(), 'utf8')));
    assert.equal(saved.name, 'My edges');
    assert.deepEqual(
      saved.steps.map((s) => s.op),
      ['grayscale', 'sobel', 'gaussian-blur'],
    );
    assert.equal(saved.steps[2].params?.sigma, 1.5);
    assert.equal(saved.output?.format, 'png');
  });

  test('reload, load the saved file, run it as a batch: outputs equal the API run of the same JSON', async () => {
    const { page } = app;
    await page.reload();
    await page.waitForFunction(() => window.tessera);
    // The edited recipe is remembered across the reload (tests/browser/remember.test.mjs); back to
    // the seed preset, so loading the saved file below has something to change.
    assert.equal(await page.inputValue(`${S} #recipe-name`), 'My edges');
    await page.selectOption(`${S} #preset`, 'seed');
    assert.equal(await page.inputValue(`${S} #recipe-name`), 'Edge map (reference pipeline)');
    await page.setInputFiles(`${S} #recipe-input`, {
      name: 'my-edges.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(saved)),
    });
    await page.waitForFunction(() => document.querySelector('tessera-studio')?.recipe.name === 'My edges');
    assert.equal(await page.locator(`${S} li.step`).count(), 3);

    await page.setInputFiles('tessera-studio #folder-input', fixture.dir);
    await page.evaluate(async () => {
      const studio = document.querySelector('tessera-studio');
      if (!studio) throw new Error('no <tessera-studio> on the page');
      const root = await navigator.storage.getDirectory();
      await root.removeEntry('editor-out', { recursive: true }).catch(() => {});
      studio.useOutputFolder(await root.getDirectoryHandle('editor-out', { create: true }));
    });
    await page.click('tessera-studio #start');
    await page.waitForSelector('tessera-studio #summary', { timeout: 60_000 });
    assert.match((await page.textContent('tessera-studio #summary')) ?? '', /^2 written, 0 failed/);
    const written = await page.evaluate(async () => {
      const t = window.tessera;
      const root = await navigator.storage.getDirectory();
      const out = await (await root.getDirectoryHandle('editor-out')).getDirectoryHandle('album');
      /** @type {Record<string, string>} */
      const hashes = {};
      for await (const e of out.values())
        hashes[e.name] = await t.sha256Hex(new Uint8Array(await (await /** @type {FileSystemFileHandle} */ (e).getFile()).arrayBuffer()));
      return hashes;
    });
    assert.deepEqual(Object.keys(written).sort(), ['one.png', 'two.png']);
    // The same JSON through the programmatic API, on the same inputs, gives the same bytes.
    const apiRun = await page.evaluate(async (recipe) => {
      const t = window.tessera;
      const studio = document.querySelector('tessera-studio');
      if (!studio?.input) throw new Error('the studio has no input');
      const list = [];
      for await (const f of studio.input.open()) list.push(f);
      const sink = new t.HashSink();
      await t.runBatch({ input: list, output: sink, recipe, workers: 1 });
      return Object.fromEntries([...sink.hashes].map(([k, v]) => /** @type {const} */ ([k.split('/').pop() ?? k, v])));
    }, saved);
    assert.deepEqual(apiRun, written);
  });

  test('Share link puts the recipe in the URL; opening it restores the recipe', async () => {
    const { page } = app;
    await page.click(`${S} #share-recipe`);
    const url = await page.inputValue('tessera-studio #share-url');
    assert.match(url, /#recipe=[A-Za-z0-9_-]+$/);
    await page.goto('about:blank');
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector('tessera-studio')?.recipe?.name === 'My edges');
    assert.deepEqual(await page.locator(`${S} li.step`).evaluateAll((/** @type {HTMLElement[]} */ els) => els.map((e) => e.dataset.op)), [
      'grayscale',
      'sobel',
      'gaussian-blur',
    ]);
  });

  test('resize modes and crop to aspect ratio: each mode shows its own controls; the preview has the exact shape', async () => {
    const { page } = app;
    await page.setInputFiles('tessera-studio #folder-input', fixture.dir);
    await page.waitForSelector('tessera-studio preview-panel #preview-meta', { timeout: 30_000 });
    while (await page.locator(`${S} li.step`).count()) await page.click(`${S} li.step >> nth=0 >> button.remove`);
    // The preview shows one of the two 4:3 photos (320×240 or 200×150).
    await page.selectOption(`${S} #add-step`, 'crop-aspect');
    assert.equal(await page.textContent(`${S} li.step[data-op="crop-aspect"] .title`), '1. Crop to aspect ratio');
    assert.deepEqual(await shownParams(page, 'crop-aspect'), ['ratioWidth', 'ratioHeight', 'gravity']);
    // 16:9 by default: 320×180, or 200×113 (112.5 rounded).
    const cut = await waitForSize(page, ['320x180', '200x113']);

    await page.selectOption(`${S} #add-step`, 'resize');
    await page.selectOption(`${S} li.step[data-op="resize"] select[data-param="mode"]`, 'pad');
    assert.deepEqual(await shownParams(page, 'resize'), ['mode', 'width', 'height', 'background', 'kernel', 'enlarge']);
    for (const [k, v] of [
      ['width', '300'],
      ['height', '100'],
    ]) {
      await page.fill(`${S} li.step[data-op="resize"] input[type=number][data-param="${k}"]`, v);
      await page.press(`${S} li.step[data-op="resize"] input[type=number][data-param="${k}"]`, 'Enter');
    }
    await page.fill(`${S} li.step[data-op="resize"] input[type=color][data-param="background"]`, '#ff0000');
    await waitForSize(page, ['300x100']);
    // The 16:9 picture is fitted to 100 px high (178 or 177 wide) and centred: red bars at both ends.
    await page.waitForFunction(
      () => {
        const c = document
          .querySelector('tessera-studio')
          ?.shadowRoot?.querySelector('preview-panel')
          ?.shadowRoot?.querySelector('canvas.after');
        const g = c instanceof HTMLCanvasElement ? c.getContext('2d') : null;
        return !!g && g.getImageData(5, 50, 1, 1).data.join() === '255,0,0,255';
      },
      undefined,
      { timeout: 30_000 },
    );
    assert.deepEqual(await afterPixel(page, 294, 95), [255, 0, 0, 255]);
    assert.notDeepEqual(await afterPixel(page, 150, 50), [255, 0, 0, 255]);

    await page.selectOption(`${S} li.step[data-op="resize"] select[data-param="mode"]`, 'long-edge');
    assert.deepEqual(await shownParams(page, 'resize'), ['mode', 'edge', 'kernel', 'enlarge']);
    assert.equal(await page.textContent(`${S} label[for="s1-edge"]`), 'Side length');
    await page.fill(`${S} li.step[data-op="resize"] input[type=number][data-param="edge"]`, '100');
    await page.press(`${S} li.step[data-op="resize"] input[type=number][data-param="edge"]`, 'Enter');
    await waitForSize(page, [cut === '320x180' ? '100x56' : '100x57']);

    await page.selectOption(`${S} li.step[data-op="resize"] select[data-param="mode"]`, 'megapixels');
    assert.deepEqual(await shownParams(page, 'resize'), ['mode', 'megapixels', 'kernel', 'enlarge']);

    // A square crop, then the long edge to 100: 100×100.
    await page.selectOption(`${S} li.step[data-op="resize"] select[data-param="mode"]`, 'long-edge');
    for (const k of ['ratioWidth', 'ratioHeight']) {
      await page.fill(`${S} li.step[data-op="crop-aspect"] input[type=number][data-param="${k}"]`, '1');
      await page.press(`${S} li.step[data-op="crop-aspect"] input[type=number][data-param="${k}"]`, 'Enter');
    }
    await waitForSize(page, ['100x100']);
  });

  test('no page errors', () => assert.deepEqual(app.errors, []));
});
