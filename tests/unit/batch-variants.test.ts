/**
 * A recipe's variants through runBatch in Node with an in-process fake engine: one processImage
 * (decode + shared steps) per input and one finishImage per variant, names in listing order,
 * shared reports written once, one variant's failure leaving the others, and the fallbacks
 * (too large for one worker, variants that disagree on the decode) running each variant alone.
 */
import { describe, expect, test } from 'vitest';
import type { EngineApi, FinishRequest, FinishedResult, ProcessRequest, ProcessResult } from '../../src/engine/api';
import type { InputFile } from '../../src/io/sources';
import { MemorySink } from '../../src/io/sinks';
import { runBatch } from '../../src/jobs/batch';
import type { BatchProgress } from '../../src/jobs/types';
import { WorkerPool } from '../../src/pool/pool';
import { createFrame, describe as describeFrame } from '../../src/core/frame';

const file = (path: string): InputFile => ({ path, file: () => Promise.resolve(new Blob([path])) });
const timings = () => ({ idleMs: 0, readMs: 1, decodeMs: 2, encodeMs: 3, steps: [{ op: 'invert', ms: 4 }] });

const RECIPE = {
  name: 'site',
  steps: [{ op: 'invert' }],
  variants: [
    { name: 'small', steps: [{ op: 'resize', params: { mode: 'fit', width: 100, height: 100 } }], output: { format: 'webp' } },
    { name: 'big', output: { format: 'jpeg', quality: 70 } },
  ],
};

interface Calls {
  process: ProcessRequest[];
  finish: FinishRequest[];
}

/** `needsTiles`: inputs the fake worker hands back as too large. `fail`: "input/variant-format" pairs whose finish throws. */
function fakePool(o: { needsTiles?: string[]; fail?: string[]; reports?: boolean } = {}) {
  const calls: Calls = { process: [], finish: [] };
  const api = {
    start: () => Promise.resolve({ startMs: 0, vipsVersion: 'fake', crossOriginIsolated: false }),
    processImage: (req: ProcessRequest): ProcessResult => {
      calls.process.push(req);
      if (o.needsTiles?.includes(req.name) && req.share)
        return { kind: 'needs-tiles', width: 9000, height: 9000, channels: 3, timings: timings() };
      if (req.share) {
        const frame = describeFrame(createFrame(40, 30, 3, new SharedArrayBuffer(40 * 30 * 3)));
        const reports = o.reports ? [{ op: 'detect-faces', kind: 'faces', data: { width: 40, height: 30, faces: [] } }] : [];
        return {
          kind: 'shared',
          width: 40,
          height: 30,
          channels: 3,
          timings: timings(),
          split: { frame, steps: [], source: { orientation: 1 }, reports },
        };
      }
      // Alone: the whole recipe in one call, as without variants.
      return {
        kind: 'done',
        bytes: new TextEncoder().encode(`alone:${req.name}:${req.output.format}`),
        width: 40,
        height: 30,
        channels: 3,
        timings: timings(),
      };
    },
    finishImage: (req: FinishRequest): FinishedResult => {
      calls.finish.push(req);
      const key = `${req.split.frame.width}:${req.output.format}`;
      if (o.fail?.includes(req.output.format)) throw new Error(`encoder broke on ${key}`);
      const small = req.split.steps.some((s) => s.op === 'resize');
      return {
        kind: 'done',
        bytes: new TextEncoder().encode(`shared:${req.output.format}:${req.output.quality}:${req.split.steps.map((s) => s.op).join('+')}`),
        width: small ? 10 : 40,
        height: small ? 8 : 30,
        channels: 3,
        timings: timings(),
      };
    },
  } as unknown as EngineApi;
  const pool = new WorkerPool(() => ({ api, terminate() {}, onCrash() {} }), 2);
  return { pool, calls };
}

describe('runBatch with variants', () => {
  test('one decode per input, one finish per variant, every output named {name}-{variant}.{ext} in order', async () => {
    const { pool, calls } = fakePool();
    const sink = new MemorySink();
    const progress: BatchProgress[] = [];
    const s = await runBatch({
      input: [file('a.jpg'), file('b.jpg')],
      output: sink,
      pool: pool as never,
      recipe: RECIPE,
      onProgress: (p) => progress.push(p),
    });
    pool.dispose();
    expect(calls.process.map((r) => [r.name, r.share, r.steps.map((x) => x.op)])).toEqual([
      ['a.jpg', true, ['auto-orient', 'invert']],
      ['b.jpg', true, ['auto-orient', 'invert']],
    ]);
    expect(calls.finish.map((r) => [r.split.steps.map((x) => x.op), r.output.format, r.faces])).toEqual([
      [['resize'], 'webp', undefined],
      [[], 'jpeg', undefined],
      [['resize'], 'webp', undefined],
      [[], 'jpeg', undefined],
    ]);
    expect([...sink.files.keys()].sort()).toEqual(['a-big.jpg', 'a-small.webp', 'b-big.jpg', 'b-small.webp']);
    expect(new TextDecoder().decode(sink.files.get('a-big.jpg'))).toBe('shared:jpeg:70:');
    expect(s.ok).toBe(4);
    expect(s.results.map((r) => [r.outputPath, r.variant, r.sharedDecode, r.width]).sort()).toEqual([
      ['a-big.jpg', 'big', true, 40],
      ['a-small.webp', 'small', true, 10],
      ['b-big.jpg', 'big', true, 40],
      ['b-small.webp', 'small', true, 10],
    ]);
    // Progress counts outputs: two inputs × two variants.
    expect(progress.at(-1)).toMatchObject({ done: 4, total: 4, running: [] });
  });

  test('{n} is the input place; a name without {variant} but differing formats keeps them apart by extension', async () => {
    const { pool } = fakePool();
    const sink = new MemorySink();
    await runBatch({
      input: [file('x/a.jpg'), file('x/b.jpg')],
      output: sink,
      pool: pool as never,
      recipe: { ...RECIPE, output: { name: '{n:2}_{name}' } },
    });
    pool.dispose();
    expect([...sink.files.keys()].sort()).toEqual(['01_a.jpg', '01_a.webp', '02_b.jpg', '02_b.webp']);
  });

  test('shared reports are written once per input; a variant that fails leaves the others written', async () => {
    const { pool } = fakePool({ fail: ['webp'], reports: true });
    const sink = new MemorySink();
    const s = await runBatch({ input: [file('a.jpg')], output: sink, pool: pool as never, recipe: RECIPE });
    pool.dispose();
    expect([...sink.files.keys()].sort()).toEqual(['a-big.jpg', 'a.jpg.faces.json', 'faces.csv']);
    expect(s.ok).toBe(1);
    expect(s.failed).toBe(1);
    expect(s.errors).toEqual([{ file: 'a.jpg', message: expect.stringContaining('encoder broke') as string }]);
    expect(s.results.find((r) => r.variant === 'small')?.status).toBe('failed');
    expect(s.results.find((r) => r.variant === 'big')?.reports).toEqual(['a.jpg.faces.json']);
  });

  test('too large for one worker: each variant runs alone (the whole recipe, decoding again)', async () => {
    const { pool, calls } = fakePool({ needsTiles: ['big.jpg'] });
    const sink = new MemorySink();
    const s = await runBatch({ input: [file('big.jpg')], output: sink, pool: pool as never, recipe: RECIPE });
    pool.dispose();
    expect(calls.process.map((r) => [r.share ?? false, r.steps.map((x) => x.op), r.output.format])).toEqual([
      [true, ['auto-orient', 'invert'], 'webp'],
      [false, ['auto-orient', 'invert', 'resize'], 'webp'],
      [false, ['auto-orient', 'invert'], 'jpeg'],
    ]);
    expect([...sink.files.keys()].sort()).toEqual(['big-big.jpg', 'big-small.webp']);
    expect(s.results.map((r) => [r.variant, r.sharedDecode, r.status])).toEqual([
      ['small', false, 'ok'],
      ['big', false, 'ok'],
    ]);
  });

  test('existing outputs with skip: a variant whose file is there costs no work; all there, no decode', async () => {
    const { pool, calls } = fakePool();
    const sink = new MemorySink();
    await sink.write('a-small.webp', new Uint8Array([1]));
    await sink.write('b-small.webp', new Uint8Array([1]));
    await sink.write('b-big.jpg', new Uint8Array([1]));
    const s = await runBatch({
      input: [file('a.jpg'), file('b.jpg')],
      output: sink,
      pool: pool as never,
      recipe: { ...RECIPE, output: { existing: 'skip' } },
    });
    pool.dispose();
    expect(calls.process.map((r) => r.name)).toEqual(['a.jpg']);
    expect(calls.finish.map((r) => r.output.format)).toEqual(['jpeg']);
    expect(s.ok).toBe(1);
    expect(s.skipped).toBe(3);
    expect(new TextDecoder().decode(sink.files.get('a-small.webp'))).toBe('\u0001');
  });
});
