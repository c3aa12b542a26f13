// An animated GIF in the studio: the preview says it shows the first frame of four, and the batch
// (a zip download) writes an animated WebP with every frame, its delays and loop count.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { startApp } from './harness.mjs';
import { DELAYS, H, LOOP, W, makeAnimations, webpInfo } from './animation-fixtures.mjs';

const S = 'tessera-studio';

/** @type {import('./harness.mjs').App} */
let app;
/** @type {string} */
let work;

before(async () => {
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-animation-studio-'));
  makeAnimations(work, work);
  app = await startApp();
  await app.page.setViewportSize({ width: 1366, height: 768 });
});
after(async () => {
  await app?.close();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

test('the preview shows frame 1 and says so; the batch writes every frame', { timeout: 240_000 }, async () => {
  const { page } = app;
  await page.evaluate(
    (r) => document.querySelector('tessera-studio')?.useRecipe(r),
    /** @type {any} */ ({
      name: 'Half size',
      steps: [{ op: 'resize', params: { mode: 'percent', percent: 50 } }],
      output: { format: 'webp', lossless: true },
    }),
  );
  await page.setInputFiles(`${S} #files-input`, join(work, 'g.gif'));
  const note = page.locator(`${S} preview-panel #preview-frames`);
  await note.waitFor({ timeout: 120_000 });
  assert.equal((await note.textContent())?.replace(/\s+/g, ' ').trim(), 'animated, 4 frames: the preview shows the first');

  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 180_000 }), page.click(`${S} #start`)]);
  const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
  const out = join(work, 'out.webp');
  await fs.writeFile(out, files['g.webp']);
  const info = webpInfo(out);
  assert.deepEqual([info.frames, info.durations, info.loop, info.width, info.height], [4, DELAYS, LOOP, W / 2, H / 2]);
});
