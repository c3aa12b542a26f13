// Hide regions through a whole clip with `npm run batch`: a textured "plate" moves, grows and is
// covered for four frames; it is marked once, in frame 12, in the recipe's JSON. The command
// follows it backwards to frame 0 and forwards to the end, writes <input>.tracks.json (IoU ≥ 0.7
// with the truth on ≥ 95 % of the visible frames, lost while covered) and hides it in every frame
// (magenta inside the plate, the background unchanged); a mark outside the clip fails that file
// with a message naming the region, and writes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchCommand, commandSummary, requireBuilt } from './harness.mjs';
import { COVERED, FPS, H, MARKED, N, W, decodeRgb, iou, meanIn, truth, writePlateClip } from './region-fixtures.mjs';
import { parseJson } from '../../scripts/lib/json.mjs';

/** @type {string} */
let dir;
before(() => {
  requireBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tessera-regions-'));
  mkdirSync(join(dir, 'in'));
  writePlateClip(join(dir, 'in', 'clip.mp4'));
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

/** @param {unknown[]} regions @param {string} out */
async function run(regions, out) {
  const recipe = join(dir, `${out}.json`);
  writeFileSync(
    recipe,
    JSON.stringify({
      name: 'hide the plate',
      steps: [{ op: 'redact-regions', params: { regions: JSON.stringify(regions), effect: 'fill', color: '#ff00ff', margin: 10 } }],
    }),
  );
  return batchCommand([join(dir, 'in'), join(dir, out), '--recipe', recipe, '--no-build', '--workers', '2'], { timeout: 180_000 });
}

test('a plate marked once is followed through the clip, hidden in every frame, and its track written', async () => {
  const r = await run([{ id: 'plate', box: truth(MARKED), frame: MARKED }], 'out');
  assert.equal(r.code, 0, r.stderr);
  const summary = commandSummary(r.stdout, r.stderr);
  assert.equal(summary.ok, 1, r.stderr);
  assert.deepEqual(summary.regions, [
    {
      file: 'clip.mp4',
      tracksPath: join(dir, 'out', 'clip.mp4.tracks.json'),
      objects: [{ id: 'plate', hidden: N, lost: COVERED.length }],
      frames: N,
      tracked: true,
    },
  ]);
  assert.match(r.stderr, /clip\.mp4: "plate" hidden in 60 of 60 frames \(lost, so its box predicted, in 4\) — tracks in /);

  const tracks = /** @type {import('../../src/core/regions').TracksReport} */ (
    parseJson(readFileSync(join(dir, 'out', 'clip.mp4.tracks.json'), 'utf8'))
  );
  assert.equal(tracks.width, W);
  assert.equal(tracks.frames, N);
  assert.equal(tracks.tracked, true);
  assert.equal(tracks.objects.length, 1);
  const [plate] = tracks.objects;
  assert.equal(plate.id, 'plate');
  assert.deepEqual(plate.marks, [{ frame: MARKED, box: truth(MARKED) }]);
  // Followed backwards to the first frame and forwards to the last.
  assert.deepEqual(
    plate.frames.map((p) => p.frame),
    Array.from({ length: N }, (_, i) => i),
  );
  const visible = plate.frames.filter((p) => !COVERED.includes(p.frame));
  const good = visible.filter((p) => iou(p.box, truth(p.frame)) >= 0.7);
  assert.ok(
    good.length >= 0.95 * visible.length,
    `IoU ≥ 0.7 on ${good.length}/${visible.length} visible frames: ${visible.map((p) => iou(p.box, truth(p.frame)).toFixed(2)).join(' ')}`,
  );
  for (const f of COVERED) {
    const p = plate.frames[f];
    assert.equal(p.lost, true, `frame ${f} is covered: reported lost (confidence ${p.confidence})`);
    assert.ok(p.confidence < 0.5);
  }
  assert.ok(Math.abs(plate.frames[MARKED + 3].time - (MARKED + 3) / FPS) < 0.002, 'times are the frames’ timestamps');

  // Every frame's plate is hidden (its central part is magenta), the background above it is not touched.
  const src = decodeRgb(join(dir, 'in', 'clip.mp4'));
  const rgb = decodeRgb(join(dir, 'out', 'clip.mp4'));
  assert.equal(rgb.length, N * W * H * 3, 'every frame written');
  for (let i = 0; i < N; i++) {
    const [x, y, w, h] = truth(i);
    const inner = [x + Math.round(w * 0.2), y + Math.round(h * 0.2), Math.round(w * 0.6), Math.round(h * 0.6)];
    const m = meanIn(rgb, i, inner);
    assert.ok(m[0] > 200 && m[1] < 70 && m[2] > 200, `frame ${i}: the plate is not hidden (mean ${m.map((v) => v.toFixed(0)).join(', ')})`);
    const sky = [0, 0, W, 40];
    const a = meanIn(src, i, sky),
      b = meanIn(rgb, i, sky);
    for (let c = 0; c < 3; c++)
      assert.ok(Math.abs(a[c] - b[c]) < 3, `frame ${i}: the background changed (${a.join(', ')} → ${b.join(', ')})`);
  }
});

test('a mark outside the clip fails that file, naming the region, and writes nothing', async () => {
  const r = await run([{ id: 'plate', box: truth(0), frame: 99 }], 'bad');
  assert.equal(r.code, 1, r.stderr);
  const summary = commandSummary(r.stdout, r.stderr);
  assert.equal(summary.failed, 1);
  assert.deepEqual(summary.errors, [
    { file: 'clip.mp4', message: 'Hide regions (step 1): region "plate" in frame 99: the video has 60 frames (0–59)' },
  ]);
  assert.equal(existsSync(join(dir, 'bad', 'clip.mp4')), false);
  assert.equal(existsSync(join(dir, 'bad', 'clip.mp4.tracks.json')), false);
});
