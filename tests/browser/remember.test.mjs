// What the studio remembers between visits (issue 12): the recipe, output options, output kind and
// worker count across a reload (a share link winning over them, a damaged stored value ignored),
// the output folder across a reload (in IndexedDB), the permission it needs again, and the
// browser-storage note. In the built app, in Chromium; one browser profile for the whole file, so
// each test starts from what the previous one left (the order below is the story).
//
// Headless Chromium cannot show the folder picker or its permission prompt, and OPFS folders
// (which stand in for picked ones) are always granted. So the reload of a real OPFS folder handle
// is tested as it is, and the 'prompt' path with the browser's two permission calls stubbed on a
// second page of the same profile: the stub answers 'prompt' until asked, like a picked folder
// after a reload, and records whether each request came with a user gesture.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { openApp } from '../../scripts/lib/browser.mjs';
import { listOpfs, startApp } from './harness.mjs';
import { makeFolder } from './fixtures.mjs';

/** @typedef {import('playwright-core').Page} Page */

const S = 'tessera-studio';
const EDITOR = `${S} recipe-editor`;
const PANEL = `${S} output-options`;
const KEY = 'tessera.settings.v1';
const OUT = 'remember-out';

/** @type {import('./harness.mjs').App} */
let app;
/** @type {Awaited<ReturnType<typeof makeFolder<import('./fixtures.mjs').ImageSpec>>>} */
let fixture;

before(async () => {
  fixture = await makeFolder(
    [
      { path: 'pics/one.jpg', w: 300, h: 200, channels: 3, format: 'jpeg' },
      { path: 'pics/two.png', w: 120, h: 160, channels: 3, format: 'png' },
    ],
    12,
  );
  app = await startApp();
});
after(async () => app?.close());

/** Reloads the app and waits until it is ready (and the remembered folder, if any, has been looked up). @param {Page} page */
async function reload(page) {
  await page.reload();
  await page.waitForFunction(() => window.tessera && customElements.get('tessera-studio'));
  await settled(page);
}

/**
 * Waits until the studio has looked up its remembered folder (IndexedDB, asynchronous): an
 * IndexedDB read queued now completes after the studio's own (same database, same page).
 * @param {Page} page
 */
async function settled(page) {
  await page.evaluate(() => window.tessera.loadOutputFolder());
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
}

/**
 * What the page's studio holds now.
 * @param {Page} page
 */
function state(page) {
  return page.evaluate(() => {
    const s = document.querySelector('tessera-studio');
    if (!s) throw new Error('no <tessera-studio> on the page');
    return {
      name: s.recipe.name,
      ops: s.recipe.steps.map((x) => x.op),
      output: s.output,
      outputKind: s.outputKind,
      workers: s.workers,
      outDir: s.outDir?.name,
    };
  });
}

/**
 * The remembered settings as stored, after the studio is taken off the page (its removal saves
 * what is pending and stops it saving more), so a test can write the store itself.
 * @param {Page} page
 */
async function detachStudio(page) {
  await page.evaluate(() => document.querySelector('tessera-studio')?.remove());
}

/** The files of a zip download started by `click`. @param {Page} page @param {() => Promise<unknown>} click */
async function zipOf(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
  return unzipSync(new Uint8Array(readFileSync(await download.path())));
}

/** An element's text as it reads (whitespace collapsed). @param {Page} page @param {string} selector */
const text = async (page, selector) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();

/** A recipe as a share link's hash (what the studio's Share button makes). @param {object} recipe */
const shareHash = (recipe) => `#recipe=${Buffer.from(JSON.stringify(recipe)).toString('base64url')}`;

/**
 * A second page of the same profile whose browser answers are replaced before the app loads
 * (permission, persistence, estimate). Its page errors go to app.errors too.
 * @param {(() => void)} stub runs in the page before any of its scripts, on every load
 */
async function stubbedPage(stub) {
  const page = await app.page.context().newPage();
  page.on('pageerror', (e) => app.errors.push(e.message));
  await page.addInitScript(stub);
  await openApp(page, app.url);
  await settled(page);
  return page;
}

/**
 * The stub for a picked folder after a reload: 'prompt' until requestPermission is called, which
 * answers `window.__permissionAnswer` (default 'granted') and records its call; and
 * navigator.storage.persist counted.
 */
function permissionStub() {
  /** @type {PermissionState} */
  let state = 'prompt';
  const requests = (window.__permissionRequests = /** @type {NonNullable<Window['__permissionRequests']>} */ ([]));
  const proto = /** @type {{ queryPermission: unknown, requestPermission: unknown }} */ (
    /** @type {unknown} */ (FileSystemHandle.prototype)
  );
  proto.queryPermission = () => Promise.resolve(state);
  /** @this {FileSystemHandle} @param {{ mode?: string }} d */
  proto.requestPermission = function (d) {
    requests.push({ mode: d?.mode, name: this.name, active: navigator.userActivation.isActive });
    state = window.__permissionAnswer ?? 'granted';
    return Promise.resolve(state);
  };
  window.__persistCalls = 0;
  navigator.storage.persist = () => {
    window.__persistCalls = (window.__persistCalls ?? 0) + 1;
    return Promise.resolve(true);
  };
}

describe('remembered between visits', () => {
  test('recipe (a preset), output format and quality, zip output and workers survive a reload, and the batch uses them', async () => {
    const { page } = app;
    const fresh = await state(page);
    // A first visit's defaults (tests/browser/first-run.test.mjs): Web export into a zip.
    assert.equal(fresh.name, 'Web export');
    assert.equal(fresh.output.format, 'webp');
    assert.equal(fresh.outputKind, 'zip');

    await page.selectOption(`${EDITOR} #preset`, 'thumbnails');
    await page.selectOption(`${PANEL} #format`, 'webp');
    await page.fill(`${PANEL} #out-quality`, '55');
    await page.dispatchEvent(`${PANEL} #out-quality`, 'change');
    await page.fill(`${S} #workers`, '3');
    await page.dispatchEvent(`${S} #workers`, 'change');
    await page.click(`${S} input[name="out"][value="zip"]`);
    const before = await state(page);
    assert.equal(before.name, 'Thumbnails');
    assert.deepEqual([before.output.format, before.output.quality, before.workers, before.outputKind], ['webp', 55, 3, 'zip']);

    // At once: the change is less than the save's debounce old, so this also checks the save on page hide.
    await reload(page);
    assert.deepEqual(await state(page), before);
    // …and the controls show it.
    assert.equal(await page.inputValue(`${EDITOR} #preset`), 'thumbnails');
    assert.equal(await page.inputValue(`${EDITOR} #recipe-name`), 'Thumbnails');
    assert.equal(await page.inputValue(`${PANEL} #format`), 'webp');
    assert.equal(await page.inputValue(`${PANEL} #out-quality`), '55');
    assert.equal(await page.inputValue(`${S} #workers`), '3');
    assert.equal(await page.isChecked(`${S} input[name="out"][value="zip"]`), true);

    // The restored settings are the ones a batch runs with: 256-px WebP thumbnails in a zip.
    await page.setInputFiles(`${S} #folder-input`, fixture.dir);
    await page.waitForSelector(`${S} #input-label b`);
    const files = await zipOf(page, () => page.click(`${S} #start`));
    assert.deepEqual(Object.keys(files).sort(), ['pics/one.webp', 'pics/two.webp']);
    for (const bytes of Object.values(files)) {
      assert.equal(Buffer.from(bytes.subarray(0, 4)).toString('latin1'), 'RIFF');
      assert.equal(Buffer.from(bytes.subarray(8, 12)).toString('latin1'), 'WEBP');
    }
    const metrics = await text(page, `${S} #metrics`);
    assert.equal([...metrics.matchAll(/worker \d: /g)].length, 3, metrics);
  });

  test('a share link wins over the remembered recipe and becomes the remembered one', async () => {
    const { page } = app;
    const edges = {
      name: 'Edges',
      steps: [{ op: 'grayscale' }, { op: 'gaussian-blur', params: { sigma: 1.4 } }, { op: 'canny', params: { low: 50, high: 150 } }],
      output: { format: 'png' },
    };
    await page.goto('about:blank');
    await page.goto(app.url + shareHash(edges));
    await page.waitForFunction(() => document.querySelector('tessera-studio')?.recipe.name === 'Edges');
    const linked = await state(page);
    assert.deepEqual(linked.ops, ['grayscale', 'gaussian-blur', 'canny']);
    assert.equal(linked.output.format, 'png'); // the link's output options, not the remembered WebP 55
    assert.equal(linked.workers, 3); // what the link does not say stays remembered
    assert.equal(linked.outputKind, 'zip');
    assert.equal(await page.inputValue(`${EDITOR} #preset`), 'edges');

    // Opened again without the link: the linked recipe was the last one used.
    await page.goto('about:blank');
    await page.goto(app.url);
    await page.waitForFunction(() => window.tessera);
    assert.deepEqual(await state(page), linked);
  });

  test('a damaged or outdated stored value is ignored, field by field, with no error shown', async () => {
    const { page } = app;
    const defaults = { name: 'Web export', workers: await page.evaluate(() => window.tessera.defaultWorkerCount()) };

    // Not JSON at all: the defaults, no message.
    await detachStudio(page);
    await page.evaluate((key) => localStorage.setItem(key, '{"v":1,"recipe":{"name":'), KEY);
    await reload(page);
    let now = await state(page);
    assert.deepEqual([now.name, now.workers, now.output.format], [defaults.name, defaults.workers, 'webp']);
    assert.equal(await page.locator(`${S} #recipe-error`).count(), 0);
    assert.equal(await page.locator(`${S} #message`).count(), 0);

    // Fields today's validators refuse (an unknown operation, quality 500, 99 workers) are dropped; the rest is kept.
    await detachStudio(page);
    await page.evaluate(
      (key) =>
        localStorage.setItem(
          key,
          JSON.stringify({
            v: 1,
            recipe: { name: 'From the future', steps: [{ op: 'hyper-resolve' }] },
            // (AVIF, not the default recipe's WebP: a dropped value must look different from a kept one.)
            output: { format: 'avif', quality: 500 },
            workers: 2,
            outputKind: 'zip',
          }),
        ),
      KEY,
    );
    await reload(page);
    now = await state(page);
    assert.deepEqual([now.name, now.output.format, now.workers, now.outputKind], [defaults.name, 'webp', 2, 'zip']);
    assert.equal(await page.locator(`${S} #recipe-error`).count(), 0);

    // Another version's value: ignored whole.
    await detachStudio(page);
    await page.evaluate(
      (key) => localStorage.setItem(key, JSON.stringify({ v: 99, recipe: { name: 'Later', steps: [] }, workers: 1 })),
      KEY,
    );
    await reload(page);
    now = await state(page);
    assert.deepEqual([now.name, now.workers], [defaults.name, defaults.workers]);
    assert.equal(await page.isDisabled(`${S} #start`), true); // no input yet; the studio itself is fine
    assert.deepEqual(app.errors, []);
  });

  test('an output folder (an OPFS handle via useOutputFolder) survives a reload and is written into', async () => {
    const { page } = app;
    await page.evaluate(async (name) => {
      const root = await navigator.storage.getDirectory();
      await root.removeEntry(name, { recursive: true }).catch(() => {});
      document.querySelector('tessera-studio')?.useOutputFolder(await root.getDirectoryHandle(name, { create: true }));
    }, OUT);
    // The handle goes to IndexedDB asynchronously: wait until it is there before reloading.
    await page.waitForFunction(async (name) => (await window.tessera.loadOutputFolder())?.name === name, OUT);
    await reload(page);
    const now = await state(page);
    assert.equal(now.outDir, OUT);
    assert.equal(now.outputKind, 'folder');
    // The very folder, not one of the same name.
    assert.equal(
      await page.evaluate(async (name) => {
        const dir = document.querySelector('tessera-studio')?.outDir;
        const root = await navigator.storage.getDirectory();
        return !!dir && (await dir.isSameEntry(await root.getDirectoryHandle(name)));
      }, OUT),
      true,
    );
    assert.equal(await text(page, `${S} #pick-output`), `“${OUT}”`);
    assert.equal(await page.isChecked(`${S} input[name="out"][value="folder"]`), true);
    assert.equal(await page.locator(`${S} #output-access`).count(), 0); // OPFS: granted, nothing to ask

    await page.setInputFiles(`${S} #folder-input`, fixture.dir);
    await page.waitForSelector(`${S} #input-label b`);
    await page.click(`${S} #start`);
    await page.waitForSelector(`${S} #summary`, { timeout: 60_000 });
    assert.match(await text(page, `${S} #summary`), /^2 written, 0 failed/);
    assert.deepEqual(
      (await listOpfs(page, OUT)).map((f) => f.path),
      ['pics/one.webp', 'pics/two.webp'],
    );
  });

  test('a folder needing permission again: "Allow access" asks in its click; Start asks in its click; a refusal is said', async () => {
    const page = await stubbedPage(permissionStub);
    try {
      const note = `${S} #output-access`;
      await page.waitForSelector(note);
      assert.match(await text(page, note), new RegExp(`Output folder “${OUT}”`));
      assert.equal(await text(page, `${S} #allow-output`), `Allow access to “${OUT}”`);
      assert.equal((await state(page)).outDir, OUT); // kept, named, just not writable yet
      await page.click(`${S} #allow-output`);
      await page.waitForSelector(note, { state: 'detached' });
      assert.deepEqual(await page.evaluate(() => window.__permissionRequests), [{ mode: 'readwrite', name: OUT, active: true }]);

      // Reloaded: asking again. This time Start asks, in its own click, and the batch then runs.
      await reload(page);
      await page.waitForSelector(`${S} #allow-output`);
      await page.setInputFiles(`${S} #folder-input`, fixture.dir);
      await page.waitForSelector(`${S} #input-label b`);
      await page.click(`${S} #start`);
      // The folder holds the first visit's outputs: the batch asks once what to do with them.
      await page.click(`${S} dialog.existing [data-choice="overwrite"]`, { timeout: 60_000 });
      await page.waitForSelector(`${S} #summary`, { timeout: 60_000 });
      assert.match(await text(page, `${S} #summary`), /^2 written, 0 failed/);
      assert.deepEqual(await page.evaluate(() => window.__permissionRequests), [{ mode: 'readwrite', name: OUT, active: true }]);
      assert.equal(await page.locator(note).count(), 0);
      // The outputs went into origin storage (OPFS): persistence was asked for, once.
      assert.equal(await page.evaluate(() => window.__persistCalls), 1);

      // Refused: said in words, nothing written, the folder kept for another try.
      await reload(page);
      await page.evaluate(() => (window.__permissionAnswer = 'denied'));
      await page.setInputFiles(`${S} #folder-input`, fixture.dir);
      await page.waitForSelector(`${S} #input-label b`);
      await page.click(`${S} #start`);
      await page.waitForSelector(`${S} #message`);
      assert.match(await text(page, `${S} #message`), new RegExp(`may not write to “${OUT}”`));
      assert.equal(await page.locator(`${S} #summary`).count(), 0);
      assert.match(await text(page, note), new RegExp(`Access to “${OUT}” was refused`));
      assert.equal(await page.evaluate(() => window.__persistCalls), 0);
    } finally {
      await page.close();
    }
  });

  test('a zip batch asks for no persistent storage (its entries are not origin storage)', async () => {
    const page = await stubbedPage(permissionStub);
    try {
      await page.click(`${S} input[name="out"][value="zip"]`);
      await page.setInputFiles(`${S} #folder-input`, fixture.dir);
      await page.waitForSelector(`${S} #input-label b`);
      const files = await zipOf(page, () => page.click(`${S} #start`));
      assert.equal(Object.keys(files).length, 2);
      assert.equal(await page.evaluate(() => window.__persistCalls), 0);
      assert.deepEqual(await page.evaluate(() => window.__permissionRequests), []);
      await page.click(`${S} input[name="out"][value="folder"]`);
      // Saved (after the debounce) before this page closes, so the next visit starts with the folder.
      await page.waitForFunction((key) => /"outputKind":"folder"/.test(localStorage.getItem(key) ?? ''), KEY);
    } finally {
      await page.close();
    }
  });

  test('a remembered folder that is gone is said so, forgotten, and a folder is asked for', async () => {
    const { page } = app;
    await page.evaluate(async (name) => (await navigator.storage.getDirectory()).removeEntry(name, { recursive: true }), OUT);
    await reload(page);
    const note = `${S} #output-access`;
    await page.waitForSelector(note);
    assert.match(
      await text(page, note),
      new RegExp(`The output folder “${OUT}” is no longer there \\(it was moved or deleted\\): choose another one`),
    );
    assert.equal((await state(page)).outDir, undefined);
    assert.equal(await text(page, `${S} #pick-output`), 'Choose…');
    assert.equal(await page.evaluate(() => window.tessera.loadOutputFolder()), undefined);
    // Forgotten: the next visit says nothing more about it.
    await reload(page);
    assert.equal(await page.locator(note).count(), 0);
  });

  test('browser storage is shown in words when free space is low, and only then', async () => {
    const { page } = app;
    const real = await page.evaluate(() => navigator.storage.estimate());
    const free = (real.quota ?? 0) - (real.usage ?? 0);
    // This machine's profile has room (checked, so the assertion below means what it says).
    assert.ok(free > 2 * 2 ** 30 && free > 0.1 * (real.quota ?? 0), JSON.stringify(real));
    assert.equal(await page.locator(`${S} #storage-space`).count(), 0);

    const low = await stubbedPage(() => {
      navigator.storage.estimate = () => Promise.resolve({ usage: 8.8 * 2 ** 30, quota: 10 * 2 ** 30 });
    });
    try {
      await low.waitForSelector(`${S} #storage-space`);
      assert.equal(await text(low, `${S} #storage-space`), 'Browser storage: 1.2 GB free of 10 GB');
    } finally {
      await low.close();
    }
  });

  test('no page errors', () => assert.deepEqual(app.errors, []));
});
