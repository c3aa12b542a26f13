// "Write images" follows a Find-faces recipe (core/write-images.ts), in the built app: a recipe
// that only finds faces turns it off (the batch writes the faces list, no copies of the photos);
// switching away — a preset, or a step that changes the picture — turns it back on, so the next
// batch writes pictures again (files read back from the zip); turned off by hand it stays off,
// and the studio says what Start would then write.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { samplePhoto, startApp } from './harness.mjs';

/** @typedef {import('playwright-core').Page} Page */

const S = 'tessera-studio';
const EDITOR = `${S} recipe-editor`;
const PANEL = `${S} output-options`;

/** @type {import('./harness.mjs').App} */
let app;
before(async () => {
  app = await startApp();
  await app.page.setViewportSize({ width: 1366, height: 768 });
});
after(async () => app?.close());

/** The files of the zip a click downloads. @param {Page} page */
async function zipNames(page) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click(`${S} #start`)]);
  await page.waitForSelector(`${S} #summary`);
  return Object.keys(unzipSync(new Uint8Array(readFileSync(await download.path())))).sort();
}

/** @param {Page} page */
const imagesOn = (page) => page.isChecked(`${PANEL} #out-images`);
/** @param {Page} page */
const note = async (page) => ((await page.locator(`${S} #images-note`).count()) ? await page.textContent(`${S} #images-note`) : null);

describe('"Write images" and the Find-faces recipe', () => {
  test('a Find-faces recipe turns it off; a preset turns it back on; the batches write what they say', { timeout: 180_000 }, async () => {
    const { page } = app;
    await page.setInputFiles(`${S} #files-input`, samplePhoto('sample1.jpg'));
    await page.waitForSelector(`${S} #input-label b`);
    assert.equal(await imagesOn(page), true);
    assert.equal(await note(page), null);
    while (await page.locator(`${EDITOR} li.step`).count()) await page.click(`${EDITOR} li.step >> nth=0 >> button.remove`);
    await page.selectOption(`${EDITOR} #add-step`, 'detect-faces');
    assert.equal(await imagesOn(page), false, 'Find faces alone turned "Write images" off');
    assert.match((await note(page)) ?? '', /^“Write images” is now off: this recipe only finds faces/);
    assert.deepEqual(await zipNames(page), ['faces.csv', 'sample1.jpg.faces.json']);

    await page.selectOption(`${EDITOR} #preset`, 'web-export');
    assert.equal(await imagesOn(page), true, 'leaving the faces recipe turned it back on');
    assert.equal(await note(page), '“Write images” is on again: it was off only while the recipe just found faces.');
    assert.deepEqual(await zipNames(page), ['sample1.webp']);
  });

  test('a step that changes the picture turns it back on too; turned off by hand, it stays off and the hint says so', async () => {
    const { page } = app;
    while (await page.locator(`${EDITOR} li.step`).count()) await page.click(`${EDITOR} li.step >> nth=0 >> button.remove`);
    await page.selectOption(`${EDITOR} #add-step`, 'detect-faces');
    assert.equal(await imagesOn(page), false);
    await page.selectOption(`${EDITOR} #add-step`, 'invert');
    assert.equal(await imagesOn(page), true, 'Find faces + Negative makes pictures: images on again');

    // By hand: off on a recipe that makes pictures and reports faces.
    await page.uncheck(`${PANEL} #out-images`);
    assert.equal(await note(page), '“Write images” is off: a batch writes only the steps’ reports, not the pictures this recipe makes.');
    // Removing Find faces leaves nothing to write: it stays off (the person's choice), and says so.
    await page.click(`${EDITOR} li.step >> nth=0 >> button.remove`);
    assert.equal(await imagesOn(page), false, 'the person’s own choice is kept');
    assert.match((await note(page)) ?? '', /no step of this recipe writes a report, so Start would write nothing/);
    assert.equal(await page.locator(`${S} #images-note.err`).count(), 1);
    assert.deepEqual(app.errors, []);
  });
});
