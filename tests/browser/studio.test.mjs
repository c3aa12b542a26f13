// The studio UI as a person uses it: choose a folder, press Start, read the table, compare,
// benchmark, download a zip — in the built app, in Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { listOpfs, startApp } from './harness.mjs';
import { makeFolder } from './fixtures.mjs';

/** @type {import('./fixtures.mjs').ImageSpec[]} */
const SPECS = [
  ...Array.from({ length: 5 }, (_, i) => ({
    path: `shoot/a${i}.jpg`,
    w: 120 + i * 10,
    h: 90,
    channels: 3,
    format: /** @type {const} */ ('jpeg'),
  })),
  { path: 'shoot/deep/b.png', w: 77, h: 55, channels: 4, format: 'png' },
  { path: 'shoot/bad.jpg', w: 60, h: 60, channels: 3, format: 'truncated' },
];

const OUTPUTS = ['shoot/a0.png', 'shoot/a1.png', 'shoot/a2.png', 'shoot/a3.png', 'shoot/a4.png', 'shoot/deep/b.png'];
/** @type {import('./harness.mjs').App} */
let app;
/** @type {Awaited<ReturnType<typeof makeFolder<import('./fixtures.mjs').ImageSpec>>>} */
let fixture;

before(async () => {
  fixture = await makeFolder(SPECS, 7);
  app = await startApp();
});
after(async () => app?.close());

describe('studio UI', () => {
  test('choose a folder, Start, results table with a named error, before/after view', async () => {
    const { page } = app;
    // The seed pipeline (PNG edge maps), chosen: the studio starts with Web export
    // (tests/browser/first-run.test.mjs), this test is about the batch around any recipe.
    await page.selectOption('tessera-studio recipe-editor #preset', 'seed');
    await page.setInputFiles('tessera-studio #folder-input', fixture.dir);
    await page.waitForSelector('tessera-studio #input-label b');
    assert.match((await page.textContent('tessera-studio #input-label')) ?? '', /7 files/);
    // Headless Chromium cannot drive the folder picker: hand the studio an OPFS folder instead.
    await page.evaluate(async () => {
      const studio = document.querySelector('tessera-studio');
      if (!studio) throw new Error('no <tessera-studio> on the page');
      const root = await navigator.storage.getDirectory();
      await root.removeEntry('ui-out', { recursive: true }).catch(() => {});
      studio.useOutputFolder(await root.getDirectoryHandle('ui-out', { create: true }));
      studio.workers = 2;
    });
    await page.click('tessera-studio #start');
    await page.waitForSelector('tessera-studio #summary', { timeout: 60_000 });
    assert.match((await page.textContent('tessera-studio #summary')) ?? '', /^6 written, 1 failed/);
    // Pool counters: both workers took tasks (7 files, plus the live preview's).
    const metrics = (await page.textContent('tessera-studio #metrics')) ?? '';
    const tasks = [...metrics.matchAll(/worker \d: (\d+) tasks/g)].map((m) => Number(m[1]));
    assert.equal(tasks.length, 2);
    assert.ok(
      tasks.every((n) => n > 0),
      metrics,
    );
    assert.ok(tasks.reduce((a, b) => a + b) >= 7, metrics);
    assert.equal(await page.textContent('tessera-studio #done'), '6');
    assert.equal(await page.textContent('tessera-studio #failed'), '1');
    assert.equal(await page.locator('tessera-studio tr.row').count(), 7);
    const bad = page.locator('tessera-studio tr.row[data-path="shoot/bad.jpg"]');
    assert.equal(await bad.getAttribute('data-status'), 'failed');
    assert.match((await bad.textContent()) ?? '', /shoot\/bad\.jpg: not a complete JPEG file \(truncated at byte/);
    const written = (await listOpfs(page, 'ui-out')).map((f) => f.path);
    assert.deepEqual(written, OUTPUTS);

    await page.click('tessera-studio tr.row[data-path="shoot/deep/b.png"]');
    await page.waitForSelector('tessera-studio compare-view #compare');
    const imgs = await page.locator('tessera-studio compare-view img').evaluateAll(async (/** @type {HTMLImageElement[]} */ els) => {
      await Promise.all(els.map((e) => e.decode()));
      return els.map((e) => [e.alt, e.naturalWidth, e.naturalHeight]);
    });
    assert.deepEqual(imgs, [
      ['before', 77, 55],
      ['after', 77, 55],
    ]);
  });

  test('Benchmark shows 1 vs N workers with speedup, efficiency and identical outputs', async () => {
    const { page } = app;
    // Benchmark sits with the speed details, folded away.
    await page.click('tessera-studio #speed > summary');
    await page.click('tessera-studio #benchmark');
    await page.waitForSelector('tessera-studio benchmark-panel #identical', { timeout: 120_000 });
    assert.match(
      (await page.textContent('tessera-studio benchmark-panel #identical')) ?? '',
      /All 6 outputs are byte-identical between 1 and 2 workers/,
    );
    const rows = await page.locator('tessera-studio benchmark-panel #bench tbody tr').allTextContents();
    assert.equal(rows.length, 2);
    assert.match(rows[1], /×/);
  });

  test('zip output downloads a zip holding every result at its relative path', async () => {
    const { page } = app;
    await page.click('tessera-studio input[name="out"][value="zip"]');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('tessera-studio #start')]);
    const entries = unzipSync(new Uint8Array(readFileSync(await download.path())));
    assert.deepEqual(Object.keys(entries).sort(), OUTPUTS);
    for (const bytes of Object.values(entries)) assert.equal(String.fromCharCode(...bytes.subarray(1, 4)), 'PNG');
  });

  test('an invalid recipe file is explained with the path of the bad value', async () => {
    const { page } = app;
    await page.setInputFiles('tessera-studio #recipe-input', {
      name: 'mine.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ name: 'Mine', steps: [{ op: 'grayscale' }, { op: 'gaussian-blur', params: { sigma: 99 } }] })),
    });
    assert.match(
      (await page.textContent('tessera-studio #recipe-error')) ?? '',
      /mine\.json: \/steps\/1\/params\/sigma: 99 is out of range for sigma \(0\.1–20\)/,
    );
    assert.equal(await page.isDisabled('tessera-studio #start'), true);
    await page.setInputFiles('tessera-studio #recipe-input', {
      name: 'ok.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ name: 'Just gray', steps: [{ op: 'grayscale' }] })),
    });
    // The file is read asynchronously: wait for the editor to show it (or time out and fail below).
    await page
      .waitForFunction(
        () =>
          /** @type {HTMLInputElement | null | undefined} */ (
            document.querySelector('tessera-studio')?.shadowRoot?.querySelector('recipe-editor')?.shadowRoot?.querySelector('#recipe-name')
          )?.value === 'Just gray',
        null,
        { timeout: 10_000 },
      )
      .catch(() => {});
    assert.equal(await page.inputValue('tessera-studio #recipe-name'), 'Just gray');
    assert.equal(await page.isDisabled('tessera-studio #start'), false);
  });

  test('no page errors', () => assert.deepEqual(app.errors, []));
});

describe('without isolation headers', () => {
  test('the studio says plainly that it cannot run', async () => {
    const plain = await startApp({ isolate: false });
    try {
      assert.equal(await plain.page.evaluate(() => crossOriginIsolated), false);
      assert.match((await plain.page.textContent('tessera-studio #not-isolated')) ?? '', /not cross-origin isolated/);
      assert.equal(await plain.page.isDisabled('tessera-studio #start'), true);
    } finally {
      await plain.close();
    }
  });
});
