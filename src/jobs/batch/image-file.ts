/**
 * An image through the recipe, four ways: whole in one worker (the worker reads, decodes,
 * processes and encodes); paused before a face step to share its BlazeFace passes among all
 * workers (a large photo, several workers: face-split.ts); above `maxPixels`, decoded into shared
 * memory and tiled across the workers (tiled.ts); or, giant, streamed through rings of rows
 * (streamed.ts). core/large.ts chooses between the last two, or refuses before any work. A
 * pyramid output (DZI) takes the first three ways but ends in its raw frame, which
 * pyramid-file.ts writes.
 */
import type { SizeFit } from '../../engine/target-size';
import { transfer } from 'comlink';
import type { AnimationSummary, DoneResult, ProcessResult } from '../../engine/api';
import { Priority } from '../../pool/pool';
import { finishFaceSplit } from '../face-split';
import { largePath, type LargeRoute } from '../../core/large';
import type { StreamHeader } from '../../engine/stream-decode';
import { processStreamed, type StreamedRequest, type StreamedResult } from '../streamed';
import { processTiled, type TiledRequest } from '../tiled';
import type { Breakdown } from '../types';
import type { BatchSettings } from './settings';

export type WholeResult = Exclude<ProcessResult, { kind: 'faces-split' }>;

/**
 * Whole image in one worker (or its faces shared out): done, or too large and handed back for
 * tiling; with `share`, its frame after the steps in shared memory (variants finish it). The
 * worker's timings join `breakdown`.
 */
export async function processWhole(
  path: string,
  blob: Blob,
  s: BatchSettings,
  breakdown: Breakdown,
  maxPixels = s.maxPixels,
  share = false,
  page = 0,
): Promise<WholeResult> {
  const { pool, steps, output, signal } = s;
  // Variants finish the shared frame themselves: its face step runs whole in its worker.
  const splitFaces = s.splitFaces && !share;
  // Read on the main thread while workers compute, then transfer (no copy); a giant file is left
  // to the worker, which reads only what it needs (a thumbnail-first recipe: slices).
  const r0 = performance.now();
  const data = blob.size > PROBE_BYTES ? new ArrayBuffer(0) : await blob.arrayBuffer();
  breakdown.read += performance.now() - r0;
  const reviewed = await s.reviewedFor?.(path);
  let res = await pool.run(
    async (api) => {
      // A retry after a crash finds `data` detached: the worker then reads the file itself.
      const bytes = data.byteLength ? data : undefined;
      const req = {
        file: blob,
        bytes,
        name: path,
        steps,
        output,
        maxPixels,
        splitFaces,
        share,
        ...(page ? { page } : {}),
        ...(reviewed ? { reviewed } : {}),
      };
      return api.processImage(bytes ? transfer(req, [bytes]) : req);
    },
    { cost: Math.max(8 << 20, blob.size * 12), signal, priority: Priority.background, label: page ? `${path} (page ${page + 1})` : path },
  );
  // A large photo paused before its face step: its detection passes go to every worker.
  if (res.kind === 'faces-split') {
    const { pages } = res;
    res = await finishFaceSplit(res, { pool, output, name: path, signal });
    if (pages) res = { ...res, pages };
  }
  const tm = res.timings;
  breakdown.read += tm.readMs;
  breakdown.decode += tm.decodeMs;
  breakdown.encode += tm.encodeMs;
  for (const st of tm.steps) breakdown.steps[st.op] = (breakdown.steps[st.op] ?? 0) + st.ms;
  breakdown.handoff += tm.idleMs;
  return res;
}

/** The encoded output of a whole-image result, tiling it across the workers when it was handed back. */
export async function finishImage(
  res: WholeResult,
  path: string,
  blob: Blob,
  s: BatchSettings,
  breakdown: Breakdown,
  page = 0,
): Promise<{
  bytes: Uint8Array;
  tiles?: number;
  reports?: DoneResult['reports'];
  width: number;
  height: number;
  fit?: SizeFit;
  animation?: AnimationSummary;
}> {
  if (res.kind === 'done')
    return { bytes: res.bytes, reports: res.reports, width: res.width, height: res.height, fit: res.fit, animation: res.animation };
  if (res.kind === 'frame') throw new Error(`${path}: a raw frame came back for a ${s.output.format} output`);
  if (res.kind === 'shared') throw new Error(`${path}: a shared frame came back without variants to finish it`);
  return processTiled({ ...tiledRequest(res, path, blob, s, breakdown), ...(page ? { page } : {}) });
}

/** The tiled path's request for an image handed back as too large for one task. */
export function tiledRequest(
  res: Extract<WholeResult, { kind: 'needs-tiles' }>,
  path: string,
  blob: Blob,
  s: BatchSettings,
  breakdown: Breakdown,
): TiledRequest {
  return {
    pool: s.pool,
    buffers: s.buffers,
    file: blob,
    name: path,
    width: res.width,
    height: res.height,
    channels: res.channels,
    // Tiled only when upright (a sideways photo turned upright goes whole: core/large.ts), so a
    // leading auto-orient would do nothing on every tile.
    steps: s.steps[0]?.op === 'auto-orient' ? s.steps.slice(1) : s.steps,
    output: s.output,
    tilePixels: s.tilePixels,
    signal: s.signal,
    breakdown,
  };
}

/** Files this big are probed (their header, read in slices) before anything reads them whole. */
export const PROBE_BYTES = 32 << 20;

/** The header of a file, read by a worker in slices (never the whole file). */
export function probeFile(path: string, blob: Blob, s: BatchSettings): Promise<StreamHeader> {
  return s.pool.run((api) => api.probe(blob, path, s.output.colour), {
    signal: s.signal,
    priority: Priority.background,
    label: `${path} (header)`,
  });
}

/** core/large.ts's route for this image and batch. */
export function routeLarge(img: { width: number; height: number; channels: number; orientation?: number }, s: BatchSettings): LargeRoute {
  return largePath(img, s.steps, s.output.format, {
    maxPixels: s.maxPixels,
    // A size limit needs the whole image to encode several times over: never streamed.
    streamPixels: s.output.maxBytes === undefined ? s.streamPixels : Number.POSITIVE_INFINITY,
    memoryBudget: s.pool.memoryBudget,
  });
}

/** A giant image streamed into one file's stream (committed by the caller) or a strip consumer (a pyramid). */
export function streamImage(
  path: string,
  blob: Blob,
  header: StreamHeader,
  route: Extract<LargeRoute, { path: 'stream' }>,
  to: StreamedRequest['to'],
  s: BatchSettings,
  breakdown: Breakdown,
): Promise<StreamedResult> {
  return processStreamed({
    pool: s.pool,
    workers: s.streamWorkers,
    file: blob,
    name: path,
    header,
    steps: route.steps,
    output: s.output,
    to,
    stripRows: s.streamRows,
    signal: s.signal,
    breakdown,
  });
}
