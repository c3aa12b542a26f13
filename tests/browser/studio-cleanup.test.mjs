// The studio frees what it holds when it is removed from the page: its worker pool (workers
// terminated, pending work rejected), its previewer and its preview timer; put back, it previews
// again on a fresh pool.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApp } from './harness.mjs';
import { makeFolder } from './fixtures.mjs';

/**
 * The studio's state this test inspects: TypeScript-private in src/ui/studio.ts, plain properties
 * at run time.
 * @typedef {HTMLElement & {
 *   pool?: import('../../src/pool/engine-pool').EnginePool, previewer?: object, previewTimer?: unknown,
 *   preview?: unknown, previewStatus?: string, schedulePreview(delay?: number): void,
 * }} StudioInternals
 */

/** @type {import('./harness.mjs').App} */
let app;
/** @type {Awaited<ReturnType<typeof makeFolder<import('./fixtures.mjs').ImageSpec>>>} */
let fixture;
before(async () => {
  fixture = await makeFolder([{ path: 'one.png', w: 96, h: 64, channels: 3, format: 'png' }], 3);
  app = await startApp();
});
after(async () => app?.close());

/** Waits for the studio's preview. @param {import('playwright-core').Page} page */
const previewed = (page) =>
  page.waitForFunction(() => document.querySelector('tessera-studio')?.preview !== undefined, null, { timeout: 60_000 });

describe('studio cleanup', () => {
  test('removing the studio shuts its pool down and clears its preview timer; putting it back previews again', async () => {
    const { page } = app;
    await page.setInputFiles('tessera-studio #files-input', [join(fixture.dir, 'one.png')]);
    await previewed(page);
    const r = await page.evaluate(async () => {
      const s = /** @type {StudioInternals | null} */ (/** @type {unknown} */ (document.querySelector('tessera-studio')));
      if (!s?.pool) throw new Error('no studio with a pool on the page');
      const pool = s.pool;
      const before = { size: pool.size, previewer: s.previewer !== undefined };
      // A preview scheduled just before the removal must not run (nor start a new pool).
      s.schedulePreview(50);
      const hanging = pool
        .run(() => /** @type {Promise<never>} */ (new Promise(() => {})))
        .catch((/** @type {import('../../src/core/errors').TesseraError} */ e) => ({ code: e.code, message: e.message }));
      s.remove();
      const pending = await hanging;
      await new Promise((res) => setTimeout(res, 300));
      const removed = {
        pool: s.pool === undefined,
        previewer: s.previewer === undefined,
        timer: s.previewTimer === undefined,
        size: pool.metrics().size,
      };
      const late = await pool
        .run(() => Promise.resolve(1))
        .catch((/** @type {import('../../src/core/errors').TesseraError} */ e) => e.code);
      s.preview = undefined;
      document.body.append(s);
      return { before, pending, removed, late };
    });
    assert.deepEqual(r.before, { size: r.before.size, previewer: true });
    assert.ok(r.before.size >= 1);
    assert.deepEqual(r.pending, { code: 'cancelled', message: 'the worker pool was shut down' });
    assert.deepEqual(r.removed, { pool: true, previewer: true, timer: true, size: 0 });
    assert.equal(r.late, 'cancelled');
    await previewed(page);
    const back = await page.evaluate(() => {
      const s = /** @type {StudioInternals | null} */ (/** @type {unknown} */ (document.querySelector('tessera-studio')));
      return { pool: s?.pool?.size ?? 0, status: s?.previewStatus ?? '' };
    });
    assert.ok(back.pool >= 1, JSON.stringify(back));
    assert.equal(back.status, '');
    assert.deepEqual(app.errors, []);
  });
});
