// Review before redaction, in the studio as a person does it: a group photo with a Hide faces
// recipe; "Review faces…" shows the detector's three boxes over the photo and lists them; one is
// dropped (selected in the list, Delete), one drawn by dragging over a face-free wall, and one
// added, moved and resized by keyboard alone (Add box, arrows, Alt+arrows, Shift for the large
// step, stopping at the photo's bottom edge and at the smallest side); the batch then hides
// exactly the reviewed boxes — the dropped face keeps its pixels, the drawn and keyed boxes are
// filled — and writes them as the photo's faces.json with reviewed: true.
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
/**
 * The box made by keyboard on sample1 (1920 × 1280: a step is 1 % of 1920 = 19 px, Shift's 192):
 * added as a centred square a quarter of 1280, [800, 480, 320, 320]; Shift+Down ×3 takes y to
 * 480 + 576, stopped at 1280 − 320 = 960; Left ×2: x 800 − 38 = 762; Alt+Left ×3: width
 * 320 − 57 = 263; Alt+Shift+Up ×2: height 320 − 384, stopped at the smallest side, 8; Alt+Down ×3:
 * height 8 + 57 = 65. Worked out here by hand, not with the core's functions, so the test checks them.
 */
const KEYED = [762, 960, 263, 65];
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

test('review: drop one detected face, draw a missed one, key in another; the batch hides exactly the reviewed boxes', async () => {
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

  // Keyboard alone from here. The drag left the focus on the photo; Tab reaches Add box.
  assert.deepEqual([first.width, first.height], [1920, 1280], 'KEYED is worked out for sample1');
  const focused = () =>
    page.evaluate(() => {
      let a = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      return a ? `${a.tagName.toLowerCase()}#${a.id}` : '';
    });
  const said = async () => (await page.textContent('tessera-studio face-review #said'))?.trim();
  const press = async (/** @type {string} */ key, n = 1) => {
    for (let i = 0; i < n; i++) await page.keyboard.press(key);
  };
  const keys = (await page.textContent('tessera-studio face-review #face-keys')) ?? '';
  for (const k of [/a or Insert/, /Arrows: move/, /Alt\+arrows: resize/, /Shift/, /Delete/, /Escape/, /n\/p/])
    assert.match(keys, k, 'the keys are listed on screen');
  await press('Tab');
  assert.equal(await focused(), 'button#add-box');
  await press('Enter');
  assert.deepEqual((await review()).faces[3].box, [800, 480, 320, 320], 'added in the middle, a quarter of the shorter side');
  assert.match((await said()) ?? '', /^Face 4 added at x 800, y 480, 320 × 320/);
  await press('Shift+ArrowDown', 3);
  assert.equal(await said(), 'Face 4 moved to x 800, y 960, 320 × 320', 'stopped at the bottom edge');
  await press('ArrowDown');
  assert.equal(await said(), "Face 4 is at the photo's edge: x 800, y 960, 320 × 320");
  await press('ArrowLeft', 2);
  await press('Alt+ArrowLeft', 3);
  await press('Alt+Shift+ArrowUp', 2);
  assert.equal(await said(), 'Face 4 resized to 263 × 8, at x 762, y 960', 'stopped at the smallest side');
  await press('Alt+ArrowDown', 3);
  assert.equal(await said(), 'Face 4 resized to 263 × 65, at x 762, y 960');
  const keyed = await review();
  assert.deepEqual(keyed.faces[3].box, KEYED);
  assert.deepEqual(keyed.faces.slice(0, 3), reviewed.faces, 'the other boxes are untouched');
  // With nothing selected the arrows go photo by photo (a 'next' asked for), and Alt+Left stays
  // here instead of being the browser's Back; neither changes a box.
  await page.evaluate(() => {
    const el = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('face-review');
    if (!el) throw new Error('no face-review');
    el.dataset.nexts = '0';
    el.addEventListener('next', () => (el.dataset.nexts = String(Number(el.dataset.nexts) + 1)));
  });
  const url = page.url();
  await press('Escape');
  assert.equal(await said(), 'No face selected: the arrows go photo by photo');
  await press('ArrowRight');
  await press('Alt+ArrowLeft');
  assert.equal(await page.getAttribute('tessera-studio face-review', 'data-nexts'), '1');
  assert.match((await said()) ?? '', /^Select a face first/);
  assert.equal(page.url(), url);
  assert.deepEqual((await review()).faces, keyed.faces);
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
    keyed.faces.map((f) => f.box),
  );
  assert.deepEqual(boxes[3], KEYED, 'the keyed box is in faces.json as made');
  const src = await rgbPixels(readFileSync(join(work, 'group.png')));
  const got = await rgbPixels(entries['group.png']);
  const within = (/** @type {number[]} */ b, /** @type {number} */ x, /** @type {number} */ y) =>
    x >= b[0] && x < b[0] + b[2] && y >= b[1] && y < b[1] + b[3];
  let filled = 0,
    droppedKept = 0,
    keyedFilled = 0;
  for (let y = 0; y < src.height; y++)
    for (let x = 0; x < src.width; x++) {
      const o = (y * src.width + x) * 3;
      const g = [got.data[o], got.data[o + 1], got.data[o + 2]];
      if (boxes.some((b) => within(b, x, y))) {
        assert.deepEqual(g, [255, 0, 255], `${x},${y} in a reviewed box is not filled`);
        filled++;
        if (within(KEYED, x, y)) keyedFilled++;
      } else {
        assert.deepEqual(g, [src.data[o], src.data[o + 1], src.data[o + 2]], `${x},${y} outside the reviewed boxes changed`);
        if (within(dropped, x, y)) droppedKept++;
      }
    }
  assert.equal(filled, boxes.reduce((a, b) => a + b[2] * b[3], 0) - overlapArea(boxes));
  // Every pixel of the keyed box is filled and (the loop above) nothing around it outside the others.
  assert.equal(keyedFilled, KEYED[2] * KEYED[3]);
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
