// Review before redaction, in the studio as a person does it: a group photo with a Hide faces
// recipe; "Review faces…" shows the detector's three boxes over the photo and lists them; one is
// dropped (selected in the list, Delete) and one drawn by dragging over a face-free wall; the
// batch then hides exactly the reviewed boxes — the dropped face keeps its pixels, the drawn box
// is filled — and writes them as the photo's faces.json with reviewed: true.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { AxeBuilder } from '@axe-core/playwright';
import { samplePhoto, startApp } from './harness.mjs';
import { openApp } from '../../scripts/lib/browser.mjs';
import { rgbPixels, vips } from './fixtures.mjs';
import { iou, SAMPLE1_FACES } from './face-fixtures.mjs';
import { parseJson } from '../../scripts/lib/json.mjs';

/** @type {import('./harness.mjs').App} */
let app;
/** @type {string} */
let work;
/** The box drawn by hand, in the photo's pixels: the wall above the heads. */
const DRAWN = [900, 60, 200, 140];
const RECIPE = {
  name: 'Hide',
  steps: [{ op: 'redact-faces', params: { effect: 'fill', color: '#ff00ff', shape: 'rectangle', feather: 0, margin: 0 } }],
  output: { format: 'png' },
};

before(async () => {
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-review-'));
  const v = await vips();
  const im = v.Image.newFromFile(samplePhoto('sample1.jpg'));
  try {
    await fs.writeFile(join(work, 'group.png'), im.pngsaveBuffer({ compression: 1 }));
  } finally {
    im.delete();
  }
  app = await startApp();
  await openApp(app.page, `${app.url}#recipe=${Buffer.from(JSON.stringify(RECIPE)).toString('base64url')}`);
});
after(async () => {
  await app?.close();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

test('review: drop one detected face, draw a missed one; the batch hides exactly the reviewed boxes', async () => {
  const { page } = app;
  await page.setInputFiles('tessera-studio #files-input', join(work, 'group.png'));
  await page.click('tessera-studio #review-faces', { timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector('tessera-studio')?.shadowRoot?.querySelector('face-review')?.review, null, {
    timeout: 60_000,
  });
  const review = () =>
    page.evaluate(() => {
      const r = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('face-review')?.review;
      if (!r) throw new Error('no review');
      return r;
    });
  const first = await review();
  assert.equal(first.faces.length, 3, JSON.stringify(first));
  // The review screen is accessible: axe finds nothing serious in it (it enters the shadow roots).
  const axe = await new AxeBuilder({ page }).include('tessera-studio').analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    serious.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`),
    [],
  );
  assert.ok(new Set(axe.passes.map((p) => p.id)).has('button-name'), 'axe checked the buttons');
  // The face to drop: the detector's box on sample1's second face.
  const drop = first.faces.findIndex((f) => iou(f.box, SAMPLE1_FACES[1]) >= 0.4);
  assert.ok(drop >= 0, JSON.stringify(first.faces));
  const dropped = first.faces[drop].box;
  await page.click(`tessera-studio face-review li >> nth=${drop} >> button`);
  await page.keyboard.press('Delete');
  // Draw: drag across the photo, from the drawn box's corner to its opposite one.
  const svgBox = await page.locator('tessera-studio face-review svg').boundingBox();
  assert.ok(svgBox);
  const at = (/** @type {number} */ x, /** @type {number} */ y) => [
    svgBox.x + (x / first.width) * svgBox.width,
    svgBox.y + (y / first.height) * svgBox.height,
  ];
  const [x0, y0] = at(DRAWN[0], DRAWN[1]);
  const [x1, y1] = at(DRAWN[0] + DRAWN[2], DRAWN[1] + DRAWN[3]);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 4 });
  await page.mouse.move(x1, y1, { steps: 4 });
  await page.mouse.up();
  const reviewed = await review();
  assert.equal(reviewed.faces.length, 3, JSON.stringify(reviewed.faces));
  const drawn = reviewed.faces[2].box;
  // Where the pointer went, to within the screen's pixels at this zoom.
  const tol = (first.width / svgBox.width) * 2;
  drawn.forEach((v, i) => assert.ok(Math.abs(v - DRAWN[i]) <= tol, `drawn ${JSON.stringify(drawn)} vs ${JSON.stringify(DRAWN)}`));
  assert.equal(reviewed.faces.filter((f) => iou(f.box, dropped) > 0.9).length, 0, 'the dropped box is gone');
  assert.match((await page.textContent('tessera-studio #review-count')) ?? '', /1 photo reviewed/);
  await page.click('tessera-studio #review-done');

  await page.click('tessera-studio input[name="out"][value="zip"]');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('tessera-studio #start')]);
  const entries = unzipSync(new Uint8Array(readFileSync(await download.path())));
  const report = /** @type {import('../../src/core/faces').FacesReport} */ (
    parseJson(new TextDecoder().decode(entries['group.png.faces.json']))
  );
  assert.equal(report.reviewed, true);
  const boxes = report.faces.map((f) => f.box);
  assert.deepEqual(
    boxes,
    reviewed.faces.map((f) => f.box),
  );
  const src = await rgbPixels(readFileSync(join(work, 'group.png')));
  const got = await rgbPixels(entries['group.png']);
  const within = (/** @type {number[]} */ b, /** @type {number} */ x, /** @type {number} */ y) =>
    x >= b[0] && x < b[0] + b[2] && y >= b[1] && y < b[1] + b[3];
  let filled = 0,
    droppedKept = 0;
  for (let y = 0; y < src.height; y++)
    for (let x = 0; x < src.width; x++) {
      const o = (y * src.width + x) * 3;
      const g = [got.data[o], got.data[o + 1], got.data[o + 2]];
      if (boxes.some((b) => within(b, x, y))) {
        assert.deepEqual(g, [255, 0, 255], `${x},${y} in a reviewed box is not filled`);
        filled++;
      } else {
        assert.deepEqual(g, [src.data[o], src.data[o + 1], src.data[o + 2]], `${x},${y} outside the reviewed boxes changed`);
        if (within(dropped, x, y)) droppedKept++;
      }
    }
  assert.equal(filled, boxes.reduce((a, b) => a + b[2] * b[3], 0) - overlapArea(boxes));
  assert.equal(droppedKept, dropped[2] * dropped[3] - overlapWith(dropped, boxes), 'the dropped face keeps its pixels');
  assert.deepEqual(app.errors, []);
});

/** Pixels covered by more than one box (counted once by the fill). @param {number[][]} boxes */
function overlapArea(boxes) {
  let extra = 0;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) extra += inter(boxes[i], boxes[j]);
  return extra;
}
/** @param {number[]} b @param {number[][]} boxes */
const overlapWith = (b, boxes) => boxes.reduce((a, c) => a + inter(b, c), 0);
/** @param {number[]} a @param {number[]} b */
function inter(a, b) {
  const w = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  return w * h;
}
