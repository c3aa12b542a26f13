/**
 * The strip-fed DZI writer (jobs/dzi-writer.ts) in Node: a frame fed in strips of 1 row, 7 rows
 * and whole gives the same files, each tile equal to the pyramid made level by level from whole
 * frames (core/dzi halve + tileRect); real PNG and JPEG tiles through the engine's encodeTiles;
 * memory bounded by the width, not the height; backpressure; failures and abort take every file
 * back. Also the engine's side: a pyramid output comes back from processImage as its raw frame.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { dziLevels, dziTileCount, halve, tileGrid, tileRect } from '../../src/core/dzi';
import { createFrame, fromDesc, view, type Frame } from '../../src/core/frame';
import { pyramidTileOptions, validateOutput, type OutputOptions } from '../../src/core/formats';
import type { EncodedTiles } from '../../src/engine/api';
import { decode, encodeOutput } from '../../src/engine/codec';
import { processImage, resultTransferables } from '../../src/engine/image-task';
import { encodeTiles } from '../../src/engine/tile-task';
import { loadVips, type Vips } from '../../src/engine/vips';
import { MemorySink } from '../../src/io/sinks';
import { DziWriter, type TileEncoder } from '../../src/jobs/dzi-writer';
import { feedFrame } from '../../src/jobs/strip-consumer';
import { firstDiff, fromFrame, photoLikeImage, randomImage, step, toFrame } from './helpers';
import type { RefImage } from './reference';

let vips: Vips;
beforeAll(async () => {
  ({ vips } = await loadVips());
});

/** "Encodes" each tile as its packed pixels, so files can be compared byte for byte with the reference. */
const rawEncoder: TileEncoder = (tiles) => {
  const parts = tiles.map((d) => fromFrame(fromDesc(d)).data);
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return Promise.resolve({ bytes, lengths: parts.map((p) => p.length), encodeMs: 0 });
};

/** Every tile of the pyramid, made level by level from whole frames: path → pixels. */
function referencePyramid(img: RefImage, o: OutputOptions, name: string, ext: string): Map<string, RefImage> {
  const out = new Map<string, RefImage>();
  const levels = dziLevels(img.width, img.height);
  let f: Frame = toFrame(img);
  for (let l = levels.length - 1; l >= 0; l--) {
    expect({ width: f.width, height: f.height }).toEqual(levels[l]);
    const { cols, rows } = tileGrid(levels[l], o.tileSize);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        const t = tileRect(c, r, levels[l], o.tileSize, o.overlap);
        out.set(`${name}_files/${l}/${c}_${r}.${ext}`, fromFrame(view(f, t.x, t.y, t.width, t.height)));
      }
    if (l > 0) f = halve(f);
  }
  return out;
}

/**
 * Feeds `img` to a writer in strips of `rows`, each copied into one scratch frame that is
 * scribbled over once push() resolves (as a producer reusing shared memory would).
 */
async function writeInStrips(img: RefImage, rows: number, o: OutputOptions, encode: TileEncoder = rawEncoder) {
  const sink = new MemorySink();
  const writer = new DziWriter({ sink, path: 'p/pic.dzi', output: o, encode, maxInFlight: 2 });
  const full = toFrame(img);
  const scratch = createFrame(img.width, rows, img.channels, new SharedArrayBuffer(img.width * rows * img.channels));
  await writer.begin({ width: img.width, height: img.height, channels: img.channels });
  for (let y = 0; y < img.height; y += rows) {
    const h = Math.min(rows, img.height - y);
    scratch.data.set(full.data.subarray(y * full.stride, (y + h) * full.stride));
    await writer.push(view(scratch, 0, 0, img.width, h), y);
    scratch.data.fill(0xee);
  }
  const result = await writer.end();
  return { sink, result, stats: writer.stats };
}

const dzi = (extra: Record<string, unknown> = {}) =>
  validateOutput({ format: 'dzi', tileSize: 64, overlap: 2, tileFormat: 'png', ...extra });

describe('strips in, tiles out', () => {
  test.each([
    [300, 190, 3],
    [129, 65, 4],
    [1, 1, 1],
    [64, 64, 2],
    [65, 1, 3],
    [3, 200, 1],
  ])('%i×%i×%i: strips of 1, 7 and all rows give the same files, each the reference tile', async (w, h, c) => {
    const img = randomImage(w, h, c, w * 13 + h + c);
    const o = dzi();
    const want = referencePyramid(img, o, 'p/pic', 'png');
    expect(want.size).toBe(dziTileCount(w, h, 64));
    const runs = [await writeInStrips(img, 1, o), await writeInStrips(img, 7, o), await writeInStrips(img, h, o)];
    for (const { sink, result, stats } of runs) {
      expect([...sink.files.keys()].sort()).toEqual([...want.keys(), 'p/pic.dzi'].sort());
      for (const [path, tile] of want) {
        const got: RefImage = { width: tile.width, height: tile.height, channels: c, data: sink.files.get(path)! };
        expect(firstDiff(got, tile), path).toBeNull();
      }
      expect(result.files).toBe(want.size + 1);
      expect(result.bytes).toBe([...sink.files.values()].reduce((n, b) => n + b.length, 0));
      expect(stats).toMatchObject({ levels: dziLevels(w, h).length, tiles: want.size, files: want.size + 1, tileFolder: 'p/pic_files' });
    }
    const xml = new TextDecoder().decode(runs[0].sink.files.get('p/pic.dzi'));
    expect(xml).toContain(`TileSize="64" Overlap="2" Format="png"`);
    expect(xml).toContain(`<Size Width="${w}" Height="${h}"/>`);
  });

  test('overlap 0 and the default 254 + 1 lay tiles out the same way', async () => {
    const img = randomImage(300, 260, 3, 9);
    for (const o of [dzi({ overlap: 0 }), validateOutput({ format: 'dzi', tileFormat: 'png' })]) {
      const { sink } = await writeInStrips(img, 5, o);
      const want = referencePyramid(img, o, 'p/pic', 'png');
      for (const [path, tile] of want) expect(firstDiff({ ...tile, data: sink.files.get(path)! }, tile), path).toBeNull();
    }
  });

  test('real PNG tiles (the engine encodeTiles) decode to the reference tiles', async () => {
    const img = photoLikeImage(200, 150, 3, 4);
    const o = dzi();
    const encode: TileEncoder = (tiles, output) => encodeTiles(vips, tiles, output);
    const { sink } = await writeInStrips(img, 16, o, encode);
    const want = referencePyramid(img, o, 'p/pic', 'png');
    for (const [path, tile] of want) expect(firstDiff(fromFrame(decode(vips, sink.files.get(path)!)), tile), path).toBeNull();
  });

  test('JPEG tiles: .jpg files of the tile sizes, Format="jpg", alpha flattened', async () => {
    const img = photoLikeImage(150, 100, 4, 5);
    const o = validateOutput({ format: 'dzi', tileSize: 64, overlap: 1, quality: 90 });
    expect(pyramidTileOptions(o)).toMatchObject({ format: 'jpeg', quality: 90, metadata: 'strip' });
    const { sink } = await writeInStrips(img, 33, o, (tiles, output) => encodeTiles(vips, tiles, output));
    const want = referencePyramid(img, o, 'p/pic', 'jpg');
    for (const [path, tile] of want) {
      const back = decode(vips, sink.files.get(path)!);
      expect([back.width, back.height, back.channels], path).toEqual([tile.width, tile.height, 3]);
    }
    expect(new TextDecoder().decode(sink.files.get('p/pic.dzi'))).toContain('Format="jpg"');
  });
});

describe('bounded', () => {
  test('a 40000×25000 RGB pyramid holds ~two 256-row bands of its width, not the image', async () => {
    const writer = new DziWriter({
      sink: new MemorySink(),
      path: 'giant.dzi',
      output: validateOutput({ format: 'dzi' }),
      encode: rawEncoder,
    });
    await writer.begin({ width: 40000, height: 25000, channels: 3 });
    const band = 256 * 40000 * 3;
    expect(writer.heldBytes).toBeLessThan(2.05 * band);
    expect(writer.heldBytes).toBeLessThan(64 << 20);
    await writer.abort();
  });

  test('a tall image streamed row by row: what is held never grows with the height', async () => {
    const o = dzi();
    const writer = new DziWriter({
      sink: new MemorySink(),
      path: 'tall.dzi',
      output: o,
      encode: rawEncoder,
      maxInFlight: 2,
      batchBytes: 64 << 10,
    });
    const w = 100,
      h = 3000;
    await writer.begin({ width: w, height: h, channels: 3 });
    const row = createFrame(w, 1, 3, new ArrayBuffer(w * 3));
    let most = 0;
    for (let y = 0; y < h; y++) {
      row.data.fill(y & 255);
      await writer.push(row, y);
      most = Math.max(most, writer.heldBytes);
    }
    await writer.end();
    // Bands of 64 + 2 × 2 rows at every level (halving: under twice the top one's), and the
    // arenas of the two batches in flight and one being filled.
    expect(most).toBeLessThanOrEqual(2 * 68 * w * 3 + 3 * (64 << 10));
    expect(most).toBeGreaterThan(68 * w * 3);
  });

  test('backpressure: never more than maxInFlight batches at the encoder', async () => {
    let now = 0,
      most = 0,
      calls = 0;
    const slow: TileEncoder = async (tiles, output) => {
      now++;
      calls++;
      most = Math.max(most, now);
      await new Promise((r) => setTimeout(r, 2));
      now--;
      return rawEncoder(tiles, output);
    };
    const { stats } = await writeInStrips(randomImage(700, 300, 1, 2), 50, dzi(), slow);
    expect(calls).toBeGreaterThan(3);
    expect(most).toBeLessThanOrEqual(2);
    expect(stats.tiles).toBe(dziTileCount(700, 300, 64));
  });
});

describe('failures take everything back', () => {
  test('an encoder failure rejects push() or end(); abort() removes every file written', async () => {
    const sink = new MemorySink();
    let n = 0;
    const flaky: TileEncoder = (tiles, output) => (++n === 4 ? Promise.reject(new Error('encoder broke')) : rawEncoder(tiles, output));
    const writer = new DziWriter({ sink, path: 'x/f.dzi', output: dzi(), encode: flaky, maxInFlight: 1 });
    const img = toFrame(randomImage(400, 400, 3, 3));
    await expect(feedFrame(writer, img, undefined, 16)).rejects.toThrow('encoder broke');
    expect(n).toBeGreaterThanOrEqual(4);
    expect([...sink.files.keys()]).toEqual([]);
  });

  test('abort() midway: tiles written so far are removed, then the level folders and the tile folder', async () => {
    const removed: string[] = [];
    const sink = new MemorySink();
    const remove = sink.remove.bind(sink);
    sink.remove = (path) => (removed.push(path), remove(path));
    await sink.write('other.png', new Uint8Array([1]));
    const writer = new DziWriter({ sink, path: 'f.dzi', output: dzi(), encode: rawEncoder });
    await writer.begin({ width: 300, height: 300, channels: 1 });
    const rows = toFrame(randomImage(300, 150, 1, 1));
    await writer.push(rows, 0);
    const tiles = [...sink.files.keys()].filter((p) => p.startsWith('f_files/'));
    expect(tiles.length).toBeGreaterThan(0);
    await writer.abort();
    expect([...sink.files.keys()]).toEqual(['other.png']);
    expect(removed.slice(0, tiles.length).sort()).toEqual(tiles.sort());
    expect(removed.slice(tiles.length)).toEqual([...Array(10).keys()].map((l) => `f_files/${l}`).concat('f_files'));
    await expect(writer.push(rows, 150)).rejects.toThrow('already ended or aborted');
  });

  test('abort() while a push() waits on backpressure: the push is refused and nothing stays', async () => {
    const sink = new MemorySink();
    const slow: TileEncoder = async (tiles, output) => {
      await new Promise((r) => setTimeout(r, 5));
      return rawEncoder(tiles, output);
    };
    const writer = new DziWriter({ sink, path: 'w.dzi', output: dzi(), encode: slow, maxInFlight: 1 });
    await writer.begin({ width: 500, height: 500, channels: 3 });
    const pushing = writer.push(toFrame(randomImage(500, 500, 3, 4)), 0);
    await new Promise((r) => setTimeout(r, 12));
    await writer.abort();
    await expect(pushing).rejects.toThrow('already ended or aborted');
    expect([...sink.files.keys()]).toEqual([]);
  });

  test('a cancelled signal stops it; rows out of order or of another width are refused', async () => {
    const controller = new AbortController();
    const writer = new DziWriter({ sink: new MemorySink(), path: 'c.dzi', output: dzi(), encode: rawEncoder, signal: controller.signal });
    await writer.begin({ width: 10, height: 10, channels: 3 });
    const row = toFrame(randomImage(10, 1, 3, 1));
    await expect(writer.push(row, 1)).rejects.toThrow('expected row 0, got 1');
    await expect(writer.push(toFrame(randomImage(9, 1, 3, 1)), 0)).rejects.toThrow(RangeError);
    controller.abort();
    await expect(writer.push(row, 0)).rejects.toMatchObject({ code: 'cancelled' });
    await writer.abort();
  });
});

describe('engine side', () => {
  test('processImage with a dzi output returns the raw result in a buffer of its own, equal to the PNG output', async () => {
    const src = photoLikeImage(90, 70, 3, 8);
    const png = await encodeOutput(vips, toFrame(src), validateOutput({ format: 'png' }));
    const steps = [step('invert')];
    const base = { file: new Blob([]), name: 'a.png', steps, maxPixels: Infinity };
    const res = await processImage(vips, { ...base, bytes: png.slice().buffer, output: validateOutput({ format: 'dzi' }) });
    const ref = await processImage(vips, { ...base, bytes: png.slice().buffer, output: validateOutput({ format: 'png' }) });
    if (res.kind !== 'frame' || ref.kind !== 'done') throw new Error(`expected frame and done, got ${res.kind}, ${ref.kind}`);
    expect(res.frame.buffer).toBeInstanceOf(ArrayBuffer);
    expect(res.frame.buffer.byteLength).toBe(90 * 70 * 3);
    expect(resultTransferables(res)).toEqual([res.frame.buffer]);
    expect(firstDiff(fromFrame(fromDesc(res.frame)), fromFrame(decode(vips, ref.bytes)))).toBeNull();
    expect(res.source.orientation).toBe(1);
  });

  test('encodeTiles: views of one shared arena, their bytes one after another in one buffer', async () => {
    const arena = new SharedArrayBuffer(3 * 16 * 16 * 3);
    const tiles = [0, 1, 2].map((i) => {
      const f = createFrame(16, 16, 3, arena, i * 16 * 16 * 3);
      f.data.set(randomImage(16, 16, 3, i).data);
      return { width: 16, height: 16, channels: 3, stride: 48, byteOffset: i * 768, buffer: arena };
    });
    const r: EncodedTiles = await encodeTiles(vips, tiles, validateOutput({ format: 'png' }));
    expect(r.lengths).toHaveLength(3);
    let at = 0;
    for (const [i, len] of r.lengths.entries()) {
      const back = decode(vips, r.bytes.subarray(at, (at += len)));
      expect(firstDiff(fromFrame(back), randomImage(16, 16, 3, i))).toBeNull();
    }
    expect(at).toBe(r.bytes.length);
  });
});
