// Marking regions on a video in the studio: with a Hide regions step and a clip previewed, "Mark
// regions…" shows the clip's first frame; a box dragged over the plate becomes a mark; Follow shows
// it followed on a later frame (IoU ≥ 0.7 with the truth) and lost on a covered one; moving the
// followed box there by keyboard makes a second mark of the same object (a correction); "Use these
// regions" writes both marks, by time, into the step; axe finds nothing serious on the panel.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { startApp } from './harness.mjs';
import { parseJson } from '../../scripts/lib/json.mjs';
import { COVERED, FPS, W, H, iou, truth, writePlateClip } from './region-fixtures.mjs';
import { marksPanel } from './marks-panel.mjs';

const S = 'tessera-studio';
const RECIPE = { name: 'Hide the plate', steps: [{ op: 'redact-regions', params: { effect: 'fill', color: '#ff00ff', margin: 0 } }] };

/** @type {import('./harness.mjs').App} */
let app;
/** @type {string} */
let work;
before(async () => {
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-marks-'));
  writePlateClip(join(work, 'clip.mp4'));
  app = await startApp();
  await app.page.setViewportSize({ width: 1366, height: 768 });
  await app.page.goto(`${app.url}#recipe=${Buffer.from(JSON.stringify(RECIPE)).toString('base64url')}`);
});
after(async () => {
  await app?.close();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/**
 * Opens the clip in the studio and the marking panel with button `button`, once its frame shows.
 * @param {import('playwright-core').Page} page @param {string} button
 */
async function openMarking(page, button) {
  await page.setInputFiles(`${S} #files-input`, join(work, 'clip.mp4'));
  await page.click(`${S} ${button}`, { timeout: 60_000 });
  await page.waitForFunction(
    () =>
      document
        .querySelector('tessera-studio')
        ?.shadowRoot?.querySelector('#region-marks-panel face-review')
        ?.shadowRoot?.querySelector('img'),
    null,
    { timeout: 60_000 },
  );
}

test('mark a plate on one frame, follow it, correct it on another, and use the marks', { timeout: 240_000 }, async () => {
  const { page } = app;
  await openMarking(page, '#mark-regions');
  assert.match((await marksPanel(page)).title, /Mark regions: clip\.mp4, frame 1 of 60/);

  // Drag over the plate in frame 0 (screen position from the shown frame's size).
  const img = page.locator(`${S} #region-marks-panel face-review img`);
  await img.evaluate((el) => /** @type {HTMLImageElement} */ (el).decode());
  const r = await img.boundingBox();
  assert.ok(r);
  const t0 = truth(0);
  const sx = r.width / W,
    sy = r.height / H;
  await page.mouse.move(r.x + t0[0] * sx, r.y + t0[1] * sy);
  await page.mouse.down();
  await page.mouse.move(r.x + (t0[0] + t0[2] / 2) * sx, r.y + (t0[1] + t0[3] / 2) * sy, { steps: 4 });
  await page.mouse.move(r.x + (t0[0] + t0[2]) * sx, r.y + (t0[1] + t0[3]) * sy, { steps: 4 });
  await page.mouse.up();
  let p = await marksPanel(page);
  assert.equal(p.boxes.length, 1);
  assert.ok(iou(p.boxes[0], t0) > 0.85, `drawn ${p.boxes[0].join(', ')} vs ${t0.join(', ')}`);
  assert.deepEqual(p.labels, ['region-1 (marked here)']);
  assert.equal(p.count, '1 mark of 1 object(s)');

  await page.click(`${S} #marks-follow`);
  await page.waitForFunction(
    () =>
      /followed in/.test(document.querySelector('tessera-studio')?.shadowRoot?.querySelector('#region-marks-status')?.textContent ?? ''),
    null,
    {
      timeout: 120_000,
    },
  );
  assert.match((await marksPanel(page)).status, /"region-1" followed in 60 of 60 frames \(lost in \d+: its box there is predicted\)/);

  // Frame 41 (index 40): the followed box is on the plate.
  const goTo = async (/** @type {number} */ n) => {
    await page.fill(`${S} #marks-frame`, String(n));
    await page.press(`${S} #marks-frame`, 'Enter');
    await page.waitForFunction(
      (n) => {
        const s = document.querySelector('tessera-studio')?.shadowRoot;
        return (
          s?.querySelector('#region-marks-title')?.textContent?.includes(`frame ${n} of`) &&
          !s.querySelector('#region-marks-status')?.textContent?.includes('Decoding')
        );
      },
      n,
      { timeout: 30_000 },
    );
  };
  await goTo(41);
  p = await marksPanel(page);
  assert.equal(p.boxes.length, 1);
  assert.match(p.labels[0], /^region-1 \(followed, 0\.\d\d\)$/);
  assert.ok(iou(p.boxes[0], truth(40)) >= 0.7, `followed ${p.boxes[0].join(', ')} vs ${truth(40).join(', ')}`);
  // A covered frame: followed, said lost.
  await goTo(COVERED[1] + 1);
  assert.match((await marksPanel(page)).labels[0], /^region-1 \(followed, lost, 0\.\d\d\)$/);

  // Back on frame 41: select the followed box from the list and nudge it right by keyboard — a correction.
  await goTo(41);
  const before41 = (await marksPanel(page)).boxes[0];
  await page.click(`${S} #region-marks-panel face-review li button`);
  await page.keyboard.press('ArrowRight');
  p = await marksPanel(page);
  assert.equal(p.count, '2 marks of 1 object(s)');
  assert.deepEqual(p.labels, ['region-1 (marked here)']);
  assert.equal(p.boxes[0][0], before41[0] + Math.round(0.01 * W), 'moved by 1 % of the frame');

  const axe = await new AxeBuilder({ page }).include(S).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
  );
  await page.screenshot({ path: join(work, 'marks.png') });

  await page.click(`${S} #marks-use`);
  const regions = await page.evaluate(() => {
    // The recipe the studio holds (a reactive state of the element, read as tests read it).
    const studio = /** @type {{ recipe?: { steps: { params?: { regions?: string } }[] } } | null} */ (
      /** @type {unknown} */ (document.querySelector('tessera-studio'))
    );
    return studio?.recipe?.steps[0].params?.regions ?? '';
  });
  const marks = /** @type {{ id: string, box: number[], time: number }[]} */ (parseJson(regions));
  assert.equal(marks.length, 2);
  assert.deepEqual(
    marks.map((m) => m.id),
    ['region-1', 'region-1'],
  );
  assert.ok(Math.abs(marks[0].time - 0) < 0.5 / FPS && Math.abs(marks[1].time - 40 / FPS) < 0.5 / FPS, JSON.stringify(marks));
  assert.equal(await page.locator(`${S} #region-marks-panel`).count(), 0, 'the panel closes');
});

test('with Hide faces, Faces to leave visible… marks a face to keep, written into the face step', { timeout: 120_000 }, async () => {
  const { page } = app;
  const faces = { name: 'Hide faces', steps: [{ op: 'redact-faces', params: { effect: 'fill' } }] };
  await page.goto('about:blank');
  await page.goto(`${app.url}#recipe=${Buffer.from(JSON.stringify(faces)).toString('base64url')}`);
  await openMarking(page, '#keep-faces');
  assert.match((await marksPanel(page)).title, /^Faces to leave visible: clip\.mp4, frame 1 of 60/);
  // By keyboard alone: focus the frame, add a box in the middle, move it.
  await page.focus(`${S} #region-marks-panel face-review .photo`);
  await page.keyboard.press('a');
  await page.keyboard.press('ArrowDown');
  const p = await marksPanel(page);
  assert.equal(p.count, '1 mark of 1 object(s)');
  await page.click(`${S} #marks-use`);
  const keep = await page.evaluate(() => {
    const studio = /** @type {{ recipe?: { steps: { params?: { keep?: string } }[] } } | null} */ (
      /** @type {unknown} */ (document.querySelector('tessera-studio'))
    );
    return studio?.recipe?.steps[0].params?.keep ?? '';
  });
  const marks = /** @type {{ id: string, box: number[], time: number }[]} */ (parseJson(keep));
  assert.deepEqual(
    marks.map((m) => [m.id, m.box, m.time]),
    [['region-1', p.boxes[0], 0]],
  );
});
