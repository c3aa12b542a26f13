// Inputs that are picked up are read, through the command a user runs: HEIC (iPhone photos, by
// libheif-js), JPEG XL and SVG (libvips' side modules), BMP and ICO (the browser's decoders).
// Each output is compared with what Debian's native decoders make of the same file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBmp, vipsHeader as header, vipsRaw as raw } from './fixtures.mjs';
import { batchCommand, commandSummary, requireBuilt, samplePhoto } from './harness.mjs';

/** @type {string} */
let work;
/** @type {string} */
let input;
/** @type {string} */
let out;
/** @type {import('../../scripts/batch.mjs').Summary} */
let summary;

const W = 37;
const H = 21;
/** The BMP's and ICO's pixels: a gradient with a red stripe. @param {number} x @param {number} y */
const pixel = (x, y) => (y === 5 ? [255, 0, 0] : [(x * 7) & 255, (y * 12) & 255, ((x + y) * 5) & 255]);

/** An ICO holding one PNG image (as modern icon editors write them). @param {Buffer} png */
function ico(png) {
  const head = Buffer.alloc(22);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2);
  head.writeUInt16LE(1, 4);
  head[6] = W;
  head[7] = H;
  head.writeUInt16LE(1, 10);
  head.writeUInt16LE(32, 12);
  head.writeUInt32LE(png.length, 14);
  head.writeUInt32LE(22, 18);
  return Buffer.concat([head, png]);
}

const SVG = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a drawing as editors save them: prolog and comment before the root -->
<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" viewBox="0 0 120 80">
  <rect width="120" height="80" fill="#ffffff"/>
  <rect x="10" y="10" width="50" height="60" fill="#0000ff"/>
</svg>`;

/** @param {Buffer} a @param {Buffer} b */
const meanDiff = (a, b) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

before(async () => {
  requireBuilt();
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-inputs-'));
  input = join(work, 'in');
  out = join(work, 'out');
  await fs.mkdir(input, { recursive: true });
  execFileSync('heif-enc', ['-q', '90', samplePhoto('sample2.jpg'), '-o', join(input, 'IMG_0001.HEIC')]);
  execFileSync('vips', ['copy', samplePhoto('sample3.jpg'), join(input, 'photo.jxl')]);
  await fs.writeFile(join(input, 'drawing.svg'), SVG);
  await fs.writeFile(join(input, 'scan.bmp'), encodeBmp(W, H, pixel));
  // The ICO's PNG: the BMP's pixels, by Debian's vips.
  execFileSync('vips', ['copy', join(input, 'scan.bmp'), join(work, 'icon.png')]);
  await fs.writeFile(join(input, 'icon.ico'), ico(await fs.readFile(join(work, 'icon.png'))));
  const convert = join(work, 'convert.json');
  await fs.writeFile(convert, JSON.stringify({ name: 'Convert', steps: [] }));
  const r = await batchCommand([input, out, '--recipe', convert, '--format', 'png', '--workers', '2', '--no-build'], { timeout: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  summary = commandSummary(r.stdout, r.stderr);
});

after(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

test('every picked-up format is written', () => {
  assert.equal(summary.ok, 5, JSON.stringify(summary.errors));
  assert.deepEqual(summary.errors, []);
});

test('HEIC: the iPhone-style photo decodes as Debian libheif (libde265) decodes it', async () => {
  const got = join(out, 'IMG_0001.png');
  const ref = join(work, 'heic-ref.png');
  execFileSync('vips', ['copy', join(input, 'IMG_0001.HEIC'), ref]);
  assert.deepEqual(header(got), header(ref));
  assert.ok(meanDiff(await raw(got), await raw(ref)) < 1, 'same pixels as the native decoder, within rounding');
});

test('JPEG XL: as Debian libjxl decodes it', async () => {
  const got = join(out, 'photo.png');
  const ref = join(work, 'jxl-ref.png');
  execFileSync('vips', ['copy', join(input, 'photo.jxl'), ref]);
  assert.deepEqual(header(got), header(ref));
  assert.ok(meanDiff(await raw(got), await raw(ref)) < 1);
});

test('SVG: rendered at its size, the blue rectangle where it was drawn', async () => {
  const got = join(out, 'drawing.png');
  const h = header(got);
  assert.equal(h.width, 120);
  assert.equal(h.height, 80);
  const px = await raw(got);
  /** @param {number} x @param {number} y */
  const at = (x, y) => [...px.subarray((y * 120 + x) * h.bands, (y * 120 + x) * h.bands + 3)];
  assert.deepEqual(at(30, 40), [0, 0, 255]);
  assert.deepEqual(at(90, 40), [255, 255, 255]);
});

for (const name of ['scan', 'icon'])
  test(`${name === 'scan' ? 'BMP' : 'ICO'}: every pixel as stored`, async () => {
    const got = join(out, `${name}.png`);
    assert.deepEqual(header(got), { width: W, height: H, bands: 3 });
    const px = await raw(got);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        assert.deepEqual([...px.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)], pixel(x, y), `${name} (${x}, ${y})`);
  });
