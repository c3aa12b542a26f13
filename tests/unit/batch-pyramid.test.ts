/**
 * runBatch with a DZI output, in Node with a fake engine: the worker's raw frame goes through the
 * pyramid writer, tiles are encoded through the pool (encodeTiles) and written beside the
 * descriptor; the file's result row gives the descriptor, the tile count and the overview tile;
 * a tile batch that fails takes the file's tiles back and fails only that file.
 */
import { describe, expect, test } from 'vitest';
import { dziTileCount } from '../../src/core/dzi';
import { createFrame, describe as describeFrame, fromDesc, type FrameDesc } from '../../src/core/frame';
import type { EncodedTiles, EngineApi, ProcessRequest, ProcessResult } from '../../src/engine/api';
import type { InputFile } from '../../src/io/sources';
import { MemorySink } from '../../src/io/sinks';
import { runBatch } from '../../src/jobs/batch';
import { WorkerPool } from '../../src/pool/pool';
import { fromFrame, randomImage } from './helpers';

const RECIPE = { name: 'invert', steps: [{ op: 'invert' }] };

const file = (path: string): InputFile => ({ path, file: () => Promise.resolve(new Blob([path])) });

/** A worker whose every image is a w×h random frame, and whose tile "encoding" is the raw pixels. */
function fakePool(w: number, h: number, failTiles?: (call: number) => string | undefined) {
  const calls = { tiles: 0 };
  const api = {
    start: () => Promise.resolve({ startMs: 0, vipsVersion: 'fake', crossOriginIsolated: false }),
    processImage: (req: ProcessRequest): Promise<ProcessResult> => {
      expect(req.output.format).toBe('dzi');
      const f = createFrame(w, h, 3, new ArrayBuffer(w * h * 3));
      f.data.set(randomImage(w, h, 3, req.name.length).data);
      const timings = { idleMs: 0, readMs: 0, decodeMs: 1, encodeMs: 0, steps: [] };
      return Promise.resolve({
        kind: 'frame',
        frame: describeFrame(f),
        width: w,
        height: h,
        channels: 3,
        source: { orientation: 1 },
        timings,
      });
    },
    encodeTiles: (tiles: FrameDesc[]): Promise<EncodedTiles> => {
      calls.tiles++;
      const failure = failTiles?.(calls.tiles);
      if (failure) return Promise.reject(new Error(failure));
      const parts = tiles.map((d) => fromFrame(fromDesc(d)).data);
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
      return Promise.resolve({ bytes, lengths: parts.map((p) => p.length), encodeMs: 2 });
    },
  } as unknown as EngineApi;
  return { pool: new WorkerPool(() => ({ api, terminate() {}, onCrash() {} }), 2), calls };
}

describe('runBatch → DZI', () => {
  test('descriptor and tiles in the sink; the result row names the .dzi, its tiles and overview', async () => {
    const { pool, calls } = fakePool(300, 200);
    const sink = new MemorySink();
    const s = await runBatch({
      input: [file('trip/big.jpg'), file('small.png')],
      output: sink,
      pool: pool as never,
      recipe: RECIPE,
      format: { format: 'dzi', tileSize: 128, tileFormat: 'png' },
    });
    pool.dispose();
    expect(s).toMatchObject({ ok: 2, failed: 0 });
    const tiles = dziTileCount(300, 200, 128);
    expect(sink.files.size).toBe(2 * (tiles + 1));
    expect([...sink.files.keys()].filter((p) => p.endsWith('.dzi')).sort()).toEqual(['small.dzi', 'trip/big.dzi']);
    expect(sink.files.has('trip/big_files/9/2_1.png')).toBe(true);
    expect(new TextDecoder().decode(sink.files.get('trip/big.dzi'))).toContain('TileSize="128" Overlap="1" Format="png"');
    const big = s.results.find((r) => r.path === 'trip/big.jpg')!;
    expect(big).toMatchObject({
      status: 'ok',
      outputPath: 'trip/big.dzi',
      width: 300,
      height: 200,
      pyramid: { tiles, levels: 10, tileFolder: 'trip/big_files', overview: 'trip/big_files/7/0_0.png' },
    });
    const written = [...sink.files].filter(([p]) => p.startsWith('trip/big')).reduce((n, [, b]) => n + b.length, 0);
    expect(big.bytesOut).toBe(written);
    expect(calls.tiles).toBeGreaterThanOrEqual(2);
    expect(s.breakdown.encode).toBe(2 * calls.tiles);
  });

  test('a failed tile batch fails that file and leaves none of its files', async () => {
    const { pool } = fakePool(600, 400, (n) => (n === 3 ? 'the tile encoder failed' : undefined));
    const sink = new MemorySink();
    const s = await runBatch({
      input: [file('a.jpg')],
      output: sink,
      pool: pool as never,
      recipe: RECIPE,
      format: { format: 'dzi', tileSize: 64 },
    });
    pool.dispose();
    expect(s).toMatchObject({ ok: 0, failed: 1 });
    expect(s.errors).toEqual([{ file: 'a.jpg', message: 'the tile encoder failed' }]);
    expect([...sink.files.keys()]).toEqual([]);
  });

  test('a worker that crashes on a tile batch: the batch is retried on a fresh worker (its tiles are shared, not transferred)', async () => {
    const { pool } = fakePool(600, 400, (n) => (n === 3 ? 'memory access out of bounds' : undefined));
    const sink = new MemorySink();
    const s = await runBatch({
      input: [file('a.jpg')],
      output: sink,
      pool: pool as never,
      recipe: RECIPE,
      format: { format: 'dzi', tileSize: 64 },
    });
    pool.dispose();
    expect(s).toMatchObject({ ok: 1, failed: 0 });
    expect(s.pool.retries).toBe(1);
    expect(sink.files.size).toBe(dziTileCount(600, 400, 64) + 1);
  });
});
