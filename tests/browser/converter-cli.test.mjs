// The converter features, through the headless command a user runs, on real photos: naming
// templates (EXIF dates, counters, output sizes); a rerun into the same folder never overwriting
// silently (rename by default, skip to resume an interrupted batch, overwrite when asked);
// selective metadata (GPS out, date, camera and copyright kept).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import exifr from 'exifr';
import { batchCommand, commandSummary, requireBuilt, samplePhoto } from './harness.mjs';

/** @type {string} */
let work;
/** @type {string} */
let input;
const INPUTS = { 'a/one.jpg': 'sample1.jpg', 'a/two.jpg': 'sample2.jpg', 'b/three.jpg': 'sample3.jpg' };

/** Files under dir, relative, sorted. @param {string} dir @returns {Promise<string[]>} */
async function listFiles(dir) {
  const out = [];
  for (const e of await fs.readdir(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
  return out.sort();
}

/** Each file's bytes and modified time. @param {string} dir */
async function snapshot(dir) {
  /** @type {Record<string, { bytes: Buffer, mtimeMs: number }>} */
  const s = {};
  for (const f of await listFiles(dir)) s[f] = { bytes: await fs.readFile(join(dir, f)), mtimeMs: (await fs.stat(join(dir, f))).mtimeMs };
  return s;
}

before(async () => {
  requireBuilt();
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-naming-'));
  input = join(work, 'in');
  for (const [rel, sample] of Object.entries(INPUTS)) {
    await fs.mkdir(join(input, rel, '..'), { recursive: true });
    await fs.copyFile(samplePhoto(sample), join(input, rel));
  }
});

after(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

const ADOBE_RGB = '/usr/share/color/icc/colord/AdobeRGB1998.icc';
const WEB = ['--recipe', 'web-export', '--workers', '2', '--no-build'];

test('--name: EXIF dates, counters in input order, output sizes, folders from the template', async () => {
  const out = join(work, 'out-template');
  const r = await batchCommand([input, out, ...WEB, '--name', '{date:YYYY}/{date}_{n:3}_{name}_{width}x{height}']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(commandSummary(r.stdout, r.stderr).ok, 3);
  // Web export fits 1200 px wide; the samples' capture dates are 2017-10-31, 2016-08-13, 2016-12-17.
  const files = await listFiles(out);
  assert.equal(files.length, 3, files.join(', '));
  const [one, two, three] = ['one', 'two', 'three'].map((n) => files.find((f) => f.includes(`_${n}_`)));
  assert.match(one ?? '', /^2017\/2017-10-31_001_one_\d+x\d+\.webp$/);
  assert.match(two ?? '', /^2016\/2016-08-13_002_two_\d+x\d+\.webp$/);
  assert.match(three ?? '', /^2016\/2016-12-17_003_three_\d+x\d+\.webp$/);
  // {width}x{height} is the size written: read it back from the WebP's VP8/VP8L/VP8X header.
  for (const f of files) {
    const [, w, h] = /_(\d+)x(\d+)\.webp$/.exec(f) ?? [];
    assert.deepEqual(webpSize(await fs.readFile(join(out, f))), { width: Number(w), height: Number(h) }, f);
  }
});

test('a bad template is a usage error naming --name', async () => {
  const r = await batchCommand([input, join(work, 'out-bad'), ...WEB, '--name', '{name}-{size}']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--name: unknown token \{size\}/);
});

test('a rerun into the same folder keeps every file there: new outputs get _1, and the summary says so', async () => {
  const out = join(work, 'out-rerun');
  const first = await batchCommand([input, out, ...WEB]);
  assert.equal(first.code, 0, first.stderr);
  const before = await snapshot(out);
  assert.deepEqual(Object.keys(before), ['a/one.webp', 'a/two.webp', 'b/three.webp']);

  const again = await batchCommand([input, out, ...WEB]);
  assert.equal(again.code, 0, again.stderr);
  const s = commandSummary(again.stdout, again.stderr);
  assert.equal(s.ok, 3);
  assert.deepEqual(
    s.renamed.map((x) => x.output),
    ['a/one_1.webp', 'a/two_1.webp', 'b/three_1.webp'],
  );
  assert.match(s.renamed[0].message, /a\/one\.webp already exists: written as a\/one_1\.webp/);
  assert.match(again.stderr, /3 outputs renamed/);
  const after = await snapshot(out);
  for (const [f, was] of Object.entries(before)) {
    assert.ok(after[f].bytes.equals(was.bytes), `${f} untouched`);
    assert.equal(after[f].mtimeMs, was.mtimeMs, `${f} not rewritten`);
  }
  assert.ok(after['a/one_1.webp'].bytes.equals(before['a/one.webp'].bytes), 'the same settings give the same bytes');
});

test('--existing skip resumes an interrupted batch: only the missing output is made', async () => {
  const out = join(work, 'out-resume');
  assert.equal((await batchCommand([input, out, ...WEB])).code, 0);
  await fs.rm(join(out, 'a/two.webp')); // as if the batch had stopped before it
  const before = await snapshot(out);
  const r = await batchCommand([input, out, ...WEB, '--existing', 'skip']);
  assert.equal(r.code, 0, r.stderr);
  const s = commandSummary(r.stdout, r.stderr);
  assert.equal(s.ok, 1);
  assert.equal(s.skipped, 2);
  assert.deepEqual(
    s.skippedFiles.map((f) => f.path),
    ['a/one.jpg', 'b/three.jpg'],
  );
  assert.match(s.skippedFiles[0].reason, /a\/one\.webp already exists: left as it is/);
  assert.match(r.stderr, /2 files skipped: the output was already there/);
  const after = await snapshot(out);
  assert.deepEqual(Object.keys(after), ['a/one.webp', 'a/two.webp', 'b/three.webp']);
  for (const f of ['a/one.webp', 'b/three.webp']) assert.equal(after[f].mtimeMs, before[f].mtimeMs, `${f} not rewritten`);
});

test('--existing overwrite replaces in place', async () => {
  const out = join(work, 'out-overwrite');
  assert.equal((await batchCommand([input, out, ...WEB])).code, 0);
  await fs.writeFile(join(out, 'a/one.webp'), 'stale');
  const r = await batchCommand([input, out, ...WEB, '--existing', 'overwrite']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(commandSummary(r.stdout, r.stderr).renamed, []);
  assert.deepEqual(await listFiles(out), ['a/one.webp', 'a/two.webp', 'b/three.webp']);
  assert.notEqual(String(await fs.readFile(join(out, 'a/one.webp'))), 'stale');
});

test('--metadata no-location --copyright: GPS gone, capture date and camera kept, copyright written', async () => {
  const out = join(work, 'out-meta');
  const r = await batchCommand([
    input,
    out,
    ...WEB,
    '--format',
    'jpeg',
    '--metadata',
    'no-location',
    '--copyright',
    'Jane Doe 2026',
    '--artist',
    'Jane Doe',
  ]);
  assert.equal(r.code, 0, r.stderr);
  for (const f of ['a/one.jpg', 'a/two.jpg', 'b/three.jpg']) {
    const before = await tags(join(input, f));
    const after = await tags(join(out, f));
    assert.equal(typeof before.latitude, 'number', `${f}: the sample has GPS`);
    assert.deepEqual(
      Object.keys(after).filter((k) => /^GPS|latitude|longitude/.test(k)),
      [],
      f,
    );
    assert.ok(before.DateTimeOriginal instanceof Date && after.DateTimeOriginal instanceof Date, f);
    assert.equal(after.DateTimeOriginal.getTime(), before.DateTimeOriginal.getTime(), f);
    assert.equal(after.Make, before.Make, f);
    assert.equal(after.Copyright, 'Jane Doe 2026');
    assert.equal(after.Artist, 'Jane Doe');
  }
});

test('an Adobe RGB photo is written as sRGB: the values an ICC transform gives, tagged sRGB', async () => {
  const dir = join(work, 'adobe');
  await fs.mkdir(join(dir, 'in'), { recursive: true });
  const adobe = join(dir, 'in', 'adobe.jpg');
  // The sample converted into Adobe RGB and tagged so, by Debian's vips (colord-data's profile).
  execFileSync('vips', ['icc_transform', samplePhoto('sample4.jpg'), `${adobe}[Q=95]`, ADOBE_RGB, '--embedded']);
  const out = join(dir, 'out');
  // A recipe of no steps: the photo converted, nothing else.
  await fs.writeFile(join(dir, 'convert.json'), JSON.stringify({ name: 'Convert', steps: [] }));
  const r = await batchCommand([
    join(dir, 'in'),
    out,
    '--workers',
    '1',
    '--no-build',
    '--format',
    'png',
    '--recipe',
    join(dir, 'convert.json'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  // The reference: the same file to sRGB by Debian's native libvips and lcms.
  execFileSync('vips', ['icc_transform', adobe, join(dir, 'ref.v'), 'srgb', '--embedded', '--depth', '8']);
  execFileSync('vips', ['rawsave', join(dir, 'ref.v'), join(dir, 'ref.raw')]);
  execFileSync('vips', ['rawsave', join(out, 'adobe.png'), join(dir, 'got.raw')]);
  execFileSync('vips', ['rawsave', adobe, join(dir, 'raw.raw')]);
  const [ref, got, raw] = await Promise.all(['ref', 'got', 'raw'].map((n) => fs.readFile(join(dir, `${n}.raw`))));
  assert.equal(got.length, ref.length);
  /** @param {Buffer} a @param {Buffer} b */
  const meanDiff = (a, b) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;
  assert.ok(meanDiff(raw, ref) > 3, 'Adobe RGB values differ from sRGB ones');
  assert.ok(meanDiff(got, ref) < 0.5, `mean difference from the reference transform: ${meanDiff(got, ref)}`);
  // vipsheader prints the profile in base64; its description (v4 'mluc', UTF-16) says sRGB.
  const profile = Buffer.from(
    execFileSync('vipsheader', ['-f', 'icc-profile-data', join(out, 'adobe.png')])
      .toString()
      .trim(),
    'base64',
  );
  assert.ok(profile.length > 100, 'the output carries a profile');
  assert.ok(profile.includes(Buffer.from('\0s\0R\0G\0B', 'latin1')) || profile.includes(Buffer.from('sRGB')), 'tagged sRGB');
  assert.ok(!profile.includes(Buffer.from('Adobe')), 'not Adobe RGB');
});

test('--max-bytes: every output at most that size, at the quality reported; too small a limit fails in words or shrinks', async () => {
  const out = join(work, 'out-max');
  const r = await batchCommand([input, out, ...WEB, '--format', 'jpeg', '--max-bytes', '60000']);
  assert.equal(r.code, 0, r.stderr);
  const s = commandSummary(r.stdout, r.stderr);
  assert.equal(s.fits?.length, 3);
  for (const f of s.fits ?? []) {
    const size = (await fs.stat(join(out, f.output))).size;
    assert.ok(size <= 60000, `${f.output}: ${size} bytes`);
    assert.equal(size, f.bytes);
    assert.ok(f.quality !== undefined && f.quality >= 1 && f.quality <= 85, JSON.stringify(f));
    assert.equal(f.scale, 1);
  }

  const tiny = await batchCommand([input, join(work, 'out-tiny'), ...WEB, '--format', 'jpeg', '--max-bytes', '1500']);
  assert.equal(tiny.code, 1);
  const t = commandSummary(tiny.stdout, tiny.stderr);
  assert.equal(t.failed, 3);
  assert.match(t.errors[0].message, /cannot be made 1\.5 KB or smaller: at quality 1 it is [\d.]+ KB; turn on Shrink to fit/);

  const shrunk = await batchCommand([
    input,
    join(work, 'out-shrunk'),
    ...WEB,
    '--format',
    'jpeg',
    '--max-bytes',
    '1500',
    '--shrink-to-fit',
  ]);
  assert.equal(shrunk.code, 0, shrunk.stderr);
  for (const f of commandSummary(shrunk.stdout, shrunk.stderr).fits ?? []) {
    assert.ok((await fs.stat(join(work, 'out-shrunk', f.output))).size <= 1500);
    assert.ok(f.scale < 1, JSON.stringify(f));
  }
});

/**
 * The EXIF tags exifr (an independent reader) finds in a file.
 * @param {string} path
 * @returns {Promise<Record<string, unknown> & { latitude?: number, DateTimeOriginal?: Date }>}
 */
async function tags(path) {
  return /** @type {Record<string, unknown>} */ (await exifr.parse(await fs.readFile(path), { gps: true })) ?? {};
}

/** A WebP's canvas size (VP8X, VP8 or VP8L). @param {Buffer} b */
function webpSize(b) {
  const kind = b.toString('ascii', 12, 16);
  if (kind === 'VP8X') return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  if (kind === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  if (kind === 'VP8L') {
    const bits = b.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  throw new Error(`not a WebP: ${kind}`);
}
