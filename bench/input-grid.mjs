// The studio's input grid with 10,000 files (issue 13: "10,000 files stay smooth"): how long the
// folder takes to list into the grid, how many elements the page holds, and the frame times while
// the grid scrolls — steadily (a fling, 60 px a frame) and in jumps (a dragged scrollbar: a random
// position each frame) — with the thumbnails decoding meanwhile; at 1366×768 and 390×844.
//
//   node bench/input-grid.mjs [--files 10000]        (needs a built dist/; npm run bench -- --only input-grid)
//
// Inputs: 320×240 JPEGs (24 distinct pictures, ~10 KB each, written 10,000 times under distinct
// names) in .tmp/input-grid/, handed to the studio's Folder (upload) input as a person would.
// Frame times come from requestAnimationFrame in the page (headless Chromium paces frames at
// 60 Hz; the machine is shared, so look at the median and p95 more than the maximum).
// Prints a table, writes bench/results/input-grid-<time>.json.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/lib/dist.mjs';
import { startApp } from '../tests/browser/harness.mjs';
import { encode, scene } from '../tests/browser/fixtures.mjs';

const { values } = parseArgs({ options: { files: { type: 'string', default: '10000' } } });
const COUNT = Number(values.files);
if (!Number.isInteger(COUNT) || COUNT < 1 || COUNT > 100_000) throw new Error(`--files must be 1–100000, got ${values.files}`);
const S = 'tessera-studio';
const GRID = `${S} input-grid`;

/** The input folder, made once per count (kept in .tmp/). */
async function inputFolder() {
  const dir = join(ROOT, '.tmp', 'input-grid', String(COUNT));
  if (existsSync(dir) && readdirSync(dir).length === COUNT) return dir;
  mkdirSync(dir, { recursive: true });
  const pictures = [];
  for (let i = 0; i < 24; i++) pictures.push(await encode(scene(320, 240, 3, 500 + i), 320, 240, 3, 'jpeg', 80));
  for (let i = 0; i < COUNT; i++) writeFileSync(join(dir, `IMG_${String(i).padStart(5, '0')}.jpg`), pictures[i % pictures.length]);
  return dir;
}

/** @param {number[]} xs @param {number} q */
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};

/**
 * Scrolls the grid for `frames` animation frames, `mode` 'fling' (60 px a frame, wrapping at
 * the end) or 'jump' (a random position each frame); returns the frame-to-frame times and the
 * most cells seen in the page at once.
 * @param {import('playwright-core').Page} page @param {'fling' | 'jump'} mode @param {number} frames
 * @returns {Promise<{ times: number[], maxCells: number, longTasks: number[] }>}
 */
function scrollFrames(page, mode, frames) {
  return page.evaluate(
    ({ mode, frames }) =>
      /** @type {Promise<{ times: number[], maxCells: number, longTasks: number[] }>} */ (
        new Promise((resolve) => {
          const grid = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('input-grid');
          const box = grid?.shadowRoot?.querySelector('.scroll');
          if (!grid?.shadowRoot || !box) throw new Error('no input grid');
          const root = grid.shadowRoot;
          // Main-thread tasks over 50 ms meanwhile: a long frame without one was the machine (or
          // the compositor), not the page's own work.
          /** @type {number[]} */
          const longTasks = [];
          const observer = new PerformanceObserver((list) => {
            for (const e of list.getEntries()) longTasks.push(e.duration);
          });
          observer.observe({ type: 'longtask' });
          /** @type {number[]} */
          const times = [];
          let maxCells = 0;
          let last = performance.now();
          let n = 0;
          let seed = 7;
          const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
          const step = () => {
            const now = performance.now();
            if (n > 0) times.push(now - last);
            last = now;
            maxCells = Math.max(maxCells, root.querySelectorAll('.cell').length);
            if (n++ >= frames) {
              observer.disconnect();
              return resolve({ times, maxCells, longTasks });
            }
            const end = box.scrollHeight - box.clientHeight;
            box.scrollTop = mode === 'fling' ? (box.scrollTop + 60 > end ? 0 : box.scrollTop + 60) : Math.floor(rnd() * end);
            requestAnimationFrame(step);
          };
          requestAnimationFrame(step);
        })
      ),
    { mode, frames },
  );
}

/** Elements in the document, shadow roots included; and in the grid's own root. @param {import('playwright-core').Page} page */
function elementCounts(page) {
  return page.evaluate(() => {
    /** @param {Document | ShadowRoot} root @returns {number} */
    const count = (root) => {
      let n = 0;
      for (const el of root.querySelectorAll('*')) {
        n++;
        if (el.shadowRoot) n += count(el.shadowRoot);
      }
      return n;
    };
    const grid = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('input-grid');
    return {
      page: count(document),
      grid: grid?.shadowRoot ? count(grid.shadowRoot) : 0,
      cells: grid?.shadowRoot?.querySelectorAll('.cell').length ?? 0,
    };
  });
}

const dir = await inputFolder();
const app = await startApp();
const results = [];
try {
  for (const [width, height] of [
    [1366, 768],
    [390, 844],
  ]) {
    const { page } = app;
    await page.setViewportSize({ width, height });
    await page.reload();
    await page.waitForFunction(() => window.tessera && customElements.get('tessera-studio'));
    const t0 = Date.now();
    await page.setInputFiles(`${S} #folder-input`, dir);
    await page.waitForFunction(
      (n) =>
        document.querySelector('tessera-studio')?.shadowRoot?.querySelector('input-grid')?.shadowRoot?.querySelector('#included-count')
          ?.textContent === `${n} of ${n} included`,
      COUNT,
      { timeout: 300_000 },
    );
    const listMs = Date.now() - t0;
    // Let the first screen's thumbnails and the preview settle before timing frames.
    await page.waitForTimeout(1500);
    const idle = await elementCounts(page);
    const fling = await scrollFrames(page, 'fling', 300);
    const jump = await scrollFrames(page, 'jump', 120);
    const after = await elementCounts(page);
    const thumbs = await page.$eval(GRID, (g) => /** @type {import('../src/ui/input-grid').InputGrid} */ (g).thumbnailStats);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    /** @param {{ times: number[], maxCells: number, longTasks: number[] }} r */
    const frameStats = (r) => ({
      frames: r.times.length,
      medianMs: quantile(r.times, 0.5),
      p95Ms: quantile(r.times, 0.95),
      maxMs: Math.max(...r.times),
      over50ms: r.times.filter((t) => t > 50).length,
      maxCells: r.maxCells,
      longTasks: r.longTasks.length,
      longestTaskMs: r.longTasks.length ? Math.max(...r.longTasks) : 0,
    });
    results.push({
      viewport: `${width}×${height}`,
      files: COUNT,
      listMs,
      elements: { idle, afterScrolling: after },
      fling: frameStats(fling),
      jump: frameStats(jump),
      thumbnails: thumbs,
      scrollWidth,
    });
  }
  if (app.errors.length) throw new Error(`page errors: ${app.errors.join('; ')}`);
} finally {
  await app.close();
}

const f1 = (/** @type {number} */ x) => x.toFixed(1);
console.log(`\nInput grid, ${COUNT} files (Folder (upload) input), headless Chromium\n`);
console.log(
  '| viewport | listed in | cells / grid elements / page elements | fling: median / p95 / max ms, >50 ms, long tasks | jumps: median / p95 / max ms, >50 ms, long tasks | thumbnails held / decoded | scrollWidth |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  const e = r.elements.afterScrolling;
  console.log(
    `| ${r.viewport} | ${(r.listMs / 1000).toFixed(2)} s | ${Math.max(r.fling.maxCells, r.jump.maxCells)} / ${e.grid} / ${e.page} | ${f1(r.fling.medianMs)} / ${f1(r.fling.p95Ms)} / ${f1(r.fling.maxMs)}, ${r.fling.over50ms} of ${r.fling.frames}, ${r.fling.longTasks} | ${f1(r.jump.medianMs)} / ${f1(r.jump.p95Ms)} / ${f1(r.jump.maxMs)}, ${r.jump.over50ms} of ${r.jump.frames}, ${r.jump.longTasks} | ${r.thumbnails.held} / ${r.thumbnails.decoded} | ${r.scrollWidth} |`,
  );
}
const out = join(ROOT, 'bench', 'results');
mkdirSync(out, { recursive: true });
const file = join(out, `input-grid-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ startedAt: new Date().toISOString(), files: COUNT, results }, null, 2));
console.log(`\nwrote ${file}`);
