/**
 * The per-image work of an engine worker, free of Comlink so it can be exercised directly in
 * Node: read → check → decode → steps → encode, with timings.
 */
import { blit, createFrame, fromDesc, type FrameDesc } from '../core/frame';
import type { OutputOptions } from '../core/formats';
import type { ResolvedStep } from '../core/recipe';
import { coreOffset, type Tile } from '../core/tiles';
import type { ImageTimings, ProcessRequest, ProcessResult } from './api';
import { checkInput, decodeInto, decodeWithin, encode } from './codec';
import { runSteps, type StepTiming } from './run-steps';
import type { Vips } from './vips';

async function readBytes(file: Blob): Promise<{ bytes: Uint8Array; ms: number }> {
  const t0 = performance.now();
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { bytes, ms: performance.now() - t0 };
}

export async function processImage(vips: Vips, req: ProcessRequest): Promise<ProcessResult> {
  const { bytes, ms: readMs } = req.bytes ? { bytes: new Uint8Array(req.bytes), ms: 0 } : await readBytes(req.file);
  checkInput(req.name, bytes);
  const timings: ImageTimings = { idleMs: 0, readMs, decodeMs: 0, steps: [], encodeMs: 0 };
  let t = performance.now();
  const input = decodeWithin(vips, bytes, req.maxPixels);
  timings.decodeMs = performance.now() - t;
  if (!('data' in input)) return { kind: 'needs-tiles', ...input, timings };
  const { frame, timings: steps } = await runSteps(input, req.steps);
  timings.steps = steps;
  t = performance.now();
  const out = encode(vips, frame, req.output);
  timings.encodeMs = performance.now() - t;
  return { kind: 'done', bytes: out, width: frame.width, height: frame.height, channels: frame.channels, timings };
}

export async function decodeFileInto(vips: Vips, file: Blob, name: string, dst: FrameDesc): Promise<{ readMs: number; decodeMs: number }> {
  const { bytes, ms: readMs } = await readBytes(file);
  checkInput(name, bytes);
  const t = performance.now();
  decodeInto(vips, bytes, fromDesc(dst));
  return { readMs, decodeMs: performance.now() - t };
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

export function encodeFrame(vips: Vips, src: FrameDesc, output: OutputOptions): { bytes: Uint8Array; encodeMs: number } {
  const t = performance.now();
  const bytes = encode(vips, fromDesc(src), output);
  return { bytes, encodeMs: performance.now() - t };
}
