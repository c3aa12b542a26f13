/**
 * runBatch end to end in Node with an in-process fake engine (no wasm): which files are skipped,
 * how outputs are named, what is written beside them, how failures and cancellation are reported,
 * the summary's fields and sums, and the two dispatch windows (files computing, files in flight).
 */
import { describe, expect, test } from 'vitest';
import { TesseraError } from '../../src/core/errors';
import type { EngineApi, ProcessRequest, ProcessResult } from '../../src/engine/api';
import type { InputFile } from '../../src/io/sources';
import { MemorySink, type OutputSink, type WriteOptions } from '../../src/io/sinks';
import { runBatch } from '../../src/jobs/batch';
import type { BatchProgress, FileResult } from '../../src/jobs/types';
import { WorkerPool } from '../../src/pool/pool';

const RECIPE = { name: 'invert', steps: [{ op: 'invert' }] };
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function file(path: string, text = path, lastModified?: number): InputFile {
  return {
    path,
    file: () => Promise.resolve(lastModified === undefined ? new Blob([text]) : new File([text], path.split('/').pop()!, { lastModified })),
  };
}

/** The fake worker's answer: at once or later; what it throws rejects the call, as a worker's would. */
type Handler = (req: ProcessRequest) => ProcessResult | Promise<ProcessResult>;

/** A done result: the output bytes are "out:<name>"; timings are fixed so the breakdown sums are known. */
function done(req: ProcessRequest, extra: Partial<Extract<ProcessResult, { kind: 'done' }>> = {}): ProcessResult {
  return {
    kind: 'done',
    bytes: new TextEncoder().encode(`out:${req.name}`),
    width: 10,
    height: 20,
    channels: 3,
    timings: { idleMs: 1, readMs: 2, decodeMs: 3, encodeMs: 5, steps: [{ op: 'invert', ms: 7 }] },
    ...extra,
  };
}

function fakePool(handler: Handler, size = 1) {
  const calls: string[] = [];
  const api = {
    start: () => Promise.resolve({ startMs: 0, vipsVersion: 'fake', crossOriginIsolated: false }),
    processImage: async (req: ProcessRequest) => {
      calls.push(req.name);
      return await handler(req);
    },
  } as unknown as EngineApi;
  const pool = new WorkerPool(() => ({ api, terminate() {}, onCrash() {} }), size);
  return { pool, calls };
}

describe('runBatch', () => {
  test('skips non-media names, names outputs apart, reports failures, sums the breakdown', async () => {
    const { pool } = fakePool((req) => {
      if (req.name === 'broken.jpg') throw new TesseraError('decode-failed', 'not a JPEG: 6 bytes of text');
      return done(req);
    });
    const sink = new MemorySink();
    const progress: BatchProgress[] = [];
    const seen: FileResult[] = [];
    const skippedLive: string[] = [];
    const s = await runBatch({
      input: [file('a.jpg'), file('notes.txt'), file('a.png'), file('A.webp'), file('broken.jpg'), file('sub/a.jpg'), file('README')],
      onSkip: (f) => skippedLive.push(f.path),
      output: sink,
      pool: pool as never,
      recipe: RECIPE,
      format: { format: 'png' },
      onProgress: (p) => progress.push(p),
      onResult: (r) => seen.push(r),
    });
    pool.dispose();
    expect([...sink.files.keys()].sort()).toEqual(['A_webp.png', 'a.png', 'a_png.png', 'sub/a.png']);
    // Names are claimed in listing order: the first input keeps the plain name.
    expect(new TextDecoder().decode(sink.files.get('a.png'))).toBe('out:a.jpg');
    expect(new TextDecoder().decode(sink.files.get('a_png.png'))).toBe('out:a.png');
    expect(s).toMatchObject({ ok: 4, failed: 1, skipped: 2, cancelled: false, workers: 1 });
    expect(s.errors).toEqual([{ file: 'broken.jpg', message: 'not a JPEG: 6 bytes of text' }]);
    // Skipped files are listed with the reason, in listing order, and reported as they are listed.
    expect(s.skippedFiles).toEqual([
      { path: 'notes.txt', reason: 'not an image or video Tessera reads (.txt files are left out)' },
      { path: 'README', reason: 'no file extension: Tessera picks up images and videos by their extension (.jpg, .png, .mp4 …)' },
    ]);
    expect(skippedLive).toEqual(['notes.txt', 'README']);
    const broken = s.results.find((r) => r.path === 'broken.jpg')!;
    expect(broken).toMatchObject({ status: 'failed', error: 'broken.jpg: not a JPEG: 6 bytes of text', bytesIn: 10 });
    expect(broken.outputPath).toBeUndefined();
    const a = s.results.find((r) => r.path === 'a.jpg')!;
    expect(a).toMatchObject({ status: 'ok', outputPath: 'a.png', bytesIn: 5, bytesOut: 9, width: 10, height: 20 });
    expect(a.reports).toBeUndefined();
    expect(s.results.map((r) => r.path).sort()).toEqual(['A.webp', 'a.jpg', 'a.png', 'broken.jpg', 'sub/a.jpg']);
    expect(seen.map((r) => r.path).sort()).toEqual(s.results.map((r) => r.path).sort());
    // Four done files: the worker's figures summed (read also counts the main thread's read).
    expect(s.breakdown.decode).toBe(12);
    expect(s.breakdown.encode).toBe(20);
    expect(s.breakdown.handoff).toBe(4);
    expect(s.breakdown.steps).toEqual({ invert: 28 });
    expect(s.breakdown.read).toBeGreaterThanOrEqual(8);
    expect(s.breakdown.write).toBeGreaterThanOrEqual(0);
    expect(Object.keys(s).sort()).toEqual([
      'breakdown',
      'buffers',
      'cancelled',
      'errors',
      'failed',
      'imagesPerSecond',
      'ok',
      'pool',
      'renamed',
      'results',
      'seconds',
      'skipped',
      'skippedFiles',
      'startupSeconds',
      'workers',
    ]);
    expect(s.seconds).toBeGreaterThanOrEqual(0);
    expect(s.startupSeconds).toBeGreaterThanOrEqual(0);
    expect(s.pool.tasksDone).toBe(4);
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ done: 4, failed: 1, skipped: 2, total: 5, totalKnown: true, running: [] });
    expect(progress.some((p) => p.running.length > 0)).toBe(true);
  });

  test('reports: the last of each kind beside the output, and one faces table for the batch', async () => {
    const face = { box: [1, 2, 3, 4], score: 0.9 };
    const { pool } = fakePool((req) =>
      done(req, {
        reports:
          req.name === 'b.jpg'
            ? []
            : [
                { op: 'detect-faces', kind: 'faces', data: { width: 10, height: 20, faces: [] } },
                { op: 'detect-faces', kind: 'faces', data: { width: 10, height: 20, faces: req.name === 'a.jpg' ? [face] : [] } },
                { op: 'other', kind: 'notes', data: { n: 1 } },
              ],
      }),
    );
    const sink = new MemorySink();
    const s = await runBatch({
      input: [file('z.jpg'), file('a.jpg'), file('b.jpg')],
      output: sink,
      pool: pool as never,
      recipe: RECIPE,
      format: { format: 'jpeg' },
    });
    pool.dispose();
    expect([...sink.files.keys()].sort()).toEqual([
      'a.jpg',
      'a.jpg.faces.json',
      'a.jpg.notes.json',
      'b.jpg',
      'faces.csv',
      'z.jpg',
      'z.jpg.faces.json',
      'z.jpg.notes.json',
    ]);
    expect(JSON.parse(new TextDecoder().decode(sink.files.get('a.jpg.faces.json')))).toEqual({ width: 10, height: 20, faces: [face] });
    expect(s.results.find((r) => r.path === 'a.jpg')!.reports).toEqual(['a.jpg.faces.json', 'a.jpg.notes.json']);
    expect(s.results.find((r) => r.path === 'b.jpg')!.reports).toBeUndefined();
    expect(s.facesTable).toBe('faces.csv');
    const rows = new TextDecoder().decode(sink.files.get('faces.csv')).trim().split('\n');
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 4))).toEqual([
      ['a.jpg', '10', '20', '1'],
      ['z.jpg', '10', '20', ''],
    ]);

    const { pool: p2 } = fakePool((req) =>
      done(req, { reports: [{ op: 'detect-faces', kind: 'faces', data: { width: 1, height: 1, faces: [] } }] }),
    );
    const sink2 = new MemorySink();
    const s2 = await runBatch({ input: [file('a.jpg')], output: sink2, pool: p2 as never, recipe: RECIPE, facesTable: false });
    p2.dispose();
    expect([...sink2.files.keys()].sort()).toEqual(['a.jpg.faces.json', 'a.png']);
    expect('facesTable' in s2).toBe(false);
  });

  test('reports only (images: false): the reports and faces table are written, no image; results count the faces', async () => {
    const face = { box: [1, 2, 3, 4], score: 0.9 };
    const asked: boolean[] = [];
    const { pool } = fakePool((req) => {
      asked.push(req.output.images);
      return done(req, {
        bytes: new Uint8Array(0), // what the engine returns when told not to encode
        reports: [{ op: 'detect-faces', kind: 'faces', data: { width: 10, height: 20, faces: req.name === 'a.jpg' ? [face, face] : [] } }],
      });
    });
    const sink = new MemorySink();
    const s = await runBatch({
      input: [file('a.jpg'), file('b.png')],
      output: sink,
      pool: pool as never,
      recipe: { name: 'faces', steps: [{ op: 'detect-faces' }], output: { format: 'png', images: false } },
    });
    pool.dispose();
    expect(asked).toEqual([false, false]); // the engine is told, so it encodes nothing
    expect([...sink.files.keys()].sort()).toEqual(['a.jpg.faces.json', 'b.png.faces.json', 'faces.csv']);
    const a = s.results.find((r) => r.path === 'a.jpg')!;
    expect(a).toMatchObject({ status: 'ok', faces: 2, reports: ['a.jpg.faces.json'] });
    expect(a.outputPath).toBeUndefined();
    expect(a.bytesOut).toBeUndefined();
    expect(s.results.find((r) => r.path === 'b.png')!.faces).toBe(0);
    expect(s.ok).toBe(2);

    // Images off and nothing that reports: refused before any work, with the way out.
    await expect(
      runBatch({ input: [file('a.jpg')], output: new MemorySink(), workers: 1, recipe: RECIPE, format: { images: false } }),
    ).rejects.toThrow(/"Write images" is off and no step of the recipe writes a report/);
  });

  test('metadata keep passes the input modified date to the sink; strip does not', async () => {
    const { pool } = fakePool((req) => done(req));
    const sink = new MemorySink();
    await runBatch({
      input: [file('a.jpg', 'x', 1234567890000)],
      output: sink,
      pool: pool as never,
      recipe: RECIPE,
      format: { metadata: 'keep' },
    });
    expect(sink.modified.get('a.png')).toBe(1234567890000);
    const sink2 = new MemorySink();
    await runBatch({
      input: [file('a.jpg', 'x', 1234567890000)],
      output: sink2,
      pool: pool as never,
      recipe: RECIPE,
      format: { metadata: 'strip' },
    });
    pool.dispose();
    expect(sink2.files.has('a.png')).toBe(true);
    expect(sink2.modified.size).toBe(0);
  });

  test('a listing error fails the batch after the files already listed are written', async () => {
    const { pool } = fakePool((req) => done(req));
    function* input(): Generator<InputFile> {
      yield file('a.jpg');
      yield file('b.jpg');
      throw new TesseraError('io-failed', 'the folder went away');
    }
    const sink = new MemorySink();
    await expect(runBatch({ input: input(), output: sink, pool: pool as never, recipe: RECIPE })).rejects.toThrow('the folder went away');
    pool.dispose();
    expect([...sink.files.keys()].sort()).toEqual(['a.png', 'b.png']);
  });

  test('an invalid recipe or output is refused before anything runs', async () => {
    const { pool, calls } = fakePool((req) => done(req));
    await expect(
      runBatch({ input: [file('a.jpg')], output: new MemorySink(), pool: pool as never, recipe: { name: 'x', steps: [{ op: 'nope' }] } }),
    ).rejects.toThrow(/nope/);
    await expect(
      runBatch({
        input: [file('a.jpg')],
        output: new MemorySink(),
        pool: pool as never,
        recipe: RECIPE,
        format: { format: 'bmp' as never },
      }),
    ).rejects.toThrow(/bmp/);
    pool.dispose();
    expect(calls).toEqual([]);
  });

  test("a video that is not one fails with the sniffer's reason; the images go on", async () => {
    const { pool } = fakePool((req) => done(req));
    const sink = new MemorySink();
    const s = await runBatch({ input: [file('clip.mp4', 'hello'), file('a.jpg')], output: sink, pool: pool as never, recipe: RECIPE });
    pool.dispose();
    expect(s).toMatchObject({ ok: 1, failed: 1 });
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0].file).toBe('clip.mp4');
    expect(s.errors[0].message).toMatch(/^not an MP4 video/);
    expect(s.results.find((r) => r.path === 'clip.mp4')!.error).toBe(`clip.mp4: ${s.errors[0].message}`);
    expect([...sink.files.keys()]).toEqual(['a.png']);
  });

  test('cancel: files not yet finished are cancelled, not failed, and the summary says so', async () => {
    const ctl = new AbortController();
    let n = 0;
    const { pool } = fakePool(async (req) => {
      if (++n === 2) ctl.abort();
      await tick(5);
      return done(req);
    });
    const sink = new MemorySink();
    const names = Array.from({ length: 20 }, (_, i) => file(`f${i}.jpg`));
    const s = await runBatch({ input: names, output: sink, pool: pool as never, recipe: RECIPE, signal: ctl.signal });
    pool.dispose();
    expect(s.cancelled).toBe(true);
    expect(s.failed).toBe(0);
    expect(s.errors).toEqual([]);
    expect(s.results.some((r) => r.status === 'cancelled')).toBe(true);
    expect(s.results.length).toBeLessThan(20);
    expect(sink.files.size).toBe(s.ok);
  });

  test('dispatch windows: 2 × workers + 4 files computing, 8 × workers in flight with writes pending', async () => {
    // Computing: the worker never answers, so files pile up read and queued.
    let opened = 0;
    const never = new Promise<ProcessResult>(() => {});
    const { pool } = fakePool(() => never, 1);
    const ctl = new AbortController();
    const input = Array.from({ length: 30 }, (_, i): InputFile => ({
      path: `f${i}.jpg`,
      file: () => {
        opened++;
        return Promise.resolve(new Blob(['x']));
      },
    }));
    const run = runBatch({ input, output: new MemorySink(), pool: pool as never, recipe: RECIPE, signal: ctl.signal });
    await tick(50);
    expect(opened).toBe(6);
    ctl.abort();
    pool.dispose();
    await run;

    // In flight: computed at once, but no write completes until released.
    let opened2 = 0;
    const release: (() => void)[] = [];
    const slow: OutputSink = {
      kind: 'memory',
      write: (_p: string, _b: Uint8Array, _s?: AbortSignal, _o?: WriteOptions) => new Promise<void>((r) => release.push(r)),
    };
    const { pool: p2 } = fakePool((req) => done(req), 2);
    const input2 = Array.from({ length: 40 }, (_, i): InputFile => ({
      path: `f${i}.jpg`,
      file: () => {
        opened2++;
        return Promise.resolve(new Blob(['x']));
      },
    }));
    const run2 = runBatch({ input: input2, output: slow, pool: p2 as never, recipe: RECIPE });
    await tick(50);
    expect(opened2).toBe(16);
    expect(release.length).toBe(16);
    // Each released write lets one more file in.
    for (let i = 0; i < 100 && (release.length || opened2 < 40); i++) {
      release.splice(0).forEach((r) => r());
      await tick(5);
    }
    const s2 = await run2;
    p2.dispose();
    expect(opened2).toBe(40);
    expect(s2.ok).toBe(40);
  });
});

describe('runBatch: multi-page TIFFs, pages all', () => {
  /** A fake TIFF of `n` pages: page k (0-based) is (10 + k) wide, its bytes "p<k>:<name>"; `failAt` throws there. */
  const paged =
    (n: Record<string, number>, failAt?: { name: string; page: number }) =>
    (req: ProcessRequest): ProcessResult => {
      const page = req.page ?? 0;
      if (failAt && req.name === failAt.name && page === failAt.page)
        throw new TesseraError('decode-failed', 'cannot decode page: damaged');
      const pages = n[req.name] ?? 1;
      return {
        ...done(req, { bytes: new TextEncoder().encode(`p${page}:${req.name}`), width: 10 + page }),
        ...(pages > 1 ? { pages } : {}),
      };
    };

  test('each page its own file, in page order, one request per page; the first page only by default', async () => {
    for (const pages of ['all', 'first'] as const) {
      const { pool, calls } = fakePool(paged({ 'scan.tif': 3, 'b.tiff': 2 }));
      const sink = new MemorySink();
      const s = await runBatch({
        input: [file('scan.tif'), file('photo.jpg'), file('b.tiff'), file('one.tif')],
        output: sink,
        pool: pool as never,
        recipe: RECIPE,
        format: { format: 'png', pages },
      });
      pool.dispose();
      expect(s).toMatchObject({ ok: 4, failed: 0 });
      const text = (p: string) => new TextDecoder().decode(sink.files.get(p));
      if (pages === 'first') {
        expect([...sink.files.keys()].sort()).toEqual(['b.png', 'one.png', 'photo.png', 'scan.png']);
        expect(text('scan.png')).toBe('p0:scan.tif');
        expect(calls.length).toBe(4);
        continue;
      }
      expect([...sink.files.keys()].sort()).toEqual([
        'b-1.png',
        'b-2.png',
        'one.png',
        'photo.png',
        'scan-1.png',
        'scan-2.png',
        'scan-3.png',
      ]);
      for (const k of [0, 1, 2]) expect(text(`scan-${k + 1}.png`)).toBe(`p${k}:scan.tif`);
      expect(calls.filter((c) => c === 'scan.tif').length).toBe(3);
      const scan = s.results.find((r) => r.path === 'scan.tif')!;
      expect(scan).toMatchObject({ outputPath: 'scan-1.png', width: 10, status: 'ok' });
      expect(scan.pages).toEqual([
        { page: 2, outputPath: 'scan-2.png', status: 'ok', width: 11, height: 20, bytesOut: 11 },
        { page: 3, outputPath: 'scan-3.png', status: 'ok', width: 12, height: 20, bytesOut: 11 },
      ]);
    }
  });

  test('a late template names each page with its own size; a failing page fails the file naming it, earlier pages stay, later files go on', async () => {
    const { pool } = fakePool(paged({ 'scan.tif': 3, 'next.tif': 2 }, { name: 'scan.tif', page: 2 }));
    const sink = new MemorySink();
    const s = await runBatch({
      input: [file('scan.tif'), file('next.tif')],
      output: sink,
      pool: pool as never,
      recipe: RECIPE,
      format: { format: 'png', pages: 'all', name: '{name}_{width}w' },
    });
    pool.dispose();
    expect(s).toMatchObject({ ok: 1, failed: 1 });
    expect(s.errors).toEqual([{ file: 'scan.tif', message: 'page 3 of 3: cannot decode page: damaged' }]);
    expect([...sink.files.keys()].sort()).toEqual(['next_10w-1.png', 'next_11w-2.png', 'scan_10w-1.png', 'scan_11w-2.png']);
  });
});
