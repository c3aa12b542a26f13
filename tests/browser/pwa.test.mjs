// The installable, offline app (issue 12), on the built dist/ served like a plain static host: no
// isolation or CSP headers at all, so everything the page gets it gets from the service worker.
// - The worker takes over and the page reloads itself once into cross-origin isolation; the
//   manifest parses and Chromium reports no installability errors.
// - Offline (context.setOffline) and reloaded, the studio loads and a batch with each engine
//   writes its outputs: the seed recipe (own kernels + wasm-vips), AVIF (wasm-vips' HEIF side
//   module), Canny (OpenCV.js), detect-faces (OpenCV.js + the BlazeFace model) and a video
//   transcode (mediabunny + WebCodecs).
// - Every request of the session is same-origin, and once loaded a batch reaches the server with
//   none at all.
// - Shared files (a multipart POST to the share target) and files opened with the app
//   (launchQueue) land in the input list.
// - An update (a second build) is offered as "Reload to update", and does not take over while a
//   batch runs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, cpSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { serve } from '../../scripts/lib/serve.mjs';
import { launch } from '../../scripts/lib/browser.mjs';
import { ROOT, listOpfs, requireBuilt, samplePhoto } from './harness.mjs';
import { makeFolder } from './fixtures.mjs';
import { makeVideo, videoToOpfs } from './video-fixtures.mjs';

/** @typedef {import('playwright-core').Page} Page */

const work = mkdtempSync(join(tmpdir(), 'tessera-pwa-'));
// The served folder is a link, so the update test can swap the build under the same origin.
const site = join(work, 'site');
/** @type {{ at: number, method: string, path: string }[]} */
const serverLog = [];
/** @type {Awaited<ReturnType<typeof serve>>} */
let server;
/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;
/** @type {Page} */
let page;
/** @type {{ url: string, at: number }[]} */
const pageRequests = [];
/** @type {string[]} */
const failedRequests = [];
/** @type {string[]} */
const pageErrors = [];

before(async () => {
  const dist = requireBuilt();
  cpSync(dist, join(work, 'a'), { recursive: true });
  symlinkSync(join(work, 'a'), site);
  server = await serve({
    root: site,
    isolate: false,
    serviceWorker: true,
    onRequest: (method, path) => serverLog.push({ at: Date.now(), method, path }),
  });
  browser = await launch();
  page = browser.page;
  page.on('pageerror', (e) => pageErrors.push(e.message));
  browser.context.on('request', (r) => pageRequests.push({ url: r.url(), at: Date.now() }));
  browser.context.on('requestfailed', (r) => failedRequests.push(`${r.url()}: ${r.failure()?.errorText ?? '?'}`));
});
after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

/**
 * The browser's own check for a new version of the app: it fetches sw.js after a navigation and
 * on registration, whenever it likes (Playwright's offline emulation does not cover the service
 * worker's fetches, so it even gets through "offline"). It carries nothing of the user's.
 * @param {{ method: string, path: string }} l
 */
const notUpdateCheck = (l) => !(l.method === 'GET' && l.path === '/sw.js');

/** @param {Page} p */
const studioReady = (p) => p.waitForFunction(() => window.tessera && customElements.get('tessera-studio'), null, { timeout: 60_000 });

/** Waits for the header's "Works offline". @param {Page} p */
const offlineReady = (p) =>
  p.waitForFunction(
    () => document.querySelector('tessera-studio')?.shadowRoot?.querySelector('app-status')?.shadowRoot?.querySelector('#offline-ready'),
    null,
    {
      timeout: 90_000,
    },
  );

/**
 * Runs a batch through the studio: OPFS folder `inDir` → OPFS folder `outDir` with `recipe`.
 * @param {Page} p @param {string} inDir @param {string} outDir @param {unknown} recipe
 */
function studioBatch(p, inDir, outDir, recipe) {
  return p.evaluate(
    async ({ inDir, outDir, recipe }) => {
      const studio = document.querySelector('tessera-studio');
      if (!studio) throw new Error('no studio');
      const root = await navigator.storage.getDirectory();
      await root.removeEntry(outDir, { recursive: true }).catch(() => {});
      studio.useInputFolder(await root.getDirectoryHandle(inDir));
      studio.useOutputFolder(await root.getDirectoryHandle(outDir, { create: true }));
      studio.useRecipe(recipe);
      const s = await studio.start();
      if (!s) throw new Error(`the batch did not run: ${studio.message ?? studio.recipeError ?? '?'}`);
      return { ok: s.ok, failed: s.failed, errors: s.errors.map((e) => `${e.file}: ${e.message}`) };
    },
    { inDir, outDir, recipe },
  );
}

describe('installable, offline, on a host without headers', () => {
  test('the service worker isolates the page after one reload; the manifest installs', async () => {
    await page.goto(server.url);
    await studioReady(page);
    await offlineReady(page);
    assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'isolated through the service worker');
    const cdp = await browser.context.newCDPSession(page);
    const manifest = /** @type {{ url: string, errors: unknown[], data?: string }} */ (await cdp.send('Page.getAppManifest'));
    assert.match(manifest.url, /manifest\.webmanifest$/);
    assert.deepEqual(manifest.errors, []);
    /** @type {unknown} */
    const parsed = JSON.parse(manifest.data ?? '{}');
    const data = /** @type {Record<string, unknown>} */ (parsed);
    assert.equal(data.short_name, 'Tessera');
    assert.equal(data.display, 'standalone');
    const { installabilityErrors } = /** @type {{ installabilityErrors: unknown[] }} */ (await cdp.send('Page.getInstallabilityErrors'));
    assert.deepEqual(installabilityErrors, []);
    // The icons the manifest names are real PNGs of their stated sizes.
    for (const icon of /** @type {{ src: string, sizes: string }[]} */ (data.icons)) {
      const size = await page.evaluate(async (src) => {
        const b = await createImageBitmap(await (await fetch(src)).blob());
        return `${b.width}x${b.height}`;
      }, icon.src);
      assert.equal(size, icon.sizes, icon.src);
    }
    await cdp.detach();
  });

  test('offline and reloaded: the seed recipe, Canny, detect-faces and a video transcode write their outputs', async () => {
    // Inputs go into OPFS while online (the video is made in the page with WebCodecs).
    const photos = await makeFolder(
      [
        { path: 'p/a.jpg', w: 320, h: 240, channels: 3, format: 'jpeg' },
        { path: 'p/b.png', w: 200, h: 150, channels: 3, format: 'png' },
      ],
      12,
    );
    const { folderToOpfs } = await import('./harness.mjs');
    assert.equal(await folderToOpfs(page, photos.dir, 'in-photos'), 2);
    const faces = mkdtempSync(join(work, 'faces-'));
    cpSync(samplePhoto('sample1.jpg'), join(faces, 'sample1.jpg'));
    assert.equal(await folderToOpfs(page, faces, 'in-faces'), 1);
    await makeVideo(page, { name: 'clip', frames: 15, width: 160, height: 120 });
    await videoToOpfs(page, 'clip', 'in-video', 'clip.mp4');

    await browser.context.setOffline(true);
    try {
      await page.reload();
      await studioReady(page);
      assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'still isolated, offline');
      const loaded = serverLog.length;

      const seed = await studioBatch(page, 'in-photos', 'out-seed', await page.evaluate(() => window.tessera.SEED_RECIPE));
      assert.deepEqual(seed, { ok: 2, failed: 0, errors: [] });
      const seedOut = await listOpfs(page, 'out-seed');
      assert.equal(seedOut.length, 2);
      assert.ok(
        seedOut.every((f) => f.size > 100),
        JSON.stringify(seedOut),
      );

      // AVIF needs wasm-vips' HEIF side module, loaded only when first used.
      const avif = await studioBatch(page, 'in-photos', 'out-avif', {
        name: 'AVIF',
        steps: [{ op: 'sharpen' }],
        output: { format: 'avif', quality: 60 },
      });
      assert.deepEqual(avif, { ok: 2, failed: 0, errors: [] });
      assert.deepEqual(
        (await listOpfs(page, 'out-avif')).map((f) => f.path),
        ['p/a.avif', 'p/b.avif'],
      );

      const edges = await studioBatch(page, 'in-photos', 'out-edges', {
        name: 'Edges',
        steps: [{ op: 'canny', params: { low: 50, high: 150 } }],
      });
      assert.deepEqual(edges, { ok: 2, failed: 0, errors: [] });
      assert.equal((await listOpfs(page, 'out-edges')).length, 2);

      const detected = await studioBatch(page, 'in-faces', 'out-faces', { name: 'Faces', steps: [{ op: 'detect-faces' }] });
      assert.deepEqual(detected, { ok: 1, failed: 0, errors: [] });
      const report = await page.evaluate(async () => {
        const root = await navigator.storage.getDirectory();
        const d = await root.getDirectoryHandle('out-faces');
        const f = await (await d.getFileHandle('sample1.jpg.faces.json')).getFile();
        /** @type {unknown} */
        const json = JSON.parse(await f.text());
        return /** @type {{ faces: unknown[] }} */ (json);
      });
      assert.ok(report.faces.length >= 3, `faces found offline: ${report.faces.length}`);

      const video = await studioBatch(page, 'in-video', 'out-video', {
        name: 'Brighter',
        steps: [{ op: 'brightness', params: { factor: 1.2 } }],
      });
      assert.deepEqual(video, { ok: 1, failed: 0, errors: [] });
      const videoOut = await listOpfs(page, 'out-video');
      assert.equal(videoOut.length, 1, JSON.stringify(videoOut));
      assert.ok(videoOut[0].size > 1000);

      assert.deepEqual(serverLog.slice(loaded).filter(notUpdateCheck), [], 'offline: nothing reached the server');
      assert.deepEqual(failedRequests, [], 'requests that failed offline');
    } finally {
      await browser.context.setOffline(false);
    }
  });

  test('online, once loaded, a batch makes no network request at all', async () => {
    await page.reload();
    await studioReady(page);
    await offlineReady(page);
    const mark = Date.now();
    const before = serverLog.length;
    const r = await studioBatch(page, 'in-photos', 'out-again', { name: 'Edges', steps: [{ op: 'canny' }] });
    assert.equal(r.ok, 2);
    assert.deepEqual(serverLog.slice(before).filter(notUpdateCheck), [], 'requests that reached the server during the batch');
    assert.ok(
      pageRequests.some((p) => p.at >= mark),
      'the page did request its lazily loaded modules (answered by the service worker, not the network)',
    );
  });

  test('photos shared to the app (Web Share Target POST) land in the input list', async () => {
    const shared = await makeFolder(
      [
        { path: 's/one.jpg', w: 64, h: 48, channels: 3, format: 'jpeg' },
        { path: 's/two.png', w: 64, h: 48, channels: 3, format: 'png' },
      ],
      5,
    );
    // What Android's share sheet does: a multipart POST navigation to the manifest's action.
    await page.evaluate(() => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.enctype = 'multipart/form-data';
      form.action = 'share-target';
      form.id = 'share-form';
      const input = document.createElement('input');
      input.type = 'file';
      input.name = 'media';
      input.multiple = true;
      input.id = 'share-files';
      form.append(input);
      document.body.append(form);
    });
    await page.setInputFiles('#share-files', [join(shared.dir, 's/one.jpg'), join(shared.dir, 's/two.png')]);
    await Promise.all([
      page.waitForEvent('load'),
      page.evaluate(() => /** @type {HTMLFormElement} */ (document.getElementById('share-form')).submit()),
    ]);
    await studioReady(page);
    await page.waitForFunction(
      () => document.querySelector('tessera-studio')?.shadowRoot?.querySelector('#input-label')?.textContent?.includes('2 shared files'),
      null,
      {
        timeout: 30_000,
      },
    );
    assert.equal(new URL(page.url()).search, '', 'the share id is taken off the address');
    const names = await page.evaluate(async () => {
      const studio = document.querySelector('tessera-studio');
      const out = [];
      if (!studio?.input) throw new Error('no input chosen');
      for await (const f of /** @type {AsyncIterable<{ path: string }>} */ (/** @type {unknown} */ (studio.input.open()))) out.push(f.path);
      return out.sort();
    });
    assert.deepEqual(names, ['one.jpg', 'two.png']);
    // Taken once: the inbox is empty again.
    const left = await page.evaluate(
      () =>
        /** @type {Promise<number>} */ (
          new Promise((resolve, reject) => {
            const req = indexedDB.open('tessera-shared');
            req.onsuccess = () => {
              const c = req.result.transaction('inbox').objectStore('inbox').count();
              c.onsuccess = () => resolve(c.result);
            };
            req.onerror = () => reject(req.error ?? new Error('IndexedDB cannot be opened'));
          })
        ),
    );
    assert.equal(left, 0);
  });

  test('files opened with the installed app (launchQueue) land in the input list', async () => {
    // Chromium only fills launchQueue for an installed app's launch: a stand-in records the consumer.
    await page.addInitScript(() => {
      Object.defineProperty(window, 'launchQueue', {
        configurable: true,
        value: {
          /** @param {(p: { files: FileSystemHandle[] }) => void} c */
          setConsumer(c) {
            /** @type {{ __launch?: typeof c }} */ (/** @type {unknown} */ (window)).__launch = c;
          },
        },
      });
    });
    await page.reload();
    await studioReady(page);
    await page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      const d = await (await root.getDirectoryHandle('in-photos')).getDirectoryHandle('p');
      const files = [await d.getFileHandle('a.jpg'), await d.getFileHandle('b.png')];
      const launch = /** @type {{ __launch?: (p: { files: FileSystemHandle[] }) => void }} */ (/** @type {unknown} */ (window)).__launch;
      if (!launch) throw new Error('the studio did not set a launch consumer');
      launch({ files });
    });
    await page.waitForFunction(
      () => document.querySelector('tessera-studio')?.shadowRoot?.querySelector('#input-label')?.textContent?.includes('2 opened files'),
      null,
      {
        timeout: 30_000,
      },
    );
  });

  test('a new version is offered as "Reload to update" and does not take over under a running batch', async () => {
    await page.goto(server.url);
    await studioReady(page);
    await offlineReady(page);
    const oldVersion = await page.evaluate(() => window.tessera.VERSION);
    // The second build: the same sources with another build id (so other hashed chunks).
    const b = join(work, 'b');
    const built = spawnSync('npx', ['vite', 'build', '--outDir', b, '--emptyOutDir', '--logLevel', 'error'], {
      cwd: ROOT,
      env: { ...process.env, TESSERA_BUILD_ID: 'update-test' },
      encoding: 'utf8',
    });
    assert.equal(built.status, 0, built.stderr);

    // A batch long enough to be running while the update installs.
    const many = await makeFolder(
      Array.from({ length: 24 }, (_, i) => ({
        path: `m/${i}.jpg`,
        w: 1200,
        h: 900,
        channels: /** @type {const} */ (3),
        format: /** @type {const} */ ('jpeg'),
      })),
      7,
    );
    const { folderToOpfs } = await import('./harness.mjs');
    await folderToOpfs(page, many.dir, 'in-many');
    const running = studioBatch(page, 'in-many', 'out-many', await page.evaluate(() => window.tessera.SEED_RECIPE));
    await page.waitForFunction(() => document.querySelector('tessera-studio')?.running === 'batch');

    unlinkSync(site);
    symlinkSync(b, site);
    await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      await reg?.update();
    });
    await page.waitForFunction(
      () => document.querySelector('tessera-studio')?.shadowRoot?.querySelector('app-status')?.shadowRoot?.querySelector('#update-ready'),
      null,
      {
        timeout: 60_000,
      },
    );
    const during = await page.evaluate(() => {
      const studio = document.querySelector('tessera-studio');
      const button = /** @type {HTMLButtonElement | null | undefined} */ (
        studio?.shadowRoot?.querySelector('app-status')?.shadowRoot?.querySelector('#apply-update')
      );
      return { running: studio?.running, disabled: button?.disabled, text: button?.textContent?.trim() };
    });
    assert.equal(during.running, 'batch', 'the update arrived while the batch ran (make the batch longer if this fails)');
    assert.equal(during.disabled, true);
    assert.match(during.text ?? '', /after this batch/);
    // Clicking anyway (or the app asked to apply) changes nothing while the batch runs.
    assert.equal(await page.evaluate(() => window.tessera.VERSION), oldVersion);

    const result = await running;
    assert.deepEqual(result, { ok: 24, failed: 0, errors: [] });
    assert.equal(await page.evaluate(() => window.tessera.VERSION), oldVersion, 'the old version ran the whole batch');

    await Promise.all([
      page.waitForEvent('load', { timeout: 60_000 }),
      page.evaluate(() => {
        const b = /** @type {HTMLButtonElement | null | undefined} */ (
          document.querySelector('tessera-studio')?.shadowRoot?.querySelector('app-status')?.shadowRoot?.querySelector('#apply-update')
        );
        if (!b || b.disabled) throw new Error('Reload to update is not available after the batch');
        b.click();
      }),
    ]);
    await studioReady(page);
    assert.equal(await page.evaluate(() => window.tessera.VERSION), `${oldVersion}+update-test`);
  });

  test('every request of the whole session was same-origin; no page errors', () => {
    const origin = new URL(server.url).origin;
    assert.ok(pageRequests.length > 30, `requests seen: ${pageRequests.length}`);
    const foreign = pageRequests.filter((p) => !/^(blob|data):/.test(p.url) && new URL(p.url).origin !== origin);
    assert.deepEqual(foreign, [], 'requests to other origins');
    assert.deepEqual(pageErrors, []);
  });
});
