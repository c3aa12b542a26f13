// Video bench: generated H.264 clips at 720p, 1080p and 4K (made in the page with WebCodecs),
// then, for each, decode only (decode + copyTo RGBA, no workers), decode + recipe (the worker
// pool, no encoder) and the full transcode (H.264 out). Prints a table and returns JSON.
//
//   import { videoBench } from './video.mjs';  const json = await videoBench(page, { frames: 60 });
//
// Standalone: `node bench/video.mjs [frames]` (needs a built dist/).
import { makeVideo } from '../tests/browser/video-fixtures.mjs';

// Edges are found on luminance (as the Edges preset does): gray first, then blur and Sobel. A
// colour variant (blur and Sobel on R, G and B) is three times the work: --video-colour.
export const BLUR_EDGES = { name: 'blur + edges', steps: [{ op: 'grayscale' }, { op: 'gaussian-blur', params: { sigma: 1.5 } }, { op: 'sobel' }] };
export const BLUR_EDGES_COLOUR = { name: 'blur + edges (colour)', steps: [{ op: 'gaussian-blur', params: { sigma: 1.5 } }, { op: 'sobel' }] };

const SIZES = [
  { label: '720p', width: 1280, height: 720, codec: 'avc1.640028' },
  { label: '1080p', width: 1920, height: 1080, codec: 'avc1.640028' },
  { label: '4K', width: 3840, height: 2160, codec: 'avc1.640033' },
];

export async function videoBench(page, { frames = 60, fps = 30, sizes = SIZES, workers, recipe = BLUR_EDGES, log = console.log } = {}) {
  const rows = [];
  for (const s of sizes) {
    const name = `bench-${s.label}`;
    const t0 = Date.now();
    await makeVideo(page, { name, container: 'mp4', codec: s.codec, width: s.width, height: s.height, frames, fps, bitrate: Math.round(s.width * s.height * fps * 0.1) });
    log(`generated ${s.label} (${frames} frames) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const mode of ['decode', 'process', 'transcode']) {
      const r = await page.evaluate(async ({ name, mode, recipe, workers }) => {
        const t = window.tessera;
        const pool = (window.__benchPool ??= t.createEnginePool(workers));
        const buffers = (window.__benchBuffers ??= new t.BufferPool());
        await pool.broadcast((api) => api.start());
        const r = await t.runVideo({
          file: window.__videos[name], name, steps: t.resolveSteps(recipe), mode,
          options: t.validateVideoOptions({ container: 'mp4', codec: 'h264' }), pool, buffers,
        });
        return { frames: r.frames, fps: r.timings.fps, seconds: r.timings.seconds, timings: r.timings, maxInFlight: r.maxInFlight, open: r.videoFrames.open, workers: pool.size, bytes: r.bytes?.length };
      }, { name, mode, recipe, workers });
      const per = (ms) => ms / r.frames;
      const row = {
        size: s.label, mode, frames: r.frames, workers: r.workers, fps: r.fps, seconds: r.seconds,
        copyMsPerFrame: per(r.timings.copyMs), workerMsPerFrame: per(r.timings.workerMs),
        stepsMsPerFrame: Object.fromEntries(Object.entries(r.timings.stepsMs).map(([k, v]) => [k, per(v)])),
        frameMsPerFrame: per(r.timings.frameMs), encodeWaitMsPerFrame: per(r.timings.encodeWaitMs),
        feedWaitMsPerFrame: per(r.timings.feedWaitMs), finishMs: r.timings.finishMs, maxInFlight: r.maxInFlight, openFrames: r.open, bytes: r.bytes,
      };
      rows.push(row);
    }
    await page.evaluate((name) => delete window.__videos[name], name);
  }
  await page.evaluate(() => { window.__benchPool?.dispose(); window.__benchPool = undefined; window.__benchBuffers = undefined; });
  const f = (x, d = 1) => (x === undefined ? '' : x.toFixed(d));
  log('\nvideo: ' + recipe.name + ` (${recipe.steps.map((s) => s.op).join(' → ')}), H.264 in/out, ms per frame (main thread: copyTo, frame build; worker call = queue + run + messaging)`);
  log('| size | mode | frames | fps | copyTo | worker call | steps | new VideoFrame | wait encoder | wait downstream | finish ms |');
  log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const steps = Object.entries(r.stepsMsPerFrame).map(([k, v]) => `${k} ${f(v)}`).join(', ');
    log(`| ${r.size} | ${r.mode} | ${r.frames} | ${f(r.fps)} | ${f(r.copyMsPerFrame)} | ${f(r.workerMsPerFrame)} | ${steps} | ${f(r.frameMsPerFrame)} | ${f(r.encodeWaitMsPerFrame)} | ${f(r.feedWaitMsPerFrame)} | ${f(r.finishMs, 0)} |`);
  }
  return { recipe, frames, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { startApp } = await import('../tests/browser/harness.mjs');
  const app = await startApp();
  try {
    const json = await videoBench(app.page, { frames: Number(process.argv[2] ?? 60) });
    console.log(JSON.stringify(json));
  } finally {
    await app.close();
  }
}
