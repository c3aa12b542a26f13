// Reviewing the detector's faces at a keyframe of a video, in the studio: with Hide faces and a
// clip of two moving faces previewed, "Faces to leave visible…" shows the faces the face step's
// detector finds on the frame (boxes on the truth, IoU ≥ 0.5, said as to be hidden); one dropped by
// keyboard becomes a keep mark with the detector's box there; Use these regions writes it into the
// face step's keep; the video job run with the studio's recipe then leaves that face as it was in
// every frame (followed from the mark) and hides the other one in every frame.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { samplePhoto, startApp } from './harness.mjs';
import { parseJson } from '../../scripts/lib/json.mjs';
import { SAMPLE1_FACES, iou } from './face-fixtures.mjs';
import { makeFaceVideo } from './video-fixtures.mjs';
import { marksPanel } from './marks-panel.mjs';

const S = 'tessera-studio';
const RECIPE = { name: 'Hide faces', steps: [{ op: 'redact-faces', params: { effect: 'fill', color: '#ff00ff', margin: 10 } }] };
// sample1's middle and left faces, each with some hair and neck around it (crops of one shape).
const CROPS = [
  [775, 360, 320, 360],
  [353, 300, 320, 360],
];
const FACES = [SAMPLE1_FACES[1], SAMPLE1_FACES[0]];
const SIZE = 140;

/** @type {import('./harness.mjs').App} */
let app;
/** @type {string} */
let work;
before(async () => {
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-keyframes-'));
  app = await startApp();
  await app.page.setViewportSize({ width: 1366, height: 900 });
  await app.page.goto(`${app.url}#recipe=${Buffer.from(JSON.stringify(RECIPE)).toString('base64url')}`);
});
after(async () => {
  await app?.close();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/**
 * Per frame, the mean absolute difference (0–255, over RGB) between videos `a` and `b` inside
 * rects[i], and whether the middle of it is magenta in `b` (the face step's fill).
 * @param {import('playwright-core').Page} page @param {string} a @param {string} b @param {number[][]} rects
 */
function compareIn(page, a, b, rects) {
  return page.evaluate(
    async ({ a, b, rects }) => {
      const t = window.tessera;
      const crop = (/** @type {number} */ i, /** @type {Uint8Array} */ rgba, /** @type {number} */ w) => {
        const [x, y, rw, rh] = rects[i].map(Math.round);
        const out = [];
        for (let yy = y; yy < y + rh; yy++)
          for (let xx = x; xx < x + rw; xx++) out.push(...rgba.subarray((yy * w + xx) * 4, (yy * w + xx) * 4 + 3));
        return out;
      };
      const videos = window.__videos ?? {};
      let i = 0;
      const before = (await t.probeVideo(videos[a], (rgba, w) => crop(i++, rgba, w))).frames.map((f) => f.sample);
      i = 0;
      const after = (await t.probeVideo(videos[b], (rgba, w) => crop(i++, rgba, w))).frames.map((f) => f.sample);
      return after.map((px, k) => {
        const was = before[k];
        let d = 0;
        for (let j = 0; j < px.length; j++) d += Math.abs(px[j] - was[j]);
        // The middle pixel of the rect (row-major RGB).
        const [, , rw, rh] = rects[k].map(Math.round);
        const m = (Math.floor(rh / 2) * rw + Math.floor(rw / 2)) * 3;
        return { diff: d / px.length, magenta: px[m] > 200 && px[m + 1] < 60 && px[m + 2] > 200 };
      });
    },
    { a, b, rects },
  );
}

test(
  'faces found on a keyframe are listed; one dropped by keyboard is left visible through the clip, the other hidden',
  { timeout: 300_000 },
  async () => {
    const { page } = app;
    const clip = await makeFaceVideo(page, {
      name: 'two',
      image: samplePhoto('sample1.jpg'),
      crop: CROPS[0],
      more: CROPS.slice(1),
      size: SIZE,
      width: 480,
      height: 270,
      frames: 30,
    });
    assert.equal(clip.frames, 30);
    // Each face's hand-labelled box in the clip, per frame (the crop drawn at SIZE px wide).
    const truth = clip.faces.map((rects) =>
      rects.map(([x, y, w, h], j) => {
        const c = CROPS[j];
        const f = FACES[j];
        const sx = w / c[2],
          sy = h / c[3];
        return [x + (f[0] - c[0]) * sx, y + (f[1] - c[1]) * sy, f[2] * sx, f[3] * sy];
      }),
    );
    const bytes = await page.evaluate(async () => Array.from(new Uint8Array(await (window.__videos?.two ?? new Blob()).arrayBuffer())));
    await fs.writeFile(join(work, 'two.mp4'), Buffer.from(bytes));

    await page.setInputFiles(`${S} #files-input`, join(work, 'two.mp4'));
    await page.click(`${S} #keep-faces`, { timeout: 60_000 });
    await page.waitForFunction(
      () =>
        /found on frame|No faces found|Could not find/.test(
          document.querySelector('tessera-studio')?.shadowRoot?.querySelector('#region-marks-status')?.textContent ?? '',
        ),
      null,
      { timeout: 120_000 },
    );
    let p = await marksPanel(page);
    assert.match(p.title, /^Faces to leave visible: two\.mp4, frame 1 of 30/);
    assert.equal(p.status, '2 faces found on frame 1: 2 will be hidden, 0 left visible.');
    assert.equal(p.summary, '2 will be hidden, 0 left visible');
    assert.equal(p.boxes.length, 2);
    p.labels.forEach((l) => assert.match(l, /^found face \(0\.\d\d, will be hidden\)$/));
    assert.deepEqual(p.kinds, ['found', 'found']);
    // Each found box on its own face.
    const which = p.boxes.map((b) => {
      const scores = truth[0].map((t) => iou(b, t));
      const best = scores.indexOf(Math.max(...scores));
      assert.ok(scores[best] >= 0.5, `found ${b.join(', ')} vs truth ${truth[0].map((t) => t.map(Math.round).join(',')).join(' / ')}`);
      return best;
    });
    assert.deepEqual([...which].sort(), [0, 1], 'one box on each face');
    const kept = which[0];
    const keptBox = p.boxes[0];
    const hiddenFace = 1 - kept;

    // Keyboard only: on the frame, Tab past Add box to the first face in the list, select it, drop it.
    await page.focus(`${S} #region-marks-panel face-review .photo`);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Delete');
    p = await marksPanel(page);
    assert.deepEqual(p.boxes[0], keptBox, "the detector's box, in its place in the list");
    assert.equal(p.labels[0], 'face-1 (left visible, marked here)');
    assert.match(p.labels[1], /^found face \(0\.\d\d, will be hidden\)$/);
    assert.deepEqual(p.kinds, ['kept', 'found']);
    assert.deepEqual(p.pressed, ['true', 'false'], 'it stays selected');
    assert.match(p.said, /^Face 1 left visible/);
    assert.match(p.status, /2 faces found on frame 1: 1 will be hidden, 1 left visible\./);
    assert.equal(p.count, '1 mark of 1 object(s)');
    // Delete again: the mark is gone and the face found there is to be hidden again, still selected; once more: kept again.
    await page.keyboard.press('Delete');
    p = await marksPanel(page);
    assert.deepEqual(p.kinds, ['found', 'found']);
    assert.deepEqual(p.pressed, ['true', 'false']);
    assert.match(p.said, /^Face 1 will be hidden/);
    assert.equal(p.count, '0 marks of 0 object(s)');
    await page.keyboard.press('Delete');
    p = await marksPanel(page);
    assert.deepEqual(p.kinds, ['kept', 'found']);
    assert.equal(p.labels[0], 'face-1 (left visible, marked here)');
    const axe = await new AxeBuilder({ page }).include(S).analyze();
    assert.deepEqual(
      axe.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      [],
    );
    await page.screenshot({ path: join(process.env.SHOTS ?? work, 'keyframes.png') });

    await page.click(`${S} #marks-use`);
    const recipe = await page.evaluate(() => {
      // The recipe the studio holds (a reactive state of the element, read as tests read it).
      const studio = /** @type {{ recipe?: import('../../src/core/recipe').Recipe } | null} */ (
        /** @type {unknown} */ (document.querySelector('tessera-studio'))
      );
      return studio?.recipe;
    });
    assert.ok(recipe);
    const marks = /** @type {{ id: string, box: number[], time: number }[]} */ (parseJson(String(recipe.steps[0].params?.keep ?? '')));
    assert.deepEqual(marks, [{ id: 'face-1', box: keptBox, time: 0 }]);

    // The video job with the studio's recipe (as the batch runs a video).
    const r = await page.evaluate(async (recipe) => {
      const t = window.tessera;
      const videos = (window.__videos ??= {});
      const pool = t.createEnginePool(2);
      try {
        const out = await t.runVideo({
          file: videos.two,
          name: 'two.mp4',
          steps: t.resolveSteps(recipe),
          options: t.validateVideoOptions({ container: 'mp4', codec: 'h264' }),
          pool,
          buffers: new t.BufferPool(),
        });
        if (!out.bytes) throw new Error('no output file');
        videos['two-out'] = new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (out.bytes)]);
        return { ok: true, faces: out.faces, tracks: out.tracks };
      } catch (e) {
        return { ok: false, message: e instanceof Error ? e.message : String(e) };
      } finally {
        pool.dispose();
      }
    }, recipe);
    assert.ok(r.ok, r.message);
    console.log(`# faces ${JSON.stringify(r.faces)}; kept ${JSON.stringify(r.tracks?.objects.map((o) => [o.id, o.keep, o.hidden]))}`);
    assert.deepEqual(
      r.tracks?.objects.map((o) => [o.id, o.keep, o.hidden]),
      [['face-1', true, 30]],
      'followed from frame 0 to the end',
    );
    assert.equal(r.faces?.tracks, 1, 'only the other face is tracked');
    assert.equal(r.faces?.framesRedacted, 30);

    const keptCmp = await compareIn(
      page,
      'two',
      'two-out',
      truth.map((f) => f[kept]),
    );
    const hiddenCmp = await compareIn(
      page,
      'two',
      'two-out',
      truth.map((f) => f[hiddenFace]),
    );
    assert.equal(keptCmp.length, 30);
    console.log(`# kept face: mean |Δ| ${keptCmp.map((c) => c.diff.toFixed(1)).join(' ')}`);
    keptCmp.forEach((c, i) => {
      assert.ok(!c.magenta, `frame ${i}: the face left visible was hidden`);
      assert.ok(c.diff < 8, `frame ${i}: the face left visible changed by ${c.diff.toFixed(1)} on average`);
    });
    hiddenCmp.forEach((c, i) => assert.ok(c.magenta && c.diff > 40, `frame ${i}: the other face is not hidden (Δ ${c.diff.toFixed(1)})`));
  },
);
