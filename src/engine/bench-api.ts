/**
 * The bench/test side of an engine worker: benchmark probes and test knobs, kept out of the
 * production EngineApi (api.ts). The same worker serves both, but this one is typed and reached
 * separately — `pool.bench().run((b) => b.timeSteps(…))` — so job code cannot call it by accident.
 * timeSteps runs in the worker's lane, one at a time with the production calls; the echo probes
 * and setFrameDelay answer at once. Implementation: bench-task.ts.
 */
import type { FrameDesc } from '../core/frame';
import type { ResolvedStep } from '../core/recipe';
import type { StepTiming } from './run-steps';

export interface BenchApi {
  /** Times each step on a whole frame (the per-operation bench); returns ms per step. */
  timeSteps(src: FrameDesc, steps: ResolvedStep[], repeat: number): Promise<{ steps: StepTiming[] }>;
  /** Handoff benchmark endpoints: each touches the pixels so nothing is optimised away. */
  echoShared(src: FrameDesc): Promise<number>;
  echoTransfer(buf: ArrayBuffer): Promise<ArrayBuffer>;
  echoClone(data: Uint8Array): Promise<Uint8Array>;
  echoBase64(json: string): Promise<string>;
  /**
   * Slows every later processFrame call of this worker by `ms` (0: off), before it starts — tests
   * of frame dropping, backpressure and cancel. Per worker: set it on each with
   * `pool.bench().broadcast(…)`; a worker started later (resize, crash) runs at full speed.
   */
  setFrameDelay(ms: number): Promise<void>;
}
