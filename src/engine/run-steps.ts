/**
 * Runs resolved recipe steps on a frame, ping-ponging between two reusable buffers. Returns the
 * final frame and the time spent in each step (for the bench's breakdown).
 */
import { getOperation, type EngineName } from '../core/catalogue';
import { createFrame, type Frame } from '../core/frame';
import type { ResolvedStep } from '../core/recipe';
import { KERNEL_OPS, type OpFunction } from './ops';
import { loadOpenCV } from './opencv';

export interface StepTiming {
  op: string;
  ms: number;
}

const buffers: ArrayBuffer[] = [new ArrayBuffer(0), new ArrayBuffer(0)];

function bufferFor(slot: number, bytes: number, avoid: ArrayBufferLike): ArrayBuffer {
  let b = buffers[slot];
  if (b.byteLength < bytes || b === avoid) buffers[slot] = b = new ArrayBuffer(Math.ceil(bytes * 1.25));
  return b;
}

/** Engines other than 'kernel' plug in here (e.g. OpenCV.js ops), looked up per step. */
export type OpResolver = (step: ResolvedStep) => OpFunction | Promise<OpFunction>;

/** Engine functions by engine; 'opencv' entries register here, and load OpenCV.js on first use. */
export const ENGINE_OPS: Record<EngineName, Readonly<Record<string, OpFunction>>> = {
  kernel: KERNEL_OPS,
  vips: {},
  opencv: {},
};

export const kernelResolver: OpResolver = async (step) => {
  const engine = getOperation(step.op)?.engine ?? 'kernel';
  const fn = ENGINE_OPS[engine][step.op];
  if (!fn) throw new Error(`no ${engine} engine function for "${step.op}"`);
  if (engine === 'opencv') await loadOpenCV();
  return fn;
};

/**
 * The result views one of this thread's scratch buffers: consume it (encode, copy into a shared
 * frame) before calling runSteps again.
 */
export async function runSteps(
  input: Frame,
  steps: readonly ResolvedStep[],
  resolve: OpResolver = kernelResolver,
): Promise<{ frame: Frame; timings: StepTiming[] }> {
  let cur = input;
  const timings: StepTiming[] = [];
  let slot = 0;
  for (const step of steps) {
    const spec = getOperation(step.op);
    if (!spec) throw new Error(`unknown operation "${step.op}"`);
    const fn = await resolve(step);
    const t0 = performance.now();
    const ch = spec.outChannels(cur.channels);
    const dst = createFrame(cur.width, cur.height, ch, bufferFor(slot, cur.width * cur.height * ch, cur.data.buffer));
    await fn(cur, dst, step.params);
    timings.push({ op: step.op, ms: performance.now() - t0 });
    cur = dst;
    slot ^= 1;
  }
  return { frame: cur, timings };
}
