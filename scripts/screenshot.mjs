// Regenerates docs/screenshot.png: the studio after a small batch, with the compare view open;
// and the install sheet's screenshots (docs/install-wide.png 1280×800, docs/install-narrow.png
// 390×844: the manifest's, src/core/app-manifest.ts).
// usage: node scripts/screenshot.mjs [out.png]   (after `npx vite build`)
import { serve } from './lib/serve.mjs';
import { launch, openApp } from './lib/browser.mjs';
import { distDir } from './lib/dist.mjs';
import { makeFolder } from '../tests/browser/fixtures.mjs';

const out = process.argv[2] ?? 'docs/screenshot.png';
const fixture = await makeFolder(
  [
    ...Array.from({ length: 6 }, (_, i) => ({
      path: `holiday/IMG_${1040 + i}.jpg`,
      w: 480,
      h: 320,
      channels: 3,
      format: /** @type {const} */ ('jpeg'),
    })),
    { path: 'holiday/IMG_1046.jpg', w: 100, h: 100, channels: 3, format: /** @type {const} */ ('truncated') },
  ],
  3,
);
// With the service worker, as a deployed studio is: the header then says "Works offline".
const server = await serve({ root: distDir(), serviceWorker: true });
const b = await launch();
try {
  await b.page.setViewportSize({ width: 1240, height: 1300 });
  await openApp(b.page, server.url);
  await b.page.waitForFunction(
    () => document.querySelector('tessera-studio')?.shadowRoot?.querySelector('app-status')?.shadowRoot?.querySelector('#offline-ready'),
    null,
    { timeout: 60_000 },
  );
  await b.page.setInputFiles('tessera-studio #folder-input', fixture.dir);
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
  await b.page.waitForTimeout(300);
  await b.page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
  for (const [file, width, height] of /** @type {const} */ ([
    ['docs/install-wide.png', 1280, 800],
    ['docs/install-narrow.png', 390, 844],
  ])) {
    await b.page.setViewportSize({ width, height });
    await b.page.evaluate(() => scrollTo(0, 0));
    await b.page.waitForTimeout(300);
    await b.page.screenshot({ path: file });
    console.log(`wrote ${file}`);
  }
} finally {
  await b.close();
  await server.close();
}
