/** The parts of runBatch (src/jobs/batch/): discovery, dispatch windows, naming, writing, the tally and summary. */
import { describe, expect, test } from 'vitest';
import type { FacesReport } from '../../src/core/faces';
import type { InputFile } from '../../src/io/sources';
import { MemorySink, type OutputStream } from '../../src/io/sinks';
import { InputListing } from '../../src/jobs/batch/discovery';
import { dispatchFiles, dispatchWindows } from '../../src/jobs/batch/dispatch';
import { FACES_TABLE, OutputNamer, claimMessage, type NamerOptions } from '../../src/jobs/batch/naming';
import { DEFAULT_NAME_TEMPLATE, parseNameTemplate } from '../../src/core/name-template';
import { BatchTally, batchProgress, batchSummary, countResults, emptyBreakdown } from '../../src/jobs/batch/summary';
import { writeFacesTable, writeReports, writeVideo } from '../../src/jobs/batch/write';
import type { BatchProgress, FileResult } from '../../src/jobs/types';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
const file = (path: string): InputFile => ({ path, file: () => Promise.resolve(new Blob([path])) });
const text = (b?: Uint8Array) => new TextDecoder().decode(b);

describe('InputListing', () => {
  test('lists images and videos in order, skips the rest, and lets each handle go once taken', async () => {
    const l = new InputListing([
      file('a.jpg'),
      file('notes.txt'),
      file('clip.MP4'),
      file('.hidden.png'),
      file('sub/.x.webm'),
      file('b.tiff'),
      file('noext'),
    ]);
    await l.done;
    expect(l).toMatchObject({ found: 3, skipped: 4, complete: true });
    expect(l.error).toBeUndefined();
    expect([l.take()?.path, l.take()?.path, l.take()?.path, l.take()]).toEqual(['a.jpg', 'clip.MP4', 'b.tiff', undefined]);
  });

  test('an async input is listed ahead; changed() wakes the taker per file and at the end', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* input() {
      yield file('a.jpg');
      await gate;
      yield file('b.jpg');
    }
    const l = new InputListing(input());
    await tick();
    expect(l.take()?.path).toBe('a.jpg');
    expect(l.complete).toBe(false);
    const woke = l.changed();
    release();
    await woke;
    expect(l.take()?.path).toBe('b.jpg');
    if (!l.complete) await l.changed();
    expect(l.complete).toBe(true);
  });

  test("the input's failure is kept (not thrown) and ends the listing", async () => {
    function* input() {
      yield file('a.jpg');
      throw new Error('folder removed');
    }
    const l = new InputListing(input());
    await l.done;
    expect((l.error as Error).message).toBe('folder removed');
    expect(l.complete).toBe(true);
    expect(l.found).toBe(1);
  });

  test('a cancel stops the listing', async () => {
    const ctl = new AbortController();
    function* input() {
      for (let i = 0; ; i++) {
        if (i === 3) ctl.abort();
        yield file(`f${i}.jpg`);
      }
    }
    const l = new InputListing(input(), ctl.signal);
    await l.done;
    expect(l.found).toBe(3);
    expect(l.complete).toBe(true);
  });
});

describe('naming', () => {
  const namer = (o: Partial<NamerOptions> = {}) =>
    new OutputNamer({
      template: parseNameTemplate(DEFAULT_NAME_TEMPLATE),
      existing: 'rename',
      format: 'png',
      container: 'mp4',
      sink: new MemorySink(),
      ...o,
    });
  const claims = async (n: OutputNamer, inputs: string[]) => {
    const out: string[] = [];
    for (const [i, p] of inputs.entries()) out.push((await n.claim(i, p)).path);
    return out;
  };

  test("default names: the image format's extension, or the container's for videos", async () => {
    expect(await claims(namer({ format: 'webp', container: 'webm' }), ['trip/IMG_1.JPG', 'trip/clip.MOV', 'a.b/noext'])).toEqual([
      'trip/IMG_1.webp',
      'trip/clip.webm',
      'a.b/noext.webp',
    ]);
  });

  test('collisions: the first keeps the name; later ones get the input extension, then a number; case-insensitive', async () => {
    expect(await claims(namer(), ['a.jpg', 'a.png', 'A.PNG', 'a.Png', 'sub/a.jpg', 'b.jpg'])).toEqual([
      'a.png',
      'a_png.png',
      'A_PNG_2.png', // "a_png.png" is taken, whatever the case
      'a_Png_3.png',
      'sub/a.png',
      'b.png',
    ]);
  });

  test('names are given in listing order, whatever order the files ask in', async () => {
    const n = namer({ template: parseNameTemplate('{n}-{width}.{ext}') });
    // {width} is late: the third file is ready first, but waits for the first two.
    const third = n.claim(2, 'c.jpg', { width: 10 });
    const order: number[] = [];
    void third.then(() => order.push(2));
    const second = n.claim(1, 'b.jpg', { width: 10 }).then((c) => (order.push(1), c));
    await tick();
    expect(order).toEqual([]);
    n.pass(0); // the first failed before it had a name
    expect((await second).path).toBe('2-10.png');
    expect((await third).path).toBe('3-10.png');
    expect(order).toEqual([1, 2]);
  });

  test("a multi-page input's pages are named together, in page order, before the next file's name", async () => {
    const n = namer();
    const next = n.claim(1, 'b.tif');
    const order: string[] = [];
    void next.then((c) => order.push(c.path));
    // Page 1 of 3 claimed; the file keeps its turn until its last page.
    expect((await n.claim(0, 'scan.tif', { page: 1, pages: 3 }, undefined, undefined, true)).path).toBe('scan-1.png');
    await tick();
    expect(order).toEqual([]);
    expect((await n.claim(0, 'scan.tif', { page: 2, pages: 3 }, undefined, undefined, true)).path).toBe('scan-2.png');
    expect((await n.claim(0, 'scan.tif', { page: 3, pages: 3 })).path).toBe('scan-3.png');
    expect((await next).path).toBe('b.png');
    expect(order).toEqual(['b.png']);
    // A file that gives up its other pages (a page failed) passes its turn on.
    const m = namer();
    await m.claim(0, 'x.tif', { page: 1, pages: 2 }, undefined, undefined, true);
    const after = m.claim(1, 'y.tif');
    m.pass(0);
    expect((await after).path).toBe('y.png');
  });

  test('existing files: rename adds _1, _2 and says so; skip keeps them; overwrite replaces', async () => {
    const sink = new MemorySink();
    await sink.write('a.png', new Uint8Array([1]));
    await sink.write('a_1.png', new Uint8Array([1]));
    expect(await namer({ sink }).claim(0, 'a.jpg')).toEqual({ action: 'write', path: 'a_2.png', renamedFrom: 'a.png' });
    expect(await namer({ sink, existing: 'skip' }).claim(0, 'a.jpg')).toEqual({ action: 'skip', path: 'a.png' });
    expect(await namer({ sink, existing: 'overwrite' }).claim(0, 'a.jpg')).toEqual({ action: 'write', path: 'a.png' });
    expect(claimMessage({ action: 'write', path: 'a_2.png', renamedFrom: 'a.png' })).toBe('a.png already exists: written as a_2.png');
  });

  test('the studio asks once, at the first existing output, and the answer holds for the batch', async () => {
    const sink = new MemorySink();
    for (const p of ['b.png', 'c.png']) await sink.write(p, new Uint8Array([1]));
    const asked: string[] = [];
    const n = namer({ sink, ask: (p) => (asked.push(p), Promise.resolve('skip')) });
    const got = await Promise.all(['a.jpg', 'b.jpg', 'c.jpg'].map((p, i) => n.claim(i, p)));
    expect(got.map((c) => c.action)).toEqual(['write', 'skip', 'skip']);
    expect(asked).toEqual(['b.png']);
  });

  test('FACES_TABLE', () => expect(FACES_TABLE).toBe('faces.csv'));
});

describe('dispatchFiles', () => {
  test('windows: 2 × workers + 4 computing, 8 × workers in flight', () => {
    expect(dispatchWindows(1)).toEqual({ compute: 6, total: 8 });
    expect(dispatchWindows(4)).toEqual({ compute: 12, total: 32 });
  });

  test('starts files in listing order, never more than the windows allow', async () => {
    const l = new InputListing(Array.from({ length: 30 }, (_, i) => file(`f${i}.jpg`)));
    await l.done;
    const started: string[] = [];
    let computing = 0,
      flying = 0,
      mostComputing = 0,
      mostFlying = 0;
    const running = await dispatchFiles(l, { compute: 3, total: 5 }, undefined, async (f, computed) => {
      started.push(f.path);
      computing++;
      flying++;
      mostComputing = Math.max(mostComputing, computing);
      mostFlying = Math.max(mostFlying, flying);
      await tick(Math.random() * 3);
      computing--;
      computed();
      computed(); // a second call is ignored
      await tick(Math.random() * 6); // "writing"
      flying--;
    });
    await Promise.all(running);
    expect(started).toEqual(Array.from({ length: 30 }, (_, i) => `f${i}.jpg`));
    expect(mostComputing).toBe(3);
    expect(mostFlying).toBeLessThanOrEqual(5);
    expect(mostFlying).toBeGreaterThan(3);
  });

  test('returns the files still running; a cancel stops new starts', async () => {
    const l = new InputListing(Array.from({ length: 10 }, (_, i) => file(`f${i}.jpg`)));
    await l.done;
    const ctl = new AbortController();
    const started: string[] = [];
    const running = await dispatchFiles(l, { compute: 2, total: 4 }, ctl.signal, async (f, computed) => {
      started.push(f.path);
      if (started.length === 3) ctl.abort();
      await tick(2);
      computed();
    });
    expect(running.length).toBeGreaterThan(0);
    await Promise.all(running);
    expect(started).toEqual(['f0.jpg', 'f1.jpg', 'f2.jpg']);
  });

  test('waits for a listing still under way', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* input() {
      yield file('a.jpg');
      await gate;
      yield file('b.jpg');
    }
    const l = new InputListing(input());
    const started: string[] = [];
    const run = dispatchFiles(l, dispatchWindows(1), undefined, (f, computed) => {
      started.push(f.path);
      computed();
      return Promise.resolve();
    });
    await tick(5);
    expect(started).toEqual(['a.jpg']);
    release();
    await Promise.all(await run);
    expect(started).toEqual(['a.jpg', 'b.jpg']);
  });
});

describe('writing', () => {
  const faces = (n: number): FacesReport => ({
    width: 10,
    height: 10,
    faces: Array.from({ length: n }, () => ({ box: [1, 1, 2, 2], score: 1, detector: 'blazeface' })),
  });

  test('writeReports: the last report of each kind beside the output, named after the input; faces first to the table', async () => {
    const sink = new MemorySink();
    const written: string[] = [];
    const rows: FacesReport[] = [];
    await writeReports(
      sink,
      'trip/a.jpg',
      [
        { op: 'detect-faces', kind: 'faces', data: faces(1) },
        { op: 'x', kind: 'notes', data: { v: 1 } },
        { op: 'detect-faces', kind: 'faces', data: faces(2) },
      ],
      written,
      { onFaces: (r) => rows.push(r) },
    );
    expect(written).toEqual(['trip/a.jpg.faces.json', 'trip/a.jpg.notes.json']);
    expect((JSON.parse(text(sink.files.get('trip/a.jpg.faces.json'))) as FacesReport).faces).toHaveLength(2);
    expect(JSON.parse(text(sink.files.get('trip/a.jpg.notes.json')))).toEqual({ v: 1 });
    expect(rows.map((r) => r.faces.length)).toEqual([2]);
  });

  test('writeReports: a failed write leaves the paths written so far', async () => {
    const written: string[] = [];
    let n = 0;
    const sink = { kind: 'memory' as const, write: () => (++n === 2 ? Promise.reject(new Error('disk full')) : Promise.resolve()) };
    await expect(
      writeReports(
        sink,
        'a.jpg',
        [
          { op: 'a', kind: 'one', data: 1 },
          { op: 'b', kind: 'two', data: 2 },
        ],
        written,
        { onFaces: () => {} },
      ),
    ).rejects.toThrow('disk full');
    expect(written).toEqual(['a.jpg.one.json']);
  });

  test("writeVideo: a stream is committed (its size is the output's), else the bytes are written; the analysis beside it", async () => {
    const sink = new MemorySink();
    let committed = false;
    const stream = {
      size: 1234,
      commit: () => {
        committed = true;
        return Promise.resolve();
      },
      abort: async () => {},
      writable: undefined as never,
    } as OutputStream;
    expect(await writeVideo(sink, 'v/a.mp4', { stream, analysis: { frames: [] } })).toBe(1234);
    expect(committed).toBe(true);
    expect(sink.files.has('v/a.mp4')).toBe(false);
    expect(JSON.parse(text(sink.files.get('v/a.analysis.json')))).toEqual({ frames: [] });
    expect(await writeVideo(sink, 'b.webm', { bytes: new Uint8Array(7) })).toBe(7);
    expect(sink.files.get('b.webm')?.length).toBe(7);
    expect(sink.files.has('b.analysis.json')).toBe(false);
  });

  test('writeFacesTable: only with rows, enabled, and not cancelled', async () => {
    const rows = [
      { path: 'b.jpg', report: faces(1) },
      { path: 'a.jpg', report: faces(0) },
    ];
    const sink = new MemorySink();
    expect(await writeFacesTable(sink, [], { enabled: true })).toBeUndefined();
    expect(await writeFacesTable(sink, rows, { enabled: false })).toBeUndefined();
    const ctl = new AbortController();
    ctl.abort();
    expect(await writeFacesTable(sink, rows, { enabled: true, signal: ctl.signal })).toBeUndefined();
    expect(sink.files.size).toBe(0);
    expect(await writeFacesTable(sink, rows, { enabled: true })).toBe('faces.csv');
    const lines = text(sink.files.get('faces.csv')).trim().split('\n');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['a.jpg', 'b.jpg']);
  });
});

describe('tally and summary', () => {
  const r = (path: string, status: FileResult['status']): FileResult => ({ path, status, ms: 1 });

  test('countResults: cancelled files are neither done nor failed nor skipped', () => {
    expect(countResults([r('a', 'ok'), r('b', 'failed'), r('c', 'cancelled'), r('d', 'ok'), r('e', 'skipped')])).toEqual({
      done: 2,
      failed: 1,
      skipped: 1,
    });
  });

  test('files skipped because their output exists count as skipped, with the reason, and leave the ETA', () => {
    const skippedExisting: FileResult = { path: 'b.jpg', status: 'skipped', ms: 0, message: 'b.png already exists: left as it is' };
    const p = batchProgress([r('a.jpg', 'ok'), skippedExisting], { found: 4, skipped: 1, complete: true }, [], 2);
    expect(p).toMatchObject({ done: 1, skipped: 2, total: 4 });
    expect(p.etaSeconds).toBe(2); // 2 left at one per second
  });

  test('batchProgress: rates from the elapsed time; an ETA only once the total is known', () => {
    const results = [r('a', 'ok'), r('b', 'ok'), r('c', 'failed')];
    const p = batchProgress(results, { found: 9, skipped: 2, complete: false }, ['d', 'e'], 2);
    expect(p).toEqual({
      done: 2,
      failed: 1,
      skipped: 2,
      skippedExisting: 0,
      total: 9,
      totalKnown: false,
      elapsedSeconds: 2,
      imagesPerSecond: 1,
      etaSeconds: undefined,
      running: ['d', 'e'],
    });
    expect(batchProgress(results, { found: 9, skipped: 2, complete: true }, [], 2).etaSeconds).toBe(4); // 6 left at 1.5 files/s
    expect(batchProgress([], { found: 0, skipped: 0, complete: true }, [], 0)).toMatchObject({ imagesPerSecond: 0, etaSeconds: undefined });
  });

  test('batchSummary: the fields the command and bench read, facesTable only when written', () => {
    const base = {
      results: [r('a', 'ok'), r('b', 'failed')],
      errors: [{ file: 'b', message: 'bad' }],
      skipped: 3,
      cancelled: false,
      workers: 2,
      seconds: 4,
      startupSeconds: 0.5,
      breakdown: emptyBreakdown(),
      pool: {} as never,
      buffers: {} as never,
    };
    const s = batchSummary(base);
    expect(Object.keys(s)).toEqual([
      'ok',
      'failed',
      'skipped',
      'skippedFiles',
      'renamed',
      'cancelled',
      'workers',
      'seconds',
      'imagesPerSecond',
      'startupSeconds',
      'errors',
      'results',
      'breakdown',
      'pool',
      'buffers',
    ]);
    expect(s).toMatchObject({ ok: 1, failed: 1, skipped: 3, seconds: 4, imagesPerSecond: 0.25, startupSeconds: 0.5 });
    expect(s.skippedFiles).toEqual([]); // only counted: no list was given
    const listed = [{ path: 'notes.txt', reason: 'not an image or video Tessera reads (.txt files are left out)' }];
    expect(batchSummary({ ...base, skipped: 1, skippedFiles: listed }).skippedFiles).toEqual(listed);
    expect(batchSummary({ ...base, facesTable: 'faces.csv' }).facesTable).toBe('faces.csv');
    expect(batchSummary({ ...base, seconds: -1 })).toMatchObject({ seconds: 0, imagesPerSecond: 0 });
  });

  test('BatchTally: running files in the progress, errors with their reason, results to the listener, writes timed', async () => {
    const seen: BatchProgress[] = [];
    const got: string[] = [];
    const listing = { found: 2, skipped: 1, complete: true };
    const t = new BatchTally(
      listing,
      (p) => seen.push(p),
      (x) => got.push(x.path),
    );
    t.started('a.jpg');
    expect(seen.at(-1)!.running).toEqual(['a.jpg']);
    t.started('b.jpg');
    t.finished({ ...r('a.jpg', 'failed'), error: 'a.jpg: broken' }, 'broken');
    expect(seen.at(-1)).toMatchObject({ failed: 1, running: ['b.jpg'] });
    const w0 = performance.now();
    await tick(20);
    t.wrote(w0);
    t.finished(r('b.jpg', 'ok'), '');
    expect(got).toEqual(['a.jpg', 'b.jpg']);
    const s = t.summary({ cancelled: false, workers: 1, startupSeconds: 0, pool: {} as never, buffers: {} as never });
    expect(s.errors).toEqual([{ file: 'a.jpg', message: 'broken' }]);
    expect(s).toMatchObject({ ok: 1, failed: 1, skipped: 1 });
    expect(s.breakdown.write).toBeGreaterThanOrEqual(15);
    expect(s.seconds).toBeGreaterThanOrEqual(0.015);
  });
});
