// The person's own presets, as they use them: edit a recipe and its output, "Save as preset",
// find it under "Your presets" after a reload with its output settings, export it as JSON and run
// it with npm run batch --recipe, delete it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchCommand, commandSummary, samplePhoto, startApp } from './harness.mjs';

const S = 'tessera-studio';
const E = `${S} recipe-editor`;
/** @type {import('./harness.mjs').App} */
let app;
/** @type {string} */
let work;

before(async () => {
  app = await startApp();
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-presets-'));
});
after(async () => {
  await app?.close();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** @param {import('playwright-core').Page} page */
async function reload(page) {
  await page.reload();
  await page.waitForFunction(() => window.tessera && customElements.get('tessera-studio'));
}

test('save, reload, choose, export and run from the command, delete', async () => {
  const { page } = app;
  // Web export, renamed, as JPEG at quality 72.
  await page.fill(`${E} #recipe-name`, 'Blog photos');
  await page.press(`${E} #recipe-name`, 'Tab');
  await page.selectOption(`${S} output-options #format`, 'jpeg');
  await page.fill(`${S} output-options #out-quality`, '72');
  await page.dispatchEvent(`${S} output-options #out-quality`, 'change');
  await page.click(`${E} #save-preset`);
  assert.match((await page.textContent(`${S} #preset-note`)) ?? '', /Saved “Blog photos” in this browser/);

  await reload(page);
  // A new visit starts from what was remembered; switch away, then pick the preset back.
  await page.selectOption(`${E} #preset`, 'seed');
  await page.selectOption(`${E} #preset`, { label: 'Blog photos' });
  assert.equal(await page.inputValue(`${E} #recipe-name`), 'Blog photos');
  assert.equal(await page.inputValue(`${S} output-options #format`), 'jpeg');
  assert.equal(await page.inputValue(`${S} output-options #out-quality`), '72');
  const groups = await page.locator(`${E} #preset optgroup`).evaluateAll((els) => els.map((e) => e.getAttribute('label')));
  assert.deepEqual(groups, ['Your presets']);

  // Exported as recipe JSON, it runs from the command with its own output settings.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${E} #save-recipe`)]);
  const file = join(work, 'blog.json');
  await download.saveAs(file);
  const input = join(work, 'in');
  await fs.mkdir(input);
  await fs.copyFile(samplePhoto('sample5.jpg'), join(input, 'beach.jpg'));
  const r = await batchCommand([input, join(work, 'out'), '--recipe', file, '--no-build', '--workers', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(commandSummary(r.stdout, r.stderr).ok, 1);
  const jpeg = await fs.readFile(join(work, 'out', 'beach.jpg'));
  assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);

  await page.click(`${E} #delete-preset`);
  assert.match((await page.textContent(`${S} #preset-note`)) ?? '', /Deleted the preset “Blog photos”/);
  await reload(page);
  assert.equal(await page.locator(`${E} #preset optgroup`).count(), 0);
});
