/**
 * Runs resolved recipe steps on a frame. Same-size steps ping-pong between two reusable scratch
 * buffers; each engine's runtime (OpenCV.js, wasm-vips) is loaded the first time one of its
 * steps runs. Returns the final frame, the time spent in each step, and the steps' reports.
 */
import { getOperation, type EngineName } from '../core/catalogue';
import { createFrame, type Frame } from '../core/frame';
import type { ResolvedStep } from '../core/recipe';
import type { StepReport } from '../core/reports';
import type { OpContext, OpFunction, OpTable, SourceInfo } from './ops/context';
import { KERNEL_OPS } from './ops/kernel';
import { OPENCV_OPS } from './ops/opencv';
import { VIPS_OPS } from './ops/vips';
import { loadOpenCV } from './opencv';
import { loadVips } from './vips';

export interface StepTiming {
  op: string;
  ms: number;
}

export const ENGINE_OPS: Readonly<Record<EngineName, OpTable>> = {
  kernel: KERNEL_OPS,
  vips: VIPS_OPS,
  opencv: OPENCV_OPS,
};

const RUNTIMES: Record<EngineName, (() => Promise<unknown>) | undefined> = {
  kernel: undefined,
  vips: () => loadVips(),
  opencv: () => loadOpenCV(),
};

export async function engineFunction(op: string): Promise<OpFunction> {
  const engine = getOperation(op)?.engine;
  if (!engine) throw new Error(`unknown operation "${op}"`);
  const fn = ENGINE_OPS[engine][op];
  if (!fn) throw new Error(`no ${engine} engine function for "${op}"`);
  await RUNTIMES[engine]?.();
  return fn;
}

const buffers: ArrayBuffer[] = [new ArrayBuffer(0), new ArrayBuffer(0)];

export const DEFAULT_SOURCE: SourceInfo = { orientation: 1 };

/**
 * The result may view this thread's scratch buffers: consume it (encode, copy into a shared
 * frame) before calling runSteps again.
 */
export async function runSteps(
  input: Frame,
  steps: readonly ResolvedStep[],
  source: SourceInfo = DEFAULT_SOURCE,
): Promise<{ frame: Frame; timings: StepTiming[]; reports: StepReport[] }> {
  let cur = input;
  const timings: StepTiming[] = [];
  const reports: StepReport[] = [];
  let slot = 0;
  let op = '';
  const ctx: OpContext = {
    source,
    report(kind, data) {
      reports.push({ op, kind, data });
    },
    alloc(width, height, channels) {
      const bytes = width * height * channels;
      let b = buffers[slot];
      if (b.byteLength < bytes || b === cur.data.buffer) buffers[slot] = b = new ArrayBuffer(Math.ceil(bytes * 1.25));
      return createFrame(width, height, channels, b);
    },
  };
  for (const step of steps) {
    const fn = await engineFunction(step.op);
    op = step.op;
    const t0 = performance.now();
    cur = await fn(cur, step.params, ctx);
    timings.push({ op: step.op, ms: performance.now() - t0 });
    slot ^= 1;
  }
  return { frame: cur, timings, reports };
}
