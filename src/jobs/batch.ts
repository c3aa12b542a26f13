/**
 * runBatch: the batch use-case, and the typed API that the UI, the headless command and the
 * benchmarks all call. Files are discovered lazily, processed in parallel (large images split
 * into tiles across workers), and written as they finish; one file's failure never stops the
 * others.
 */
import { transfer } from 'comlink';
import { BufferPool } from '../core/buffer-pool';
import { isAbort, messageOf } from '../core/errors';
import { outputPath, validateOutput, type OutputOptions } from '../core/formats';
import { isTileable, resolveSteps, validateRecipe, type Recipe } from '../core/recipe';
import { facesCsv, type FacesReport } from '../core/faces';
import { reportPath } from '../core/reports';
import { isImageName, isVideoName } from '../core/sniff';
import { analysisPath, validateVideoOptions, videoOutputPath, type VideoOptions } from '../core/video-options';
import type { InputFile, InputSource } from '../io/sources';
import type { OutputSink } from '../io/sinks';
import { createEnginePool, type EnginePool } from '../pool/engine-pool';
import { Priority } from '../pool/pool';
import { finishFaceSplit } from './face-split';
import { processTiled } from './tiled';
import type { BatchProgress, BatchSummary, Breakdown, FileResult } from './types';
import type { VideoProgress } from './video';

export interface RunBatchOptions {
  input: InputSource;
  output: OutputSink;
  /** A recipe object (validated here) — e.g. SEED_RECIPE or parseRecipe(text). */
  recipe: Recipe | unknown;
  /** Output settings; override the recipe's own `output`; default PNG at zlib level 6. */
  format?: Partial<OutputOptions>;
  /** Workers for a pool made for this batch; ignored when `pool` is given. */
  workers?: number;
  pool?: EnginePool;
  buffers?: BufferPool;
  /** Images above this many pixels are split into tiles across workers. Default 4 MP. */
  maxPixels?: number;
  /** Pixels per tile window. Default 1 MP. */
  tilePixels?: number;
  signal?: AbortSignal;
  onProgress?: (p: BatchProgress) => void;
  onResult?: (r: FileResult) => void;
  /**
   * Videos in the input (mp4, m4v, mov, webm, mkv) go through the same recipe frame by frame
   * (jobs/video.ts) and are written under the same relative path with the container's extension.
   */
  video?: Partial<VideoOptions>;
  /** Per-video progress (frames, fps, ETA), throttled. */
  onVideoProgress?: (p: VideoProgress) => void;
  /**
   * Share the BlazeFace passes of a large photo (small-face tiles) among all workers instead of
   * running them in the file's worker. Default: on with more than one worker. The faces are the
   * same either way.
   */
  splitFaces?: boolean;
  /** With a face step: also write every face of the batch to `faces.csv` at the output's root (default true). */
  facesTable?: boolean;
}

/** The batch-wide faces table, at the root of the output. */
export const FACES_TABLE = 'faces.csv';

export const DEFAULT_MAX_PIXELS = 4 * 1024 * 1024;
export const DEFAULT_TILE_PIXELS = 1024 * 1024;

export function emptyBreakdown(): Breakdown {
  return { read: 0, decode: 0, steps: {}, encode: 0, handoff: 0, write: 0 };
}

/** Keeps outputs distinct when "a.jpg" and "a.png" would both become "a.png". */
class OutputNames {
  private used = new Set<string>();
  claim(input: string, out: string): string {
    let name = out;
    if (this.used.has(name.toLowerCase())) {
      const dot = out.lastIndexOf('.');
      const srcExt = input.slice(input.lastIndexOf('.') + 1);
      name = `${out.slice(0, dot)}_${srcExt}${out.slice(dot)}`;
      for (let i = 2; this.used.has(name.toLowerCase()); i++) name = `${out.slice(0, dot)}_${srcExt}_${i}${out.slice(dot)}`;
    }
    this.used.add(name.toLowerCase());
    return name;
  }
}

export async function runBatch(opts: RunBatchOptions): Promise<BatchSummary> {
  const recipe = validateRecipe(opts.recipe);
  const steps = resolveSteps(recipe);
  // The recipe's own output settings, overridden field by field by the batch's choice.
  const output = validateOutput({ ...(recipe.output ?? {}), ...(opts.format ?? {}) });
  const video = validateVideoOptions(opts.video ?? {});
  const ownPool = !opts.pool;
  const pool = opts.pool ?? createEnginePool(opts.workers);
  const buffers = opts.buffers ?? new BufferPool();
  // A recipe with a global step (resize, rotate, Canny…) runs on the whole image in one worker.
  const maxPixels = isTileable(steps) ? opts.maxPixels ?? DEFAULT_MAX_PIXELS : Number.POSITIVE_INFINITY;
  const tilePixels = opts.tilePixels ?? DEFAULT_TILE_PIXELS;
  // Small-face passes of one large photo are shared out when there is more than one worker.
  const splitFaces = opts.splitFaces ?? pool.size > 1;
  const signal = opts.signal;
  const breakdown = emptyBreakdown();
  const results: FileResult[] = [];
  const names = new OutputNames();
  const running = new Set<string>();
  const errors: { file: string; message: string }[] = [];
  const facesRows: { path: string; report: FacesReport }[] = [];
  let skipped = 0;
  let found = 0;
  let totalKnown = false;

  try {
    const t0 = performance.now();
    await pool.broadcast((api) => api.start({ heif: output.format === 'avif' }));
    const startupSeconds = (performance.now() - t0) / 1000;

    const start = performance.now();
    let lastWrite = start;
    const counts = () => {
      let done = 0, failed = 0;
      for (const r of results) r.status === 'ok' ? done++ : r.status === 'failed' && failed++;
      return { done, failed };
    };
    const progress = () => {
      if (!opts.onProgress) return;
      const { done, failed } = counts();
      const elapsed = (performance.now() - start) / 1000;
      const rate = elapsed > 0 ? (done + failed) / elapsed : 0;
      const remaining = found - done - failed;
      opts.onProgress({
        done, failed, skipped, total: found, totalKnown, elapsedSeconds: elapsed,
        imagesPerSecond: elapsed > 0 ? done / elapsed : 0,
        etaSeconds: totalKnown && rate > 0 ? remaining / rate : undefined,
        running: [...running],
      });
    };

    /**
     * `computed` is called once the file no longer needs a worker (its output is ready to write,
     * or it failed): the dispatcher then starts the next file while this one's write is still
     * under way. Writes can be slow to complete without costing much (a headless receiver, a
     * disk under load), and a worker must never idle waiting on another file's write.
     */
    const processOne = async (f: InputFile, out: string, computed: () => void): Promise<void> => {
      const t = performance.now();
      const result: FileResult = { path: f.path, status: 'failed', ms: 0 };
      let reason = '';
      running.add(f.path);
      progress();
      try {
        const blob = await f.file();
        result.bytesIn = blob.size;
        if (isVideoName(f.path)) {
          await processVideo(f, blob, out, result);
          return;
        }
        // Read on the main thread while workers compute, then transfer (no copy).
        const r0 = performance.now();
        const data = await blob.arrayBuffer();
        breakdown.read += performance.now() - r0;
        let res = await pool.run(
          async (api) => {
            // A retry after a crash finds `data` detached: the worker then reads the file itself.
            const bytes = data.byteLength ? data : undefined;
            const req = { file: blob, bytes, name: f.path, steps, output, maxPixels, splitFaces };
            return api.processImage(bytes ? transfer(req, [bytes]) : req);
          },
          { cost: Math.max(8 << 20, blob.size * 12), signal, priority: Priority.background, label: f.path },
        );
        // A large photo paused before its face step: its detection passes go to every worker.
        if (res.kind === 'faces-split') res = await finishFaceSplit(res, { pool, output, name: f.path, signal });
        const tm = res.timings;
        breakdown.read += tm.readMs;
        breakdown.decode += tm.decodeMs;
        breakdown.encode += tm.encodeMs;
        for (const s of tm.steps) breakdown.steps[s.op] = (breakdown.steps[s.op] ?? 0) + s.ms;
        breakdown.handoff += tm.idleMs;
        result.width = res.width;
        result.height = res.height;
        let bytes: Uint8Array;
        if (res.kind === 'done') bytes = res.bytes;
        else {
          const tiled = await processTiled({
            pool, buffers, file: blob, name: f.path, width: res.width, height: res.height, channels: res.channels,
            steps, output, tilePixels, signal, breakdown,
          });
          bytes = tiled.bytes;
          result.tiles = tiled.tiles;
        }
        computed();
        const w0 = performance.now();
        // With metadata kept, the output also keeps the input's modified date where the sink can.
        const lastModified = output.metadata === 'keep' ? (blob as Partial<File>).lastModified : undefined;
        await opts.output.write(out, bytes, signal, lastModified !== undefined ? { lastModified } : undefined);
        // Step reports (detect-faces → `<input path>.faces.json`): the last report of
        // each kind, as JSON, beside the output.
        if (res.kind === 'done' && res.reports?.length) {
          const byKind = new Map(res.reports.map((r) => [r.kind, r.data] as const));
          result.reports = [];
          if (byKind.has('faces')) facesRows.push({ path: f.path, report: byKind.get('faces') as FacesReport });
          for (const [kind, data] of byKind) {
            const path = reportPath(f.path, kind);
            await opts.output.write(path, new TextEncoder().encode(JSON.stringify(data)), signal);
            result.reports.push(path);
          }
        }
        lastWrite = performance.now();
        breakdown.write += lastWrite - w0;
        result.outputPath = out;
        result.bytesOut = bytes.length;
        result.status = 'ok';
      } catch (e) {
        if (isAbort(e) || signal?.aborted) {
          result.status = 'cancelled';
        } else {
          reason = messageOf(e);
          result.error = `${f.path}: ${reason}`;
        }
      } finally {
        computed();
        result.ms = performance.now() - t;
        running.delete(f.path);
        results.push(result);
        if (reason) errors.push({ file: f.path, message: reason });
        opts.onResult?.(result);
        progress();
      }
    };

    const processVideo = async (f: InputFile, blob: Blob, out: string, result: FileResult): Promise<void> => {
      const { runVideo } = await import('./video');
      // Sinks that take positioned writes get the container as it is produced: memory stays flat
      // for long videos. Others (zip, HTTP) receive the finished file.
      const stream = await opts.output.openStream?.(out, signal);
      let bytesOut: number;
      try {
        const r = await runVideo({ file: blob, name: f.path, steps, options: video, pool, buffers, signal, onProgress: opts.onVideoProgress, stream });
        for (const [op, ms] of Object.entries(r.timings.stepsMs)) breakdown.steps[op] = (breakdown.steps[op] ?? 0) + ms;
        breakdown.decode += r.timings.copyMs;
        const w0 = performance.now();
        if (stream) {
          await stream.commit();
          bytesOut = stream.size;
        } else {
          await opts.output.write(out, r.bytes!, signal);
          bytesOut = r.bytes!.length;
        }
        if (r.analysis) {
          const json = new TextEncoder().encode(JSON.stringify(r.analysis));
          await opts.output.write(analysisPath(out), json, signal);
        }
        lastWrite = performance.now();
        breakdown.write += lastWrite - w0;
        result.width = r.width;
        result.height = r.height;
        result.video = {
          frames: r.frames, seconds: r.timings.seconds, fps: r.timings.fps, codec: r.codec, container: r.container,
          inputCodec: r.inputCodec, audio: r.audio, analysisPath: r.analysis ? analysisPath(out) : undefined,
          videoFramesOpen: r.videoFrames.open, warnings: r.warnings, streamed: !!stream,
        };
      } catch (e) {
        await stream?.abort();
        throw e;
      }
      result.outputPath = out;
      result.bytesOut = bytesOut;
      result.status = 'ok';
    };

    // The listing runs ahead of the processing (handles and names only, no bytes), so the total
    // and the ETA are known early; only a few files per worker are in flight at once, so memory
    // does not scale with the folder.
    const listed: InputFile[] = [];
    let listError: unknown;
    let wake: (() => void) | undefined;
    const listing = (async () => {
      try {
        for await (const f of opts.input as AsyncIterable<InputFile>) {
          if (signal?.aborted) break;
          if (!isImageName(f.path) && !isVideoName(f.path)) skipped++;
          else {
            listed.push(f);
            found++;
          }
          wake?.();
        }
      } catch (e) {
        listError = e;
      } finally {
        totalKnown = true;
        wake?.();
      }
    })();

    // Files being read or computed: enough that every worker has its next request queued
    // (the pool pipelines two per worker) plus a few being read ahead (reads from disk wait several scheduler hops on a busy machine).
    const computeWindow = pool.size * 2 + 4;
    // Files in flight in all, writes included: bounds the finished outputs held in memory.
    const window = pool.size * 8;
    const inFlight = new Set<Promise<void>>();
    let computing = 0;
    let freed: (() => void) | undefined;
    for (let next = 0; ; ) {
      if (signal?.aborted) break;
      if (next < listed.length) {
        const f = listed[next];
        listed[next++] = undefined as unknown as InputFile; // let handles go once dispatched
        const target = isVideoName(f.path) ? videoOutputPath(f.path, video.container) : outputPath(f.path, output.format);
        computing++;
        let once = false;
        const computed = () => {
          if (once) return;
          once = true;
          computing--;
          freed?.();
        };
        // (Videos count as computing until they are written: processOne calls `computed` for them
        // only in its `finally`.)
        const p = processOne(f, names.claim(f.path, target), computed).finally(() => {
          inFlight.delete(p);
          freed?.();
        });
        inFlight.add(p);
        while (computing >= computeWindow || inFlight.size >= window) {
          await new Promise<void>((r) => (freed = r));
          freed = undefined;
        }
        continue;
      }
      if (totalKnown) break;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
    await listing;
    progress();
    await Promise.all(inFlight);
    if (listError) throw listError;
    // All the batch's faces in one table beside the outputs (the per-file JSON has the same data).
    let facesTable: string | undefined;
    if (facesRows.length && !signal?.aborted && opts.facesTable !== false) {
      facesTable = FACES_TABLE;
      await opts.output.write(FACES_TABLE, new TextEncoder().encode(facesCsv(facesRows)), signal);
    }

    const { done, failed } = counts();
    const seconds = Math.max(0, (lastWrite - start) / 1000);
    return {
      ok: done,
      failed,
      skipped,
      cancelled: !!signal?.aborted,
      workers: pool.size,
      seconds,
      imagesPerSecond: seconds > 0 ? done / seconds : 0,
      startupSeconds,
      errors,
      results,
      ...(facesTable ? { facesTable } : {}),
      breakdown,
      pool: pool.metrics(),
      buffers: buffers.stats(),
    };
  } finally {
    if (ownPool) pool.dispose();
  }
}

