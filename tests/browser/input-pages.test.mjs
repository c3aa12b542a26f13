// Inputs read fully, through the command a user runs: a multi-page TIFF (its first page by
// default; with --pages all every page through the recipe as its own file, each its own size),
// a HEIC photo's EXIF carried into the output (capture date, camera; GPS gone with no-location;
// {date} naming; its orientation consistent with the pixels), and camera RAW files reported
// by name while the batch goes on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import exifr from 'exifr';
import { encodeTiffPages, vips, vipsHeader as header, vipsRaw as raw } from './fixtures.mjs';
import { batchCommand, commandSummary, requireBuilt, samplePhoto } from './harness.mjs';

/** @type {string} */
let work;

/** Three pages, each its own size and colours. */
const PAGES = [
  { width: 40, height: 30, pixel: (/** @type {number} */ x, /** @type {number} */ y) => [255, x * 6, y * 8] },
  { width: 25, height: 50, pixel: (/** @type {number} */ x, /** @type {number} */ y) => [0, 200 - y, x * 10] },
  { width: 64, height: 16, pixel: (/** @type {number} */ x, /** @type {number} */ y) => [y * 15, 0, 255 - x] },
];

/** Every pixel of `path` is page `k`'s. @param {string} path @param {number} k */
async function assertPage(path, k) {
  const pg = PAGES[k];
  assert.deepEqual(header(path), { width: pg.width, height: pg.height, bands: 3 }, `${path}: page ${k + 1}'s size`);
  const px = await raw(path);
  for (let y = 0; y < pg.height; y++)
    for (let x = 0; x < pg.width; x++) {
      const at = (y * pg.width + x) * 3;
      assert.deepEqual([...px.subarray(at, at + 3)], pg.pixel(x, y), `${path} (${x}, ${y})`);
    }
}

/** Output files under `dir`, relative, sorted. @param {string} dir */
async function listing(dir) {
  const out = [];
  for (const e of await fs.readdir(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) out.push(join(e.parentPath, e.name).slice(dir.length + 1));
  return out.sort();
}

/**
 * A JPEG whose EXIF says "turn 90° clockwise" (orientation 6), with make, model, capture date and
 * GPS; 48×32, a green band along its stored top, red left and blue right below.
 */
async function sidewaysCameraJpeg() {
  const v = await vips();
  const W = 48;
  const H = 32;
  const px = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) px.set(y < 8 ? [0, 200, 0] : x < W / 2 ? [220, 0, 0] : [0, 0, 220], (y * W + x) * 3);
  const base = v.Image.newFromMemory(px, W, H, 3, v.BandFormat.uchar).copy({ interpretation: 'srgb' });
  const loaded = v.Image.newFromBuffer(base.jpegsaveBuffer({ Q: 95 }));
  const im = loaded.copy();
  try {
    im.setString('exif-ifd0-Make', 'TestCam');
    im.setString('exif-ifd0-Model', 'Model 7');
    im.setString('exif-ifd2-DateTimeOriginal', '2021:05:06 07:08:09');
    im.setString('exif-ifd3-GPSLatitudeRef', 'N');
    im.setString('exif-ifd3-GPSLatitude', '48/1 51/1 24/1');
    im.setString('exif-ifd3-GPSLongitudeRef', 'E');
    im.setString('exif-ifd3-GPSLongitude', '2/1 21/1 3/1');
    im.setInt('orientation', 6);
    return im.jpegsaveBuffer({ Q: 95 });
  } finally {
    for (const x of [im, loaded, base]) x.delete();
  }
}

/**
 * The EXIF tags exifr (an independent reader) finds in a file.
 * @param {string} path
 * @returns {Promise<{ Make?: string, Model?: string, DateTimeOriginal?: Date, Orientation?: string, latitude?: number, GPSLatitude?: number[] }>}
 */
async function tagsOf(path) {
  return /** @type {Record<string, never>} */ (await exifr.parse(await fs.readFile(path), { tiff: true, exif: true, gps: true })) ?? {};
}

/** @param {string[]} args */
async function run(args) {
  const r = await batchCommand([...args, '--workers', '2', '--no-build'], { timeout: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  return commandSummary(r.stdout, r.stderr);
}

/** @type {string} */
let convert;

before(async () => {
  requireBuilt();
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-pages-'));
  convert = join(work, 'convert.json');
  await fs.writeFile(convert, JSON.stringify({ name: 'Convert', steps: [] }));
});

after(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

test('a multi-page TIFF: its first page by default; with --pages all, every page as its own file, names in page order', async () => {
  const input = join(work, 'tiff-in');
  await fs.mkdir(join(input, 'scans'), { recursive: true });
  await fs.writeFile(join(input, 'scans', 'letter.tif'), encodeTiffPages(PAGES));
  // A one-page TIFF keeps its plain name with --pages all.
  await fs.writeFile(join(input, 'scans', 'single.tif'), encodeTiffPages([PAGES[1]]));
  assert.equal(
    execFileSync('vipsheader', ['-f', 'n-pages', join(input, 'scans', 'letter.tif')])
      .toString()
      .trim(),
    '3',
  );

  const first = join(work, 'tiff-first');
  const s1 = await run([input, first, '--recipe', convert, '--format', 'png']);
  assert.equal(s1.ok, 2, JSON.stringify(s1.errors));
  assert.deepEqual(await listing(first), ['scans/letter.png', 'scans/single.png']);
  await assertPage(join(first, 'scans', 'letter.png'), 0);

  const all = join(work, 'tiff-all');
  const s2 = await run([input, all, '--recipe', convert, '--format', 'png', '--pages', 'all']);
  assert.equal(s2.ok, 2, JSON.stringify(s2.errors));
  assert.deepEqual(await listing(all), ['scans/letter-1.png', 'scans/letter-2.png', 'scans/letter-3.png', 'scans/single.png']);
  for (let k = 0; k < 3; k++) await assertPage(join(all, 'scans', `letter-${k + 1}.png`), k);
  await assertPage(join(all, 'scans', 'single.png'), 1);
  assert.deepEqual(s2.pages, [{ file: 'scans/letter.tif', outputs: ['scans/letter-1.png', 'scans/letter-2.png', 'scans/letter-3.png'] }]);

  // A template that places {page} (padded), with the output's size: claimed page by page.
  const named = join(work, 'tiff-named');
  const s3 = await run([
    input,
    named,
    '--recipe',
    convert,
    '--format',
    'png',
    '--pages',
    'all',
    '--name',
    'p{page:2}_{name}_{width}x{height}',
  ]);
  assert.equal(s3.ok, 2, JSON.stringify(s3.errors));
  assert.deepEqual(await listing(named), ['p01_letter_40x30.png', 'p01_single_25x50.png', 'p02_letter_25x50.png', 'p03_letter_64x16.png']);
});

test('HEIC: its EXIF reaches the output (capture date, camera, GPS; none with no-location), named by {date}, upright as stored', async () => {
  const input = join(work, 'heic-in');
  await fs.mkdir(input, { recursive: true });
  execFileSync('heif-enc', ['-q', '90', samplePhoto('sample2.jpg'), '-o', join(input, 'IMG_0002.HEIC')]);
  const sideways = join(work, 'sideways.jpg');
  await fs.writeFile(sideways, await sidewaysCameraJpeg());
  // heif-enc keeps the JPEG's EXIF, orientation 6 included, but neither turns the pixels nor
  // adds an irot box: HEIF readers show them as stored (Debian's libvips: 48×32).
  execFileSync('heif-enc', ['-q', '95', sideways, '-o', join(input, 'IMG_0003.HEIC')]);
  // Camera RAW files: listed as skipped with the reason; the others are written.
  const dng = Buffer.alloc(64);
  dng.write('II*\0', 0, 'latin1');
  dng.writeUInt32LE(8, 4);
  await fs.writeFile(join(input, 'DSC_0001.dng'), dng);
  await fs.writeFile(join(input, 'IMG_0004.CR2'), Buffer.from('not really a Canon RAW file'));

  const keep = join(work, 'heic-keep');
  const s = await run([input, keep, '--recipe', convert, '--format', 'jpeg', '--metadata', 'keep']);
  assert.equal(s.ok, 2, JSON.stringify(s.errors));
  assert.deepEqual(s.errors, []);
  const why = Object.fromEntries(s.skippedFiles.map((f) => [f.path, f.reason]));
  assert.match(why['DSC_0001.dng'], /^camera RAW file \(\.dng\): Tessera cannot read RAW yet; export it as JPEG or TIFF/);
  assert.match(why['IMG_0004.CR2'], /^camera RAW file \(\.cr2\)/);

  const tags = await tagsOf(join(keep, 'IMG_0002.jpg'));
  assert.equal(tags?.Make, 'SONY');
  assert.equal(tags?.Model, 'ILCE-7M2');
  assert.equal(tags?.DateTimeOriginal?.toISOString(), '2016-08-13T01:11:41.000Z');
  assert.ok(Math.abs((tags?.latitude ?? 0) - 37.3196) < 0.001, `GPS kept: ${tags?.latitude}`);

  // Upright as the native decoder shows it (no second turn from the EXIF tag), and the output's
  // EXIF says so.
  const got = join(keep, 'IMG_0003.jpg');
  assert.deepEqual(header(got), { width: 48, height: 32, bands: 3 });
  const side = await tagsOf(got);
  assert.equal(side?.Make, 'TestCam');
  assert.ok(side?.Orientation === undefined || side.Orientation === 'Horizontal (normal)', `orientation ${side?.Orientation}`);
  const px = await raw(got);
  /** @param {number} x @param {number} y */
  const at = (x, y) => [...px.subarray((y * 48 + x) * 3, (y * 48 + x) * 3 + 3)];
  const near = (/** @type {number[]} */ a, /** @type {number[]} */ b) => a.every((v, i) => Math.abs(v - b[i]) < 40);
  assert.ok(near(at(24, 2), [0, 200, 0]), `green band on top: ${at(24, 2).join()}`);
  assert.ok(near(at(6, 24), [220, 0, 0]), `red bottom left: ${at(6, 24).join()}`);
  assert.ok(near(at(42, 24), [0, 0, 220]), `blue bottom right: ${at(42, 24).join()}`);

  const safe = join(work, 'heic-no-location');
  const s2 = await run([input, safe, '--recipe', convert, '--format', 'jpeg', '--metadata', 'no-location', '--name', '{date}_{name}']);
  assert.equal(s2.ok, 2, JSON.stringify(s2.errors));
  assert.deepEqual(
    (await listing(safe)).filter((f) => f.endsWith('.jpg')),
    ['2016-08-13_IMG_0002.jpg', '2021-05-06_IMG_0003.jpg'],
  );
  for (const f of ['2016-08-13_IMG_0002.jpg', '2021-05-06_IMG_0003.jpg']) {
    const t = await tagsOf(join(safe, f));
    assert.ok(t?.DateTimeOriginal instanceof Date, `${f}: capture date kept`);
    assert.ok(t?.Make, `${f}: camera kept`);
    assert.equal(t?.latitude, undefined, `${f}: no GPS`);
    assert.equal(t?.GPSLatitude, undefined, `${f}: no GPS`);
  }
});

test("HEIC in Adobe RGB: converted to sRGB by its ICC profile as Debian's libvips and lcms convert it", async () => {
  const input = join(work, 'heic-colour-in');
  await fs.mkdir(input, { recursive: true });
  const adobe = join(work, 'adobe.jpg');
  execFileSync('vips', ['icc_transform', samplePhoto('sample3.jpg'), adobe, '/usr/share/color/icc/colord/AdobeRGB1998.icc']);
  execFileSync('heif-enc', ['-q', '95', adobe, '-o', join(input, 'adobe.heic')]);
  const out = join(work, 'heic-colour-out');
  const s = await run([input, out, '--recipe', convert, '--format', 'png']);
  assert.equal(s.ok, 1, JSON.stringify(s.errors));
  const got = await raw(join(out, 'adobe.png'));
  const ref = join(work, 'adobe-srgb.png');
  execFileSync('vips', ['icc_transform', join(input, 'adobe.heic'), ref, 'srgb', '--embedded']);
  const asStored = join(work, 'adobe-stored.png');
  execFileSync('vips', ['copy', join(input, 'adobe.heic'), asStored]);
  /** @param {Buffer} a @param {Buffer} b */
  const meanDiff = (a, b) => a.reduce((n, v, i) => n + Math.abs(v - b[i]), 0) / a.length;
  const converted = meanDiff(got, await raw(ref));
  const unconverted = meanDiff(got, await raw(asStored));
  assert.ok(converted < 1.5, `mean difference from the native sRGB conversion ${converted}`);
  assert.ok(unconverted > 3 * converted, `the stored Adobe RGB values differ more (${unconverted})`);
});
