// The headless batch command (scripts/batch.mjs), run as a child process on a folder on disk.
// Needs a current dist/ (or $TESSERA_DIST; the test:browser script builds it first).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { deflateSync } from 'node:zlib';
import { iou } from './face-fixtures.mjs';
import { parseJson } from '../../scripts/lib/json.mjs';
import { batchCommand, commandSummary, requireBuilt, samplePhoto } from './harness.mjs';

// ---------------------------------------------------------------- a tiny PNG encoder

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** @param {Uint8Array} buf */
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** @param {string} type @param {Buffer} data */
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** 8-bit RGB (channels 3) or RGBA (channels 4) PNG of a gradient with some structure. @param {number} width @param {number} height @param {3 | 4} channels */
function encodePng(width, height, channels) {
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const o = y * (stride + 1) + 1 + x * channels;
      raw[o] = (x * 255) / width;
      raw[o + 1] = (y * 255) / height;
      raw[o + 2] = (x ^ y) & 16 ? 220 : 30;
      if (channels === 4) raw[o + 3] = 128 + ((x + y) % 128);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 4 ? 6 : 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Width and height from a PNG's IHDR, after checking the signature. @param {Buffer} buf */
function pngSize(buf) {
  assert.ok(buf.length > 33, 'PNG too short');
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(buf.toString('latin1', 12, 16), 'IHDR');
  assert.equal(buf.toString('latin1', buf.length - 8, buf.length - 4), 'IEND', 'PNG ends with IEND');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** Width and height from a baseline or progressive JPEG's SOF marker. @param {Buffer} buf */
function jpegSize(buf) {
  assert.ok(buf[0] === 0xff && buf[1] === 0xd8, 'JPEG SOI');
  assert.ok(buf[buf.length - 2] === 0xff && buf[buf.length - 1] === 0xd9, 'JPEG EOI');
  let i = 2;
  while (i + 9 < buf.length) {
    assert.equal(buf[i], 0xff, `JPEG marker at ${i}`);
    const m = buf[i + 1];
    const len = buf.readUInt16BE(i + 2);
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc)
      return { width: buf.readUInt16BE(i + 7), height: buf.readUInt16BE(i + 5) };
    i += 2 + len;
  }
  assert.fail('no SOF marker');
}

/** @param {number} width @param {number} height */
async function encodeJpeg(width, height) {
  const { default: Vips } = await import('wasm-vips');
  const vips = await Vips({ dynamicLibraries: [] });
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7 + (i / (width * 3)) * 3) & 255;
  const img = vips.Image.newFromMemory(rgb, width, height, 3, vips.BandFormat.uchar);
  const bytes = Buffer.from(img.jpegsaveBuffer({ Q: 90 }));
  img.delete();
  return bytes;
}

// ---------------------------------------------------------------- fixtures

/** Files under dir (recursive) as sorted forward-slash relative paths. @param {string} dir */
async function listFiles(dir) {
  /** @type {string[]} */
  const out = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile())
      out.push(
        relative(dir, join(e.parentPath ?? e.path, e.name))
          .split(sep)
          .join('/'),
      );
  }
  return out.sort();
}

/** @param {string} dir @returns {Promise<Record<string, string>>} relative path → SHA-256 */
async function hashTree(dir) {
  /** @type {Record<string, string>} */
  const h = {};
  for (const f of await listFiles(dir))
    h[f] = createHash('sha256')
      .update(await fs.readFile(join(dir, f)))
      .digest('hex');
  return h;
}

/** @type {string} */
let work;
/** @type {string} */
let input;
/** Good inputs: relative path -> size. @type {Record<string, { width: number, height: number }>} */
const good = {};

before(async () => {
  requireBuilt();
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-cli-'));
  input = join(work, 'in');
  /** @param {string} rel @param {Uint8Array} bytes @param {{ width: number, height: number }} [size] a good input's */
  const put = async (rel, bytes, size) => {
    await fs.mkdir(dirname(join(input, rel)), { recursive: true });
    await fs.writeFile(join(input, rel), bytes);
    if (size) good[rel] = size;
  };
  const jpeg = await encodeJpeg(72, 40);
  await put('top.png', encodePng(64, 48, 3), { width: 64, height: 48 });
  await put('holiday/day1/rgba.png', encodePng(50, 30, 4), { width: 50, height: 30 });
  await put('holiday/day1/photo.jpg', jpeg, { width: 72, height: 40 });
  await put('holiday/day2/wide.png', encodePng(120, 17, 3), { width: 120, height: 17 });
  await put('holiday/broken/cut.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  await put('empty.png', Buffer.alloc(0));
  // Not inputs: a hidden file and a text file.
  await put('.hidden.png', encodePng(8, 8, 3));
  await put('holiday/notes.txt', Buffer.from('not an image\n'));
  await put('holiday/IMG_0001.CR2', Buffer.from('raw sensor data'));
});

after(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

test('processes a nested folder: outputs mirror the inputs, bad files reported, inputs untouched', async () => {
  const out = join(work, 'out-png');
  const hashesBefore = await hashTree(input);
  const r = await batchCommand([input, out, '--workers', '2', '--no-build']);
  assert.equal(r.code, 1, `exit code (stderr:\n${r.stderr})`);
  const s = commandSummary(r.stdout, r.stderr);
  assert.equal(s.ok, Object.keys(good).length, JSON.stringify(s));
  assert.equal(s.failed, 2);
  assert.equal(s.workers, 2);
  for (const k of /** @type {const} */ (['seconds', 'imagesPerSecond', 'startupSeconds'])) assert.equal(typeof s[k], 'number', k);
  assert.ok(s.seconds > 0 && s.imagesPerSecond > 0 && s.startupSeconds > 0, JSON.stringify(s));
  const errors = Object.fromEntries(s.errors.map((e) => [e.file, e.message]));
  assert.deepEqual(Object.keys(errors).sort(), ['empty.png', 'holiday/broken/cut.jpg']);
  assert.match(errors['empty.png'], /empty file \(0 bytes\)/);
  assert.match(errors['holiday/broken/cut.jpg'], /truncated at byte/);
  // One stderr line per failed file, and progress lines.
  assert.match(r.stderr, /failed: empty\.png: empty file/);
  assert.match(r.stderr, /failed: holiday\/broken\/cut\.jpg: .*truncated at byte/);
  assert.match(r.stderr, /\[\s*\d+\/\d+\] \d+ failed · [\d.]+ img\/s/);
  // The files left out are listed with why, in the summary and on stderr (the hidden one is not an input at all).
  assert.equal(s.skipped, 2);
  assert.deepEqual(
    s.skippedFiles.map((f) => f.path),
    ['holiday/IMG_0001.CR2', 'holiday/notes.txt'],
  );
  const why = Object.fromEntries(s.skippedFiles.map((f) => [f.path, f.reason]));
  assert.match(why['holiday/IMG_0001.CR2'], /camera RAW file \(\.cr2\)/);
  assert.match(why['holiday/notes.txt'], /\.txt files are left out/);
  assert.match(r.stderr, /skipped: holiday\/notes\.txt: not an image or video/);

  const expected = Object.keys(good)
    .map((f) => f.replace(/\.[^.]+$/, '.png'))
    .sort();
  assert.deepEqual(await listFiles(out), expected, 'outputs at the same relative paths, nothing else (no .partial files)');
  for (const [rel, size] of Object.entries(good)) {
    const bytes = await fs.readFile(join(out, rel.replace(/\.[^.]+$/, '.png')));
    assert.deepEqual(pngSize(bytes), size, rel);
  }
  assert.deepEqual(await hashTree(input), hashesBefore, 'inputs unchanged');
});

test('--format jpeg --quality 80 writes .jpg files', async () => {
  const out = join(work, 'out-jpeg');
  const r = await batchCommand([input, out, '--workers', '2', '--format', 'jpeg', '--quality', '80', '--no-build']);
  assert.equal(r.code, 1, r.stderr);
  const s = commandSummary(r.stdout, r.stderr);
  assert.equal(s.ok, Object.keys(good).length);
  assert.equal(s.failed, 2);
  const expected = Object.keys(good)
    .map((f) => f.replace(/\.[^.]+$/, '.jpg'))
    .sort();
  assert.deepEqual(await listFiles(out), expected);
  for (const [rel, size] of Object.entries(good)) {
    assert.deepEqual(jpegSize(await fs.readFile(join(out, rel.replace(/\.[^.]+$/, '.jpg')))), size, rel);
  }
});

test('an empty folder ends at once with "no images or videos found" and exit 0', async () => {
  const dir = join(work, 'empty-in');
  await fs.mkdir(dir);
  const r = await batchCommand([dir, join(work, 'empty-out'), '--workers', '1', '--no-build']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /no images or videos found/);
  assert.equal(commandSummary(r.stdout, r.stderr).ok, 0);
});

test("--recipe web-export writes the recipe's own WebP; an explicit --format still wins", async () => {
  const out = join(work, 'out-web');
  const r = await batchCommand([input, out, '--recipe', 'web-export', '--workers', '2', '--no-build']);
  assert.equal(r.code, 1, r.stderr); // the two bad inputs
  const s = commandSummary(r.stdout, r.stderr);
  assert.equal(s.ok, Object.keys(good).length);
  const files = await listFiles(out);
  assert.deepEqual(
    files,
    Object.keys(good)
      .map((f) => f.replace(/\.[^.]+$/, '.webp'))
      .sort(),
  );
  for (const f of files) {
    const b = await fs.readFile(join(out, f));
    assert.equal(b.toString('latin1', 8, 12), 'WEBP', f);
  }
  const out2 = join(work, 'out-web-png');
  const r2 = await batchCommand([input, out2, '--recipe', 'web-export', '--format', 'png', '--workers', '1', '--no-build']);
  assert.equal(r2.code, 1, r2.stderr);
  assert.ok((await listFiles(out2)).every((f) => f.endsWith('.png')));
});

test('a detect-faces recipe writes <input path>.faces.json beside each output, in input pixels', async () => {
  const photo = samplePhoto('sample3.jpg');
  const dir = join(work, 'faces-in');
  await fs.mkdir(join(dir, 'party'), { recursive: true });
  await fs.copyFile(photo, join(dir, 'party', 'sample3.jpg'));
  const recipe = join(work, 'faces-recipe.json');
  // A resize first: the boxes must still come back in the photo's own pixels.
  await fs.writeFile(
    recipe,
    JSON.stringify({
      name: 'faces',
      steps: [
        { op: 'resize', params: { mode: 'percent', percent: 50 } },
        { op: 'detect-faces', params: { detector: 'blazeface', minScore: 0.5 } },
      ],
    }),
  );
  const out = join(work, 'faces-out');
  const r = await batchCommand([dir, out, '--recipe', recipe, '--workers', '2', '--format', 'webp', '--no-build']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await listFiles(out), ['faces.csv', 'party/sample3.jpg.faces.json', 'party/sample3.webp']);
  assert.equal(commandSummary(r.stdout, r.stderr).facesTable, join(out, 'faces.csv'));
  const csv = (await fs.readFile(join(out, 'faces.csv'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  assert.deepEqual(csv[0].slice(0, 10), ['file', 'width', 'height', 'face', 'x', 'y', 'w', 'h', 'score', 'detector']);
  assert.equal(csv.length, 1 + 3);
  const rep = /** @type {import('../../src/core/faces').FacesReport} */ (
    parseJson(await fs.readFile(join(out, 'party/sample3.jpg.faces.json'), 'utf8'))
  );
  assert.deepEqual([rep.width, rep.height], [1920, 1350]);
  assert.deepEqual([rep.frame?.width, rep.frame?.height], [960, 675]);
  // Hand-drawn in tests/unit/faces-samples.test.ts (sample3), in the photo's pixels.
  const truth = [
    [586, 346, 182, 240],
    [1079, 211, 227, 298],
    [1507, 278, 183, 288],
  ];
  assert.equal(rep.faces.length, 3);
  for (const t of truth)
    assert.ok(
      rep.faces.some((f) => iou(f.box, t) >= 0.4),
      `a face at ${t.join(',')}: ${JSON.stringify(rep.faces.map((f) => f.box))}`,
    );
  // The table holds the same boxes as the JSON.
  assert.deepEqual(
    csv.slice(1).map((row) => row.slice(4, 8).map(Number)),
    rep.faces.map((f) => f.box),
  );
});

test('an invalid recipe file is a usage error naming the bad value', async () => {
  const file = join(work, 'bad-recipe.json');
  await fs.writeFile(file, JSON.stringify({ name: 'x', steps: [{ op: 'blurr' }] }));
  const out = join(work, 'out-bad-recipe');
  const r = await batchCommand([input, out, '--recipe', file, '--no-build']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /\/steps\/0\/op/);
  assert.match(r.stderr, /unknown operation/);
  assert.equal(r.stdout.trim(), '');
  assert.ok(!existsSync(out), 'no output folder created');

  await fs.writeFile(file, '{"name": "x", "steps": [');
  const r2 = await batchCommand([input, out, '--recipe', file, '--no-build']);
  assert.equal(r2.code, 2, r2.stderr);
  assert.match(r2.stderr, /not valid JSON/);
});

test('usage errors exit 2 without starting a browser', async () => {
  const missing = await batchCommand([join(work, 'no-such-folder'), join(work, 'out-missing'), '--no-build']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /input folder not found/);
  assert.ok(!existsSync(join(work, 'out-missing')), 'no output folder created');

  const inside = await batchCommand([input, join(input, 'results'), '--no-build']);
  assert.equal(inside.code, 2);
  assert.match(inside.stderr, /inside the input folder/);
  assert.ok(!existsSync(join(input, 'results')));

  const same = await batchCommand([input, input + '/.', '--no-build']);
  assert.equal(same.code, 2);
  assert.match(same.stderr, /is the input folder/);

  const bad = await batchCommand([input, join(work, 'o'), '--workers', 'two', '--no-build']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--workers/);

  const none = await batchCommand([input]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /usage:/);
});

test('Ctrl-C cancels the batch, closes the browser and exits 130', async () => {
  const out = join(work, 'out-interrupted');
  const tmp = join(work, 'tmp-interrupted');
  await fs.mkdir(tmp);
  let sent = false;
  // The summary line of the start appears before the engine starts: interrupt there.
  const r = await batchCommand([input, out, '--no-build'], {
    env: { TMPDIR: tmp },
    onStderr: (text, child) => {
      if (!sent && text.includes('→')) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  assert.ok(sent, r.stderr);
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted/);
  assert.deepEqual(await fs.readdir(tmp), [], 'browser profile removed');
  const left = existsSync(out) ? await listFiles(out) : [];
  assert.deepEqual(
    left.filter((f) => f.endsWith('.partial')),
    [],
  );
});
