// Regenerates docs/video-preview.png: the studio at 1366×768 previewing a frame of a video (a pan
// over sample1.jpg, made in the page) through the Line drawing preset, with the scrubber at 1 s.
// usage: node scripts/screenshot-video.mjs [out.png]   (after `npx vite build`)
import { writeSmallPng } from './lib/small-png.mjs';
import { samplePhoto, startApp } from '../tests/browser/harness.mjs';
import { makePanVideo } from '../tests/browser/video-fixtures.mjs';

const out = process.argv[2] ?? 'docs/video-preview.png';
const app = await startApp();
try {
  const { page } = app;
  await page.setViewportSize({ width: 1366, height: 768 });
  await makePanVideo(page, { name: 'pan', image: samplePhoto('sample1.jpg'), width: 640, height: 360, frames: 90, audio: false });
  await page.selectOption('tessera-studio recipe-editor #preset', 'edges');
  await page.evaluate(() => {
    const clip = window.__videos?.pan;
    if (!clip) throw new Error('no clip');
    document.querySelector('tessera-studio')?.useInputFiles([new File([clip], 'holiday-pan.mp4', { type: 'video/mp4' })]);
  });
  await page.waitForSelector('tessera-studio video-scrubber #frame', { timeout: 120_000 });
  await page.focus('tessera-studio video-scrubber #frame');
  await page.keyboard.press('PageUp');
  await page.waitForFunction(
    () => {
      const root = document.querySelector('tessera-studio')?.shadowRoot;
      const time = root?.querySelector('video-scrubber')?.shadowRoot?.querySelector('#frame-time')?.textContent ?? '';
      return (
        /frame 31 of/.test(time) &&
        !/decoding/.test(time) &&
        !root?.querySelector('preview-panel')?.shadowRoot?.querySelector('#preview-status')
      );
    },
    null,
    { timeout: 60_000 },
  );
  await page.evaluate(() => /** @type {HTMLElement | null} */ (document.activeElement)?.blur());
  await writeSmallPng(await page.screenshot(), out);
  console.log(`wrote ${out}`);
} finally {
  await app.close();
}
