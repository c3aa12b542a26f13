// The preview on a video frame: a generated clip (each frame carries its index as a bar code,
// tests/browser/video-fixtures.mjs) chosen as the input shows its first frame through the recipe;
// the scrubber (keys, buttons, a drag) moves the preview to the frame at that time — the "before"
// pixels are that frame's as the browser decodes it, the "after" pixels the recipe's on them
// (invert: 255 − before, exactly); a gray-first recipe runs on the stream's own luma plane, as the
// video job runs it. A face recipe draws its box on the frame; a video row in the results plays
// the written video and previews the input; a video the browser cannot decode is named with the
// reason. No VideoFrame is left to the garbage collector (Chromium warns on the console when one
// is), and the page logs no error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { samplePhoto, startApp } from './harness.mjs';
import { makeFaceVideo, makeVideo, SAMPLER } from './video-fixtures.mjs';
import { iou } from './face-fixtures.mjs';

/** @typedef {import('playwright-core').Page} Page */

const S = 'tessera-studio';
const FPS = 15;
const FRAMES = 45; // key frames at 0 and 30 (every 2 s): a seek past 30 starts from the second
const INVERT = { name: 'Invert', steps: [{ op: 'invert' }] };

/** @type {import('./harness.mjs').App} */
let app;
/** Console messages of the page (Chromium's warning about unclosed frames comes this way). @type {string[]} */
const consoleLines = [];

before(async () => {
  // gc(): the test collects garbage at the end, so a frame nobody closed would be reported.
  app = await startApp({ extraArgs: ['--js-flags=--expose-gc'] });
  app.page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()} (${m.location().url})`));
  await app.page.setViewportSize({ width: 1366, height: 768 });
  // Defined by Playwright's own evaluation: the page's CSP forbids eval of a string in page code.
  await app.page.evaluate(`window.__sampler = ${SAMPLER}`);
  await app.page.evaluate(`window.__hashSampler = (rgba, w, h) => {
    let h1 = 2166136261;
    for (let i = 0; i < w * h * 4; i++) if ((i & 3) !== 3) h1 = Math.imul(h1 ^ rgba[i], 16777619);
    return { hash: h1 >>> 0, read: window.__sampler(rgba, w, h) };
  }`);
});
after(async () => app?.close());

/**
 * The preview's before and after canvases: each read by SAMPLER (frame index, inverted or not),
 * an FNV hash of its RGB, and whether after = 255 − before for every RGB byte.
 * @param {Page} page
 */
function previewPixels(page) {
  return page.evaluate(() => {
    const root = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel')?.shadowRoot;
    /** @param {string} sel */
    const read = (sel) => {
      const c = /** @type {HTMLCanvasElement | null | undefined} */ (root?.querySelector(sel));
      if (!c || !c.width) throw new Error(`no ${sel} in the preview`);
      return { w: c.width, h: c.height, px: c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray() };
    };
    const b = read('canvas.before'),
      a = read('canvas.after');
    const hs = window.__hashSampler;
    if (!hs) throw new Error('no sampler');
    let inverse = a.w === b.w && a.h === b.h;
    for (let i = 0; inverse && i < b.px.length; i++) if ((i & 3) !== 3 && a.px[i] !== 255 - b.px[i]) inverse = false;
    return { size: `${b.w}×${b.h}`, before: hs(b.px, b.w, b.h), after: hs(a.px, a.w, a.h), inverse };
  });
}

/** Waits until the preview's "before" shows frame `index` (its bar code) and is not updating. @param {Page} page @param {number} index */
async function waitForFrame(page, index) {
  await page.waitForFunction(
    (index) => {
      const studio = document.querySelector('tessera-studio')?.shadowRoot;
      const root = studio?.querySelector('preview-panel')?.shadowRoot;
      const c = /** @type {HTMLCanvasElement | null | undefined} */ (root?.querySelector('canvas.before'));
      if (!c?.width || root?.querySelector('#preview-status')) return false;
      const px = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
      return !!px && window.__sampler?.(px, c.width, c.height).index === index;
    },
    index,
    { timeout: 30_000 },
  );
}

/** The scrubber's state: the range's value and text, and the time shown. @param {Page} page */
function scrubber(page) {
  return page.$eval(`${S} video-scrubber`, (el) => {
    const r = /** @type {HTMLInputElement | null | undefined} */ (el.shadowRoot?.querySelector('#frame'));
    return {
      value: Number(r?.value),
      name: r?.getAttribute('aria-label'),
      valuetext: r?.getAttribute('aria-valuetext'),
      time: el.shadowRoot?.querySelector('#frame-time')?.textContent?.trim(),
    };
  });
}

describe('the preview on a video frame', () => {
  /** Per frame of the clip as the browser decodes it: its bar code and RGB hash. @type {{ index: number, hash: number }[]} */
  let truth = [];

  test('a video input previews its first frame through the recipe', { timeout: 120_000 }, async () => {
    const { page } = app;
    await makeVideo(page, { name: 'clip', width: 320, height: 240, frames: FRAMES, fps: FPS });
    const probed = await page.evaluate(async () => {
      const clip = window.__videos?.clip;
      const hs = window.__hashSampler;
      if (!clip || !hs) throw new Error('no clip');
      const p = await window.tessera.probeVideo(clip, hs);
      return p.frames.map((f) => ({ index: f.sample.read.index, hash: f.sample.hash }));
    });
    assert.deepEqual(
      probed.map((f) => f.index),
      Array.from({ length: FRAMES }, (_, i) => i),
    );
    truth = probed;
    await page.evaluate((r) => document.querySelector('tessera-studio')?.useRecipe(r), INVERT);
    await page.evaluate(() => {
      const clip = window.__videos?.clip;
      if (!clip) throw new Error('no clip');
      document.querySelector('tessera-studio')?.useInputFiles([new File([clip], 'clip.mp4', { type: 'video/mp4' })]);
    });
    await page.waitForSelector(`${S} video-scrubber #frame`, { timeout: 60_000 });
    await waitForFrame(page, 0);
    const p = await previewPixels(page);
    assert.equal(p.size, '320×240');
    assert.equal(p.before.hash, truth[0].hash, 'the before pixels are frame 0 as decoded');
    assert.equal(p.before.read.inverted, false);
    assert.equal(p.after.read.index, 0);
    assert.equal(p.after.read.inverted, true);
    assert.ok(p.inverse, 'after = 255 − before on every pixel');
    const s = await scrubber(page);
    assert.equal(s.value, 0);
    assert.equal(s.name, 'Frame of clip.mp4 to preview');
    assert.equal(s.time, '0:00.00 of 0:03.00, frame 1 of 45');
    assert.equal(await page.textContent(`${S} preview-panel h2`), 'Preview — clip.mp4');
  });

  test('the scrubber moves the preview to the frame at that time (keys, buttons, a drag)', { timeout: 120_000 }, async () => {
    const { page } = app;
    await page.focus(`${S} video-scrubber #frame`);
    /** @param {number} index */
    const check = async (index) => {
      await waitForFrame(page, index);
      const p = await previewPixels(page);
      assert.equal(p.before.hash, truth[index].hash, `frame ${index}: the before pixels are that frame's`);
      assert.equal(p.after.read.index, index);
      assert.ok(p.inverse, `frame ${index}: after = 255 − before`);
      assert.equal((await scrubber(page)).value, index);
    };
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await check(2);
    await page.keyboard.press('PageUp'); // one second: 15 frames
    await check(17);
    assert.equal((await scrubber(page)).time, '0:01.13 of 0:03.00, frame 18 of 45');
    assert.equal((await scrubber(page)).valuetext, '0:01.13 of 0:03.00, frame 18 of 45');
    await page.keyboard.press('Shift+ArrowLeft');
    await check(2);
    await page.keyboard.press('End');
    await check(44);
    await page.click(`${S} video-scrubber #frame-prev`);
    await check(43);
    // A drag: the range's value changes many times; the preview follows where it stops.
    await page.$eval(`${S} video-scrubber`, (el) => {
      const r = /** @type {HTMLInputElement} */ (el.shadowRoot?.querySelector('#frame'));
      for (const v of [40, 36, 33, 31]) {
        r.value = String(v);
        r.dispatchEvent(new Event('input', { bubbles: true }));
      }
    });
    await check(31); // past the key frame at 30
    await page.focus(`${S} video-scrubber #frame`); // the button click took the focus
    await page.keyboard.press('Home');
    await check(0);
    assert.equal(await page.locator(`${S} preview-panel #preview-failed`).count(), 0);
  });

  test('a recipe that starts with grayscale previews the stream’s own luma, as the video job runs it', { timeout: 60_000 }, async () => {
    const { page } = app;
    await page.evaluate(() =>
      document.querySelector('tessera-studio')?.useRecipe({ name: 'Gray negative', steps: [{ op: 'grayscale' }, { op: 'invert' }] }),
    );
    await page.focus(`${S} video-scrubber #frame`);
    await page.keyboard.press('PageUp'); // frame 15
    await waitForFrame(page, 15);
    // The definition, computed here on the decoder's planes: Y′ of a full-range stream, else
    // round((Y − 16) · 255 / 219) clamped to 0–255.
    const want = await page.evaluate(async () => {
      const mb = await window.tessera.loadMediabunny();
      const clip = window.__videos?.clip;
      if (!clip) throw new Error('no clip');
      const input = new mb.Input({ source: new mb.BlobSource(clip), formats: mb.ALL_FORMATS });
      const track = await input.getPrimaryVideoTrack();
      if (!track) throw new Error('no track');
      const sample = await new mb.VideoSampleSink(track).getSample((15 + 0.5) / 15);
      if (!sample) throw new Error('no frame 15');
      try {
        const bytes = new Uint8Array(sample.allocationSize());
        const [y] = await sample.copyTo(bytes);
        const { width: w, height: h } = sample.visibleRect;
        const full = sample.colorSpace.fullRange ?? false;
        let hash = 2166136261;
        for (let r = 0; r < h; r++)
          for (let x = 0; x < w; x++) {
            const v = bytes[y.offset + r * y.stride + x];
            const g = full ? v : Math.max(0, Math.min(255, Math.round(((v - 16) * 255) / 219)));
            hash = Math.imul(hash ^ (255 - g), 16777619);
          }
        return { format: sample.format, matrix: sample.colorSpace.matrix, hash: hash >>> 0 };
      } finally {
        sample.close();
        input.dispose();
      }
    });
    assert.match(String(want.format), /^(I420|NV12)$/);
    const got = await page.evaluate(() => {
      const root = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel')?.shadowRoot;
      const c = /** @type {HTMLCanvasElement | null | undefined} */ (root?.querySelector('canvas.after'));
      if (!c) throw new Error('no after canvas');
      const px = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      let hash = 2166136261,
        gray = true;
      for (let i = 0; i < px.length; i += 4) {
        hash = Math.imul(hash ^ px[i], 16777619);
        if (px[i + 1] !== px[i] || px[i + 2] !== px[i]) gray = false;
      }
      return { hash: hash >>> 0, gray };
    });
    assert.ok(got.gray);
    assert.equal(got.hash, want.hash, `the preview is 255 − the luma plane of frame 15 (${want.matrix ?? 'no'} matrix)`);
    assert.equal(await page.locator(`${S} video-scrubber #frame-luma`).count(), 1, 'the scrubber says the frame is the luma');
    await page.evaluate((r) => document.querySelector('tessera-studio')?.useRecipe(r), INVERT);
    await page.keyboard.press('Home');
    await waitForFrame(page, 0);
    assert.equal(await page.locator(`${S} video-scrubber #frame-luma`).count(), 0);
  });

  test('a face recipe draws its box on the frame', { timeout: 120_000 }, async () => {
    const { page } = app;
    // The middle face of sample1 moving left to right (faces-video.test.mjs's clip).
    const made = await makeFaceVideo(page, { name: 'face', image: samplePhoto('sample1.jpg'), crop: [775, 360, 320, 360], frames: 20 });
    await page.evaluate(() => {
      const studio = document.querySelector('tessera-studio');
      studio?.useRecipe({ name: 'Faces', steps: [{ op: 'detect-faces' }] });
      const clip = window.__videos?.face;
      if (!clip) throw new Error('no clip');
      studio?.useInputFiles([new File([clip], 'face.mp4', { type: 'video/mp4' })]);
    });
    await page.waitForSelector(`${S} video-scrubber #frame`, { timeout: 60_000 });
    /** The boxes drawn, in frame pixels. */
    const boxes = () =>
      page.evaluate(() => {
        const panel = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel');
        const r = panel?.result;
        if (!panel?.shadowRoot || !r) return [];
        return [.../** @type {NodeListOf<HTMLElement>} */ (panel.shadowRoot.querySelectorAll('.face-box'))].map((el) => {
          /** @param {string} v */
          const p = (v) => parseFloat(v) / 100;
          return [
            p(el.style.left) * r.afterWidth,
            p(el.style.top) * r.afterHeight,
            p(el.style.width) * r.afterWidth,
            p(el.style.height) * r.afterHeight,
          ];
        });
      });
    await page.waitForSelector(`${S} preview-panel #preview-faces`, { timeout: 60_000 });
    // The drawn face is a crop a little larger than the face: its box lies inside the drawn rectangle.
    const inside = (/** @type {number[]} */ b, /** @type {number[]} */ r) =>
      b[0] >= r[0] - 8 && b[1] >= r[1] - 8 && b[0] + b[2] <= r[0] + r[2] + 8 && b[1] + b[3] <= r[1] + r[3] + 8 && iou(b, r) > 0.15;
    let first = await boxes();
    assert.equal(first.length, 1, `one face on frame 0: ${JSON.stringify(first)}`);
    assert.ok(inside(first[0], made.rects[0]), `frame 0: box ${first[0].map(Math.round).join(',')} inside ${made.rects[0].join(',')}`);
    await page.focus(`${S} video-scrubber #frame`);
    await page.keyboard.press('End');
    await page.waitForFunction(
      (x0) => {
        const panel = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel');
        const box = /** @type {HTMLElement | null | undefined} */ (panel?.shadowRoot?.querySelector('.face-box'));
        return !!box && !panel?.shadowRoot?.querySelector('#preview-status') && (parseFloat(box.style.left) / 100) * 320 > x0 + 60;
      },
      first[0][0],
      { timeout: 30_000 },
    );
    const last = await boxes();
    assert.equal(last.length, 1);
    assert.ok(inside(last[0], made.rects[19]), `frame 19: box ${last[0].map(Math.round).join(',')} inside ${made.rects[19].join(',')}`);
  });

  test('a video row in the results plays the written video and previews the input', { timeout: 180_000 }, async () => {
    const { page } = app;
    await page.evaluate((r) => document.querySelector('tessera-studio')?.useRecipe(r), INVERT);
    await page.evaluate(() => {
      const clip = window.__videos?.clip;
      if (!clip) throw new Error('no clip');
      document.querySelector('tessera-studio')?.useInputFiles([new File([clip], 'clip.mp4', { type: 'video/mp4' })]);
    });
    await waitForFrame(page, 0);
    await page.focus(`${S} video-scrubber #frame`);
    await page.keyboard.press('PageUp');
    await waitForFrame(page, 15);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 150_000 }), page.click(`${S} #start`)]);
    assert.ok(download);
    await page.waitForSelector(`${S} #summary`);
    await page.click(`${S} results-table tr.row[data-path="clip.mp4"]`);
    await page.waitForSelector(`${S} #video-result video`);
    assert.equal(await page.locator(`${S} compare-view`).count(), 0, 'no before/after of two broken images');
    assert.equal(await page.locator(`${S} #message`).count(), 0);
    // The preview is on the same video, at the frame chosen before.
    await waitForFrame(page, 15);
    assert.ok((await previewPixels(page)).inverse);
  });

  test('a video this browser cannot decode: the preview says which file and why', { timeout: 60_000 }, async () => {
    const { page } = app;
    await makeVideo(page, { name: 'hevc', width: 160, height: 120, frames: 6, claimCodec: 'hevc' });
    await page.evaluate(() => {
      const clip = window.__videos?.hevc;
      if (!clip) throw new Error('no clip');
      document.querySelector('tessera-studio')?.useInputFiles([new File([clip], 'phone.mp4', { type: 'video/mp4' })]);
    });
    await page.waitForSelector(`${S} preview-panel #preview-failed`, { timeout: 30_000 });
    const text = ((await page.textContent(`${S} preview-panel #preview-failed`)) ?? '').replace(/\s+/g, ' ').trim();
    assert.match(text, /^Preview failed: phone\.mp4: unsupported video codec: HEVC \(H\.265\)/);
    assert.equal(await page.locator(`${S} video-scrubber`).count(), 0, 'no scrubber for a video that cannot be read');
  });

  test('no VideoFrame was left unclosed; no page error', { timeout: 30_000 }, async () => {
    const { page } = app;
    // Chromium reports a VideoFrame collected without close() on the console, from an audit that
    // runs every 10 s: collect the garbage, then give the audit its turn (a frame left unclosed
    // on purpose is reported within this wait — checked when this test was written).
    await page.evaluate(async () => {
      const gc = /** @type {{ gc?: () => void }} */ (/** @type {unknown} */ (window)).gc;
      if (!gc) throw new Error('gc() is not exposed');
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    await page.waitForEvent('console', { predicate: (m) => /garbage collected/.test(m.text()), timeout: 12_000 }).catch(() => undefined);
    assert.deepEqual(
      consoleLines.filter((l) => /VideoFrame|garbage collected|close\(\)/i.test(l)),
      [],
    );
    // The test server refuses the offline service worker on purpose (scripts/lib/serve.mjs): its
    // registration's 404 is expected; any other error is not.
    assert.deepEqual(
      consoleLines.filter((l) => l.startsWith('error') && !/bad HTTP response code \(404\) was received when fetching the script/.test(l)),
      [],
    );
    assert.deepEqual(app.errors, []);
  });
});
