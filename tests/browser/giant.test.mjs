// Giant images through the real built app: a 100-megapixel photo-like JPEG (made here, deleted
// after) sharpened by `npm run batch` — streamed, never whole in memory — checked against the
// untiled definition: the streamed TIFF is byte for byte the one the whole-image path writes
// (hashed in the page), and the streamed JPEG (bands encoded on every worker, stitched with
// restart markers) decodes to the same pixels within JPEG's loss. A damaged giant file fails
// with the row where it stopped and leaves nothing behind.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { batchCommand, commandSummary, handFiles, samplePhoto, startApp } from './harness.mjs';
import { vips } from './fixtures.mjs';

const W = 12000;
const H = 8400;
const RECIPE = { name: 'sharpen', steps: [{ op: 'sharpen' }] };
/** @type {string} */
let dir;
/** @type {string} */
let input;
/** @type {import('./harness.mjs').App | undefined} */
let app;

/**
 * Writes a w×h JPEG of the sample photo tiled to size, streamed through wasm-vips (replicate and
 * crop are lazy), so the test itself never holds the image either.
 * @param {string} path @param {number} w @param {number} h @param {'jpeg' | 'png'} format
 */
async function makeGiant(path, w, h, format) {
  const v = await vips();
  const photo = v.Image.newFromBuffer(readFileSync(samplePhoto()));
  const tiled = photo.replicate(Math.ceil(w / photo.width), Math.ceil(h / photo.height));
  const im = tiled.crop(0, 0, w, h);
  const fd = openSync(path, 'w');
  const target = new v.TargetCustom();
  target.onWrite = (data) => writeSync(fd, data);
  target.onEnd = () => 0;
  try {
    if (format === 'jpeg') im.jpegsaveTarget(target, { Q: 90 });
    else im.pngsaveTarget(target, { compression: 1 });
  } finally {
    closeSync(fd);
    for (const x of [target, im, tiled, photo]) x.delete();
  }
}

/** SHA-256 of a file, read in pieces. @param {string} path */
function fileHash(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-giant-'));
  mkdirSync(join(dir, 'in'));
  input = join(dir, 'in', 'panorama.jpg');
  await makeGiant(input, W, H, 'jpeg');
  writeFileSync(join(dir, 'sharpen.json'), JSON.stringify(RECIPE));
});
after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('giant images (100 MP), streamed', () => {
  test('npm run batch streams a 100 MP JPEG → sharpen → TIFF identical to the untiled run, and → JPEG', { timeout: 600_000 }, async () => {
    const run = async (/** @type {string} */ out, /** @type {string[]} */ flags) => {
      const r = await batchCommand(
        [join(dir, 'in'), out, '--recipe', join(dir, 'sharpen.json'), '--workers', '2', '--no-build', ...flags],
        {
          timeout: 300_000,
        },
      );
      assert.equal(r.code, 0, r.stderr);
      const s = commandSummary(r.stdout, r.stderr);
      assert.equal(s.ok, 1, JSON.stringify(s.errors));
      return s;
    };
    await run(join(dir, 'out-tiff'), ['--format', 'tiff', '--compression', '0']);
    await run(join(dir, 'out-jpeg'), ['--format', 'jpeg', '--quality', '90']);
    const tiff = join(dir, 'out-tiff', 'panorama.tif');
    const jpeg = join(dir, 'out-jpeg', 'panorama.jpg');

    // The untiled definition, in the page: the whole image in one worker, hashed as it is written.
    app = await startApp();
    await handFiles(app.page, 'giant-in', [input]);
    const untiled = await app.page.evaluate(async (recipe) => {
      const t = window.tessera;
      const files = /** @type {HTMLInputElement} */ (document.getElementById('giant-in')).files;
      const sink = new t.HashSink();
      const s = await t.runBatch({
        input: t.filesSource(Array.from(files ?? [])),
        output: sink,
        recipe,
        format: { format: 'tiff', compression: 0 },
        workers: 2,
        maxPixels: Number.POSITIVE_INFINITY,
        streamPixels: Number.POSITIVE_INFINITY,
      });
      return {
        ok: s.ok,
        errors: s.errors,
        tiles: s.results[0]?.tiles,
        strips: s.results[0]?.strips,
        hashes: Object.fromEntries(sink.hashes),
      };
    }, RECIPE);
    assert.equal(untiled.ok, 1, JSON.stringify(untiled.errors));
    assert.equal(untiled.tiles, undefined, 'the reference is the whole-image path');
    assert.equal(untiled.strips, undefined, 'the reference is the whole-image path');
    assert.equal(fileHash(tiff), untiled.hashes['panorama.tif'], 'streamed TIFF = untiled TIFF, byte for byte');

    // The JPEG: full size, restart markers (band-parallel), and the sharpened pixels within JPEG's loss.
    const v = await vips();
    const jpegBytes = readFileSync(jpeg);
    assert.ok(jpegBytes.includes(Buffer.from([0xff, 0xdd])), 'a DRI segment: bands stitched with restart markers');
    const a = v.Image.newFromBuffer(jpegBytes, '', { access: 'sequential' });
    const b = v.Image.newFromBuffer(readFileSync(tiff), '', { access: 'sequential' });
    try {
      assert.deepEqual([a.width, a.height, a.bands], [W, H, 3]);
      const diff = a.subtract(b).abs();
      const mean = diff.avg();
      diff.delete();
      assert.ok(mean < 2.5, `mean |JPEG − TIFF| = ${mean.toFixed(2)}: the JPEG holds the sharpened image`);
    } finally {
      a.delete();
      b.delete();
    }
  });

  test(
    'streamed with 7-row and default strips, TIFF, PNG and a DZI pyramid are the whole-image path’s files, byte for byte',
    { timeout: 300_000 },
    async () => {
      const small = join(dir, 'small');
      mkdirSync(small);
      await makeGiant(join(small, 'scan.jpg'), 2000, 1500, 'jpeg');
      app ??= await startApp();
      await handFiles(app.page, 'small-in', [join(small, 'scan.jpg')]);
      const runs = await app.page.evaluate(async (recipe) => {
        const t = window.tessera;
        const files = Array.from(/** @type {HTMLInputElement} */ (document.getElementById('small-in')).files ?? []);
        /** @param {Record<string, unknown>} format @param {Record<string, unknown>} knobs */
        const run = async (format, knobs) => {
          const sink = new t.HashSink();
          const s = await t.runBatch({ input: t.filesSource(files), output: sink, recipe, format, workers: 2, ...knobs });
          return { ok: s.ok, errors: s.errors, strips: s.results[0]?.strips, hashes: Object.fromEntries(sink.hashes) };
        };
        const whole = { maxPixels: Number.POSITIVE_INFINITY, streamPixels: Number.POSITIVE_INFINITY };
        /** @type {Record<string, unknown>[]} */
        const formats = [
          { format: 'tiff', tiffCompression: 'lzw' },
          { format: 'png', compression: 6 },
          { format: 'dzi', tileFormat: 'png' },
        ];
        const out = [];
        for (const format of formats)
          out.push({
            format: String(format.format),
            whole: await run(format, whole),
            streamed: await run(format, { maxPixels: 1_000_000, streamPixels: 1_000_000 }),
            oddStrips: await run(format, { maxPixels: 1_000_000, streamPixels: 1_000_000, streamRows: 7 }),
          });
        return out;
      }, RECIPE);
      for (const r of runs) {
        for (const k of /** @type {const} */ (['whole', 'streamed', 'oddStrips']))
          assert.equal(r[k].ok, 1, `${r.format} ${k}: ${JSON.stringify(r[k].errors)}`);
        assert.equal(r.whole.strips, undefined);
        assert.ok((r.streamed.strips ?? 0) > 1, `${r.format}: streamed in strips`);
        assert.equal(r.oddStrips.strips, Math.ceil(1500 / 7));
        assert.ok(Object.keys(r.whole.hashes).length >= 1);
        assert.deepEqual(r.streamed.hashes, r.whole.hashes, `${r.format}: default strips`);
        assert.deepEqual(r.oddStrips.hashes, r.whole.hashes, `${r.format}: 7-row strips`);
      }
    },
  );

  test('a damaged giant PNG fails with the row where it stopped and leaves no output', { timeout: 300_000 }, async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    const png = join(bad, 'scan.png');
    await makeGiant(png, 8000, 6000, 'png');
    // Scribble over the compressed rows past the middle; the file's end (IEND) stays intact.
    const bytes = readFileSync(png);
    for (let i = Math.floor(bytes.length * 0.55); i < Math.floor(bytes.length * 0.6); i++) bytes[i] = (i * 7919) & 255;
    writeFileSync(png, bytes);
    const out = join(dir, 'out-bad');
    const r = await batchCommand([bad, out, '--recipe', join(dir, 'sharpen.json'), '--format', 'png', '--workers', '2', '--no-build'], {
      timeout: 240_000,
    });
    const s = commandSummary(r.stdout, r.stderr);
    assert.equal(s.failed, 1);
    assert.match(s.errors[0]?.message ?? '', /stopped at row [\d,]+ of 6,000 .*the file is damaged or ends early/);
    assert.equal(s.errors[0]?.file, 'scan.png');
    assert.deepEqual(existsSync(out) ? readdirSync(out) : [], [], 'nothing half-written');
  });
});
