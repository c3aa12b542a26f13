// Live camera benchmark: Chromium's fake camera at 30 fps through blur + edges on the worker pool,
// at 720p and 1080p: captured, processed, dropped, drop rate, capture→shown latency p50/p95,
// processed fps and whether 30 fps was held.
//
// The page must come from a browser launched with CAMERA_BENCH_ARGS:
//   launch({ extraArgs: CAMERA_BENCH_ARGS })   (scripts/lib/browser.mjs)
// i.e. `--use-fake-device-for-media-stream=fps=30 --use-fake-ui-for-media-stream`: the fake
// device then delivers 30 fps at any requested size (verified: 29.5–30.5 fps at 640×480, 720p and
// 1080p; without `fps=30` it runs at 20 fps). The flags change nothing for the other benchmarks.
//
// Standalone: `node bench/camera.mjs [--seconds S] [--workers N]` (serves dist/ or $TESSERA_DIST, which must be built).
import { FAKE_CAMERA_ARGS } from '../scripts/lib/chromium.mjs';

/** The fake camera's flags (the browser tests use the same). */
export const CAMERA_BENCH_ARGS = FAKE_CAMERA_ARGS;

/** @type {import('../src/core/recipe').Recipe} */
export const CAMERA_BENCH_RECIPE = {
  name: 'blur + edges',
  // Same blur + edges recipe as the video bench: luminance, then blur and Sobel.
  steps: [{ op: 'grayscale' }, { op: 'gaussian-blur', params: { sigma: 1.5 } }, { op: 'sobel' }],
};

/**
 * Runs inside the page (self-contained: Playwright serialises it).
 * @param {{ width: number, height: number, fps: number, seconds: number, warmupSeconds: number, workers: number, maxInFlight: number, recipe: import('../src/core/recipe').Recipe }} opts
 */
async function cameraRunInPage({ width, height, fps, seconds, warmupSeconds, workers, maxInFlight, recipe }) {
  const t = window.tessera;
  const pool = t.createEnginePool(workers);
  try {
    // Engines started and the recipe's code warm on every worker before the camera opens.
    const w0 = 64,
      h0 = 48;
    const desc = { width: w0, height: h0, channels: 4, stride: w0 * 4, byteOffset: 0, buffer: new SharedArrayBuffer(w0 * h0 * 4) };
    await pool.broadcast((api) => api.processFrame(desc, t.resolveSteps(recipe)));
    const c = await t.startCamera({
      pool,
      recipe,
      maxInFlight,
      constraints: { width: { exact: width }, height: { exact: height }, frameRate: { ideal: fps } },
      windowMs: (seconds + 5) * 1000, // percentiles over the whole measured span
    });
    // Chromium's MediaStreamTrack.stats (frames delivered and discarded), not in TypeScript's DOM types.
    const track = /** @type {MediaStreamTrack & { stats?: { toJSON(): { discardedFrames: number } } }} */ (c.stream.getVideoTracks()[0]);
    await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
    c.resetStats();
    const before = track.stats ? { ...track.stats.toJSON() } : undefined;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const s = c.stats();
    const after = track.stats ? { ...track.stats.toJSON() } : undefined;
    const settings = track.getSettings();
    await c.stop();
    return {
      stats: s,
      settings: { width: settings.width, height: settings.height, frameRate: settings.frameRate },
      // Frames the browser itself discarded before we could read them (track.stats).
      sourceDiscarded: before && after ? after.discardedFrames - before.discardedFrames : undefined,
    };
  } finally {
    pool.dispose();
  }
}

/**
 * @param {import('playwright-core').Page} page the built app, opened in a browser launched with CAMERA_BENCH_ARGS
 * @param {{ sizes?: [number, number][], fps?: number, seconds?: number, warmupSeconds?: number, workers?: number, maxInFlight?: number, recipe?: import('../src/core/recipe').Recipe, log?: (s: string) => void }} [opts]
 */
export async function cameraBench(page, opts = {}) {
  const {
    sizes = [
      [1280, 720],
      [1920, 1080],
    ],
    fps = 30,
    seconds = 8,
    warmupSeconds = 2,
    maxInFlight = 2,
    recipe = CAMERA_BENCH_RECIPE,
    log = (s) => console.log(s),
  } = opts;
  const workers = opts.workers ?? (await page.evaluate(() => navigator.hardwareConcurrency || 2));
  const hasCamera = await page.evaluate(
    async () => (await navigator.mediaDevices?.enumerateDevices?.())?.some((d) => d.kind === 'videoinput') ?? false,
  );
  if (!hasCamera) throw new Error('no camera in this browser: launch it with CAMERA_BENCH_ARGS (fake device)');
  const rows = [];
  for (const [width, height] of sizes) {
    log(`camera: ${width}×${height} @ ${fps} fps, ${recipe.name}, ${workers} workers, maxInFlight ${maxInFlight}, ${seconds} s …`);
    const r = await page.evaluate(cameraRunInPage, { width, height, fps, seconds, warmupSeconds, workers, maxInFlight, recipe });
    const s = r.stats;
    rows.push({
      size: `${width}x${height}`,
      captureSettings: r.settings,
      seconds: s.elapsedMs / 1000,
      captured: s.captured,
      processed: s.processed,
      shown: s.shown,
      dropped: s.dropped,
      stale: s.stale,
      failed: s.failed,
      dropRate: s.dropRate,
      latencyP50Ms: s.latencyP50,
      latencyP95Ms: s.latencyP95,
      latencyMaxMs: s.latencyMax,
      inputFps: s.inputFps,
      processedFps: s.fps,
      sourceDiscarded: r.sourceDiscarded,
      // Held: the camera delivered ~fps and (almost) every captured frame was shown.
      held30: s.inputFps >= fps * 0.95 && s.fps >= fps * 0.95,
      framesOpenAfterStop: s.frames.opened - s.frames.closed,
    });
  }
  const head = ['size', 'captured', 'processed', 'dropped', 'drop %', 'p50 ms', 'p95 ms', 'in fps', 'out fps', `${fps} fps held`];
  const table = rows.map((x) => [
    x.size,
    x.captured,
    x.processed,
    x.dropped,
    (x.dropRate * 100).toFixed(1),
    x.latencyP50Ms.toFixed(0),
    x.latencyP95Ms.toFixed(0),
    x.inputFps.toFixed(1),
    x.processedFps.toFixed(1),
    x.held30 ? 'yes' : 'no',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => String(r[i]).length)));
  /** @param {(string | number)[]} cells */
  const line = (cells) => cells.map((c, i) => (i ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
  log(line(head));
  for (const r of table) log(line(r));
  return { kind: 'camera', recipe, fps, seconds, warmupSeconds, workers, maxInFlight, launchArgs: CAMERA_BENCH_ARGS, rows };
}

// Standalone run.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { parseArgs } = await import('node:util');
  const { startApp } = await import('../tests/browser/harness.mjs');
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, workers: { type: 'string' }, json: { type: 'string' } } });
  // The built app (dist/ or $TESSERA_DIST, checked current) with the fake camera.
  const app = await startApp({ extraArgs: CAMERA_BENCH_ARGS });
  try {
    for (const e of app.errors) console.error(`page error: ${e}`);
    app.page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    const result = await cameraBench(app.page, {
      seconds: values.seconds ? Number(values.seconds) : undefined,
      workers: values.workers ? Number(values.workers) : undefined,
    });
    if (values.json) (await import('node:fs')).writeFileSync(values.json, JSON.stringify(result, null, 2));
    else console.log(JSON.stringify(result.rows, null, 1));
  } finally {
    await app.close();
  }
}
