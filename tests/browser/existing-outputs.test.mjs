// A batch into a folder that already holds its outputs, in the studio: it asks once (rename,
// skip, replace, or stop), the answer holds for the batch, and nothing is overwritten unasked.
// Names come from the "File names" template field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { listOpfs, startApp } from './harness.mjs';
import { makeFolder } from './fixtures.mjs';

/** @type {import('./fixtures.mjs').ImageSpec[]} */
const SPECS = Array.from({ length: 4 }, (_, i) => ({
  path: `shoot/p${i}.jpg`,
  w: 90 + i * 10,
  h: 60,
  channels: 3,
  format: /** @type {const} */ ('jpeg'),
}));

/** @type {import('./harness.mjs').App} */
let app;
/** @type {Awaited<ReturnType<typeof makeFolder<import('./fixtures.mjs').ImageSpec>>>} */
let fixture;

before(async () => {
  fixture = await makeFolder(SPECS, 11);
  app = await startApp();
});
after(async () => app?.close());

/** Every file in the OPFS output folder and its modified time. @param {import('playwright-core').Page} page */
const folderState = async (page) => Object.fromEntries((await listOpfs(page, 'kept-out')).map((f) => [f.path, f.lastModified]));

/** Start, and wait for the question or the end. @param {import('playwright-core').Page} page */
async function start(page) {
  await page.click('tessera-studio #start');
  await page.waitForSelector('tessera-studio dialog.existing[open], tessera-studio #summary', { timeout: 60_000 });
}

describe('outputs already in the folder', () => {
  test('first run writes; a rerun asks once; skip leaves the files as they were', async () => {
    const { page } = app;
    await page.setInputFiles('tessera-studio #folder-input', fixture.dir);
    await page.waitForSelector('tessera-studio #input-label b');
    await page.evaluate(async () => {
      const studio = document.querySelector('tessera-studio');
      if (!studio) throw new Error('no <tessera-studio>');
      const root = await navigator.storage.getDirectory();
      await root.removeEntry('kept-out', { recursive: true }).catch(() => {});
      studio.useOutputFolder(await root.getDirectoryHandle('kept-out', { create: true }));
    });
    // The template field, as a person types it: a counter and the name.
    await page.fill('tessera-studio output-options #out-name', '{dir}/{n:2}-{name}');
    await page.press('tessera-studio output-options #out-name', 'Tab');
    await start(page);
    assert.equal(await page.locator('tessera-studio dialog.existing').count(), 0, 'nothing there yet: no question');
    const first = await folderState(page);
    assert.deepEqual(Object.keys(first).sort(), ['shoot/01-p0.webp', 'shoot/02-p1.webp', 'shoot/03-p2.webp', 'shoot/04-p3.webp']);

    await start(page);
    const dialog = page.locator('tessera-studio dialog.existing[open]');
    assert.match((await dialog.textContent()) ?? '', /“shoot\/01-p0\.webp” already exists in “kept-out”/);
    // Keyboard: the option's current choice (rename) has the focus; Tab moves to skip.
    assert.equal(
      await page.evaluate(() => document.querySelector('tessera-studio')?.shadowRoot?.activeElement?.getAttribute('data-choice')),
      'rename',
    );
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForSelector('tessera-studio #summary', { timeout: 60_000 });
    assert.match((await page.textContent('tessera-studio #summary')) ?? '', /^0 written, 0 failed, 4 skipped \(already there\)/);
    assert.equal(await page.locator('tessera-studio tr[data-status="skipped"]').count(), 4);
    assert.match((await page.textContent('tessera-studio tr[data-status="skipped"]')) ?? '', /already exists: left as it is/);
    assert.deepEqual(await folderState(page), first, 'every file as it was');
  });

  test('rename keeps them and writes _1; Escape stops the batch with nothing more written', async () => {
    const { page } = app;
    const first = await folderState(page);
    await start(page);
    await page.click('tessera-studio dialog.existing [data-choice="rename"]');
    await page.waitForSelector('tessera-studio #summary', { timeout: 60_000 });
    assert.match((await page.textContent('tessera-studio #summary')) ?? '', /^4 written, 0 failed, 4 renamed \(name taken\)/);
    const now = await folderState(page);
    for (const [f, t] of Object.entries(first)) assert.equal(now[f], t, `${f} untouched`);
    assert.deepEqual(
      Object.keys(now)
        .filter((f) => !(f in first))
        .sort(),
      ['shoot/01-p0_1.webp', 'shoot/02-p1_1.webp', 'shoot/03-p2_1.webp', 'shoot/04-p3_1.webp'],
    );
    assert.match(
      (await page.textContent('tessera-studio tr.row[data-path="shoot/p0.jpg"]')) ?? '',
      /shoot\/01-p0\.webp already exists: written as shoot\/01-p0_1\.webp/,
    );

    await start(page);
    await page.keyboard.press('Escape');
    await page.waitForSelector('tessera-studio #summary', { timeout: 60_000 });
    assert.match((await page.textContent('tessera-studio #summary')) ?? '', /^Cancelled: /);
    assert.deepEqual(Object.keys(await folderState(page)).sort(), Object.keys(now).sort(), 'nothing more written');
    assert.equal((await listOpfs(page, 'kept-out')).length, 8);
  });
});
