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
import {
  COVERED,
  FPS,
  H,
  MARKED,
  N,
  W,
  decodeRgb,
  diffOutside,
  iou,
  magentaIn,
  magentaOutside,
  truth,
  writePlateClip,
} from './region-fixtures.mjs';
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

/**
 * `npm run batch` with a Hide regions step (fill magenta, margin 10 %) on the clip, after `before` steps.
 * @param {unknown[]} regions @param {string} out @param {{ before?: unknown[], flags?: string[] }} [o]
 */
async function run(regions, out, { before = [], flags = [] } = {}) {
  const recipe = join(dir, `${out}.json`);
  writeFileSync(
    recipe,
    JSON.stringify({
      name: 'hide the plate',
      steps: [
        ...before,
        { op: 'redact-regions', params: { regions: JSON.stringify(regions), effect: 'fill', color: '#ff00ff', margin: 10 } },
      ],
    }),
  );
  return batchCommand([join(dir, 'in'), join(dir, out), '--recipe', recipe, '--no-build', '--workers', '2', ...flags], {
    timeout: 180_000,
  });
}

/** A box grown by `k` px on every side. @param {number[]} b @param {number} k */
const grow = (b, k) => [b[0] - k, b[1] - k, b[2] + 2 * k, b[3] + 2 * k];

test('a plate marked once is followed through the clip, hidden in every frame, and its track written', async () => {
  // A high bitrate, so what the pixel checks see is the redaction, not the encoder's skipped blocks.
  const r = await run([{ id: 'plate', box: truth(MARKED), frame: MARKED }], 'out', { flags: ['--video-bitrate', '8000000'] });
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

  // Every frame's plate is hidden (all of it magenta, edges aside), and every pixel beyond the box
  // with its margin (and a few pixels for the codec's ringing) is as it was.
  const src = decodeRgb(join(dir, 'in', 'clip.mp4'));
  const rgb = decodeRgb(join(dir, 'out', 'clip.mp4'));
  assert.equal(rgb.length, N * W * H * 3, 'every frame written');
  /** @type {number[][]} the redacted boxes of frames 0…i */
  const soFar = [];
  for (let i = 0; i < N; i++) {
    const t = truth(i);
    // (On covered frames the plate is behind the card: its box there is the prediction.)
    const hidden = magentaIn(rgb, i, grow(t, -2));
    const want = COVERED.includes(i) ? 0.9 : 0.97;
    assert.ok(hidden > want, `frame ${i}: only ${(hidden * 100).toFixed(1)} % of the plate is hidden`);
    // The fill does not reach beyond the tracked boxes and their 10 % margin (+ 3 px: 4:2:0 chroma
    // and ringing; the background has no magenta at all). Earlier frames' boxes count too: the
    // encoder keeps a stale pixel or two of a previous frame's fill where the background is still
    // (seen at 8 Mbit/s too; the step's own pixels are exact, tests/unit/regions.test.ts).
    const [bx, by, bw, bh] = plate.frames[i].box;
    const redacted = [bx - bw * 0.1 - 3, by - bh * 0.1 - 3, bw * 1.2 + 6, bh * 1.2 + 6].map(Math.round);
    soFar.push(redacted);
    const leaked = magentaOutside(rgb, i, soFar);
    assert.equal(leaked, 0, `frame ${i}: ${leaked} magenta pixels outside the tracked boxes and their margin`);
    // …and the rest of the picture differs from the input only by the re-encoding.
    const d = diffOutside(src, rgb, i, grow(redacted, 4));
    assert.ok(d < 8, `frame ${i}: the picture outside the plate changed (mean |diff| ${d.toFixed(2)})`);
  }
});

test('boxes are in the input video’s pixels: with a resize and a face redaction before the step, the plate is hidden where it is', async () => {
  const before = [
    { op: 'resize', params: { mode: 'percent', percent: 50 } },
    { op: 'redact-faces', params: { effect: 'fill', color: '#00ff00' } },
  ];
  const r = await run([{ id: 'plate', box: truth(MARKED), frame: MARKED }], 'half', { before });
  assert.equal(r.code, 0, r.stderr);
  const rgb = decodeRgb(join(dir, 'half', 'clip.mp4'));
  const w = W / 2,
    h = H / 2;
  assert.equal(rgb.length, N * w * h * 3);
  for (let i = 0; i < N; i++) {
    const t = truth(i).map((v) => Math.round(v / 2));
    const hidden = magentaIn(rgb, i, grow(t, -2), w, h);
    assert.ok(hidden > 0.95, `frame ${i}: only ${(hidden * 100).toFixed(1)} % of the half-size plate is hidden`);
  }
});

test('a range that starts at 0.5 s: a mark by time finds its frame, and the tracks keep the input’s times', async () => {
  // 1.2 s is input frame 36, frame 21 of the range. The "card" is marked at 1.0 s, a covered frame
  // (28–31): its box is flat gray, nothing to follow, and the command says so.
  const r = await run(
    [
      { id: 'plate', box: truth(36), time: 1.2 },
      { id: 'card', box: truth(30), time: 1.0 },
    ],
    'late',
    { flags: ['--video-start', '0.5'] },
  );
  assert.equal(r.code, 0, r.stderr);
  const summary = commandSummary(r.stdout, r.stderr);
  assert.deepEqual(
    summary.regions?.[0].objects.map((o) => [o.id, o.hidden, !!o.unfollowed]),
    [
      ['plate', N - 15, false],
      ['card', 1, true],
    ],
  );
  assert.match(r.stderr, /"card" hidden in 1 of 45 frames — only where marked: its box holds nothing to follow/);
  const tracks = /** @type {import('../../src/core/regions').TracksReport} */ (
    parseJson(readFileSync(join(dir, 'late', 'clip.mp4.tracks.json'), 'utf8'))
  );
  assert.equal(tracks.frames, N - 15);
  assert.deepEqual(tracks.objects[0].marks, [{ frame: 21, box: truth(36) }]);
  assert.ok(Math.abs(tracks.objects[0].frames[0].time - 0.5) < 0.002, `first time ${tracks.objects[0].frames[0].time}`);
  const rgb = decodeRgb(join(dir, 'late', 'clip.mp4'));
  assert.equal(rgb.length, (N - 15) * W * H * 3);
  for (let k = 0; k < N - 15; k++) {
    const hidden = magentaIn(rgb, k, grow(truth(15 + k), -2));
    assert.ok(hidden > 0.97, `output frame ${k} (input frame ${15 + k}): only ${(hidden * 100).toFixed(1)} % of the plate is hidden`);
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
