// Damaged and unsupported files through `npm run batch`: every failure is reported in words (what
// libvips said, or which format is not supported and what to do), never "[object
// WebAssembly.Exception]" or another object dump; the good file still comes out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchCommand, commandSummary, requireBuilt } from './harness.mjs';
import { encodeBmp, mulberry32, vips as fixtureVips } from './fixtures.mjs';

/** Random bytes over the middle third: head and tail stay intact, so only a decoder can tell. @param {Uint8Array} bytes @param {number} seed */
function scrambleMiddle(bytes, seed) {
  const rnd = mulberry32(seed);
  const out = Buffer.from(bytes);
  for (let i = Math.floor(out.length / 3); i < Math.floor((2 * out.length) / 3); i++) out[i] = Math.floor(rnd() * 256);
  return out;
}

/** Zeros over bytes 12–40: the magic survives, the header does not. @param {Uint8Array} bytes */
function zeroHeader(bytes) {
  const out = Buffer.from(bytes);
  out.fill(0, 12, 40);
  return out;
}

/** The start of an HEVC-coded HEIF (an iPhone photo): its ftyp box, then a meta box. */
function heic() {
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), Buffer.from('ftypheic\0\0\0\0mif1heicmiaf', 'latin1')]);
  return Buffer.concat([ftyp, Buffer.alloc(200, 1)]);
}

/** The built app the command serves (dist/ or $TESSERA_DIST, checked current). @type {string} */
let dist;
/** @type {string} */
let work;
/** @type {string} */
let input;
/** @type {string} */
let output;
/** @type {Record<string, Buffer>} */
const files = {};

before(async () => {
  dist = requireBuilt();
  const vips = await fixtureVips();
  const w = 300,
    h = 200;
  const rgb = new Uint8Array(w * h * 3);
  const rnd = mulberry32(7);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) rgb[(y * w + x) * 3 + c] = Math.min(255, Math.floor(((x + y * (c + 1)) % 256) * 0.8 + rnd() * 40));
  const im = vips.Image.newFromMemory(rgb, w, h, 3, vips.BandFormat.uchar);
  const encoded = {
    jpg: Buffer.from(im.jpegsaveBuffer({ Q: 90 })),
    png: Buffer.from(im.pngsaveBuffer()),
    webp: Buffer.from(im.webpsaveBuffer({ Q: 80 })),
    gif: Buffer.from(im.gifsaveBuffer()),
    tif: Buffer.from(im.tiffsaveBuffer()),
  };
  im.delete();
  let seed = 1;
  for (const [ext, bytes] of Object.entries(encoded)) {
    files[`scrambled.${ext}`] = scrambleMiddle(bytes, seed++);
    files[`header.${ext}`] = zeroHeader(bytes);
  }
  files['tables.jpg'] = Buffer.from(encoded.jpg).fill(0, 20, 200); // quantisation and frame headers gone
  files['offset.tif'] = Buffer.from(encoded.tif).fill(0xff, 4, 8); // the first IFD points past the end
  files['good.jpg'] = encoded.jpg;
  files['scan.bmp'] = encodeBmp(4, 2, (x, y) => [(x * 37) & 255, (y * 91) & 255, 200]);
  files['IMG_0001.HEIC'] = heic();
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-damaged-'));
  input = join(work, 'in');
  output = join(work, 'out');
  await fs.mkdir(input);
  for (const [name, bytes] of Object.entries(files)) await fs.writeFile(join(input, name), bytes);
});

after(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** @param {string[]} args */
async function batch(args) {
  const r = await batchCommand([...args, '--no-build'], { timeout: 120_000, env: { TESSERA_DIST: dist } });
  assert.notEqual(r.code, null, `the command did not finish: ${r.stderr}`);
  return { status: r.code, summary: commandSummary(r.stdout, r.stderr), stderr: r.stderr };
}

test('every damaged file is reported in words; the good ones are written', async () => {
  // One worker: files in name order, so a damaged file follows others whose warnings libvips kept.
  const { summary } = await batch([input, output, '--workers', '1']);
  const errors = Object.fromEntries(summary.errors.map((e) => [e.file, e.message]));
  assert.ok((await fs.stat(join(output, 'good.png'))).size > 0, 'good.jpg was written');
  assert.equal(summary.ok + summary.failed, Object.keys(files).length);
  assert.ok(summary.failed >= 7, `most damaged files fail (${summary.failed} did): ${JSON.stringify(errors, null, 1)}`);
  for (const [file, message] of Object.entries(errors)) {
    assert.doesNotMatch(message, /\[object|WebAssembly\.|Exception\b|\{\}|undefined|without saying why/, `${file}: ${message}`);
    assert.match(message, /^cannot decode: [a-z]/i, `${file}: ${message}`);
    assert.ok(message.length > 20, `${file}: a message a person can act on, got ${JSON.stringify(message)}`);
  }
  // A BMP is read (the browser's decoder); a HEIC cut after its header is said to be incomplete.
  assert.ok((await fs.stat(join(output, 'scan.png'))).size > 0, 'scan.bmp was written');
  assert.equal(errors['IMG_0001.HEIC'], 'cannot decode: not a complete HEIC file (libheif found no image in it)');
  assert.match(errors['tables.jpg'], /JPEG|Quantization|marker|table/i);
  assert.ok(errors['offset.tif'] && errors['scrambled.png'] && errors['header.png'], 'these damages are fatal');
  // libvips' error buffer keeps the warnings of calls that succeeded: no message may quote
  // another file's format.
  for (const ext of ['png', 'gif', 'webp', 'tif']) {
    for (const name of [`scrambled.${ext}`, `header.${ext}`])
      if (errors[name]) assert.doesNotMatch(errors[name], /JPEG/, `${name}: ${errors[name]}`);
  }
});
