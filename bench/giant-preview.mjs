// The studio's preview of giant JPEGs (issue 11): how soon "fit" shows, how soon a zoomed region
// is at full resolution, and the memory of every browser process meanwhile; plus the decoders the
// fit view could use, timed side by side on the same file.
//
//   node bench/giant-preview.mjs [--sizes 100,300,1000]      (needs a built dist/)
//
// Per size (inputs from bench/lib/giant-inputs.mjs, kept in .tmp/giant/):
//  1. decoders, in a fresh page: the browser's ImageDecoder asked for 1/8 scale (desiredWidth/
//     Height) in a worker, createImageBitmap with resizeWidth/Height to the fit size, and the
//     app's overview call with wasm-vips' shrink-on-load (decoder 'vips') and as the studio runs
//     it ('auto');
//  2. the studio, in a fresh browser: the giant file chosen first thing (engines start with it:
//     "cold"), time to the first and the complete fit view; a small photo and the giant file again
//     ("warm" fit); 100% at the centre: time to the first (reduced) and the exact region; the
//     full-resolution cache's build time; a pan once it is ready. Then the same session again for
//     the peak PSS / RSS of all the browser's processes, sampled every 500 ms (sampling slows the
//     renderer, so it is not done while timing).
// Prints a table, writes bench/results/giant-preview-<time>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/lib/dist.mjs';
import { handFiles, samplePhoto, startApp } from '../tests/browser/harness.mjs';
import { browserMemory, GIANT_SIZES, giantJpeg } from './lib/giant-inputs.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {{ ms?: number, error?: string, size?: number[], decoder?: string }} Timed */

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '100,300,1000' } } });
const sizes = values.sizes.split(',').map(Number);
for (const s of sizes)
  if (!(s in GIANT_SIZES)) throw new Error(`--sizes: ${s} is not one of ${Object.keys(GIANT_SIZES).join(', ')} (megapixels)`);
const STUDIO = 'tessera-studio';
const PANEL = `${STUDIO} preview-panel`;

/**
 * The fit-view decoders on the file handed to `page`, each timed alone.
 * @param {Page} page @param {number} w @param {number} h
 * @returns {Promise<Record<string, Timed>>}
 */
function decoders(page, w, h) {
  return page.evaluate(
    async ({ w, h }) => {
      const file = /** @type {HTMLInputElement} */ (document.getElementById('giant-input')).files?.[0];
      if (!file) throw new Error('no file handed to the page');
      /** @type {Record<string, { ms?: number, error?: string, size?: number[], decoder?: string }>} */
      const out = {};
      /** @param {string} name @param {() => Promise<{ size?: number[], decoder?: string }>} fn */
      const time = async (name, fn) => {
        const t = performance.now();
        try {
          out[name] = { ...(await fn()), ms: performance.now() - t };
        } catch (e) {
          out[name] = { ms: performance.now() - t, error: String(e) };
        }
      };
      // The browser's scaled JPEG decode, in a dedicated worker as the engine runs it.
      const code = `onmessage = async (e) => {
        try {
          const d = new ImageDecoder({ data: e.data.file.stream(), type: 'image/jpeg', desiredWidth: e.data.w, desiredHeight: e.data.h, colorSpaceConversion: 'none' });
          const { image } = await d.decode();
          const size = [image.codedWidth, image.codedHeight];
          image.close(); d.close();
          postMessage({ size });
        } catch (err) { postMessage({ error: String(err) }); }
      };`;
      await time('imageDecoder', async () => {
        const worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
        try {
          /** @type {{ size?: number[], error?: string }} */
          const r = await new Promise((res) => {
            worker.addEventListener('message', (/** @type {MessageEvent<{ size?: number[], error?: string }>} */ e) => res(e.data));
            worker.postMessage({ file, w: Math.floor(w / 8), h: Math.floor(h / 8) });
          });
          if (r.error) throw new Error(r.error);
          return { size: r.size };
        } finally {
          worker.terminate();
        }
      });
      const fitW = Math.round(w / 32),
        fitH = Math.round(h / 32);
      await time('createImageBitmap', async () => {
        const b = await createImageBitmap(file, { resizeWidth: fitW, resizeHeight: fitH, resizeQuality: 'medium' });
        const size = [b.width, b.height];
        b.close();
        return { size };
      });
      const pool = window.tessera.createEnginePool(1);
      try {
        await pool.broadcast((api) => api.start());
        const probe = await pool.run((api) => api.probePreview(file));
        for (const decoder of /** @type {const} */ (['vips', 'auto'])) {
          await time(`overview-${decoder}`, async () => {
            const ow = Math.floor(w / 8),
              oh = Math.floor(h / 8);
            const buffer = new SharedArrayBuffer(ow * oh * probe.channels);
            const overview = { width: ow, height: oh, channels: probe.channels, stride: ow * probe.channels, byteOffset: 0, buffer };
            const r = await pool.run((api) => api.giantOverview({ file, probe, overview, control: new SharedArrayBuffer(12), decoder }));
            return { size: [ow, oh], decoder: r.decoder };
          });
        }
      } finally {
        pool.dispose();
      }
      return out;
    },
    { w, h },
  );
}

/**
 * Polls the preview panel until `test` holds on its state; resolves to the ms since `t0`.
 * @param {Page} page @param {number} t0 @param {string} what
 * @param {(s: { giant?: import('../src/engine/api').GiantInfo, sourceWidth?: number, region?: import('../src/core/tiles').Rect, phase?: string, cacheMs?: number, ms?: number }) => boolean} test
 */
async function until(page, t0, what, test, timeout = 600_000) {
  for (;;) {
    const s = await page.evaluate(() => {
      const panel = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel');
      const r = panel?.result;
      return {
        giant: r?.giant,
        sourceWidth: r?.sourceWidth,
        region: r?.region,
        phase: panel?.giantStatus?.phase,
        cacheMs: panel?.giantStatus?.cache?.ms,
        message: panel?.giantStatus?.message,
        ms: panel?.ms,
      };
    });
    if (s.phase === 'failed') throw new Error(`${what}: ${s.message ?? 'failed'}`);
    if (test(s)) return { at: performance.now() - t0, state: s };
    if (performance.now() - t0 > timeout) throw new Error(`${what}: not within ${timeout / 1000} s`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

/**
 * The studio session of one size (a fresh browser), with the browsers' memory sampled every
 * `sampleMs` (0: not at all). Reading /proc/<pid>/smaps_rollup of a renderer with several wasm
 * heaps costs 50–150 ms of CPU and takes its memory map's lock, so timings come from a session
 * that does not sample.
 * @param {string} file @param {number} w the image's width (tells its views from the small photo's)
 * @param {number} sampleMs
 */
async function studio(file, w, sampleMs) {
  const app = await startApp();
  const peak = { pss: 0, rss: 0 };
  const sample = () => {
    const m = browserMemory();
    peak.pss = Math.max(peak.pss, m.pss);
    peak.rss = Math.max(peak.rss, m.rss);
  };
  const idle = browserMemory();
  const timer = sampleMs ? setInterval(sample, sampleMs) : undefined;
  try {
    const { page } = app;
    const isThis = (/** @type {{ sourceWidth?: number }} */ s) => s.sourceWidth === w;
    let t0 = performance.now();
    await page.setInputFiles(`${STUDIO} #files-input`, file);
    const firstFit = await until(page, t0, 'first fit', (s) => isThis(s) && s.giant?.view === 'fit');
    const fullFit = await until(
      page,
      t0,
      'complete fit',
      (s) => isThis(s) && s.giant?.view === 'fit' && s.giant.overviewRows === undefined,
    );
    // Warm (engines running), before any cache is written (its write-back would compete): a small
    // photo, then the giant file again.
    await page.setInputFiles(`${STUDIO} #files-input`, samplePhoto());
    await until(page, performance.now(), 'small photo', (s) => s.sourceWidth === 1920);
    t0 = performance.now();
    await page.setInputFiles(`${STUDIO} #files-input`, file);
    const warmFit = await until(page, t0, 'warm fit', (s) => isThis(s) && s.giant?.view === 'fit' && s.giant.overviewRows === undefined);
    t0 = performance.now();
    await page.click(`${PANEL} #zoom-100`);
    const firstRegion = await until(page, t0, 'zoomed region', (s) => s.giant?.view === 'region');
    const exactRegion = await until(page, t0, 'exact region', (s) => s.giant?.view === 'region' && s.giant.exact);
    const ready = await until(page, t0, 'cache ready', (s) => s.phase === 'ready');
    // A pan once the cache is whole: 1000 px right and down, exact.
    const before = ready.state.region;
    t0 = performance.now();
    await page.evaluate(
      (r) =>
        document
          .querySelector('tessera-studio')
          ?.shadowRoot?.querySelector('preview-panel')
          ?.dispatchEvent(
            new CustomEvent('region-change', { detail: { ...r, x: r.x + 1000, y: r.y + 1000 }, bubbles: true, composed: true }),
          ),
      before ?? { x: 0, y: 0, width: 1000, height: 1000 },
    );
    const pan = await until(page, t0, 'pan', (s) => s.giant?.exact === true && s.region?.x === (before?.x ?? 0) + 1000);
    sample();
    if (app.errors.length) throw new Error(`page errors: ${app.errors.join('; ')}`);
    return {
      coldFirstFitMs: firstFit.at,
      coldFitMs: fullFit.at,
      fitLabel: fullFit.state.giant?.scaleLabel,
      warmFitMs: warmFit.at,
      regionFirstMs: firstRegion.at,
      regionFirstExact: firstRegion.state.giant?.exact,
      regionExactMs: exactRegion.at,
      cacheMs: ready.state.cacheMs,
      panMs: pan.at,
      panPreviewMs: pan.state.ms,
      idle,
      peak,
    };
  } finally {
    clearInterval(timer);
    await app.close();
  }
}

const s1 = (/** @type {number | undefined} */ ms) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
const gb = (/** @type {number} */ b) => `${(b / 2 ** 30).toFixed(2)} GB`;
/** @param {Timed | undefined} t */
const timed = (t) => (!t ? '—' : t.error ? `fails (${t.error.split(':')[0]})` : s1(t.ms));

const rows = [];
for (const mp of sizes) {
  const { file, width, height } = giantJpeg(/** @type {keyof typeof GIANT_SIZES} */ (mp));
  const app = await startApp();
  /** @type {Record<string, Timed>} */
  let dec;
  try {
    await handFiles(app.page, 'giant-input', file);
    dec = await decoders(app.page, width, height);
  } finally {
    await app.close();
  }
  const session = await studio(file, width, 0);
  const { peak, idle } = await studio(file, width, 500);
  Object.assign(session, { peak, idle });
  const row = { megapixels: mp, width, height, decodedBytes: width * height * 3, decoders: dec, studio: session };
  rows.push(row);
  console.log(
    `${mp} MP: fit ${s1(session.coldFitMs)} cold (first rows ${s1(session.coldFirstFitMs)}), ${s1(session.warmFitMs)} warm, ${session.fitLabel}; ` +
      `100% exact after ${s1(session.regionExactMs)}; cache ${s1(session.cacheMs)}; pan ${s1(session.panMs)}; ` +
      `peak ${gb(session.peak.pss)} PSS / ${gb(session.peak.rss)} RSS (idle ${gb(session.idle.pss)} / ${gb(session.idle.rss)})`,
  );
}

console.log('\nFit-view decoders (one call each, 2 cores):');
console.log(
  '| image | ImageDecoder 1/8 (worker) | createImageBitmap resized | overview, wasm-vips shrink-on-load | overview as the studio runs it |',
);
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const d = r.decoders;
  const auto = d['overview-auto'];
  console.log(
    `| ${r.megapixels} MP | ${timed(d.imageDecoder)} | ${timed(d.createImageBitmap)} | ${timed(d['overview-vips'])} | ${timed(auto)}${auto?.decoder ? ` (${auto.decoder})` : ''} |`,
  );
}
console.log('\nThe studio (fit: choosing the file → the complete fit view; cold: engines start with it):');
console.log(
  '| image | fit, cold (first rows) | fit, warm | 100%: first view / exact | cache built | pan (exact) | peak PSS / RSS, all browser processes | decoded size |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const s = r.studio;
  console.log(
    `| ${r.megapixels} MP (${r.width}×${r.height}) | ${s1(s.coldFitMs)} (${s1(s.coldFirstFitMs)}) | ${s1(s.warmFitMs)} | ${s1(s.regionFirstMs)}${s.regionFirstExact ? ' exact' : ''} / ${s1(s.regionExactMs)} | ${s1(s.cacheMs)} | ${s1(s.panMs)} | ${gb(s.peak.pss)} / ${gb(s.peak.rss)} | ${gb(r.decodedBytes)} |`,
  );
}
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const jsonFile = join(ROOT, 'bench', 'results', `giant-preview-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(jsonFile, JSON.stringify({ rows }, null, 2));
console.log(`\nwrote ${jsonFile}`);
