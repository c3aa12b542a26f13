// Faces in the studio: a recipe with detect-faces built in the editor draws the detected boxes
// over the live preview of a real photo (a sample from @vladmandic/face-api, provisioned by
// `npm install`), and redact-faces hides them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { samplePhoto, startApp } from './harness.mjs';
import { iou, SAMPLE1_FACES } from './face-fixtures.mjs';

// Hand-labelled in tests/unit/faces-samples.test.ts: three faces, in source pixels.
const TRUTH = SAMPLE1_FACES;
const S = 'tessera-studio recipe-editor';

/** @type {string} */
let PHOTO;
/** @type {import('./harness.mjs').App} */
let app;
before(async () => {
  PHOTO = samplePhoto('sample1.jpg');
  app = await startApp();
});
after(async () => app?.close());

describe('faces in the studio', () => {
  test('detect-faces draws one box per face over the preview, where the faces are', async () => {
    const { page } = app;
    await page.setInputFiles('tessera-studio #files-input', PHOTO);
    await page.waitForSelector('tessera-studio preview-panel #preview-meta', { timeout: 60_000 });
    while (await page.locator(`${S} li.step`).count()) await page.click(`${S} li.step >> nth=0 >> button.remove`);
    await page.selectOption(`${S} #add-step`, 'detect-faces');
    await page.waitForSelector('tessera-studio preview-panel #preview-faces', { timeout: 60_000 });
    assert.equal(await page.textContent('tessera-studio preview-panel #preview-faces'), '3 faces');
    // Boxes are drawn in percentages of the image: map them back to source pixels and compare.
    const boxes = await page.evaluate(() => {
      const panel = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel');
      const r = panel?.result;
      if (!panel?.shadowRoot || !r) throw new Error('no preview result');
      return [.../** @type {NodeListOf<HTMLElement>} */ (panel.shadowRoot.querySelectorAll('.face-box'))].map((el) => {
        /** @param {string} v a CSS percentage */
        const p = (v) => parseFloat(v) / 100;
        return [
          p(el.style.left) * r.sourceWidth,
          p(el.style.top) * r.sourceHeight,
          p(el.style.width) * r.sourceWidth,
          p(el.style.height) * r.sourceHeight,
        ];
      });
    });
    assert.equal(boxes.length, 3);
    for (const t of TRUTH)
      assert.ok(
        boxes.some((b) => iou(b, t) >= 0.4),
        `a drawn box matches the face at ${t.join(',')}: ${JSON.stringify(boxes)}`,
      );
  });

  test('redact-faces: the preview still finds the faces, and the pixels inside them change', async () => {
    const { page } = app;
    await page.selectOption(`${S} #add-step`, 'redact-faces');
    await page.waitForFunction(
      () => {
        const panel = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel');
        return panel?.result?.steps.some((s) => s.op === 'redact-faces');
      },
      null,
      { timeout: 60_000 },
    );
    const changed = await page.evaluate(() => {
      const r = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('preview-panel')?.result;
      if (!r) throw new Error('no preview result');
      const a = new Uint8ClampedArray(r.before),
        b = new Uint8ClampedArray(r.after);
      // Centre of each reported face, in preview pixels.
      return (r.faces ?? []).map((f) => {
        const x = Math.round(f.box[0] + f.box[2] / 2),
          y = Math.round(f.box[1] + f.box[3] / 2);
        let diff = 0;
        for (let dy = -5; dy <= 5; dy++)
          for (let dx = -5; dx <= 5; dx++) {
            const i = ((y + dy) * r.width + (x + dx)) * 4;
            diff += Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]);
          }
        return diff;
      });
    });
    assert.equal(changed.length, 3);
    for (const d of changed) assert.ok(d > 0, `face centre changed (${changed.join(',')})`);
  });

  test('no page errors', () => assert.deepEqual(app.errors, []));
});
