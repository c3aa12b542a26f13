// Deep Zoom output through the headless command (`npm run batch -- … --format dzi`) on a generated
// 1000×700 photo-like image: the file tree and the descriptor are Deep Zoom's, the full-size
// level's tiles put back together (their overlap dropped) are the PNG output of the same recipe
// byte for byte, and every lower level — down to the 1×1 tile — is the 2×2 box pyramid of that
// output, computed here from scratch. JPEG tiles at another tile size: the sizes and layout. In
// the page: the same pyramid from the tiled path into an OPFS folder, and a cancelled one that
// leaves nothing behind. Needs a current dist/ (the test:browser script builds it first).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { createHash } from 'node:crypto';
import { batchCommand, commandSummary, folderToOpfs, requireBuilt, startApp } from './harness.mjs';
import { encode, scene, vips } from './fixtures.mjs';

const W = 1000,
  H = 700,
  C = 3;
const RECIPE = { name: 'dzi test', steps: [{ op: 'sharpen' }, { op: 'brightness', params: { factor: 1.1 } }] };

/** @type {string} */
let work;
/** @type {string} */
let input;
/** @type {string} */
let recipe;
/** The command's PNG output and PNG-tiled pyramid of the same recipe (made once, in before). */
const pngOut = () => join(work, 'out-png');
const dziOut = () => join(work, 'out-dzi');
/** @type {Awaited<ReturnType<typeof batchCommand>>} */
let dziRun;

before(async () => {
  requireBuilt();
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-dzi-'));
  input = join(work, 'in');
  await fs.mkdir(input);
  await fs.writeFile(join(input, 'pic.png'), await encode(scene(W, H, C, 11), W, H, C, 'png'));
  recipe = join(work, 'recipe.json');
  await fs.writeFile(recipe, JSON.stringify(RECIPE));
  const ref = await batchCommand([input, pngOut(), '--recipe', recipe, '--workers', '2', '--no-build']);
  assert.equal(ref.code, 0, ref.stderr);
  dziRun = await batchCommand([
    input,
    dziOut(),
    '--recipe',
    recipe,
    '--workers',
    '2',
    '--format',
    'dzi',
    '--tile-format',
    'png',
    '--no-build',
  ]);
});

after(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** Files under dir (recursive), sorted forward-slash relative paths. @param {string} dir */
async function listFiles(dir) {
  /** @type {string[]} */
  const out = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile())
      out.push(
        relative(dir, join(e.parentPath ?? e.path, e.name))
          .split(sep)
          .join('/'),
      );
  return out.sort();
}

/** An image file's pixels through wasm-vips. @param {string} file */
async function pixels(file) {
  const v = await vips();
  const im = v.Image.newFromBuffer(await fs.readFile(file));
  try {
    return { width: im.width, height: im.height, channels: im.bands, data: /** @type {Uint8Array} */ (im.writeToMemory()) };
  } finally {
    im.delete();
  }
}

/** Deep Zoom's levels, written out again here: ⌈w / 2^(max−L)⌉ × ⌈h / 2^(max−L)⌉, max = ⌈log2(max(w, h))⌉. @param {number} w @param {number} h */
function levels(w, h) {
  const max = Math.ceil(Math.log2(Math.max(w, h)));
  return Array.from({ length: max + 1 }, (_, l) => ({ width: Math.ceil(w / 2 ** (max - l)), height: Math.ceil(h / 2 ** (max - l)) }));
}

/** Tile i's span along an axis: its own pixels plus `ov` of each neighbour. @param {number} i @param {number} ts @param {number} ov @param {number} n */
const span = (i, ts, ov, n) => [i * ts - (i > 0 ? ov : 0), Math.min(n, (i + 1) * ts + ov)];

/** Every tile file a pyramid has. @param {string} name @param {number} ts @param {string} ext */
function treeOf(name, ts, ext) {
  const files = [`${name}.dzi`];
  for (const [l, s] of levels(W, H).entries())
    for (let r = 0; r < Math.ceil(s.height / ts); r++)
      for (let c = 0; c < Math.ceil(s.width / ts); c++) files.push(`${name}_files/${l}/${c}_${r}.${ext}`);
  return files.sort();
}

/**
 * The next level down by the definition: each pixel the mean of what exists of its 2×2 block,
 * rounded half up (computed in floating point, not as the app does).
 * @param {{ width: number, height: number, channels: number, data: Uint8Array }} img
 */
function halve(img) {
  const w = Math.ceil(img.width / 2),
    h = Math.ceil(img.height / 2),
    c = img.channels;
  const data = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let k = 0; k < c; k++) {
        let sum = 0,
          n = 0;
        for (const [sx, sy] of [
          [2 * x, 2 * y],
          [2 * x + 1, 2 * y],
          [2 * x, 2 * y + 1],
          [2 * x + 1, 2 * y + 1],
        ])
          if (sx < img.width && sy < img.height) {
            sum += img.data[(sy * img.width + sx) * c + k];
            n++;
          }
        data[(y * w + x) * c + k] = Math.floor(sum / n + 0.5);
      }
  return { width: w, height: h, channels: c, data };
}

test('--format dzi --tile-format png: Deep Zoom tree and XML; level 10 reassembled is the PNG output; every level is its box pyramid', async () => {
  const r = dziRun;
  assert.equal(r.code, 0, r.stderr);
  const s = commandSummary(r.stdout, r.stderr);
  const tree = treeOf('pic', 254, 'png');
  assert.equal(s.ok, 1);
  assert.deepEqual(s.pyramids, [{ file: 'pic.png', dzi: join(dziOut(), 'pic.dzi'), tiles: tree.length - 1, levels: 11 }]);
  assert.match(r.stderr, /1 Deep Zoom pyramid, 25 tiles/);

  assert.deepEqual(await listFiles(dziOut()), tree, 'the descriptor and every tile, nothing else');
  assert.equal(
    await fs.readFile(join(dziOut(), 'pic.dzi'), 'utf8'),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" TileSize="254" Overlap="1" Format="png">\n' +
      `  <Size Width="${W}" Height="${H}"/>\n` +
      '</Image>\n',
  );

  const output = await pixels(join(pngOut(), 'pic.png'));
  assert.deepEqual([output.width, output.height, output.channels], [W, H, C]);
  let level = output;
  for (let l = levels(W, H).length - 1; l >= 0; l--) {
    // This level put back together from its tiles, each tile checked for its size and overlap.
    const joined = new Uint8Array(level.width * level.height * C);
    const rows = Math.ceil(level.height / 254),
      cols = Math.ceil(level.width / 254);
    for (let tr = 0; tr < rows; tr++)
      for (let tc = 0; tc < cols; tc++) {
        const tile = await pixels(join(dziOut(), `pic_files/${l}/${tc}_${tr}.png`));
        const [x0, x1] = span(tc, 254, 1, level.width),
          [y0, y1] = span(tr, 254, 1, level.height);
        assert.deepEqual([tile.width, tile.height, tile.channels], [x1 - x0, y1 - y0, C], `level ${l} tile ${tc}_${tr}`);
        // Every pixel of the tile, overlap included, is the level's pixel there.
        for (let y = 0; y < tile.height; y++) {
          const got = tile.data.subarray(y * tile.width * C, (y + 1) * tile.width * C);
          const want = level.data.subarray(((y0 + y) * level.width + x0) * C, ((y0 + y) * level.width + x1) * C);
          assert.ok(Buffer.from(got).equals(Buffer.from(want)), `level ${l} tile ${tc}_${tr} row ${y}`);
        }
        // Its own pixels (the overlap dropped) go into the reassembled level.
        const ox = tc > 0 ? 1 : 0;
        for (let y = tr * 254; y < Math.min(level.height, (tr + 1) * 254); y++) {
          const from = ((y - y0) * tile.width + ox) * C;
          joined.set(
            tile.data.subarray(from, from + (Math.min(level.width, (tc + 1) * 254) - tc * 254) * C),
            (y * level.width + tc * 254) * C,
          );
        }
      }
    assert.ok(Buffer.from(joined).equals(Buffer.from(level.data)), `level ${l} reassembled from its tiles`);
    if (l > 0) level = halve(level);
  }
  // The 1×1 level is the pyramid's colour, not the plain mean: odd sizes (175 → 88 rows…) weigh
  // edge pixels double and each level rounds half up. How far apart they are here:
  const mean = [0, 1, 2].map((k) => output.data.reduce((t, v, i) => (i % C === k ? t + v : t), 0) / (W * H));
  console.log(`1×1 tile ${Array.from(level.data).join(', ')}; mean colour ${mean.map((m) => m.toFixed(1)).join(', ')}`);
});

test('--format dzi --tile-size 512 --quality 80: JPEG tiles of the layout sizes', async () => {
  const out = join(work, 'out-jpeg');
  const r = await batchCommand([
    input,
    out,
    '--recipe',
    recipe,
    '--workers',
    '2',
    '--format',
    'dzi',
    '--tile-size',
    '512',
    '--quality',
    '80',
    '--no-build',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(commandSummary(r.stdout, r.stderr).ok, 1);
  assert.deepEqual(await listFiles(out), treeOf('pic', 512, 'jpg'));
  assert.match(await fs.readFile(join(out, 'pic.dzi'), 'utf8'), /TileSize="512" Overlap="1" Format="jpg"/);
  for (const [l, s] of levels(W, H).entries())
    for (let tr = 0; tr < Math.ceil(s.height / 512); tr++)
      for (let tc = 0; tc < Math.ceil(s.width / 512); tc++) {
        const tile = await pixels(join(out, `pic_files/${l}/${tc}_${tr}.jpg`));
        const [x0, x1] = span(tc, 512, 1, s.width),
          [y0, y1] = span(tr, 512, 1, s.height);
        assert.deepEqual([tile.width, tile.height], [x1 - x0, y1 - y0], `level ${l} tile ${tc}_${tr}`);
      }
});

test('in the page: the tiled path into an OPFS folder writes the same pyramid; a cancelled one leaves nothing', async () => {
  const app = await startApp();
  try {
    assert.equal(await folderToOpfs(app.page, input, 'dzi-in'), 1);
    const r = await app.page.evaluate(async (recipe) => {
      const t = window.tessera;
      const root = await navigator.storage.getDirectory();
      /** @param {FileSystemDirectoryHandle} out @param {import('../../src/api').OutputSink} sink @param {AbortSignal} [signal] */
      const run = async (out, sink, signal) => {
        await new t.FolderSink(out).write('keep.txt', new Uint8Array([1]));
        return t.runBatch({
          input: t.walkDirectory(await root.getDirectoryHandle('dzi-in')),
          output: sink,
          recipe,
          workers: 2,
          format: { format: 'dzi', tileFormat: 'png' },
          // 0.7 MP over a 0.2 MP budget: decoded into shared memory and tiled across the workers.
          maxPixels: 200_000,
          tilePixels: 100_000,
          signal,
        });
      };
      /** A fresh OPFS folder. @param {string} name */
      const fresh = async (name) => {
        await root.removeEntry(name, { recursive: true }).catch(() => {});
        return root.getDirectoryHandle(name, { create: true });
      };
      const dir = await fresh('dzi-out');
      const s = await run(dir, new t.FolderSink(dir));
      /** @type {Record<string, string>} */
      const hashes = {};
      /** @param {FileSystemDirectoryHandle} d @param {string} prefix @returns {Promise<void>} */
      const walk = async (d, prefix) => {
        for await (const e of d.values()) {
          if (e.kind === 'directory') await walk(/** @type {FileSystemDirectoryHandle} */ (e), `${prefix}${e.name}/`);
          else {
            const bytes = new Uint8Array(await (await /** @type {FileSystemFileHandle} */ (e).getFile()).arrayBuffer());
            hashes[prefix + e.name] = await t.sha256Hex(bytes);
          }
        }
      };
      await walk(dir, '');

      // Again, cancelled once a few tiles have landed: every file of it is taken back.
      const again = await fresh('dzi-cancelled');
      const inner = new t.FolderSink(again);
      const controller = new AbortController();
      let landed = 0;
      /** @type {import('../../src/api').OutputSink} */
      const cancelling = {
        kind: 'folder',
        async write(path, bytes, signal) {
          await inner.write(path, bytes, signal);
          if (++landed === 5) controller.abort();
        },
        remove: (path) => inner.remove(path),
      };
      const c = await run(again, cancelling, controller.signal);
      /** @type {string[]} */
      const left = [];
      for await (const e of again.values()) left.push(e.name);
      return { result: s.results[0], hashes, cancelled: c.cancelled, status: c.results[0]?.status, landed, left };
    }, RECIPE);
    assert.equal(r.result.status, 'ok', r.result.error);
    assert.ok((r.result.tiles ?? 0) > 4, `tiled across the workers (${r.result.tiles} processing tiles)`);
    assert.deepEqual(r.result.pyramid, { tiles: 25, levels: 11, tileFolder: 'pic_files', overview: 'pic_files/8/0_0.png' });
    /** @type {Record<string, string>} */
    const want = {
      'keep.txt': createHash('sha256')
        .update(Buffer.from([1]))
        .digest('hex'),
    };
    for (const f of await listFiles(dziOut()))
      want[f] = createHash('sha256')
        .update(await fs.readFile(join(dziOut(), f)))
        .digest('hex');
    assert.deepEqual(r.hashes, want, 'byte for byte the pyramid the command wrote from the whole image');
    assert.equal(r.status, 'cancelled');
    assert.ok(r.cancelled && r.landed >= 5);
    assert.deepEqual(r.left, ['keep.txt'], 'no tile, level folder or descriptor of the cancelled pyramid');
  } finally {
    await app.close();
  }
});
