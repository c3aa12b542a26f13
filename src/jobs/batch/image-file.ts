/**
 * An image through the recipe, three ways: whole in one worker (the worker reads, decodes,
 * processes and encodes); paused before a face step to share its BlazeFace passes among all
 * workers (a large photo, several workers: face-split.ts); or, above `maxPixels`, decoded into
 * shared memory and tiled across the workers (tiled.ts).
 */
import { transfer } from 'comlink';
import type { DoneResult, ProcessResult } from '../../engine/api';
import { Priority } from '../../pool/pool';
import { finishFaceSplit } from '../face-split';
import { processTiled } from '../tiled';
import type { Breakdown } from '../types';
import type { BatchSettings } from './settings';

export type WholeResult = Exclude<ProcessResult, { kind: 'faces-split' }>;

/** Whole image in one worker (or its faces shared out): done, or too large and handed back for tiling. The worker's timings join `breakdown`. */
export async function processWhole(path: string, blob: Blob, s: BatchSettings, breakdown: Breakdown): Promise<WholeResult> {
  const { pool, steps, output, maxPixels, splitFaces, signal } = s;
  // Read on the main thread while workers compute, then transfer (no copy).
  const r0 = performance.now();
  const data = await blob.arrayBuffer();
  breakdown.read += performance.now() - r0;
  let res = await pool.run(
    async (api) => {
      // A retry after a crash finds `data` detached: the worker then reads the file itself.
      const bytes = data.byteLength ? data : undefined;
      const req = { file: blob, bytes, name: path, steps, output, maxPixels, splitFaces };
      return api.processImage(bytes ? transfer(req, [bytes]) : req);
    },
    { cost: Math.max(8 << 20, blob.size * 12), signal, priority: Priority.background, label: path },
  );
  // A large photo paused before its face step: its detection passes go to every worker.
  if (res.kind === 'faces-split') res = await finishFaceSplit(res, { pool, output, name: path, signal });
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
): Promise<{ bytes: Uint8Array; tiles?: number; reports?: DoneResult['reports'] }> {
  if (res.kind === 'done') return { bytes: res.bytes, reports: res.reports };
  const tiled = await processTiled({
    pool: s.pool,
    buffers: s.buffers,
    file: blob,
    name: path,
    width: res.width,
    height: res.height,
    channels: res.channels,
    steps: s.steps,
    output: s.output,
    tilePixels: s.tilePixels,
    signal: s.signal,
    breakdown,
  });
  return { bytes: tiled.bytes, tiles: tiled.tiles };
}
