// Accessibility of the studio, in the built app in Chromium at 1366×768: axe-core finds no serious
// or critical violation on first load, with a recipe of several steps, after a batch and with the
// compare view open; the same at 390×844 (a phone, where nothing may widen the page), plus with
// the live camera running (Chromium's fake camera), with a failed preview (the earlier picture
// dimmed, its text not) and with a video frame and its scrubber, at both sizes; and a person
// without a mouse can load photos, pick a preset, run a batch, get the zip and open a result with
// the keyboard alone (page.keyboard only: Tab, Shift+Tab, Enter, Space, arrows).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { AxeBuilder } from '@axe-core/playwright';
import { FAKE_CAMERA_ARGS, startApp } from './harness.mjs';
import { makeFolder, vips } from './fixtures.mjs';
import { makeVideo } from './video-fixtures.mjs';

/** @typedef {import('playwright-core').Page} Page */

/**
 * 14 photos: enough rows that the results table scrolls (its scroll box is 320 px), so axe's
 * scrollable-region-focusable rule has a scroll region to judge.
 * @type {import('./fixtures.mjs').ImageSpec[]}
 */
const SPECS = Array.from({ length: 14 }, (_, i) => ({
  path: `p${String(i).padStart(2, '0')}.jpg`,
  w: 400,
  h: 300,
  channels: 3,
  format: /** @type {const} */ ('jpeg'),
}));

/**
 * Six steps of every control kind (menus, sliders, a checkbox param, a colour well), one of them
 * switched off (its greyed look must keep the text's contrast).
 */
const SEVERAL_STEPS = {
  name: 'Several steps',
  steps: [
    { op: 'auto-orient' },
    { op: 'resize', params: { mode: 'fit', width: 320, height: 320 } },
    { op: 'gaussian-blur', params: { sigma: 1 }, enabled: false },
    { op: 'rotate', params: { angle: 90, expand: true, background: '#202020' } },
    { op: 'unsharp-mask', params: { sigma: 0.8, amount: 0.5 } },
    { op: 'saturation', params: { factor: 1.2 } },
  ],
  output: { format: 'webp', quality: 80 },
};

/** @type {Awaited<ReturnType<typeof makeFolder<import('./fixtures.mjs').ImageSpec>>>} */
let fixture;
/** @type {string[]} */
let photos;

before(async () => {
  fixture = await makeFolder(SPECS, 13);
  photos = fixture.files.map((f) => join(fixture.dir, f.path));
});

/**
 * Runs axe-core on the whole page (it enters the shadow roots) and fails on any serious or
 * critical violation, naming each with its rule, elements and the first failure's words. The
 * landmark rules (moderate in axe) are held to as well: every part of the page sits in a landmark
 * and there is one main. Resolves with the results so a state can check what axe judged.
 * @param {Page} page @param {string} state @param {import('node:test').TestContext} t
 */
async function assertAccessible(page, state, t) {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter(
    (v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'region' || v.id === 'landmark-one-main',
  );
  const describe = blocking.map(
    (v) =>
      `${v.impact} ${v.id} (${v.nodes.length}): ${v.nodes
        .slice(0, 4)
        .map((n) => `${JSON.stringify(n.target)} — ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`)
        .join('; ')}`,
  );
  assert.deepEqual(describe, [], `${state}: axe violations`);
  const others = results.violations.map((v) => `${v.impact} ${v.id} ×${v.nodes.length}`);
  if (others.length) t.diagnostic(`${state}: minor axe findings: ${others.join(', ')}`);
  // A misconfigured run (axe not injected into the shadow roots, rules off) must not pass quietly.
  const passed = new Set(results.passes.map((p) => p.id));
  for (const rule of ['color-contrast', 'label', 'button-name', 'landmark-one-main', 'region', 'aria-progressbar-name']) {
    assert.ok(passed.has(rule), `${state}: axe did not check ${rule} (passes: ${[...passed].join(', ')})`);
  }
  return results;
}

/** The focused element, through the shadow roots. @param {Page} page */
function focused(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return { tag: 'body', id: '', name: '', path: '', ring: 'none' };
    // A file input is hidden inside its label, which shows the ring.
    const ringed = el.matches('.file-btn input') ? (el.closest('label') ?? el) : el;
    const style = getComputedStyle(ringed);
    return {
      tag: el.localName,
      id: el.id,
      name: el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().slice(0, 40),
      path: el.getAttribute('data-path') ?? '',
      ring: `${style.outlineStyle} ${style.outlineWidth}`,
    };
  });
}

/**
 * Presses Tab (Shift+Tab with `back`) until the focused element matches `selector` (in its own
 * shadow root); fails listing where the focus went when it never gets there.
 * @param {Page} page @param {string} selector @param {{ back?: boolean, max?: number }} [opts]
 */
async function tabTo(page, selector, { back = false, max = 150 } = {}) {
  /** @type {string[]} */
  const stops = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const hit = await page.evaluate((sel) => {
      let el = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return !!el && el !== document.body && el.matches(sel);
    }, selector);
    if (hit) return focused(page);
    const f = await focused(page);
    stops.push(`${f.tag}${f.id ? `#${f.id}` : ''}${f.name ? ` “${f.name}”` : ''}`);
  }
  assert.fail(`${selector} is not reached with ${back ? 'Shift+Tab' : 'Tab'} in ${max} presses; the focus went: ${stops.join(' → ')}`);
}

/** Asserts the focused element (or its file button) shows the studio's focus ring. @param {Page} page @param {string} what */
async function assertRing(page, what) {
  const f = await focused(page);
  assert.equal(f.ring, 'solid 2px', `${what}: no visible focus ring (${JSON.stringify(f)})`);
}

/** Width × height of the images a compare view shows, once decoded. @param {Page} page */
function compareImages(page) {
  return page.locator('tessera-studio compare-view img').evaluateAll(async (/** @type {HTMLImageElement[]} */ els) => {
    await Promise.all(els.map((e) => e.decode()));
    return els.map((e) => `${e.alt} ${e.naturalWidth}×${e.naturalHeight}`);
  });
}

describe('axe-core finds no serious or critical violation', () => {
  /** @type {import('./harness.mjs').App} */
  let app;
  before(async () => {
    app = await startApp();
    await app.page.setViewportSize({ width: 1366, height: 768 });
  });
  after(async () => app?.close());

  test('on first load, with a recipe of several steps, after a batch, with the compare view open', { timeout: 240_000 }, async (t) => {
    const { page } = app;
    await assertAccessible(page, 'first load', t);

    // A recipe of several steps, and the photos' preview.
    await page.evaluate((r) => document.querySelector('tessera-studio')?.useRecipe(r), SEVERAL_STEPS);
    await page.setInputFiles('tessera-studio #files-input', photos);
    await page.waitForSelector('tessera-studio preview-panel canvas.after', { timeout: 60_000 });
    assert.equal(await page.locator('tessera-studio recipe-editor li.step').count(), 6);
    assert.equal(await page.locator('tessera-studio recipe-editor li.step.off').count(), 1);
    await assertAccessible(page, 'with a recipe of several steps', t);

    await page.evaluate(async () => {
      const studio = document.querySelector('tessera-studio');
      if (!studio) throw new Error('no <tessera-studio> on the page');
      const root = await navigator.storage.getDirectory();
      await root.removeEntry('a11y-out', { recursive: true }).catch(() => {});
      studio.useOutputFolder(await root.getDirectoryHandle('a11y-out', { create: true }));
    });
    await page.click('tessera-studio #start');
    await page.waitForSelector('tessera-studio #summary', { timeout: 120_000 });
    assert.match((await page.textContent('tessera-studio #summary')) ?? '', /^14 written, 0 failed/);
    assert.equal(await page.locator('tessera-studio results-table tr.row').count(), 14);
    // The results scroll: the rule about scroll regions reachable by keyboard has one to judge.
    const overflows = await page.$eval('tessera-studio results-table', (el) => {
      const box = el.shadowRoot?.querySelector('.scroll');
      return !!box && box.scrollHeight > box.clientHeight;
    });
    assert.ok(overflows, 'the results table does not scroll: the scroll-region check would judge nothing');
    const batch = await assertAccessible(page, 'after a batch', t);
    assert.ok(
      batch.passes.some((p) => p.id === 'scrollable-region-focusable'),
      'axe did not judge the results scroll region',
    );

    await page.click('tessera-studio results-table tr.row[data-path="p03.jpg"]');
    await page.waitForSelector('tessera-studio compare-view #compare');
    assert.deepEqual(await compareImages(page), ['before 400×300', 'after 240×320']);
    // The selected row (its own background) is part of this state.
    assert.equal(await page.locator('tessera-studio results-table tr.sel').getAttribute('data-path'), 'p03.jpg');
    await assertAccessible(page, 'with the compare view open', t);
    assert.deepEqual(app.errors, []);
  });

  test('step buttons say which step they act on, and the focus follows the step that moved', async () => {
    const { page } = app;
    await page.evaluate((r) => document.querySelector('tessera-studio')?.useRecipe(r), SEVERAL_STEPS);
    const names = await page
      .locator('tessera-studio recipe-editor li.step[data-index="2"] .step-head')
      .evaluate((head) => [...head.querySelectorAll('input, button')].map((el) => el.getAttribute('aria-label')));
    assert.deepEqual(names, ['Run step 3 (Blur)', 'Move step 3 (Blur) up', 'Move step 3 (Blur) down', 'Remove step 3 (Blur)']);
    // Reach step 2's "up" from the page's start by keyboard; Enter moves it to the top. Its "up"
    // is then disabled, so the focus goes to its "down", now named for position 1.
    await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
    await tabTo(page, 'button[aria-label="Move step 2 (Resize) up"]');
    await page.keyboard.press('Enter');
    const ops = () => page.locator('tessera-studio recipe-editor li.step').evaluateAll((els) => els.map((e) => e.dataset.op));
    assert.deepEqual(await ops(), ['resize', 'auto-orient', 'gaussian-blur', 'rotate', 'unsharp-mask', 'saturation']);
    assert.equal((await focused(page)).name, 'Move step 1 (Resize) down');
    await page.keyboard.press('Enter');
    assert.deepEqual(await ops(), ['auto-orient', 'resize', 'gaussian-blur', 'rotate', 'unsharp-mask', 'saturation']);
    assert.equal((await focused(page)).name, 'Move step 2 (Resize) down');
    // Remove: the focus lands on the remove button of the step now in its place.
    await tabTo(page, 'button[aria-label="Remove step 2 (Resize)"]');
    await page.keyboard.press('Space');
    assert.deepEqual(await ops(), ['auto-orient', 'gaussian-blur', 'rotate', 'unsharp-mask', 'saturation']);
    assert.equal((await focused(page)).name, 'Remove step 2 (Blur)');
  });
});

/** A recipe whose preview fails on the 400×300 photos: its crop box lies wholly outside them. */
const CROP_OUTSIDE = { name: 'Crop outside', steps: [{ op: 'crop', params: { mode: 'box', x: 5000, y: 0, width: 100, height: 100 } }] };

/** Fails unless nothing widens the page (phones: nothing scrolls sideways). @param {Page} page @param {string} state */
async function assertNoSideScroll(page, state) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `${state}: the page is ${scroll} px wide in a ${width} px window`);
}

describe('at 390×844, with the camera, a failed preview and a video frame', () => {
  /** @type {import('./harness.mjs').App} */
  let app;
  before(async () => {
    app = await startApp({ extraArgs: FAKE_CAMERA_ARGS });
    await app.page.setViewportSize({ width: 390, height: 844 });
  });
  after(async () => app?.close());

  /** axe and the page's width in one state. @param {string} state @param {import('node:test').TestContext} t */
  const check = async (state, t) => {
    const width = app.page.viewportSize()?.width;
    await assertAccessible(app.page, `${width} px: ${state}`, t);
    await assertNoSideScroll(app.page, `${width} px: ${state}`);
  };

  /** Opens the camera section, starts the fake camera and waits for processed frames. @param {Page} page */
  const startCamera = async (page) => {
    if (!(await page.$eval('tessera-studio #camera-section', (d) => /** @type {HTMLDetailsElement} */ (d).open)))
      await page.click('tessera-studio #camera-section summary');
    await page.click('tessera-studio camera-panel #camera-start');
    await page.waitForFunction(
      () =>
        Number(
          document
            .querySelector('tessera-studio')
            ?.shadowRoot?.querySelector('camera-panel')
            ?.shadowRoot?.querySelector('#camera-processed')?.textContent,
        ) >= 3,
      undefined,
      { timeout: 60_000 },
    );
  };

  /** A failed preview over the earlier picture; its words keep full opacity. @param {Page} page */
  const failPreview = async (page) => {
    await page.evaluate((r) => document.querySelector('tessera-studio')?.useRecipe(r), CROP_OUTSIDE);
    await page.waitForSelector('tessera-studio preview-panel #preview-failed', { timeout: 60_000 });
    assert.equal(await page.locator('tessera-studio preview-panel canvas.after').count(), 1, 'the earlier picture stays, dimmed');
    const opacity = await page.$eval('tessera-studio preview-panel', (panel) => {
      const root = panel.shadowRoot;
      /** Opacity an element shows: its own times its ancestors' in the shadow root. @param {Element | null | undefined} el */
      const shown = (el) => {
        let o = 1;
        for (let e = el; e && e !== root?.host; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
        return o;
      };
      return {
        meta: shown(root?.querySelector('#preview-meta')),
        failed: shown(root?.querySelector('#preview-failed')),
        picture: shown(root?.querySelector('canvas.after')),
      };
    });
    assert.equal(opacity.meta, 1, 'the text under the picture is not dimmed');
    assert.equal(opacity.failed, 1);
    assert.ok(opacity.picture < 1, 'the earlier picture is dimmed');
  };

  test(
    'first load, a recipe, the camera running, a failed preview, after a batch, the compare view, a video frame',
    { timeout: 300_000 },
    async (t) => {
      const { page } = app;
      await check('first load', t);
      await page.evaluate((r) => document.querySelector('tessera-studio')?.useRecipe(r), SEVERAL_STEPS);
      await page.setInputFiles('tessera-studio #files-input', photos);
      await page.waitForSelector('tessera-studio preview-panel canvas.after', { timeout: 60_000 });
      await check('with a recipe of several steps', t);

      await startCamera(page);
      await check('with the camera running', t);
      await page.click('tessera-studio camera-panel #camera-stop');

      await failPreview(page);
      await check('with a failed preview', t);

      await page.evaluate((r) => document.querySelector('tessera-studio')?.useRecipe(r), SEVERAL_STEPS);
      await page.waitForFunction(
        () =>
          !document
            .querySelector('tessera-studio')
            ?.shadowRoot?.querySelector('preview-panel')
            ?.shadowRoot?.querySelector('#preview-failed'),
      );
      await page.evaluate(async () => {
        const studio = document.querySelector('tessera-studio');
        if (!studio) throw new Error('no <tessera-studio> on the page');
        const root = await navigator.storage.getDirectory();
        await root.removeEntry('a11y-phone', { recursive: true }).catch(() => {});
        studio.useOutputFolder(await root.getDirectoryHandle('a11y-phone', { create: true }));
      });
      await page.click('tessera-studio #start');
      await page.waitForSelector('tessera-studio #summary', { timeout: 120_000 });
      assert.match((await page.textContent('tessera-studio #summary')) ?? '', /^14 written, 0 failed/);
      await check('after a batch', t);
      await page.click('tessera-studio results-table tr.row[data-path="p03.jpg"]');
      await page.waitForSelector('tessera-studio compare-view #compare');
      await check('with the compare view open', t);

      await makeVideo(page, { name: 'clip', width: 320, height: 240, frames: 30, fps: 15 });
      await page.evaluate(() => {
        const clip = window.__videos?.clip;
        if (!clip) throw new Error('no clip');
        document.querySelector('tessera-studio')?.useInputFiles([new File([clip], 'clip.mp4', { type: 'video/mp4' })]);
      });
      await page.waitForSelector('tessera-studio video-scrubber #frame', { timeout: 60_000 });
      await page.waitForFunction(() =>
        /clip\.mp4/.test(document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel')?.getAttribute('label') ?? ''),
      );
      await page.waitForSelector('tessera-studio preview-panel canvas.after');
      await check('with a video frame and its scrubber', t);
      assert.deepEqual(app.errors, []);
    },
  );

  test('at 1366×768 too: the camera running, a failed preview, a video frame', { timeout: 120_000 }, async (t) => {
    const { page } = app;
    await page.setViewportSize({ width: 1366, height: 768 });
    await check('with a video frame and its scrubber', t);
    await startCamera(page);
    await check('with the camera running', t);
    await page.click('tessera-studio camera-panel #camera-stop');
    await page.setInputFiles('tessera-studio #files-input', photos);
    await page.waitForFunction(() =>
      /\.jpg$/.test(document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel')?.getAttribute('label') ?? ''),
    );
    await page.waitForSelector('tessera-studio preview-panel canvas.after', { timeout: 60_000 });
    await failPreview(page);
    await check('with a failed preview', t);
    assert.deepEqual(app.errors, []);
  });
});

describe('keyboard only', () => {
  /** @type {import('./harness.mjs').App} */
  let app;
  before(async () => {
    app = await startApp();
    // Playwright intercepts file choosers only while something listens for them, and turns that
    // on asynchronously when a listener comes: with waitForEvent alone, a key pressed right after
    // can meet the real (headless: empty) dialog. One listener for the whole run keeps it on.
    app.page.on('filechooser', () => {});
    await app.page.setViewportSize({ width: 1366, height: 768 });
  });
  after(async () => app?.close());

  test('load photos, pick a preset, start a batch, get the zip and open a result without a mouse', { timeout: 240_000 }, async (t) => {
    const { page } = app;
    const S = 'tessera-studio';

    // Files: Tab reaches the control (its label shows the focus) and Space opens the chooser.
    // Headless Chromium has no file dialog to drive, so the chooser is answered here.
    const files = await tabTo(page, '#files-input');
    assert.equal(files.id, 'files-input');
    await assertRing(page, 'Files');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 10_000 }), page.keyboard.press('Space')]);
    assert.equal(chooser.isMultiple(), true);
    await chooser.setFiles(photos);
    await page.waitForFunction(() =>
      /14 files/.test(document.querySelector('tessera-studio')?.shadowRoot?.querySelector('#input-label')?.textContent ?? ''),
    );

    // Preset: the menu takes the arrow keys (each step applies that preset, as a change does).
    await tabTo(page, '#preset');
    await assertRing(page, 'the preset menu');
    const preset = () => page.$eval(`${S} recipe-editor #preset`, (el) => /** @type {HTMLSelectElement} */ (el).value);
    const keys = await page.$eval(`${S} recipe-editor #preset`, (el) =>
      [.../** @type {HTMLSelectElement} */ (el).options].map((o) => o.value),
    );
    assert.ok(keys.includes('thumbnails'), `no Thumbnails preset in ${keys.join(', ')}`);
    const towards = keys.indexOf('thumbnails') > keys.indexOf((await preset()) ?? '') ? 'ArrowDown' : 'ArrowUp';
    for (let i = 0; i < keys.length && (await preset()) !== 'thumbnails'; i++) await page.keyboard.press(towards);
    assert.equal(await preset(), 'thumbnails', 'the Thumbnails preset was not reached with the arrow keys');
    assert.deepEqual(await page.locator(`${S} recipe-editor li.step`).evaluateAll((els) => els.map((e) => e.dataset.op)), [
      'auto-orient',
      'thumbnail',
    ]);

    // Output: a zip download (the radio group takes the arrow keys), unless it is already.
    const zipChosen = () => page.$eval(`${S} input[name="out"][value="zip"]`, (el) => /** @type {HTMLInputElement} */ (el).checked);
    if (!(await zipChosen())) {
      await tabTo(page, 'input[name="out"]:checked');
      await page.keyboard.press('ArrowDown');
      assert.equal(await zipChosen(), true, 'ArrowDown in the output group did not choose the zip');
    }

    // Start with Enter: the zip is offered for download when the batch ends.
    await tabTo(page, '#start');
    await assertRing(page, 'Start');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.keyboard.press('Enter')]);
    const entries = unzipSync(new Uint8Array(readFileSync(await download.path())));
    const v = await vips();
    const sizes = Object.entries(entries)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, bytes]) => {
        const im = v.Image.newFromBuffer(bytes);
        try {
          return `${name} ${im.width}×${im.height}`;
        } finally {
          im.delete();
        }
      });
    // Thumbnails: 400×300 fits inside 256×256 as 256×192, written as JPEG.
    assert.deepEqual(
      sizes,
      SPECS.map((s) => `${s.path} 256×192`),
    );
    assert.match((await page.textContent(`${S} #summary`)) ?? '', /^14 written, 0 failed/);

    // A result: the rows are one Tab stop; the arrows move between them, Enter opens one. (The
    // rows are in the order the files finished.)
    const rows = await page.locator(`${S} results-table tr.row`).evaluateAll((els) => els.map((e) => e.dataset.path));
    assert.equal(rows.length, 14);
    const first = await tabTo(page, 'tr.row');
    assert.equal(first.path, rows[0]);
    await assertRing(page, 'a results row');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal((await focused(page)).path, rows[2]);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${S} compare-view[label="${rows[2]}"] #compare`);
    assert.deepEqual(await compareImages(page), ['before 400×300', 'after 256×192']);
    assert.equal(await page.locator(`${S} results-table tr.sel`).getAttribute('data-path'), rows[2]);
    // End, then Space: another result opens; the focus stays in the table to go on browsing.
    await page.keyboard.press('End');
    assert.equal((await focused(page)).path, rows[13]);
    await page.keyboard.press('Space');
    await page.waitForSelector(`${S} compare-view[label="${rows[13]}"] #compare`);
    await page.keyboard.press('Home');
    assert.equal((await focused(page)).path, rows[0]);
    await page.keyboard.press('ArrowUp'); // already the first: stays
    assert.equal((await focused(page)).path, rows[0]);
    await page.keyboard.press('End');
    // Leaving the table and coming back lands on the row last used, not the first.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).path, rows[13]);
    // This state has the zip's download link, and a focused row.
    await assertAccessible(page, 'after a zip batch, a result open', t);
    assert.deepEqual(app.errors, []);
  });

  test('the Folder, Zip and Load JSON file controls are reached with Tab and open their choosers', async () => {
    const { page } = app;
    await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
    for (const [id, key] of /** @type {const} */ ([
      ['folder-input', 'Enter'],
      ['zip-input', 'Space'],
      ['recipe-input', 'Enter'],
    ])) {
      await tabTo(page, `#${id}`);
      await assertRing(page, id);
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser', { timeout: 10_000 }).catch(async (/** @type {unknown} */ e) => {
          throw new Error(`${key} on #${id} opened no file chooser (focus: ${JSON.stringify(await focused(page))}): ${String(e)}`);
        }),
        page.keyboard.press(key),
      ]);
      assert.equal(await chooser.element().getAttribute('id'), id);
      if (id === 'recipe-input') {
        // Answered: the loaded recipe replaces the current one.
        await chooser.setFiles({
          name: 'two.json',
          mimeType: 'application/json',
          buffer: Buffer.from(JSON.stringify({ name: 'Two steps', steps: [{ op: 'grayscale' }, { op: 'invert' }] })),
        });
        await page.waitForFunction(
          () =>
            document.querySelector('tessera-studio')?.shadowRoot?.querySelector('recipe-editor')?.shadowRoot?.querySelectorAll('li.step')
              .length === 2,
        );
      }
    }
    assert.equal(
      await page.$eval('tessera-studio recipe-editor #recipe-name', (el) => /** @type {HTMLInputElement} */ (el).value),
      'Two steps',
    );
  });
});
