// Faces across workers, in the built app (headless Chromium), side by side in one run:
//
// - One 4000×3000 group photo (sample1 pasted four times at 40 %: 12 faces of ~80 px) through
//   detect-faces: 1 worker; N workers with the photo in one worker (splitFaces off); N workers
//   sharing its small-face passes (the default). Latency of one photo (best of `repeat`), and a
//   batch of `photos` copies (throughput). Workers are warmed first (OpenCV and the net loaded).
// - A redact-faces video (a moving face, 320×240, 60 frames): 1 worker vs N — detection runs in
//   parallel, tracking in frame order, and the redaction calls in parallel again.
//
//   import { facesWorkersBench } from './faces-workers.mjs';  const json = await facesWorkersBench(page, { workers: 2 });
import { makeGroupPhoto, iou } from '../tests/browser/face-fixtures.mjs';
import { makeFaceVideo } from '../tests/browser/video-fixtures.mjs';
import { samplePhoto } from '../tests/browser/harness.mjs';

/**
 * @param {import('playwright-core').Page} page the built app, open
 * @param {{ workers?: number, repeat?: number, photos?: number, frames?: number, log?: (s: string) => void }} [opts]
 */
export async function facesWorkersBench(page, { workers = 2, repeat = 3, photos = 4, frames = 60, log = console.log } = {}) {
  const PHOTO = samplePhoto('sample1.jpg');
  const expected = await makeGroupPhoto(page, { image: PHOTO, name: 'benchGroup' });
  const configs = [
    { label: '1 worker', workers: 1, splitFaces: false },
    { label: `${workers} workers, photo in one worker`, workers, splitFaces: false },
    { label: `${workers} workers, passes shared`, workers, splitFaces: true },
  ];
  /**
   * @type {{ label: string, workers: number, splitFaces: boolean, latencyMs: number, photos: number, batchSeconds: number,
   *   photosPerSecond: number, found: number, truth: number, boxes: number, tasksPerWorker: number[] }[]}
   */
  const rows = [];
  for (const c of configs) {
    const r = await page.evaluate(
      async ({ c, repeat, photos }) => {
        const t = window.tessera;
        const photo = window.benchGroup;
        if (!photo) throw new Error('no group photo in the page');
        const pool = t.createEnginePool(c.workers);
        const recipe = { name: 'faces', steps: [{ op: 'detect-faces' }] };
        /** @param {string} path */
        const one = (path) => ({ path, file: () => Promise.resolve(photo) });
        try {
          await t.runBatch({ input: [one('warm.jpg')], output: new t.MemorySink(), recipe, pool, splitFaces: true });
          let best = Infinity;
          /** @type {import('../src/core/faces').FacesReport | undefined} */
          let report;
          for (let i = 0; i < repeat; i++) {
            const sink = new t.MemorySink();
            const t0 = performance.now();
            await t.runBatch({ input: [one('group.jpg')], output: sink, recipe, pool, splitFaces: c.splitFaces });
            best = Math.min(best, performance.now() - t0);
            const json = sink.files.get('group.jpg.faces.json');
            if (!json) throw new Error('no faces report');
            /** @type {unknown} */
            const parsed = JSON.parse(new TextDecoder().decode(json));
            report = /** @type {import('../src/core/faces').FacesReport} */ (parsed);
          }
          if (!report) throw new Error('no run (repeat 0)');
          const t0 = performance.now();
          const s = await t.runBatch({
            input: Array.from({ length: photos }, (_, i) => one(`g${i}.jpg`)),
            output: new t.MemorySink(),
            recipe,
            pool,
            splitFaces: c.splitFaces,
          });
          const batchSeconds = (performance.now() - t0) / 1000;
          return {
            latencyMs: best,
            batchSeconds,
            ok: s.ok,
            faces: report.faces.map((f) => f.box),
            tasks: pool.metrics().workers.map((w) => w.tasks),
          };
        } finally {
          pool.dispose();
        }
      },
      { c, repeat, photos },
    );
    const found = expected.filter((e) => r.faces.some((b) => iou(b, e) >= 0.4)).length;
    rows.push({
      ...c,
      latencyMs: r.latencyMs,
      photos,
      batchSeconds: r.batchSeconds,
      photosPerSecond: r.ok / r.batchSeconds,
      found,
      truth: expected.length,
      boxes: r.faces.length,
      tasksPerWorker: r.tasks,
    });
  }
  const same = rows.every((r) => r.found === rows[0].found && r.boxes === rows[0].boxes);

  // Video: redact-faces with tracking, 1 worker vs N.
  await makeFaceVideo(page, { name: 'bench-face', image: PHOTO, crop: [775, 360, 320, 360], frames });
  const video = [];
  for (const n of [1, workers]) {
    const r = await page.evaluate(
      async ({ n }) => {
        const t = window.tessera;
        const clip = window.__videos?.['bench-face'];
        if (!clip) throw new Error('no bench-face clip in the page');
        const pool = t.createEnginePool(n);
        try {
          const run = () =>
            t.runVideo({
              file: clip,
              name: 'bench-face',
              steps: t.resolveSteps({ name: 'r', steps: [{ op: 'redact-faces', params: { effect: 'blur' } }] }),
              options: t.validateVideoOptions({ container: 'mp4', codec: 'h264' }),
              pool,
              buffers: new t.BufferPool(),
            });
          await run(); // warm
          const r = await run();
          return {
            frames: r.frames,
            fps: r.timings.fps,
            seconds: r.timings.seconds,
            redacted: r.faces?.framesRedacted,
            stepsMs: r.timings.stepsMs,
          };
        } finally {
          pool.dispose();
        }
      },
      { n },
    );
    video.push({ workers: n, ...r });
  }

  /** @param {number} v */
  const f = (v, d = 0) => v.toFixed(d);
  log(
    `\nfaces across workers: 4000×3000 group photo, ${expected.length} faces of ~80 px, detect-faces (BlazeFace, tiles); best of ${repeat}; workers warm`,
  );
  log('| configuration | 1 photo ms | speedup | ' + photos + ' photos s | photos/s | faces found | tasks per worker |');
  log('|---|---|---|---|---|---|---|');
  for (const r of rows)
    log(
      `| ${r.label} | ${f(r.latencyMs)} | ${f(rows[0].latencyMs / r.latencyMs, 2)}× | ${f(r.batchSeconds, 2)} | ${f(r.photosPerSecond, 2)} | ${r.found}/${r.truth} (${r.boxes} boxes) | ${r.tasksPerWorker.join(', ')} |`,
    );
  log(`same faces in every configuration: ${same ? 'yes' : 'NO'}`);
  log(`\nredact-faces (blur) on a ${frames}-frame 320×240 clip, tracked, H.264 out`);
  log('| workers | fps | s | frames redacted |\n|---|---|---|---|');
  for (const v of video) log(`| ${v.workers} | ${f(v.fps, 1)} | ${f(v.seconds, 2)} | ${v.redacted}/${v.frames} |`);
  return { photo: { width: 4000, height: 3000, faces: expected.length, repeat, rows, sameFaces: same }, video };
}
