// Animated GIF and WebP through the headless command: an animated WebP made by img2webp (per-frame
// delays 80–320 ms, loop 3) and a GIF made from it by Debian's vips CLI, converted with a recipe
// (resize to half + invert) to animated WebP and GIF. Checked with tools that are not Tessera:
// webpmux -info (frames, durations, loop), the GIF's own Graphic Control and NETSCAPE blocks
// (delays, loop), and the native vips CLI decoding every frame — whose pixels must equal the same
// recipe run by the command on each input frame alone (a PNG per frame). A still format writes
// the first frame and the summary says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchCommand, commandSummary, requireBuilt } from './harness.mjs';
import { parseJson } from '../../scripts/lib/json.mjs';
import { DELAYS, LOOP, H, W, RECIPE, gifInfo, makeAnimations, run, webpInfo } from './animation-fixtures.mjs';

/** @type {string} */ let work;
/** @type {string} */ let input;
/** @type {string} */ let recipe;

/**
 * Every frame of an animation (or a still) as the native vips CLI decodes it: raw bytes per frame,
 * RGB (the frames are opaque) unless `allBands` (a GIF is read as RGBA, and the recipe's resize
 * treats an alpha image its own way: the reference frames keep it).
 * @param {string} file @param {string} dir
 */
async function vipsFrames(file, dir, allBands = false) {
  const tall = join(dir, 'tall.v');
  run('vips', ['copy', /\.(gif|webp)$/.test(file) ? `${file}[n=-1]` : file, tall]);
  const head = run('vipsheader', ['-a', tall]);
  const field = (/** @type {string} */ n) => Number(new RegExp(`^${n}: (\\d+)`, 'm').exec(head)?.[1]);
  const width = field('width'),
    height = field('height'),
    bands = field('bands');
  const pages = field('n-pages') || 1;
  const pageHeight = height / pages;
  const frames = [];
  for (let i = 0; i < pages; i++) {
    const raw = join(dir, `page${i}.raw`);
    run('vips', ['crop', tall, join(dir, 'page.v'), '0', String(i * pageHeight), String(width), String(pageHeight)]);
    if (!allBands) run('vips', ['extract_band', join(dir, 'page.v'), join(dir, 'rgb.v'), '0', '--n', '3']);
    run('vips', ['rawsave', join(dir, allBands ? 'page.v' : 'rgb.v'), raw]);
    frames.push(await fs.readFile(raw));
  }
  return { width, pageHeight, bands, frames };
}

/** Largest and mean absolute difference of two byte arrays. @param {Buffer} a @param {Buffer} b */
function diff(a, b) {
  assert.equal(a.length, b.length);
  let max = 0,
    sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: sum / a.length };
}

/** @type {{ gif: Buffer[], webp: Buffer[] }} the recipe on each input frame alone, as the command writes a still PNG */
const reference = { gif: [], webp: [] };

before(async () => {
  requireBuilt();
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-animation-'));
  input = join(work, 'in');
  await fs.mkdir(input);
  makeAnimations(work, input);
  recipe = join(work, 'recipe.json');
  await fs.writeFile(recipe, JSON.stringify(RECIPE));
  // The input frames as decoded, one PNG each, through the command as stills.
  const frames = join(work, 'frames');
  await fs.mkdir(frames);
  for (const kind of /** @type {const} */ (['gif', 'webp'])) {
    const dir = join(work, `dec-${kind}`);
    await fs.mkdir(dir);
    const src = await vipsFrames(join(input, kind === 'gif' ? 'g.gif' : 'w.webp'), dir, true);
    assert.equal(src.frames.length, 4, `${kind} fixture frames`);
    for (let i = 0; i < src.frames.length; i++)
      run('vips', ['rawload', join(dir, `page${i}.raw`), join(frames, `${kind}${i}.png`), String(W), String(H), String(src.bands)]);
  }
  const out = join(work, 'ref');
  const r = await batchCommand([frames, out, '--recipe', recipe, '--format', 'png', '--no-build', '--workers', '2'], { timeout: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  for (const kind of /** @type {const} */ (['gif', 'webp'])) {
    for (let i = 0; i < 4; i++) {
      const dir = join(work, `ref-${kind}${i}`);
      await fs.mkdir(dir);
      reference[kind].push((await vipsFrames(join(out, `${kind}${i}.png`), dir)).frames[0]);
    }
  }
});

after(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

test('the fixtures are what the test says: 4 frames, 80–320 ms, loop 3 (WebP) / repeat 2 (GIF)', async () => {
  const w = webpInfo(join(input, 'w.webp'));
  assert.deepEqual([w.frames, w.durations, w.loop], [4, DELAYS, LOOP]);
  const g = gifInfo(await fs.readFile(join(input, 'g.gif')));
  assert.deepEqual([g.delays, g.plays], [DELAYS, LOOP]);
});

test('--format webp: every frame through the recipe, with its delay and the loop count', async () => {
  const out = join(work, 'out-webp');
  const r = await batchCommand([input, out, '--recipe', recipe, '--format', 'webp', '--lossless', '--no-build', '--workers', '2'], {
    timeout: 120_000,
  });
  assert.equal(r.code, 0, r.stderr);
  const s = commandSummary(r.stdout, r.stderr);
  assert.equal(s.ok, 2);
  assert.deepEqual((s.animations ?? []).map((a) => [a.file, a.frames, a.animated]).sort(), [
    ['g.gif', 4, true],
    ['w.webp', 4, true],
  ]);
  for (const [name, kind] of /** @type {const} */ ([
    ['g', 'gif'],
    ['w', 'webp'],
  ])) {
    const file = join(out, `${name}.webp`);
    const info = webpInfo(file);
    assert.deepEqual([info.frames, info.durations, info.loop], [4, DELAYS, LOOP], `${name}.webp`);
    assert.deepEqual([info.width, info.height], [W / 2, H / 2]);
    const dir = join(work, `chk-webp-${name}`);
    await fs.mkdir(dir);
    const got = await vipsFrames(file, dir);
    assert.equal(got.frames.length, 4);
    // Lossless: each frame is exactly the recipe on that input frame.
    got.frames.forEach((f, i) => assert.equal(diff(f, reference[kind][i]).max, 0, `${name}.webp frame ${i + 1}`));
  }
});

test('--format gif: every frame, delays and loop kept; pixels within the palette’s rounding', async () => {
  const out = join(work, 'out-gif');
  const r = await batchCommand([input, out, '--recipe', recipe, '--format', 'gif', '--no-build', '--workers', '2'], { timeout: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(commandSummary(r.stdout, r.stderr).ok, 2);
  for (const [name, kind] of /** @type {const} */ ([
    ['g', 'gif'],
    ['w', 'webp'],
  ])) {
    const file = join(out, `${name}.gif`);
    const info = gifInfo(await fs.readFile(file));
    assert.deepEqual([info.delays, info.plays, info.width, info.height], [DELAYS, LOOP, W / 2, H / 2], `${name}.gif`);
    const dir = join(work, `chk-gif-${name}`);
    await fs.mkdir(dir);
    const got = await vipsFrames(file, dir);
    assert.equal(got.frames.length, 4);
    got.frames.forEach((f, i) => {
      const d = diff(f, reference[kind][i]);
      // 256 colours for a test pattern: small errors, none large (a wrong frame or an un-inverted one is ~100).
      assert.ok(d.mean < 4 && d.max <= 48, `${name}.gif frame ${i + 1}: mean ${d.mean.toFixed(2)}, max ${d.max}`);
    });
  }
});

test('a still format writes the first frame, and the file’s result and the command say so', async () => {
  const out = join(work, 'out-png');
  const r = await batchCommand([input, out, '--recipe', recipe, '--format', 'png', '--no-build', '--workers', '2'], { timeout: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const s = commandSummary(r.stdout, r.stderr);
  assert.deepEqual((s.animations ?? []).map((a) => [a.file, a.frames, a.animated]).sort(), [
    ['g.gif', 4, false],
    ['w.webp', 4, false],
  ]);
  assert.match(r.stderr, /2 animated inputs written as their first frame/);
  assert.equal(s.renamed.length, 0, 'a note about frames is not a rename');
  const dir = join(work, 'chk-png');
  await fs.mkdir(dir);
  const got = await vipsFrames(join(out, 'w.png'), dir);
  assert.equal(got.frames.length, 1);
  assert.equal(diff(got.frames[0], reference.webp[0]).max, 0);
});

/** ffprobe: each video frame's time (s) and the stream's size. @param {string} file */
function videoFrames(file) {
  const out = run('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height:frame=best_effort_timestamp_time'],
    ...['-of', 'json', file],
  ]);
  const j = /** @type {{ frames: { best_effort_timestamp_time: string }[], streams: { width: number, height: number }[] }} */ (
    parseJson(out)
  );
  return {
    times: j.frames.map((f) => Number(f.best_effort_timestamp_time)),
    width: j.streams[0].width,
    height: j.streams[0].height,
  };
}

test('--animations-as-video: an animated WebP becomes an MP4 whose frames show for their delays; a still GIF stays an image', async () => {
  const dir = join(work, 'in-video');
  await fs.mkdir(dir);
  await fs.copyFile(join(input, 'w.webp'), join(dir, 'w.webp'));
  run('vips', ['copy', join(work, 'f1.png'), join(dir, 'still.gif')]);
  const out = join(work, 'out-video');
  const r = await batchCommand(
    [dir, out, '--recipe', recipe, '--animations-as-video', '--video-quality', '100', '--format', 'png', '--no-build', '--workers', '2'],
    {
      timeout: 120_000,
    },
  );
  assert.equal(r.code, 0, r.stderr);
  const s = commandSummary(r.stdout, r.stderr);
  assert.equal(s.ok, 2);
  // What the video cannot keep (the WebP loops 3 times) is said, in the summary and in words.
  assert.deepEqual(s.warnings, [{ file: 'w.webp', message: 'a video plays once: the animation’s loop count is not kept' }]);
  assert.match(r.stderr, /w\.webp: a video plays once: the animation’s loop count is not kept/);
  assert.deepEqual((await fs.readdir(out)).sort(), ['still.png', 'w.mp4']);
  const v = videoFrames(join(out, 'w.mp4'));
  assert.deepEqual([v.width, v.height], [W / 2, H / 2]);
  // Timestamps add up the delays: 0, 80, 240, 480 ms.
  assert.deepEqual(
    v.times.map((t) => Math.round(t * 1000)),
    [0, 80, 240, 480],
  );
  // Frame 2 decoded by ffmpeg is the recipe on input frame 2, not its neighbours.
  const frame2 = execFileSync(
    'ffmpeg',
    [
      '-loglevel',
      'error',
      '-i',
      join(out, 'w.mp4'),
      '-vf',
      'select=eq(n\\,1)',
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { maxBuffer: 1 << 20 },
  );
  const own = diff(frame2, reference.webp[1]).mean;
  // 4:2:0 chroma of a 32×24 pattern of sharp colour edges costs ~14 levels (the same at quality 100); the neighbours are ~50–60 away.
  assert.ok(own < 16, `frame 2: mean difference ${own.toFixed(2)}`);
  for (const i of [0, 2]) assert.ok(own < diff(frame2, reference.webp[i]).mean, `frame 2 is closer to input frame 2 than to ${i + 1}`);
});
