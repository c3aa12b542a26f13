/**
 * Runs resolved recipe steps on a frame. Same-size steps ping-pong between two reusable scratch
 * buffers; each engine's runtime (OpenCV.js, wasm-vips) is loaded the first time one of its
 * steps runs. Returns the final frame, the time spent in each step, and the steps' reports.
 */
import { getOperation, type EngineName } from '../core/catalogue';
import { createFrame, type Frame } from '../core/frame';
import type { Face } from '../core/faces';
import type { PlacedWindow } from '../core/animation';
import type { ResolvedStep } from '../core/recipe';
import type { StepReport } from '../core/reports';
import type { Placement } from '../core/watermark';
import type { EngineTable, OpContext, OpFunction, OpTable, SourceInfo } from './ops/context';
import { KERNEL_OPS } from './ops/kernel';
import { OPENCV_OPS } from './ops/opencv';
import { VIPS_OPS } from './ops/vips';
import { loadOpenCV } from './opencv';
import { loadVips, vipsMessage } from './vips';

export interface StepTiming {
  op: string;
  ms: number;
}

/**
 * An engine's table for dispatch by op name. Each function's params are typed from its op's specs
 * (EngineTable); here they are erased to Params. Sound because a function is only ever called
 * with a step of its own op, whose params resolveSteps/validateParams checked against those specs.
 */
const byName = <E extends EngineName>(table: EngineTable<E>): OpTable => table as unknown as OpTable;

export const ENGINE_OPS: Readonly<Record<EngineName, OpTable>> = {
  kernel: byName(KERNEL_OPS),
  vips: byName(VIPS_OPS),
  opencv: byName(OPENCV_OPS),
};

/** Each engine's runtime, started for a step (whose label a load failure names: "OpenCV (used by Edge lines) …"). */
const RUNTIMES: Record<EngineName, ((usedBy: string) => Promise<unknown>) | undefined> = {
  kernel: undefined,
  vips: () => loadVips(),
  opencv: (usedBy) => loadOpenCV(usedBy),
};

export async function engineFunction(op: string): Promise<OpFunction> {
  const spec = getOperation(op);
  if (!spec) throw new Error(`unknown operation "${op}"`);
  const fn = ENGINE_OPS[spec.engine][op];
  if (!fn) throw new Error(`no ${spec.engine} engine function for "${op}"`);
  await RUNTIMES[spec.engine]?.(spec.label);
  return fn;
}

const buffers: ArrayBuffer[] = [new ArrayBuffer(0), new ArrayBuffer(0)];

export interface RunOptions {
  /** Faces already found in the input (see OpContext.faces): the first face step uses them. */
  faces?: Face[];
  /** A person's reviewed boxes for the photo (OpContext.reviewed). */
  reviewed?: OpContext['reviewed'];
  /** Video: each redact-regions step's boxes in this frame (OpContext.regions; the lists are not changed). */
  regions?: OpContext['regions'];
  /**
   * Called before each step with the frame it would get: returning true stops the chain there,
   * and the result says where (`pausedAt`), so the caller can resume with the rest later.
   */
  pauseBefore?: (step: ResolvedStep, index: number, frame: Frame) => boolean;
  /**
   * Where `input` lies in the whole image (OpContext.placement): given by every caller that runs
   * steps on a part of an image, so positional steps (watermarks) draw what the whole image gets.
   * Only local steps run on parts, and they keep the size, so it holds for every step.
   */
  placement?: Placement;
  /**
   * Told where a step chose a window from the picture (an attention crop: OpContext.placed), with
   * the step's index: an animation pins frame 1's windows for the other frames (core/animation.ts).
   */
  onPlaced?: (window: PlacedWindow) => void;
}

export interface RunResult {
  frame: Frame;
  timings: StepTiming[];
  reports: StepReport[];
  /** Index of the first step not run (with `pauseBefore`). */
  pausedAt?: number;
}

/**
 * The result may view this thread's scratch buffers: consume it (encode, copy into a shared
 * frame) before calling runSteps again. `source` is updated in place (orientation, geometry): by
 * default each call gets a fresh one.
 */
export async function runSteps(
  input: Frame,
  steps: readonly ResolvedStep[],
  source: SourceInfo = { orientation: 1 },
  opts: RunOptions = {},
): Promise<RunResult> {
  let cur = input;
  const timings: StepTiming[] = [];
  const reports: StepReport[] = [];
  let slot = 0;
  let op = '';
  let index = 0;
  const onPlaced = opts.onPlaced;
  const ctx: OpContext = {
    source,
    report(kind, data) {
      reports.push({ op, kind, data });
    },
    faces: opts.faces,
    reviewed: opts.reviewed,
    ...(opts.regions ? { regions: [...opts.regions] } : {}),
    placement: opts.placement,
    ...(onPlaced
      ? { placed: (x: number, y: number, width: number, height: number) => onPlaced({ step: index, x, y, width, height }) }
      : {}),
    alloc(width, height, channels) {
      const bytes = width * height * channels;
      let b = buffers[slot];
      if (b.byteLength < bytes || b === cur.data.buffer) buffers[slot] = b = new ArrayBuffer(Math.ceil(bytes * 1.25));
      return createFrame(width, height, channels, b);
    },
  };
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (opts.pauseBefore?.(step, i, cur)) return { frame: cur, timings, reports, pausedAt: i };
    const fn = await engineFunction(step.op);
    op = step.op;
    index = i;
    const before = source.geometry;
    const t0 = performance.now();
    let next: Frame;
    try {
      next = await fn(cur, step.params, ctx);
    } catch (e) {
      // wasm-vips throws opaque WebAssembly exceptions (and cannot be sent between threads as
      // they are): word them here, naming the step.
      if (e instanceof Error) throw e;
      throw new Error(`${step.op} failed: ${vipsMessage(e)}`);
    }
    timings.push({ op: step.op, ms: performance.now() - t0 });
    // Positions reported in input pixels rely on every size change being recorded (ctx `moved`).
    if ((next.width !== cur.width || next.height !== cur.height) && source.geometry === before) {
      throw new Error(
        `${step.op} changed the frame from ${cur.width}×${cur.height} to ${next.width}×${next.height} without recording its geometry`,
      );
    }
    cur = next;
    slot ^= 1;
  }
  return { frame: cur, timings, reports };
}
