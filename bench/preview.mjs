// The studio's live preview on a 24 MP photo (issue 13, "a truthful preview"): the time from the
// last change of a slider to the preview showing that change, as a person drags it.
//
//   node bench/preview.mjs [--dist DIR] [--trials N]       (npm run bench -- --only preview)
//
// Inputs (made once into .tmp/preview-bench/ with wasm-vips in Node): a generated 6000×4000
// photo-like JPEG (gradients, shapes and noise), and a real photo — the first face-api sample
// upscaled ×3.125 (lanczos3) to 6000×4000. Both Q90.
//
// In the built studio at 1366×768, per photo and recipe, at Fit and at 100%: a drag is simulated
// on the step's real slider (6 input events 30 ms apart, as a dragged range input sends them);
// the page records every new preview the panel shows; the figure is the time from the last input
// event to the last preview shown (the one for the final value: nothing changes for 800 ms after
// it, and it is not a quick view awaiting its exact one). Median and range over --trials drags.
//
// Recipes: two tileable ones (the Edge map reference pipeline with its last step's factor, and
// Filter sampler — five Pillow filters — with its Detail strength), and Web export (global:
// resize to 2048 then unsharp mask) with its Amount (after the resize) and its Width (the resize
// itself: the quick reduced view, then the exact one; both times reported).
//
// --dist DIR measures another build of the app (e.g. an older commit's, made with
// `git archive <commit> | tar -x -C /tmp/old && (cd /tmp/old && ln -s $PWD/node_modules && npx vite build)`),
// so before and after are measured alike. Prints a table, writes bench/results/preview-<time>.json.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, buildHint, distDir, staleness } from '../scripts/lib/dist.mjs';
import { launch, openApp } from '../scripts/lib/browser.mjs';
import { serve } from '../scripts/lib/serve.mjs';

const { values } = parseArgs({ options: { dist: { type: 'string' }, trials: { type: 'string', default: '5' } } });
const trials = Number(values.trials);
if (!Number.isInteger(trials) || trials < 1 || trials > 50) throw new Error(`--trials must be 1–50, got ${values.trials}`);
const dist = values.dist ? resolve(values.dist) : distDir();
if (!values.dist && staleness(dist)) throw new Error(`${staleness(dist)}: build it first (${buildHint(dist)})`);

const DIR = join(ROOT, '.tmp', 'preview-bench');
const W = 6000,
  H = 4000;

/** Makes (or reuses) the two 24 MP inputs. @returns {Promise<{ name: string, file: string }[]>} */
async function inputs() {
  const files = [
    { name: 'generated 24 MP', file: join(DIR, 'generated-24mp.jpg') },
    { name: 'photo ×3.125, 24 MP', file: join(DIR, 'photo-24mp.jpg') },
  ];
  if (files.every((f) => existsSync(f.file))) return files;
  mkdirSync(DIR, { recursive: true });
  const { default: Vips } = await import('wasm-vips');
  const vips = await Vips({ dynamicLibraries: [], print: () => {}, printErr: () => {} });
  vips.Cache.max(0);
  // Generated: colour gradients, circles and fine noise (detail for the filters to find).
  const xy = vips.Image.xyz(W, H);
  const x = xy.extractBand(0),
    y = xy.extractBand(1);
  const r = x.multiply(255 / W),
    g = y.multiply(255 / H);
  const rings = x
    .subtract(W / 2)
    .pow(2)
    .add(y.subtract(H / 2).pow(2))
    .pow(0.5)
    .multiply(0.05)
    .sin()
    .multiply(60)
    .add(128);
  const noise = vips.Image.gaussnoise(W, H, { sigma: 18, mean: 0 });
  const rgb = r.bandjoin([g, rings]).add(noise).cast('uchar');
  writeFileSync(files[0].file, rgb.jpegsaveBuffer({ Q: 90 }));
  const sample = join(ROOT, '.tmp', 'face-samples', 'sample1.jpg');
  if (!existsSync(sample)) throw new Error(`${sample} is missing: run npm install (scripts/setup-models.mjs provisions it)`);
  const photo = vips.Image.newFromFile(sample).resize(3.125, { kernel: 'lanczos3' }).crop(0, 0, W, H);
  writeFileSync(files[1].file, photo.jpegsaveBuffer({ Q: 90 }));
  for (const im of [xy, x, y, r, g, rings, noise, rgb, photo]) im.delete();
  return files;
}

const CASES = [
  {
    name: 'tileable (Edge map, Brighten factor)',
    preset: 'seed',
    step: 4,
    param: 'factor',
    values: [1.0, 1.1, 1.2, 1.3, 1.4, 1.5],
  },
  {
    name: 'tileable (Filter sampler, Detail)',
    preset: 'pillow-tour',
    step: 1,
    param: 'intensity',
    values: [0.2, 0.35, 0.5, 0.65, 0.8, 0.95],
  },
  {
    name: 'global (Web export, Amount after the resize)',
    preset: 'web-export',
    step: 2,
    param: 'amount',
    values: [0.3, 0.6, 0.9, 1.2, 1.5, 1.8],
  },
  {
    name: 'global (Web export, the resize Width)',
    preset: 'web-export',
    step: 1,
    param: 'width',
    values: [1900, 1800, 1700, 1600, 1500, 1400],
  },
];

/**
 * One simulated drag in the page; resolves with the ms from the last input to the first and the
 * last preview shown after it, and whether the last was exact.
 * @param {import('playwright-core').Page} page
 * @param {{ step: number, param: string, values: number[] }} c
 */
function drag(page, c) {
  return page.evaluate(async ({ step, param, values }) => {
    const studio = document.querySelector('tessera-studio');
    const editor = studio?.shadowRoot?.querySelector('recipe-editor');
    const panel = studio?.shadowRoot?.querySelector('preview-panel');
    if (!editor || !panel) throw new Error('no recipe editor or preview panel');
    const number = editor.shadowRoot?.querySelectorAll('li.step')[step]?.querySelector(`input[type=number][data-param="${param}"]`);
    const range = /** @type {HTMLInputElement | null} */ (number?.previousElementSibling);
    if (!range || range.type !== 'range') throw new Error(`no slider for ${param} in step ${step}`);
    /** @type {{ t: number, pending: boolean }[]} */
    const all = [];
    let last = panel.result;
    let watching = true;
    const watch = () => {
      if (panel.result !== last) {
        last = panel.result;
        all.push({ t: performance.now(), pending: !!last?.truth?.pending });
      }
      if (watching) requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
    let tLast = 0;
    for (const v of values) {
      range.value = String(v);
      range.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      tLast = performance.now();
      await new Promise((r) => setTimeout(r, 30));
    }
    // Only previews shown after the last input count.
    const after = () => all.filter((s) => s.t > tLast);
    const t0 = performance.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      const lastShown = after().at(-1);
      if (lastShown && !lastShown.pending && performance.now() - lastShown.t > 800) break;
      if (performance.now() - t0 > 60_000) break;
    }
    watching = false;
    const shown = after();
    const end = shown.at(-1);
    return {
      firstMs: shown[0] ? shown[0].t - tLast : undefined,
      lastMs: end ? end.t - tLast : undefined,
      exactMs: shown.find((s) => !s.pending) ? /** @type {{ t: number }} */ (shown.find((s) => !s.pending)).t - tLast : undefined,
      previews: shown.length,
      pendingSeen: shown.some((s) => s.pending),
    };
  }, c);
}

/** Waits until the preview is settled (nothing new for 1 s). @param {import('playwright-core').Page} page */
async function settle(page) {
  await page.evaluate(async () => {
    const studio = document.querySelector('tessera-studio');
    const panel = () => studio?.shadowRoot?.querySelector('preview-panel');
    for (let i = 0; i < 600 && !panel()?.result; i++) await new Promise((r) => setTimeout(r, 100));
    let last = panel()?.result,
      since = performance.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      const now = panel()?.result;
      if (now !== last) [last, since] = [now, performance.now()];
      else if (performance.now() - since > 1000 && !now?.truth?.pending && !studio?.previewBusy) return;
    }
  });
}

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const files = await inputs();
const server = await serve({ root: dist });
const browser = await launch();
/** @type {{ input: string, recipe: string, view: string, lastMedianMs: number, lastMinMs: number, lastMaxMs: number, firstMedianMs: number, quickView: boolean, meta?: string, runs: unknown[] }[]} */
const rows = [];
try {
  const { page } = browser;
  await page.setViewportSize({ width: 1366, height: 768 });
  await openApp(page, server.url);
  for (const input of files) {
    await page.setInputFiles('tessera-studio #files-input', input.file);
    for (const c of CASES) {
      await page.evaluate((key) => {
        document.querySelector('tessera-studio')?.useRecipe(window.tessera.PRESETS[key]);
      }, c.preset);
      await settle(page);
      // An older build without Fit shows its own default view: measured once as it is, said so.
      const hasZoom = (await page.locator('tessera-studio preview-panel #zoom-fit').count()) > 0;
      for (const zoom of hasZoom ? ['fit', '100'] : ['default']) {
        if (hasZoom) await page.locator(`tessera-studio preview-panel #zoom-${zoom}`).click();
        await settle(page);
        /** @type {Awaited<ReturnType<typeof drag>>[]} */
        const runs = [];
        for (let i = 0; i < trials; i++) {
          runs.push(await drag(page, { ...c, values: i % 2 ? [...c.values].reverse() : c.values }));
          await settle(page);
        }
        const last = runs.map((r) => r.lastMs ?? NaN);
        const first = runs.map((r) => r.firstMs ?? NaN);
        const row = {
          input: input.name,
          recipe: c.name,
          view: zoom,
          lastMedianMs: median(last),
          lastMinMs: Math.min(...last),
          lastMaxMs: Math.max(...last),
          firstMedianMs: median(first),
          quickView: runs.some((r) => r.pendingSeen),
          meta: (await page.textContent('tessera-studio preview-panel #preview-meta'))?.replace(/\s+/g, ' ').trim(),
          runs,
        };
        rows.push(row);
        console.log(
          `${input.name.padEnd(20)} ${c.name.padEnd(46)} ${String(row.view).padEnd(7)} last ${row.lastMedianMs.toFixed(0).padStart(5)} ms ` +
            `(${row.lastMinMs.toFixed(0)}–${row.lastMaxMs.toFixed(0)})  first ${row.firstMedianMs.toFixed(0).padStart(5)} ms${row.quickView ? '  (quick view, then exact)' : ''}`,
        );
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
}

console.log('\n| input | recipe (slider dragged) | view | last change → preview shown, median (range) | first preview after it |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows)
  console.log(
    `| ${r.input} | ${r.recipe} | ${r.view} | ${Number(r.lastMedianMs).toFixed(0)} ms (${Number(r.lastMinMs).toFixed(0)}–${Number(r.lastMaxMs).toFixed(0)}) | ${Number(r.firstMedianMs).toFixed(0)} ms${r.quickView ? ' (quick view)' : ''} |`,
  );
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const jsonFile = join(ROOT, 'bench', 'results', `preview-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(jsonFile, JSON.stringify({ dist, trials, viewport: [1366, 768], rows }, null, 2));
console.log(`\nwrote ${jsonFile}`);
