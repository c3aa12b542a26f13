// The studio's preview on a video frame (jobs/video-frames.ts): how long a chosen frame takes to
// reach the screen through the recipe, on a 1080p30 H.264 pan over sample1.jpg with a key frame
// every 2 s (made in the page, tests/browser/video-fixtures.mjs makePanVideo).
//
//   node bench/video-preview.mjs [--runs 3]      (needs a built dist/)
//
// 1. The still alone (VideoFrames.frameAt: seek to the key frame before, decode up to the frame,
//    copy out, write the TIFF), per frame: the key frame itself, one after it, the last before
//    the next key frame (the longest decode), and that frame reached with → from the one before
//    (the open decode goes on), for a colour recipe (RGBA copy) and a gray-first one (luma plane).
// 2. The studio: the scrubber set to a frame (one 'input' event, as a drag's pause), until the
//    preview shows it — the studio's 150 ms debounce included — for Negative (colour) and the
//    Edge map (gray first, five steps).
// Prints a table, writes bench/results/video-preview-<time>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/lib/dist.mjs';
import { samplePhoto, startApp } from '../tests/browser/harness.mjs';
import { makePanVideo } from '../tests/browser/video-fixtures.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Math.max(1, Number(values.runs) || 3);
const FPS = 30;
const FRAMES = 120; // 4 s: key frames at 0 and 60
/** `from`: the frame shown just before (a step with → continues the decode instead of seeking). */
const TARGETS = [
  { label: 'key frame (60)', index: 60 },
  { label: 'key + 1 (61)', index: 61 },
  { label: 'last before next key (59)', index: 59 },
  { label: '→ from 58 to 59', index: 59, from: 58 },
];
const NEGATIVE = { name: 'Negative', steps: [{ op: 'invert' }] };
const EDGES = {
  name: 'Edge map',
  steps: [
    { op: 'grayscale' },
    { op: 'gaussian-blur', params: { sigma: 2 } },
    { op: 'sobel' },
    { op: 'sharpen' },
    { op: 'brightness', params: { factor: 1.2 } },
  ],
};

const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const app = await startApp();
const { page } = app;
try {
  await page.setViewportSize({ width: 1366, height: 768 });
  await makePanVideo(page, { name: 'pan', image: samplePhoto('sample1.jpg'), frames: FRAMES, fps: FPS, audio: false, keyEvery: 2 });

  // 1. The still alone.
  /** @type {{ recipe: string, frame: string, ms: number, luma: boolean, tiffBytes: number }[]} */
  const stills = [];
  for (const recipe of [NEGATIVE, EDGES])
    for (const t of TARGETS) {
      const r = await page.evaluate(
        async ({ recipe, index, from, runs }) => {
          const clip = window.__videos?.pan;
          if (!clip) throw new Error('no clip');
          const frames = await window.tessera.openVideoFrames(clip, 'pan.mp4');
          try {
            const steps = window.tessera.resolveSteps(recipe);
            /** @type {number[]} */
            const ms = [];
            let last;
            for (let i = 0; i < runs; i++) {
              // A seek elsewhere first (so each run starts cold), then the frame before, untimed.
              await frames.frameAt(index < 30 ? 100 : 0, steps);
              if (from !== undefined) await frames.frameAt(from, steps);
              const t0 = performance.now();
              last = await frames.frameAt(index, steps);
              ms.push(performance.now() - t0);
            }
            return { ms, luma: !!last?.luma, tiffBytes: last?.image.size ?? 0 };
          } finally {
            frames.dispose();
          }
        },
        { recipe, index: t.index, from: t.from, runs: RUNS },
      );
      stills.push({ recipe: recipe.name, frame: t.label, ms: median(r.ms), luma: r.luma, tiffBytes: r.tiffBytes });
    }

  // 2. The studio, scrubber to preview.
  /** @type {{ recipe: string, frame: string, ms: number }[]} */
  const studio = [];
  for (const recipe of [NEGATIVE, EDGES]) {
    await page.evaluate((r) => {
      const studio = document.querySelector('tessera-studio');
      const clip = window.__videos?.pan;
      if (!studio || !clip) throw new Error('no studio or clip');
      studio.useRecipe(r);
      studio.useInputFiles([new File([clip], 'pan.mp4', { type: 'video/mp4' })]);
    }, recipe);
    await page.waitForSelector('tessera-studio video-scrubber #frame', { timeout: 120_000 });
    await page.waitForSelector('tessera-studio preview-panel #preview-meta', { timeout: 120_000 });
    for (const t of [...TARGETS.filter((t) => t.from === undefined), { label: 'back to the first (0)', index: 0 }]) {
      /** @type {number[]} */
      const ms = [];
      for (let i = 0; i < RUNS; i++) {
        // From another frame each time, so the preview really has to change.
        for (const index of [i % 2 ? 30 : 90, t.index]) {
          const took = await page.evaluate(async (index) => {
            const root = document.querySelector('tessera-studio')?.shadowRoot;
            const panel = root?.querySelector('preview-panel');
            const range = /** @type {HTMLInputElement | null | undefined} */ (
              root?.querySelector('video-scrubber')?.shadowRoot?.querySelector('#frame')
            );
            if (!panel || !range) throw new Error('no preview or scrubber');
            const before = panel.result;
            const t0 = performance.now();
            range.value = String(index);
            range.dispatchEvent(new Event('input', { bubbles: true }));
            await new Promise((resolve, reject) => {
              const deadline = t0 + 60_000;
              const poll = () => {
                if (panel.result !== before && !panel.shadowRoot?.querySelector('#preview-status')) resolve(undefined);
                else if (performance.now() > deadline) reject(new Error(`frame ${index} never showed`));
                else requestAnimationFrame(poll);
              };
              poll();
            });
            return performance.now() - t0;
          }, index);
          if (index === t.index) ms.push(took);
        }
      }
      studio.push({ recipe: recipe.name, frame: t.label, ms: median(ms) });
    }
  }

  console.log(`\nVideo frame preview — 1920×1080 H.264, ${FPS} fps, key frame every 2 s; median of ${RUNS}\n`);
  console.log('still (seek + decode + copy + TIFF)');
  console.log('recipe      frame                        route   ms      TIFF');
  for (const s of stills)
    console.log(
      `${s.recipe.padEnd(11)} ${s.frame.padEnd(28)} ${(s.luma ? 'luma' : 'RGB').padEnd(7)} ${s.ms.toFixed(0).padStart(5)}   ${(s.tiffBytes / 2 ** 20).toFixed(1)} MiB`,
    );
  console.log('\nstudio: scrubber set → preview shown (150 ms debounce included)');
  console.log('recipe      frame                        ms');
  for (const s of studio) console.log(`${s.recipe.padEnd(11)} ${s.frame.padEnd(28)} ${s.ms.toFixed(0).padStart(5)}`);
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `video-preview-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ runs: RUNS, width: 1920, height: 1080, fps: FPS, keyEverySeconds: 2, stills, studio }, null, 2));
  console.log(`\n${file}`);
} finally {
  await app.close();
}
