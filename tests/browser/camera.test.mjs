// Live camera mode with Chromium's fake camera (a generated test pattern at 30 fps): frames go
// through the recipe on the worker pool, the stats move, a slow pool drops frames instead of
// queueing them (latency stays bounded), recordings read back, and stop releases everything.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input } from 'mediabunny';
import { FAKE_CAMERA_ARGS, startApp } from './harness.mjs';

const FPS = 30; // FAKE_CAMERA_ARGS asks for fps=30
const K = 2; // maxInFlight (the controller's default)
const DELAY = 150;
/** @type {import('./harness.mjs').App} */
let app;

before(async () => {
  app = await startApp({ extraArgs: FAKE_CAMERA_ARGS });
  // One pool for every test, engines started and the recipe's code paths warm.
  await app.page.evaluate(async (K) => {
    const pool = (window.__camPool = window.tessera.createEnginePool(K));
    const px = new SharedArrayBuffer(64 * 48 * 4);
    const desc = { width: 64, height: 48, channels: 4, stride: 256, byteOffset: 0, buffer: px };
    const steps = window.tessera.resolveSteps({ name: 'w', steps: [{ op: 'invert' }] });
    await pool.broadcast((api) => api.processFrame(desc, steps));
  }, K);
});
after(async () => app?.close());

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('../../src/core/recipe').Recipe} Recipe */

/**
 * Replaces any <camera-panel> with a fresh one on the shared pool.
 * @param {Page} page
 * @param {{ recipe: Recipe, delayMs?: number, resolution?: string }} opts
 */
function mount(page, { recipe, delayMs = 0, resolution = '640x480' }) {
  return page.evaluate(
    async ({ recipe, delayMs, resolution }) => {
      document.querySelector('camera-panel')?.remove();
      const pool = window.__camPool;
      if (!pool) throw new Error('no camera pool');
      await pool.bench().broadcast((b) => b.setFrameDelay(delayMs));
      const el = Object.assign(document.createElement('camera-panel'), { pool, recipe, resolution });
      document.body.append(el);
      return el.updateComplete;
    },
    { recipe, delayMs, resolution },
  );
}

const P = 'camera-panel';
/** The number shown in the panel's element `id`. @param {Page} page @param {string} id */
const num = async (page, id) => Number.parseFloat((await page.locator(`${P} #${id}`).textContent()) ?? '');
/** Waits until the panel shows at least `min` in element `id`. @param {Page} page @param {string} id @param {number} min */
const waitStat = (page, id, min, timeout = 30_000) =>
  page.waitForFunction(
    ({ id, min }) => Number.parseFloat(document.querySelector('camera-panel')?.shadowRoot?.getElementById(id)?.textContent ?? '') >= min,
    { id, min },
    { timeout },
  );
/** The controller's own stats, after a warm-up and `ms` of steady running. @param {Page} page @param {number} ms */
async function steadyStats(page, ms) {
  await waitStat(page, 'camera-processed', 5);
  await page.evaluate(() => {
    const c = document.querySelector('camera-panel')?.controller;
    if (!c) throw new Error('the camera is not running');
    c.resetStats();
  });
  await page.waitForTimeout(ms);
  return page.evaluate(() => {
    const c = document.querySelector('camera-panel')?.controller;
    if (!c) throw new Error('the camera is not running');
    return c.stats();
  });
}

/**
 * The most frequent RGB colour of RGBA pixels and its share (the fake camera's flat background).
 * @param {ArrayLike<number>} d
 */
function modeColour(d) {
  /** @type {Map<number, number>} */
  const counts = new Map();
  for (let i = 0; i < d.length; i += 4) {
    const key = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const [key, n] = [...counts].sort((a, b) => b[1] - a[1])[0];
  return { rgb: [(key >> 16) & 255, (key >> 8) & 255, key & 255], share: n / (d.length / 4) };
}

/** The preview canvas: size and dominant colour (its pixels counted here, in Node). @param {Page} page */
const previewMode = async (page) => {
  const { width, height, data } = await page.evaluate(() => {
    const c = /** @type {HTMLCanvasElement | null | undefined} */ (
      document.querySelector('camera-panel')?.shadowRoot?.getElementById('camera-preview')
    );
    const g = c?.getContext('2d');
    if (!c || !g) throw new Error('no camera preview');
    return { width: c.width, height: c.height, data: g.getImageData(0, 0, c.width, c.height).data };
  });
  return { width, height, ...modeColour(data) };
};

/** A raw frame from the same fake camera: its dominant colour (counted in Node). @param {Page} page */
const rawMode = async (page) =>
  modeColour(
    await page.evaluate(async () => {
      // TypeScript's worker lib and @types/dom-mediacapture-transform both declare MediaStreamTrackProcessor,
      // and the clash leaves it untyped: typed here as src/jobs/camera.ts types it.
      const { MediaStreamTrackProcessor: Processor } =
        /** @type {{ MediaStreamTrackProcessor: new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> } }} */ (
          /** @type {unknown} */ (globalThis)
        );
      const s = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
      const reader = new Processor({ track: s.getVideoTracks()[0] }).readable.getReader();
      const { value } = await reader.read();
      if (!value) throw new Error('the camera gave no frame');
      const buf = new Uint8Array(value.displayWidth * value.displayHeight * 4);
      await value.copyTo(buf, { format: 'RGBA', colorSpace: 'srgb' });
      value.close();
      await reader.cancel();
      s.getTracks().forEach((t) => t.stop());
      return buf;
    }),
  );

const INVERT = { name: 'invert', steps: [{ op: 'invert' }] };

describe('live camera', () => {
  test('frames go through the recipe and the stats move', async () => {
    const { page } = app;
    await mount(page, { recipe: INVERT });
    await page.click(`${P} #camera-start`);
    await waitStat(page, 'camera-processed', 10);
    const first = await num(page, 'camera-captured');
    const shown = await previewMode(page);
    assert.deepEqual([shown.width, shown.height], [640, 480]);
    // The fake camera is a flat background (most of the frame) under a moving pie and a counter:
    // invert must turn the background colour c into 255 − c, exactly.
    const raw = await rawMode(page);
    const msg = `preview ${JSON.stringify(shown)} raw ${JSON.stringify(raw)}`;
    assert.ok(raw.share > 0.5 && shown.share > 0.5, msg);
    assert.deepEqual(
      shown.rgb,
      raw.rgb.map((v) => 255 - v),
      msg,
    );
    assert.notDeepEqual(shown.rgb, raw.rgb, msg);
    await page.waitForTimeout(600);
    assert.ok((await num(page, 'camera-captured')) > first, 'captured keeps counting');
    assert.ok((await num(page, 'camera-fps')) > 0);
    assert.match((await page.locator(`${P} #camera-latency-p95`).textContent()) ?? '', /^\d+ ms$/);
    await page.click(`${P} #camera-stop`);
    await page.waitForFunction(() => !document.querySelector('camera-panel')?.running);
    assert.deepEqual(app.errors, []);
  });

  test('a slow pool drops frames instead of queueing them; latency stays bounded', async () => {
    const { page } = app;
    const recipe = { name: 'blur', steps: [{ op: 'gaussian-blur', params: { sigma: 1.5 } }] };

    await mount(page, { recipe });
    await page.click(`${P} #camera-start`);
    const fast = await steadyStats(page, 3000);
    await page.click(`${P} #camera-stop`);

    await mount(page, { recipe, delayMs: DELAY });
    await page.click(`${P} #camera-start`);
    const slow = await steadyStats(page, 3000);
    await page.click(`${P} #camera-stop`);
    await page.waitForFunction(() => !document.querySelector('camera-panel')?.running);

    // Every accepted frame costs (copy + message + recipe + show), measured without delay as the
    // fast run's p95 latency; with the delay it costs DELAY more. At most K frames are ever in
    // flight and each holds at most one worker, so a frame waits for at most K − 1 others ahead
    // of it on the same worker: latency ≤ K × (DELAY + cost). One capture interval of slack for
    // timer and scheduling jitter.
    const bound = K * (DELAY + fast.latencyP95) + 1000 / FPS;
    const msg = `fast ${JSON.stringify(fast)}\nslow ${JSON.stringify(slow)}\nbound ${bound.toFixed(0)} ms`;
    assert.ok(slow.captured > 30, msg);
    assert.ok(slow.dropped > 0, `frames are dropped when the pool is slow\n${msg}`);
    assert.ok(slow.latencyP95 < bound, `p95 latency ${slow.latencyP95.toFixed(0)} ms < ${bound.toFixed(0)} ms\n${msg}`);
    assert.ok(slow.latencyP50 >= DELAY, msg);
    assert.ok(fast.dropRate < slow.dropRate, `no delay drops less\n${msg}`);
    // Throughput is capped by K frames per (DELAY + cost): the rest of the input is dropped.
    const maxFps = (K * 1000) / DELAY;
    assert.ok(slow.fps <= maxFps + 1, msg);
    assert.ok(slow.inFlight <= K, msg);
    // The panel shows the same numbers.
    assert.ok((await num(page, 'camera-dropped')) > 0);
    assert.ok((await num(page, 'camera-drop-rate')) > 0);
    console.log(
      `# no delay: drop ${(fast.dropRate * 100).toFixed(1)}%, p50 ${fast.latencyP50.toFixed(0)} ms, p95 ${fast.latencyP95.toFixed(0)} ms, ${fast.fps.toFixed(1)} fps`,
    );
    console.log(
      `# delay ${DELAY} ms: drop ${(slow.dropRate * 100).toFixed(1)}%, p50 ${slow.latencyP50.toFixed(0)} ms, p95 ${slow.latencyP95.toFixed(0)} ms (bound ${bound.toFixed(0)}), ${slow.fps.toFixed(1)} fps`,
    );
  });

  for (const [container, codec] of /** @type {const} */ ([
    ['webm', 'vp8'],
    ['mp4', 'avc'],
  ])) {
    test(`recording the processed stream gives a ${container} that mediabunny reads back`, async () => {
      const { page } = app;
      await mount(page, { recipe: INVERT });
      await page.check(`${P} #camera-record`);
      await page.selectOption(`${P} #camera-container`, container);
      await page.click(`${P} #camera-start`);
      await page
        .waitForFunction(() => (document.querySelector('camera-panel')?.controller?.stats().recording?.encoded ?? 0) >= 30, null, {
          timeout: 30_000,
        })
        .catch(async (/** @type {Error} Playwright's timeout */ e) => {
          const s = await page.evaluate(() => ({
            stats: document.querySelector('camera-panel')?.controller?.stats(),
            error: document.querySelector('camera-panel')?.error,
          }));
          throw new Error(`${e.message}\n${JSON.stringify(s)}`);
        });
      await page.click(`${P} #camera-stop`);
      await page.waitForSelector(`${P} #camera-recording`, { timeout: 30_000 });
      const { bytes, encoded, download } = await page.evaluate(async () => {
        const el = document.querySelector('camera-panel');
        const a = /** @type {HTMLAnchorElement | null | undefined} */ (el?.shadowRoot?.getElementById('camera-recording'));
        if (!el || !a) throw new Error('no recording link');
        const buf = new Uint8Array(await (await fetch(a.href)).arrayBuffer());
        return { bytes: Array.from(buf), encoded: el.stats?.recording?.encoded, download: a.download };
      });
      assert.equal(download, `tessera-camera.${container}`);
      const input = new Input({ source: new BufferSource(new Uint8Array(bytes)), formats: ALL_FORMATS });
      assert.equal((await input.getFormat()).name.toLowerCase().includes(container === 'webm' ? 'webm' : 'mp4'), true);
      const track = await input.getPrimaryVideoTrack();
      assert.ok(track, 'has a video track');
      assert.equal(track.codec, codec);
      assert.deepEqual([track.codedWidth, track.codedHeight], [640, 480]);
      /** @type {number[]} */
      const times = [];
      for await (const p of new EncodedPacketSink(track).packets()) times.push(p.timestamp);
      const packets = times.length;
      const last = times[times.length - 1];
      assert.ok(
        times.every((t, i) => !i || t > times[i - 1]),
        `timestamps increase: ${times.join(' ')}`,
      );
      assert.equal(packets, encoded);
      assert.ok(packets >= 30, `${packets} packets`);
      assert.ok(last > 0.5, `spans ${last.toFixed(2)} s of capture time`);
    });
  }

  test('stop releases the camera and leaves no VideoFrame open', async () => {
    const { page } = app;
    await mount(page, { recipe: INVERT, delayMs: 80 });
    await page.click(`${P} #camera-start`);
    await waitStat(page, 'camera-dropped', 3);
    await waitStat(page, 'camera-processed', 5);
    await page.click(`${P} #camera-stop`);
    await page.waitForFunction(() => !document.querySelector('camera-panel')?.running);
    const r = await page.evaluate(() => {
      const c = document.querySelector('camera-panel')?.controller;
      if (!c) throw new Error('the camera never ran');
      return { tracks: c.stream.getTracks().map((t) => t.readyState), stats: c.stats() };
    });
    assert.deepEqual(r.tracks, ['ended']);
    assert.equal(r.stats.inFlight, 0);
    assert.ok(r.stats.frames.opened >= r.stats.captured && r.stats.captured >= 8, JSON.stringify(r.stats));
    assert.equal(r.stats.frames.closed, r.stats.frames.opened, JSON.stringify(r.stats));
    assert.equal(r.stats.captured, r.stats.accepted + r.stats.dropped);
    assert.equal(r.stats.processed, r.stats.accepted - r.stats.failed);
    assert.equal(r.stats.shown, r.stats.processed - r.stats.stale);
  });

  test('the <video> fallback (no MediaStreamTrackProcessor) works the same way', async () => {
    const r = await app.page.evaluate(async () => {
      const pool = window.__camPool;
      if (!pool) throw new Error('no camera pool');
      let frames = 0;
      await pool.bench().broadcast((b) => b.setFrameDelay(0));
      const c = await window.tessera.startCamera({
        pool,
        recipe: { name: 'i', steps: [{ op: 'invert' }] },
        source: 'video',
        constraints: { width: 320, height: 240 },
        onFrame: () => frames++,
      });
      await new Promise((res) => setTimeout(res, 1500));
      const { stats } = await c.stop();
      return { source: c.source, frames, stats, tracks: c.stream.getTracks().map((t) => t.readyState) };
    });
    assert.equal(r.source, 'video');
    assert.ok(r.frames > 5, JSON.stringify(r));
    assert.deepEqual(r.tracks, ['ended']);
    assert.equal(r.stats.frames.closed, r.stats.frames.opened);
    assert.deepEqual(app.errors, []);
  });
});
