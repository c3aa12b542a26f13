/**
 * The per-image work of an engine worker, free of Comlink so it can be exercised directly in
 * Node: read → check → decode → steps → encode, with timings.
 */
import { getOperation } from '../core/catalogue';
import { blit, createFrame, fromDesc, type FrameDesc } from '../core/frame';
import type { OutputOptions } from '../core/formats';
import type { ResolvedStep } from '../core/recipe';
import { coreOffset, type Tile } from '../core/tiles';
import type { ImageTimings, ProcessRequest, ProcessResult } from './api';
import { checkInput, decodeImage, decodeInto, encode, type DecodeOptions } from './codec';
import type { SourceInfo } from './ops/context';
import { runSteps, type StepTiming } from './run-steps';
import type { Vips } from './vips';

async function readBytes(file: Blob): Promise<{ bytes: Uint8Array; ms: number }> {
  const t0 = performance.now();
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { bytes, ms: performance.now() - t0 };
}

/**
 * Splits off the leading decode-stage steps the decoder performs itself: auto-orient (vips
 * autorot while loading) and thumbnail (vips thumbnail, shrink-on-load), each at most once, in
 * either order (they commute: the thumbnail box is square). The rest run as frame operations.
 */
export function planDecode(steps: readonly ResolvedStep[]): { decode: DecodeOptions; rest: ResolvedStep[] } {
  const decode: DecodeOptions = {};
  let i = 0;
  for (; i < steps.length && getOperation(steps[i].op)?.stage === 'decode'; i++) {
    const s = steps[i];
    if (s.op === 'auto-orient' && !decode.autoOrient) decode.autoOrient = true;
    else if (s.op === 'thumbnail' && decode.thumbnail === undefined) decode.thumbnail = s.params.size as number;
    else break;
  }
  return { decode, rest: steps.slice(i) };
}

export async function processImage(vips: Vips, req: ProcessRequest): Promise<ProcessResult> {
  const { bytes, ms: readMs } = req.bytes ? { bytes: new Uint8Array(req.bytes), ms: 0 } : await readBytes(req.file);
  checkInput(req.name, bytes);
  const timings: ImageTimings = { idleMs: 0, readMs, decodeMs: 0, steps: [], encodeMs: 0 };
  let t = performance.now();
  // Steps done while decoding are timed as decode.
  const plan = planDecode(req.steps);
  const input = decodeImage(vips, bytes, { ...plan.decode, maxPixels: req.maxPixels });
  timings.decodeMs = performance.now() - t;
  if (!('frame' in input)) return { kind: 'needs-tiles', ...input, timings };
  // This run's own SourceInfo: auto-orient records on it that the orientation is now 1.
  const source: SourceInfo = { ...input.source };
  const { frame, timings: steps, reports } = await runSteps(input.frame, plan.rest, source);
  timings.steps = steps;
  t = performance.now();
  const out = encode(vips, frame, req.output, source);
  timings.encodeMs = performance.now() - t;
  return { kind: 'done', bytes: out, width: frame.width, height: frame.height, channels: frame.channels, timings, ...(reports.length ? { reports } : {}) };
}

/** Also returns the file's metadata, for encodeFrame (tiled recipes never reorient). */
export async function decodeFileInto(vips: Vips, file: Blob, name: string, dst: FrameDesc): Promise<{ readMs: number; decodeMs: number; source: SourceInfo }> {
  const { bytes, ms: readMs } = await readBytes(file);
  checkInput(name, bytes);
  const t = performance.now();
  const source = decodeInto(vips, bytes, fromDesc(dst));
  return { readMs, decodeMs: performance.now() - t, source };
}

/** Runs the chain on the tile's window of the shared source and writes its core into the shared destination. */
export async function runTile(src: FrameDesc, dst: FrameDesc, tile: Tile, steps: ResolvedStep[]): Promise<{ steps: StepTiming[] }> {
  const s = fromDesc(src);
  const w = tile.window;
  // Copy the window out first: kernels may read their input several times, and a private
  // contiguous copy is faster to scan than a strided view of a giant frame.
  const win = createFrame(w.width, w.height, s.channels, new ArrayBuffer(w.width * w.height * s.channels));
  blit(s, w.x, w.y, w.width, w.height, win, 0, 0);
  const { frame, timings } = await runSteps(win, steps);
  const off = coreOffset(tile);
  blit(frame, off.x, off.y, tile.core.width, tile.core.height, fromDesc(dst), tile.core.x, tile.core.y);
  return { steps: timings };
}

/** `source` (from decodeFileInto) carries the input's metadata for output.metadata 'keep'. */
export function encodeFrame(vips: Vips, src: FrameDesc, output: OutputOptions, source?: SourceInfo): { bytes: Uint8Array; encodeMs: number } {
  const t = performance.now();
  const bytes = encode(vips, fromDesc(src), output, source);
  return { bytes, encodeMs: performance.now() - t };
}
