// Hide regions through a whole clip with `npm run batch`: a textured "plate" moves, grows and is
// covered for four frames; it is marked once, in frame 12, in the recipe's JSON. The command
// follows it backwards to frame 0 and forwards to the end, writes <input>.tracks.json (IoU ≥ 0.7
// with the truth on ≥ 95 % of the visible frames, lost while covered) and hides it in every frame
// (magenta inside the plate, the background unchanged); a mark outside the clip fails that file
// with a message naming the region, and writes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchCommand, commandSummary, requireBuilt } from './harness.mjs';
import { mulberry32 } from './fixtures.mjs';
import { parseJson } from '../../scripts/lib/json.mjs';

const W = 320,
  H = 240,
  N = 60,
  FPS = 30,
  COVERED = [28, 29, 30, 31],
  MARKED = 12;

/** The plate's true box in frame i: moving right, bobbing, growing from 64×40 to 80×50. @param {number} i */
function truth(i) {
  const s = 1 + (0.25 * i) / (N - 1);
  return [Math.round(10 + (220 * i) / (N - 1)), Math.round(95 + 20 * Math.sin(i / 6)), Math.round(64 * s), Math.round(40 * s)];
}

/** @param {number[]} a @param {number[]} b */
function iou(a, b) {
  const x0 = Math.max(a[0], b[0]),
    y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]),
    y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const i = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return i / (a[2] * a[3] + b[2] * b[3] - i);
}

/** RGB frames: a static textured background, the plate (blocks and stripes, scaled nearest) and, on COVERED frames, a gray card over it. */
function frames() {
  const rnd = mulberry32(5);
  const bg = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < 3; c++) bg[(y * W + x) * 3 + c] = 60 + ((x * (c + 1) + y * 2) % 90) + Math.floor(rnd() * 20);
  const PW = 64,
    PH = 40,
    plate = new Uint8Array(PW * PH * 3);
  for (let y = 0; y < PH; y++)
    for (let x = 0; x < PW; x++) {
      const block = ((Math.floor(x / 8) * 7 + Math.floor(y / 8) * 13) % 5) * 50;
      const stripe = x % 16 < 3 ? 255 : 0;
      plate.set([Math.max(block, stripe), 255 - block, (block * 3) % 256], (y * PW + x) * 3);
    }
  const out = [];
  for (let i = 0; i < N; i++) {
    const f = Uint8Array.from(bg);
    const [bx, by, bw, bh] = truth(i);
    for (let y = 0; y < bh; y++)
      for (let x = 0; x < bw; x++) {
        const sx = Math.min(PW - 1, Math.floor((x * PW) / bw)),
          sy = Math.min(PH - 1, Math.floor((y * PH) / bh));
        f.set(plate.subarray((sy * PW + sx) * 3, (sy * PW + sx) * 3 + 3), ((by + y) * W + bx + x) * 3);
      }
    if (COVERED.includes(i))
      for (let y = Math.max(0, by - 8); y < Math.min(H, by + bh + 8); y++)
        for (let x = Math.max(0, bx - 8); x < Math.min(W, bx + bw + 8); x++) f.set([128, 128, 128], (y * W + x) * 3);
    out.push(f);
  }
  return out;
}

/** @param {string} file */
function decodeRgb(file) {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 28 });
}

/** Mean of each channel of frame `i` of `rgb` inside `r` = [x, y, w, h]. @param {Buffer} rgb @param {number} i @param {number[]} r */
function meanIn(rgb, i, r) {
  const m = [0, 0, 0];
  for (let y = r[1]; y < r[1] + r[3]; y++)
    for (let x = r[0]; x < r[0] + r[2]; x++) for (let c = 0; c < 3; c++) m[c] += rgb[i * W * H * 3 + (y * W + x) * 3 + c];
  return m.map((v) => v / (r[2] * r[3]));
}

/** @type {string} */
let dir;
before(() => {
  requireBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tessera-regions-'));
  mkdirSync(join(dir, 'in'));
  execFileSync(
    'ffmpeg',
    ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-r', String(FPS), '-i', '-'].concat([
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-crf',
      '12',
      '-g',
      '30',
      join(dir, 'in', 'clip.mp4'),
    ]),
    { input: Buffer.concat(frames()) },
  );
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
