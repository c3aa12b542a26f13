// A video written as an animated WebP or GIF by the headless command (--video-animation,
// --animation-fps, --video-start/--video-end, a Resize step for the size): a 2 s, 30 fps H.264 clip
// made by ffmpeg (testsrc2: a moving pattern and a running counter), checked with webpmux -info and
// the GIF's own blocks (frames = seconds × fps, each delay 1/fps, looping forever, the resized
// size), and each frame's pixels against ffmpeg's own decode of the frame on that tick, resized and
// negated by ffmpeg — closer to it than to the source frames either side of the tick.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchCommand, commandSummary, requireBuilt } from './harness.mjs';
import { RECIPE, gifInfo, run, webpInfo } from './animation-fixtures.mjs';

const W = 160,
  H = 120,
  FPS = 30,
  SECONDS = 2;

/** @type {string} */ let work;
/** @type {string} */ let input;
/** @type {string} */ let recipe;

/** Frame `page` of an animation as the native vips CLI decodes it: RGB bytes. @param {string} file @param {number} page */
async function vipsFrame(file, page) {
  const raw = join(work, 'frame.raw');
  run('vips', ['extract_band', `${file}[page=${page}]`, join(work, 'frame.v'), '0', '--n', '3']);
  run('vips', ['rawsave', join(work, 'frame.v'), raw]);
  return fs.readFile(raw);
}

/** Source frame `n` decoded by ffmpeg, halved and negated by ffmpeg: RGB bytes. @param {number} n */
function ffmpegFrame(n) {
  return execFileSync(
    'ffmpeg',
    [
      ...['-loglevel', 'error', '-i', join(input, 'clip.mp4')],
      ...['-sws_flags', 'lanczos+accurate_rnd+full_chroma_int+full_chroma_inp'],
      ...['-vf', `select=eq(n\\,${n}),scale=${W / 2}:${H / 2}:flags=area:in_color_matrix=bt601,negate`, '-frames:v', '1'],
      ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    ],
    { maxBuffer: 1 << 24 },
  );
}

/** Mean absolute difference. @param {Buffer} a @param {Buffer} b */
function meanDiff(a, b) {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

before(async () => {
  requireBuilt();
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-video-animation-'));
  input = join(work, 'in');
  await fs.mkdir(input);
  run('ffmpeg', [
    ...['-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=${FPS}`, '-t', String(SECONDS)],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '30', join(input, 'clip.mp4')],
  ]);
  recipe = join(work, 'recipe.json');
  await fs.writeFile(recipe, JSON.stringify(RECIPE));
});

after(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** @param {string} out @param {string[]} flags */
async function batch(out, flags) {
  const r = await batchCommand([input, out, '--recipe', recipe, '--no-build', '--workers', '2', ...flags], { timeout: 180_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(commandSummary(r.stdout, r.stderr).ok, 1);
  return r;
}

test('--video-animation webp at 10 fps: 20 frames of 100 ms, looping, resized, each the frame on its tick', async () => {
  const out = join(work, 'out-webp');
  await batch(out, ['--video-animation', 'webp', '--animation-fps', '10', '--format', 'webp', '--lossless']);
  const file = join(out, 'clip.webp');
  const info = webpInfo(file);
  assert.deepEqual([info.frames, info.width, info.height, info.loop], [SECONDS * 10, W / 2, H / 2, 0]);
  assert.deepEqual(info.durations, new Array(SECONDS * 10).fill(100));
  for (const k of [0, 7, 19]) {
    const got = await vipsFrame(file, k);
    const own = meanDiff(got, ffmpegFrame(3 * k));
    // The source frames either side of the tick (the counter and pattern move every frame) are farther.
    const sides = [3 * k - 1, 3 * k + 1].filter((n) => n >= 0).map((n) => meanDiff(got, ffmpegFrame(n)));
    // Decoders and colour conversion differ (Chromium's and ffmpeg's): about 6.5 levels on this pattern.
    assert.ok(own < 8, `frame ${k + 1}: mean difference ${own.toFixed(2)} from ffmpeg's frame ${3 * k}`);
    assert.ok(
      sides.every((d) => own < d),
      `frame ${k + 1}: ${own.toFixed(2)} from its own tick, ${sides.map((d) => d.toFixed(2)).join(', ')} from the frames beside it`,
    );
  }
});

test('--video-animation gif with a range: (end − start) × fps frames of 1/fps each', async () => {
  const out = join(work, 'out-gif');
  await batch(out, ['--video-animation', 'gif', '--animation-fps', '5', '--video-start', '0.5', '--video-end', '1.5']);
  const info = gifInfo(await fs.readFile(join(out, 'clip.gif')));
  assert.deepEqual([info.delays, info.plays, info.width, info.height], [new Array(5).fill(200), 0, W / 2, H / 2]);
});
