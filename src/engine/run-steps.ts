/**
 * Runs resolved recipe steps on a frame, ping-ponging between two reusable buffers. Returns the
 * final frame and the time spent in each step (for the bench's breakdown).
 */
import { getOperation } from '../core/catalogue';
import { createFrame, type Frame } from '../core/frame';
import type { ResolvedStep } from '../core/recipe';
import { KERNEL_OPS, type OpFunction } from './ops';

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

export const kernelResolver: OpResolver = (step) => {
  const fn = KERNEL_OPS[step.op];
  if (!fn) throw new Error(`no engine function for "${step.op}"`);
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
