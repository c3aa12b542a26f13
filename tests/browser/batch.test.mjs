// The batch, end to end in the built app: OPFS folder in, OPFS folder out, real workers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { folderToOpfs, listOpfs, startApp } from './harness.mjs';
import { makeFolder, vips } from './fixtures.mjs';
import { seedReference } from './seed-reference.mjs';

// 24 good images in nested folders: odd sizes, RGB and RGBA PNG, JPEG, one above the tile
// budget; plus a truncated JPEG, an empty PNG and a text file that is not an image.
/** @type {import('./fixtures.mjs').ImageSpec[]} */
const GOOD = [
  ...Array.from({ length: 8 }, (_, i) => ({
    path: `holiday/day1/p${i}.jpg`,
    w: 97 + i * 13,
    h: 61 + i * 7,
    channels: 3,
    format: /** @type {const} */ ('jpeg'),
  })),
  ...Array.from({ length: 6 }, (_, i) => ({
    path: `holiday/day2/rgb${i}.png`,
    w: 33 + i * 29,
    h: 150 - i * 11,
    channels: 3,
    format: /** @type {const} */ ('png'),
  })),
  ...Array.from({ length: 6 }, (_, i) => ({
    path: `logos/rgba${i}.png`,
    w: 40 + i * 17,
    h: 23 + i * 5,
    channels: 4,
    format: /** @type {const} */ ('png'),
  })),
  { path: 'top.jpg', w: 1, h: 1, channels: 3, format: 'jpeg' },
  { path: 'thin.png', w: 3, h: 200, channels: 3, format: 'png' },
  { path: 'gray.png', w: 64, h: 48, channels: 1, format: 'png' },
  { path: 'scans/big.png', w: 1400, h: 1000, channels: 3, format: 'png' },
];
/** @type {import('./fixtures.mjs').Spec[]} */
const BAD = [
  { path: 'holiday/day1/broken.jpg', w: 120, h: 90, channels: 3, format: 'truncated' },
  { path: 'logos/empty.png', format: 'empty' },
];
const MAX_PIXELS = 1_000_000; // big.png (1.4 MP) is tiled
const TILE_PIXELS = 200_000;

/** @type {import('./harness.mjs').App} */
let app;
/** @type {Awaited<ReturnType<typeof makeFolder<import('./fixtures.mjs').Spec>>>} */
let fixture;
/** @type {string} */
let outDir;
before(async () => {
  fixture = await makeFolder([...GOOD, ...BAD]);
  // A file that is not an image: skipped, not failed.
  (await import('node:fs')).writeFileSync(join(fixture.dir, 'holiday', 'notes.txt'), 'not an image');
  outDir = mkdtempSync(join(tmpdir(), 'tessera-out-'));
  app = await startApp({ outputDir: outDir });
  assert.equal(await folderToOpfs(app.page, fixture.dir, 'in'), GOOD.length + BAD.length + 1);
});
after(async () => app?.close());

describe('batch in the browser', () => {
  test('the page and its workers are cross-origin isolated', async () => {
    const r = await app.page.evaluate(async () => {
      const pool = window.tessera.createEnginePool(1);
      try {
        const [info] = await pool.broadcast((api) => api.start());
        return { page: crossOriginIsolated, worker: info.crossOriginIsolated, vips: info.vipsVersion };
      } finally {
        pool.dispose();
      }
    });
    assert.deepEqual({ page: r.page, worker: r.worker }, { page: true, worker: true });
    assert.match(r.vips, /^8\.\d+\.\d+$/);
  });

  let summary;
  test('processes a nested folder from OPFS into OPFS, keeping paths, naming bad files', async () => {
    summary = await app.page.evaluate(
      async ({ maxPixels, tilePixels }) => {
        const t = window.tessera;
        const root = await navigator.storage.getDirectory();
        await root.removeEntry('out', { recursive: true }).catch(() => {});
        const s = await t.runBatch({
          input: t.walkDirectory(await root.getDirectoryHandle('in')),
          output: new t.FolderSink(await root.getDirectoryHandle('out', { create: true })),
          recipe: t.SEED_RECIPE,
          workers: 2,
          maxPixels,
          tilePixels,
        });
        return {
          ok: s.ok,
          failed: s.failed,
          skipped: s.skipped,
          workers: s.workers,
          errors: s.errors,
          results: s.results,
          buffers: s.buffers,
        };
      },
      { maxPixels: MAX_PIXELS, tilePixels: TILE_PIXELS },
    );
    assert.equal(summary.ok, GOOD.length);
    assert.equal(summary.failed, 2);
    assert.equal(summary.skipped, 1);
    assert.equal(summary.workers, 2);
    const msg = Object.fromEntries(summary.errors.map((e) => [e.file, e.message]));
    const broken = fixture.files.find((f) => f.path.endsWith('broken.jpg'));
    assert.ok(broken);
    assert.match(
      msg['holiday/day1/broken.jpg'],
      new RegExp(`^not a complete JPEG file \\(truncated at byte ${broken.size.toLocaleString('en-US')}`),
    );
    assert.equal(msg['logos/empty.png'], 'empty file (0 bytes)');
    // The results table shows the same reason after the file name.
    const row = summary.results.find((r) => r.path === 'logos/empty.png');
    assert.equal(row?.error, 'logos/empty.png: empty file (0 bytes)');
    const big = summary.results.find((r) => r.path === 'scans/big.png');
    assert.ok(big?.tiles && big.tiles > 4, `big.png should be tiled, got ${big?.tiles}`);
    assert.ok(summary.buffers.misses >= 2);
  });

  test('every output decodes at the input size, gray (or gray+alpha), at the same relative path', async () => {
    const listed = await listOpfs(app.page, 'out');
    const expected = GOOD.map((g) => g.path.replace(/\.(jpg|png)$/, '.png')).sort();
    assert.deepEqual(
      listed.map((f) => f.path),
      expected,
    );
    const decoded = await app.page.evaluate(async (paths) => {
      const root = await navigator.storage.getDirectory();
      /** @type {Record<string, { w: number, h: number, colorType: number, sig: string }>} */
      const out = {};
      for (const p of paths) {
        let d = await root.getDirectoryHandle('out');
        const parts = p.split('/');
        for (const part of parts.slice(0, -1)) d = await d.getDirectoryHandle(part);
        const file = await (await d.getFileHandle(parts[parts.length - 1])).getFile();
        const head = new Uint8Array(await file.slice(0, 26).arrayBuffer());
        const bmp = await createImageBitmap(file);
        out[p] = { w: bmp.width, h: bmp.height, colorType: head[25], sig: String.fromCharCode(...head.slice(1, 4)) };
        bmp.close();
      }
      return out;
    }, expected);
    for (const g of GOOD) {
      const d = decoded[g.path.replace(/\.(jpg|png)$/, '.png')];
      assert.equal(d.sig, 'PNG', g.path);
      assert.deepEqual([d.w, d.h], [g.w, g.h], g.path);
      assert.equal(d.colorType, g.channels === 4 ? 4 : 0, `${g.path}: PNG colour type`);
    }
  });

  test('inputs are untouched', async () => {
    const listed = await listOpfs(app.page, 'in');
    const onDisk = Object.fromEntries(fixture.files.map((f) => [f.path, f.size]));
    for (const f of listed) if (f.path in onDisk) assert.equal(f.size, onDisk[f.path], f.path);
  });

  test('1 worker and 2 workers write byte-identical outputs (benchmark), tiled equals untiled', async () => {
    const r = await app.page.evaluate(
      async ({ maxPixels, tilePixels }) => {
        const t = window.tessera;
        const root = await navigator.storage.getDirectory();
        const dir = await root.getDirectoryHandle('in');
        const bench = await t.runBenchmark({ input: () => t.walkDirectory(dir), recipe: t.SEED_RECIPE, workers: 2, maxPixels, tilePixels });
        /** @param {number} mp maxPixels */
        const hashBig = async (mp) => {
          const sink = new t.HashSink();
          const big = await (await dir.getDirectoryHandle('scans')).getFileHandle('big.png');
          const s = await t.runBatch({
            input: [{ path: 'big.png', file: () => big.getFile() }],
            output: sink,
            recipe: t.SEED_RECIPE,
            workers: 2,
            maxPixels: mp,
            tilePixels,
          });
          return { hash: sink.hashes.get('big.png'), tiles: s.results[0].tiles };
        };
        return {
          identical: bench.identical,
          compared: bench.compared,
          speedup: bench.speedup,
          runs: bench.runs.map((x) => x.workers),
          tiled: await hashBig(maxPixels),
          whole: await hashBig(1e9),
        };
      },
      { maxPixels: MAX_PIXELS, tilePixels: TILE_PIXELS },
    );
    assert.equal(r.compared, GOOD.length);
    assert.equal(r.identical, true);
    assert.deepEqual(r.runs, [1, 2]);
    assert.ok(r.tiled.tiles !== undefined && r.tiled.tiles > 1);
    assert.equal(r.whole.tiles, undefined);
    assert.equal(r.tiled.hash, r.whole.hash);
  });

  test('output pixels equal the seed definition computed independently', async () => {
    const picks = GOOD.filter((g) =>
      ['holiday/day2/rgb1.png', 'logos/rgba2.png', 'holiday/day1/p3.jpg', 'thin.png', 'gray.png', 'scans/big.png'].includes(g.path),
    );
    const written = await app.page.evaluate(
      async ({ paths, maxPixels, tilePixels }) => {
        const t = window.tessera;
        const root = await navigator.storage.getDirectory();
        const inputs = [];
        for (const p of paths) {
          let d = await root.getDirectoryHandle('in');
          const parts = p.split('/');
          for (const part of parts.slice(0, -1)) d = await d.getDirectoryHandle(part);
          const h = await d.getFileHandle(parts[parts.length - 1]);
          inputs.push({ path: p, file: () => h.getFile() });
        }
        const s = await t.runBatch({
          input: inputs,
          output: new t.HttpSink(location.origin + '/__out/'),
          recipe: t.SEED_RECIPE,
          workers: 2,
          maxPixels,
          tilePixels,
        });
        return s.ok;
      },
      { paths: picks.map((p) => p.path), maxPixels: MAX_PIXELS, tilePixels: TILE_PIXELS },
    );
    assert.equal(written, picks.length);
    const v = await vips();
    for (const g of picks) {
      const input = v.Image.newFromBuffer(readFileSync(join(fixture.dir, g.path)));
      const inPx = input.writeToMemory();
      const expected = seedReference(inPx, g.w, g.h, input.bands);
      input.delete();
      const output = v.Image.newFromBuffer(readFileSync(join(outDir, g.path.replace(/\.(jpg|png)$/, '.png'))));
      const outPx = output.writeToMemory();
      const bands = output.bands;
      output.delete();
      let diffs = 0;
      for (let i = 0; i < g.w * g.h; i++) if (outPx[i * bands] !== expected[i]) diffs++;
      assert.equal(diffs, 0, `${g.path}: ${diffs} pixels differ from the definition`);
    }
    const files = readdirSync(outDir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(outDir, f)).isFile());
    assert.ok(
      files.every((f) => !f.endsWith('.partial')),
      'no partial files',
    );
    assert.equal(relative(outDir, join(outDir, 'scans/big.png')), 'scans/big.png');
  });

  test('Cancel mid-batch stops promptly and leaves only complete files', async () => {
    const r = await app.page.evaluate(async () => {
      const t = window.tessera;
      const root = await navigator.storage.getDirectory();
      const src = await root.getDirectoryHandle('in');
      const day1 = await (await src.getDirectoryHandle('holiday')).getDirectoryHandle('day1');
      const one = await day1.getFileHandle('p7.jpg');
      // 120 inputs (the same photo under many names) on one worker: long enough to cancel.
      const inputs = Array.from({ length: 120 }, (_, i) => ({ path: `c/${String(i).padStart(3, '0')}.jpg`, file: () => one.getFile() }));
      await root.removeEntry('cancel-out', { recursive: true }).catch(() => {});
      const out = await root.getDirectoryHandle('cancel-out', { create: true });
      const ac = new AbortController();
      let results = 0;
      let abortedAt = 0;
      const s = await t.runBatch({
        input: inputs,
        output: new t.FolderSink(out),
        recipe: t.SEED_RECIPE,
        workers: 1,
        signal: ac.signal,
        onResult: () => {
          if (++results === 5) {
            abortedAt = performance.now();
            ac.abort();
          }
        },
      });
      const stoppedAfterMs = performance.now() - abortedAt;
      await new Promise((res) => setTimeout(res, 1500)); // late writes would show up here
      /** @type {string[]} */
      const files = [];
      /** @param {FileSystemDirectoryHandle} d @param {string} prefix @returns {Promise<void>} */
      const walk = async (d, prefix) => {
        for await (const e of d.values())
          if (e.kind === 'file') files.push(prefix + e.name);
          else await walk(/** @type {FileSystemDirectoryHandle} */ (e), prefix + e.name + '/');
      };
      await walk(out, '');
      let decodable = 0;
      const cDir = await out.getDirectoryHandle('c').catch(() => null);
      if (cDir)
        for await (const e of cDir.values()) {
          const b = await createImageBitmap(await /** @type {FileSystemFileHandle} */ (e).getFile());
          decodable += b.width === 188 && b.height === 110 ? 1 : 0;
          b.close();
        }
      return {
        cancelled: s.cancelled,
        ok: s.ok,
        failed: s.failed,
        statuses: s.results.filter((x) => x.status === 'cancelled').length,
        files,
        decodable,
        stoppedAfterMs,
      };
    });
    assert.equal(r.cancelled, true);
    assert.equal(r.failed, 0);
    assert.ok(r.ok >= 5 && r.ok < 120, `stopped early (ok=${r.ok})`);
    assert.equal(r.files.length, r.ok, `files on disk ${r.files.length} vs written ${r.ok}`);
    assert.equal(r.decodable, r.ok);
    assert.ok(r.files.every((f) => !/crswap|partial/.test(f)));
    console.log(`# cancel: stopped ${r.stoppedAfterMs.toFixed(0)} ms after abort, ${r.ok} written, ${r.statuses} cancelled`);
  });

  test('no page errors', () => {
    assert.deepEqual(app.errors, []);
  });
});
