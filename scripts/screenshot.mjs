// Regenerates the docs' pictures of the studio's main states, on real photos (the face-api
// samples `npm install` provisions) and one damaged file: docs/first-run.png (the empty studio at
// 1366×768), docs/preview.png (photos chosen, the preview's Encoded view at 1366×768),
// docs/screenshot.png (after a batch: the before/after view and the results, at 1366×768) and the
// install sheet's (docs/install-wide.png 1280×800, docs/install-narrow.png 390×844: the
// manifest's, src/core/app-manifest.ts). docs/video-preview.png: scripts/screenshot-video.mjs.
// usage: node scripts/screenshot.mjs [out.png]   (after `npx vite build`)
import { serve } from './lib/serve.mjs';
import { writeSmallPng } from './lib/small-png.mjs';
import { launch, openApp } from './lib/browser.mjs';
import { distDir } from './lib/dist.mjs';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { samplePhoto } from '../tests/browser/harness.mjs';

const out = process.argv[2] ?? 'docs/screenshot.png';
const fixture = { dir: mkdtempSync(join(tmpdir(), 'tessera-shots-')) };
mkdirSync(join(fixture.dir, 'holiday'));
for (let i = 1; i <= 6; i++) copyFileSync(samplePhoto(`sample${i}.jpg`), join(fixture.dir, 'holiday', `IMG_104${i}.jpg`));
// A photo cut short in copying: the results say so, in words.
const whole = readFileSync(samplePhoto('sample1.jpg'));
writeFileSync(join(fixture.dir, 'holiday', 'IMG_1047.jpg'), whole.subarray(0, whole.length >> 1));
// With the service worker, as a deployed studio is: the header then says "Works offline".
const server = await serve({ root: distDir(), serviceWorker: true });
const b = await launch();
try {
  await b.page.setViewportSize({ width: 1366, height: 768 });
  await openApp(b.page, server.url);
  await b.page.waitForFunction(
    () => document.querySelector('tessera-studio')?.shadowRoot?.querySelector('app-status')?.shadowRoot?.querySelector('#offline-ready'),
    null,
    { timeout: 60_000 },
  );
  await writeSmallPng(await b.page.screenshot(), 'docs/first-run.png');
  console.log('wrote docs/first-run.png');
  await b.page.setInputFiles('tessera-studio #folder-input', fixture.dir);
  await b.page.waitForSelector('tessera-studio preview-panel #preview-encoded', { timeout: 60_000 });
  await b.page.click('tessera-studio preview-panel #preview-encoded');
  await b.page.waitForSelector('tessera-studio preview-panel #encoded-size', { timeout: 60_000 });
  await b.page.waitForTimeout(500);
  await writeSmallPng(await b.page.screenshot(), 'docs/preview.png');
  console.log('wrote docs/preview.png');
  await b.page.click('tessera-studio preview-panel #preview-encoded');
  await b.page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const studio = document.querySelector('tessera-studio');
    if (!studio) throw new Error('no <tessera-studio> on the page');
    studio.useOutputFolder(await root.getDirectoryHandle('screenshot-out', { create: true }));
  });
  await b.page.click('tessera-studio #start');
  await b.page.waitForSelector('tessera-studio #summary', { timeout: 60_000 });
  await b.page.click('tessera-studio tr.row[data-path="holiday/IMG_1042.jpg"]');
  await b.page.waitForSelector('tessera-studio compare-view #compare');
  // The results (the row clicked is the before/after view above them), in one 1366×768 window.
  await b.page.locator('tessera-studio #results-totals').scrollIntoViewIfNeeded();
  await b.page.evaluate(() => scrollBy(0, -200));
  await b.page.waitForTimeout(300);
  await writeSmallPng(await b.page.screenshot(), out);
  console.log(`wrote ${out}`);
  for (const [file, width, height] of /** @type {const} */ ([
    ['docs/install-wide.png', 1280, 800],
    ['docs/install-narrow.png', 390, 844],
  ])) {
    await b.page.setViewportSize({ width, height });
    await b.page.evaluate(() => scrollTo(0, 0));
    // The grid lays out its cells again at the new width: their thumbnails decode anew.
    await b.page.waitForTimeout(2000);
    await writeSmallPng(await b.page.screenshot(), file);
    console.log(`wrote ${file}`);
  }
} finally {
  await b.close();
  await server.close();
}
