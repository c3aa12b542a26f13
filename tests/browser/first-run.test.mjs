// A newcomer's first run and the batch behaviour around it (issue 13), in the built app at
// 1366×768: choose photos, press Start, get a zip — no other step; skipped files listed with the
// reason; the preset menu and name following the steps; a damaged share link said in words;
// Cancel and Benchmark leaving no stale numbers; the preview moving past a bad first file; the
// studio locked while a batch runs (what arrives meanwhile queued) and asking before the page is
// left; drops anywhere on the page; a video row showing the video; detect-faces writing only its
// reports; and Folder output asking for the folder at Start.
//
// One browser profile for the whole file, in this order: the first test sees a first visit
// (nothing remembered), later ones start from what the earlier ones left.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { openApp } from '../../scripts/lib/browser.mjs';
import { parseJson } from '../../scripts/lib/json.mjs';
import { listOpfs, samplePhoto, startApp } from './harness.mjs';
import { makeFolder, mulberry32, vips } from './fixtures.mjs';
import { makeVideo } from './video-fixtures.mjs';

/** @typedef {import('playwright-core').Page} Page */

const S = 'tessera-studio';
const EDITOR = `${S} recipe-editor`;
const PANEL = `${S} output-options`;

/** @type {import('./harness.mjs').App} */
let app;
/** @type {Awaited<ReturnType<typeof makeFolder<import('./fixtures.mjs').ImageSpec>>>} */
let photos;
/** @type {Awaited<ReturnType<typeof makeFolder<import('./fixtures.mjs').ImageSpec>>>} */
let many;

before(async () => {
  photos = await makeFolder(
    [
      { path: 'trip/IMG_0001.jpg', w: 2400, h: 1600, channels: 3, format: 'jpeg' },
      { path: 'trip/IMG_0002.jpg', w: 640, h: 480, channels: 3, format: 'jpeg' },
    ],
    13,
  );
  // Beside the photos, what a camera card or a shared folder also holds.
  writeFileSync(join(photos.dir, 'trip/readme.txt'), 'notes about the trip\n');
  writeFileSync(join(photos.dir, 'trip/IMG_0003.CR2'), Buffer.from('II*\0 not really raw'));
  // Enough work (with one worker) that a batch is still running while a test looks at it.
  many = await makeFolder(
    Array.from({ length: 80 }, (_, i) => ({
      path: `many/p${String(i).padStart(2, '0')}.jpg`,
      w: 1600,
      h: 1200,
      channels: 3,
      format: 'jpeg',
    })),
    5,
  );
  app = await startApp();
  await app.page.setViewportSize({ width: 1366, height: 768 });
});
after(async () => app?.close());

/** An element's text as it reads (whitespace collapsed). @param {Page} page @param {string} selector */
const text = async (page, selector) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();

/** The files of the zip download started by `click`. @param {Page} page @param {() => Promise<unknown>} click */
async function zipOf(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), click()]);
  return unzipSync(new Uint8Array(readFileSync(await download.path())));
}

/** Width and height of an encoded image. @param {Uint8Array} bytes */
async function sizeOf(bytes) {
  const v = await vips();
  const im = v.Image.newFromBuffer(bytes);
  try {
    return [im.width, im.height];
  } finally {
    im.delete();
  }
}

/** Waits until the batch (or benchmark) has ended. @param {Page} page */
const idle = (page) =>
  page.waitForFunction(() => document.querySelector('tessera-studio')?.running === '', undefined, { timeout: 120_000 });

/** A JPEG's head and tail around bytes no decoder can read: it looks whole to a sniff of its ends. */
function fakeJpeg() {
  const rnd = mulberry32(3);
  const body = Buffer.from(Array.from({ length: 400 }, () => Math.floor(rnd() * 256)));
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), body, Buffer.from([0xff, 0xd9])]);
}

describe('first run', () => {
  test('a newcomer: choose photos, press Start, a zip of web-ready WebP photos downloads — no other step', async () => {
    const { page } = app;
    // A first visit: the empty page says what to do; Web export into a zip is ready.
    assert.match(await text(page, `${S} #empty-state`), /^Start here: choose your photos with Files or Folder, or drop them anywhere/);
    assert.match(await text(page, `${S} #empty-state`), /Web export is ready to use.*press Start: the results download as one zip file/);
    assert.equal(await page.inputValue(`${EDITOR} #preset`), 'web-export');
    assert.match(await text(page, `${EDITOR} #preset-description`), /^Photos for a website or e-mail/);
    assert.equal(await page.isChecked(`${S} input[name="out"][value="zip"]`), true);
    // Plain words on the steps, the exact definition one click away.
    const step = `${EDITOR} li.step[data-op="unsharp-mask"]`;
    assert.equal(await text(page, `${step} .title`), '3. Sharpen (adjustable)');
    assert.equal(await page.isVisible(`${step} details.definition p`), false);
    await page.click(`${step} details.definition summary`);
    assert.match(await text(page, `${step} details.definition`), /Known as: unsharp mask\. b = the gaussian-blur op at σ/);

    await page.setInputFiles(`${S} #files-input`, [join(photos.dir, 'trip/IMG_0001.jpg'), join(photos.dir, 'trip/IMG_0002.jpg')]);
    await page.waitForSelector(`${S} #input-label b`);
    assert.equal(await page.locator(`${S} #empty-state`).count(), 0);
    const files = await zipOf(page, () => page.click(`${S} #start`));
    assert.deepEqual(Object.keys(files).sort(), ['IMG_0001.webp', 'IMG_0002.webp']);
    for (const bytes of Object.values(files)) assert.equal(Buffer.from(bytes.subarray(8, 12)).toString('latin1'), 'WEBP');
    assert.deepEqual(await sizeOf(files['IMG_0001.webp']), [2048, 1365]); // fit inside 2048
    assert.deepEqual(await sizeOf(files['IMG_0002.webp']), [640, 480]); // never enlarged
    assert.match(await text(page, `${S} #summary`), /^2 written, 0 failed/);
    assert.equal(await page.locator(`${S} #message`).count(), 0);
  });

  test('skipped files (a text file, a RAW file) are counted up front and listed with the reason after the run', async () => {
    const { page } = app;
    await page.setInputFiles(`${S} #folder-input`, photos.dir);
    await page.waitForSelector(`${S} #input-counts`);
    assert.equal(await text(page, `${S} #input-counts`), '— 2 images; 2 other files will be skipped (listed after the run)');
    const files = await zipOf(page, () => page.click(`${S} #start`));
    assert.deepEqual(Object.keys(files).sort(), ['trip/IMG_0001.webp', 'trip/IMG_0002.webp']);
    assert.equal(await text(page, `${S} progress-panel #skipped`), '2');
    assert.match(await text(page, `${S} results-table h2`), /^Results \(2, 2 skipped\)$/);
    const reasons = await page
      .locator(`${S} results-table tr.skipped`)
      .evaluateAll((/** @type {HTMLTableRowElement[]} */ rows) => rows.map((r) => [r.dataset.path, r.cells[2].textContent?.trim()]));
    assert.deepEqual(reasons, [
      [
        'trip/IMG_0003.CR2',
        "camera RAW file (.cr2): Tessera cannot read RAW yet; export it as JPEG or TIFF from your camera's or photo app first",
      ],
      ['trip/readme.txt', 'not an image or video Tessera reads (.txt files are left out)'],
    ]);
  });
});

describe('the listed bugs stay fixed', () => {
  test('the preset menu, name and description follow the steps: edited is "Custom"/"(edited)", back again is the preset', async () => {
    const { page } = app;
    await page.selectOption(`${EDITOR} #preset`, 'thumbnails');
    assert.equal(await page.inputValue(`${EDITOR} #recipe-name`), 'Thumbnails');
    assert.match(await text(page, `${EDITOR} #preset-description`), /^Small previews that fit inside 256 × 256 px/);
    const size = `${EDITOR} li.step[data-op="thumbnail"] input[type=number][data-param="size"]`;
    await page.fill(size, '300');
    await page.press(size, 'Enter');
    assert.equal(await page.inputValue(`${EDITOR} #preset`), '');
    assert.equal(await text(page, `${EDITOR} #preset option:checked`), 'Custom');
    assert.equal(await page.inputValue(`${EDITOR} #recipe-name`), 'Thumbnails (edited)');
    assert.equal(await page.locator(`${EDITOR} #preset-description`).count(), 0);
    await page.fill(size, '256');
    await page.press(size, 'Enter');
    assert.equal(await page.inputValue(`${EDITOR} #preset`), 'thumbnails');
    assert.equal(await page.inputValue(`${EDITOR} #recipe-name`), 'Thumbnails');
    // Another way to leave it: a step removed.
    await page.click(`${EDITOR} li.step[data-op="auto-orient"] button.remove`);
    assert.equal(await page.inputValue(`${EDITOR} #preset`), '');
    assert.equal(await page.inputValue(`${EDITOR} #recipe-name`), 'Thumbnails (edited)');
    await page.selectOption(`${EDITOR} #preset`, 'web-export');
    assert.deepEqual(
      [await page.inputValue(`${EDITOR} #preset`), await page.inputValue(`${EDITOR} #recipe-name`)],
      ['web-export', 'Web export'],
    );
  });

  test('a damaged share link says so in words, and the recipe in use stays', async () => {
    const { page } = app;
    // What the issue saw: binary bytes where the link's JSON should be.
    const damaged = Buffer.from([0xef, 0xbf, 0xbd, 0x1f, 0x8b, 0x6a, 0x07, 0x00]).toString('base64url');
    await page.goto('about:blank');
    await page.goto(`${app.url}#recipe=${damaged}`);
    await page.waitForSelector(`${S} #message`);
    const m = await text(page, `${S} #message`);
    assert.match(m, /^This shared link is damaged or incomplete, so its recipe cannot be read: copy the whole link again/);
    assert.doesNotMatch(m, /JSON|Unexpected|token|�/);
    assert.equal(await page.inputValue(`${EDITOR} #recipe-name`), 'Web export'); // the remembered one, unchanged
    assert.equal(await page.isDisabled(`${S} #start`), true); // no input yet; nothing else is blocked
  });

  test('Cancel: the ETA goes at once and stays gone; the zip not yet downloaded makes leaving ask first', async () => {
    const { page } = app;
    await page.goto(app.url);
    await page.waitForFunction(() => window.tessera);
    await page.fill(`${S} #workers`, '1');
    await page.dispatchEvent(`${S} #workers`, 'change');
    await page.setInputFiles(`${S} #folder-input`, many.dir);
    await page.waitForSelector(`${S} #input-label b`);
    await page.click(`${S} #start`);
    await page.waitForFunction(
      () => {
        const panel = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('progress-panel')?.shadowRoot;
        return /\d/.test(panel?.querySelector('#eta')?.textContent ?? '');
      },
      undefined,
      { timeout: 60_000 },
    );
    await page.click(`${S} #cancel`);
    assert.equal(await text(page, `${S} progress-panel #eta`), '—');
    await idle(page);
    assert.equal(await text(page, `${S} progress-panel #state`), 'cancelled');
    await page.waitForTimeout(1500);
    assert.equal(await text(page, `${S} progress-panel #eta`), '—');
    assert.match(await text(page, `${S} #summary`), /^Cancelled: \d+ written/);
    const done = Number(await text(page, `${S} progress-panel #done`));
    assert.ok(done >= 1 && done < 80, `done ${done}`);
    assert.equal(await page.locator(`${S} tr.row[data-status="ok"]`).count(), done);

    // A cancelled batch's zip is not downloaded by itself: leaving now asks.
    assert.match((await page.evaluate(() => document.querySelector('tessera-studio')?.unsavedWork)) ?? '', /zip .* not been downloaded/);
    const dialog = page.waitForEvent('dialog');
    const reload = page.reload({ timeout: 1500 }).catch(() => {});
    const d = await dialog;
    assert.equal(d.type(), 'beforeunload');
    await d.dismiss();
    await reload;
    assert.equal(Number(await text(page, `${S} progress-panel #done`)), done, 'still on the page, nothing lost');
    await page.click(`${S} #zip-link`);
    assert.equal(await page.evaluate(() => document.querySelector('tessera-studio')?.unsavedWork), undefined);
  });

  test('Benchmark keeps its counts to itself: the progress still matches the results table', async () => {
    const { page } = app;
    const done = await text(page, `${S} progress-panel #done`);
    await page.setInputFiles(`${S} #files-input`, [join(photos.dir, 'trip/IMG_0002.jpg')]);
    await page.waitForSelector(`${S} #input-label b`);
    // Benchmark sits with the speed details, folded away.
    await page.click(`${S} #speed > summary`);
    await page.click(`${S} #benchmark`);
    await page.waitForSelector(`${S} benchmark-panel #identical`, { timeout: 120_000 });
    await idle(page);
    assert.equal(await text(page, `${S} progress-panel #done`), done);
    assert.equal(await page.locator(`${S} tr.row[data-status="ok"]`).count(), Number(done));
    assert.equal(await text(page, `${S} progress-panel #eta`), '—');
  });

  test('a first file that cannot be previewed gives way to the next one, and the note says why', async () => {
    const { page } = app;
    await page.setInputFiles(`${S} #files-input`, [
      { name: 'a-cut.jpg', mimeType: 'image/jpeg', buffer: readFileSync(join(photos.dir, 'trip/IMG_0002.jpg')).subarray(0, 3000) },
      { name: 'b-garbled.jpg', mimeType: 'image/jpeg', buffer: fakeJpeg() },
      { name: 'c-good.jpg', mimeType: 'image/jpeg', buffer: readFileSync(join(photos.dir, 'trip/IMG_0002.jpg')) },
    ]);
    await page.waitForFunction(
      () => document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel')?.getAttribute('label') === 'c-good.jpg',
      undefined,
      { timeout: 60_000 },
    );
    await page.waitForSelector(`${S} preview-panel #preview-meta`);
    assert.equal(await page.locator(`${S} preview-panel #preview-failed`).count(), 0);
    assert.match(
      await text(page, `${S} #preview-note`),
      /^b-garbled\.jpg could not be previewed \(.+\); the preview shows the next photo instead\.$/,
    );
  });

  test('a video row shows the written video (no broken before/after); video progress is in the main bar', async () => {
    const { page } = app;
    await makeVideo(page, { name: 'clip', container: 'webm', codec: 'vp8', width: 320, height: 240, frames: 240, fps: 30 });
    await page.evaluate(() => {
      const clip = window.__videos?.clip;
      if (!clip) throw new Error('no clip');
      document.querySelector('tessera-studio')?.useInputFiles([new File([clip], 'clip.webm', { type: 'video/webm' })]);
    });
    await page.waitForSelector(`${S} #input-label b`);
    // WebM/VP8: a codec every Chromium build plays back (not all play H.264, the default).
    await page.click(`${PANEL} #video-options summary`);
    await page.selectOption(`${PANEL} #video-container`, 'webm');
    await page.selectOption(`${PANEL} #video-codec`, 'vp8');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 180_000 }),
      (async () => {
        await page.click(`${S} #start`);
        await page.waitForSelector(`${S} progress-panel #video-frames`, { timeout: 60_000 });
        assert.match(await text(page, `${S} progress-panel #video-frames`), /^\d+ of 240 video frames · \d+\.\d frames\/s$/);
      })(),
    ]);
    assert.ok(download);
    await idle(page);
    assert.equal(await page.locator(`${S} progress-panel #video-frames`).count(), 0);
    await page.click(`${S} tr.row[data-path="clip.webm"]`);
    await page.waitForSelector(`${S} #video-result video`);
    const meta = await page.evaluate(async () => {
      const v = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('#video-result video');
      if (!(v instanceof HTMLVideoElement)) throw new Error('no video element');
      if (v.readyState < 1) await new Promise((r, j) => ((v.onloadedmetadata = r), (v.onerror = () => j(new Error('video error')))));
      return [v.videoWidth, v.videoHeight];
    });
    assert.deepEqual(meta, [320, 240]);
    assert.equal(await page.locator(`${S} compare-view`).count(), 0);
    assert.equal(await page.locator(`${S} #message`).count(), 0);
  });
});

describe('while a batch runs', () => {
  test('recipe, output and inputs are locked; a drop is queued for the next run; leaving asks first', async () => {
    const { page } = app;
    await page.setInputFiles(`${S} #folder-input`, many.dir);
    await page.waitForSelector(`${S} #input-label b`);
    await page.click(`${S} #start`);
    await page.waitForSelector(`${S} #locked-note`);
    for (const sel of [
      `${EDITOR} #preset`,
      `${EDITOR} #add-step`,
      `${EDITOR} #recipe-name`,
      `${EDITOR} li.step input[type=number] >> nth=0`,
      `${PANEL} #format`,
      `${S} #workers`,
      `${S} #files-input`,
      `${S} #folder-input`,
    ])
      assert.equal(await page.isDisabled(sel), true, sel);

    // Leaving mid-batch asks; staying keeps it running.
    const dialog = page.waitForEvent('dialog');
    const reload = page.reload({ timeout: 1500 }).catch(() => {});
    const d = await dialog;
    assert.equal(d.type(), 'beforeunload');
    await d.dismiss();
    await reload;
    assert.match(await text(page, `${S} progress-panel #state`), /^running batch$/);

    // A drop now is for the next run.
    await dropFile(page, 'later.png');
    assert.match(await text(page, `${S} #queued`), /^Received input 1 dropped file while the batch runs: used once it ends\.$/);
    assert.match(await text(page, `${S} #input-label`), /^Input: 80 files/);
    await page.click(`${S} #cancel`);
    await idle(page);
    assert.equal(await text(page, `${S} #input-label b`), '1 dropped file');
    assert.equal(await page.locator(`${S} #queued`).count(), 0);
    for (const sel of [`${EDITOR} #add-step`, `${PANEL} #format`, `${S} #files-input`])
      assert.equal(await page.isDisabled(sel), false, sel);
    await page.click(`${S} #zip-link`); // (so the next page load does not ask)
  });
});

/**
 * Drops a PNG on the page's footer — outside the input panel — as a person's drag would,
 * through dragenter, dragover and drop; returns whether the page took the drag over and the drop
 * (cancelled them: else the browser opens the file in the tab).
 * @param {Page} page @param {string} name
 */
async function dropFile(page, name) {
  const v = await vips();
  const black = v.Image.black(8, 8);
  const png = black.pngsaveBuffer();
  black.delete();
  return page.evaluate(
    ({ name, bytes }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
      const target = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('footer') ?? document.body;
      /** @type {Record<string, boolean>} */
      const taken = {};
      for (const type of ['dragenter', 'dragover', 'drop'])
        taken[type] = !target.dispatchEvent(new DragEvent(type, { bubbles: true, composed: true, cancelable: true, dataTransfer: dt }));
      return taken;
    },
    { name, bytes: [...png] },
  );
}

describe('drop anywhere', () => {
  test('a drop outside the input panel becomes the input; the page stays', async () => {
    const { page } = app;
    const url = page.url();
    const taken = await dropFile(page, 'dropped.png');
    assert.deepEqual(taken, { dragenter: false, dragover: true, drop: true });
    await page.waitForFunction(() => /1 dropped file/.test(document.querySelector('tessera-studio')?.input?.label ?? ''));
    assert.equal(page.url(), url);
    assert.equal(await page.locator(`${S} #drop-overlay`).count(), 0);
    await page.waitForFunction(
      () => document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel')?.getAttribute('label') === 'dropped.png',
      undefined,
      { timeout: 30_000 },
    );
  });
});

describe('faces: reports only', () => {
  test('detect-faces with "Write images" off writes only <photo>.faces.json and faces.csv; the results count the faces', async () => {
    const { page } = app;
    await page.setInputFiles(`${S} #files-input`, samplePhoto('sample1.jpg'));
    await page.waitForSelector(`${S} #input-label b`);
    while (await page.locator(`${EDITOR} li.step`).count()) await page.click(`${EDITOR} li.step >> nth=0 >> button.remove`);
    await page.selectOption(`${EDITOR} #add-step`, 'detect-faces');
    await page.uncheck(`${PANEL} #out-images`);
    const files = await zipOf(page, () => page.click(`${S} #start`));
    assert.deepEqual(Object.keys(files).sort(), ['faces.csv', 'sample1.jpg.faces.json']);
    const report = /** @type {import('../../src/core/faces').FacesReport} */ (
      parseJson(Buffer.from(files['sample1.jpg.faces.json']).toString('utf8'))
    );
    assert.equal(report.faces.length, 3);
    const row = `${S} tr.row[data-path="sample1.jpg"]`;
    assert.match(await text(page, `${row} td:nth-child(2)`), /^ok \(3 faces\)$/);
    // The 8th column: output / error (after Size, In, Out, Saved, Time).
    assert.equal(await text(page, `${row} td:nth-child(8)`), 'sample1.jpg.faces.json');
    await page.click(row);
    assert.equal(
      await text(page, `${S} #result-note`),
      'No image was written for sample1.jpg ("Write images" is off): only sample1.jpg.faces.json (3 faces found).',
    );
    assert.equal(await page.locator(`${S} compare-view`).count(), 0);
    await page.check(`${PANEL} #out-images`);
    // Saved (after the remembered settings' debounce) before the next test opens another page.
    await page.waitForFunction(() => /"images":true/.test(localStorage.getItem('tessera.settings.v1') ?? ''));
  });
});

describe('folder output', () => {
  test('Folder with none chosen: Start asks for it in its click, then writes there (never "choose a folder first")', async () => {
    const page = await app.page.context().newPage();
    page.on('pageerror', (e) => app.errors.push(e.message));
    // Headless Chromium cannot show the picker: it answers with an OPFS folder, noting the click's activation.
    await page.addInitScript(() => {
      window.__pickerCalls = [];
      /** @param {{ mode?: string }} [o] */
      const pick = async (o) => {
        window.__pickerCalls?.push({ mode: o?.mode, active: navigator.userActivation.isActive });
        const root = await navigator.storage.getDirectory();
        await root.removeEntry('first-run-out', { recursive: true }).catch(() => {});
        return root.getDirectoryHandle('first-run-out', { create: true });
      };
      Object.assign(window, { showDirectoryPicker: pick });
    });
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      await openApp(page, app.url);
      await page.selectOption(`${EDITOR} #preset`, 'web-export'); // (the faces test's recipe is remembered)
      await page.click(`${S} input[name="out"][value="folder"]`);
      assert.equal(await text(page, `${S} #pick-output`), 'Choose…');
      await page.setInputFiles(`${S} #files-input`, [join(photos.dir, 'trip/IMG_0002.jpg')]);
      await page.waitForSelector(`${S} #input-label b`);
      await page.click(`${S} #start`);
      await page.waitForSelector(`${S} #summary, ${S} #message`, { timeout: 60_000 });
      assert.equal(
        await page.locator(`${S} #message`).count(),
        0,
        (await page
          .locator(`${S} #message`)
          .textContent()
          .catch(() => '')) ?? '',
      );
      assert.match(await text(page, `${S} #summary`), /^1 written, 0 failed/);
      assert.deepEqual(await page.evaluate(() => window.__pickerCalls), [{ mode: 'readwrite', active: true }]);
      assert.deepEqual(
        (await listOpfs(page, 'first-run-out')).map((f) => f.path),
        ['IMG_0002.webp'],
      );
      assert.equal(await text(page, `${S} #pick-output`), '“first-run-out”');
    } finally {
      await page.close();
    }
  });
});

test('no page errors', () => assert.deepEqual(app.errors, []));
