/**
 * Small faces in one large photo, on every worker: BlazeFace's passes over a big frame (the
 * whole image plus ~35 overlapping tiles at 4000 px, ~100 ms each) are shared out as tasks, their
 * raw detections merged here with the same weighted NMS the single-worker path uses (same passes,
 * same order ⇒ the same faces), the candidates' second looks (score calibration) run as one more
 * task, and one worker resumes the recipe with the faces.
 */
import { stepParams } from '../core/catalogue';
import { blazeCandidates, blazePasses, detectOptions, finishBlaze, type RawFace } from '../core/faces';
import type { FinishedResult, ProcessResult } from '../engine/api';
import type { EnginePool } from '../pool/engine-pool';
import { Priority, type PriorityLevel } from '../pool/pool';
import type { OutputOptions } from '../core/formats';

type Split = Extract<ProcessResult, { kind: 'faces-split' }>;

export interface FaceSplitOptions {
  pool: EnginePool;
  output: OutputOptions;
  name: string;
  signal?: AbortSignal;
  /**
   * Shares of an image already in progress go ahead of new files (default: user), so an image
   * finishes sooner and its shared frame is freed.
   */
  priority?: PriorityLevel;
}

/** Passes per task: small shares balance well when a worker is still starting OpenCV. */
export const SHARES_PER_WORKER = 4;

/** `n` items in `k` contiguous, nearly equal groups (order kept). */
export function shares<T>(items: readonly T[], k: number): T[][] {
  const n = items.length,
    parts = Math.max(1, Math.min(k, n));
  return Array.from({ length: parts }, (_, i) => items.slice(Math.round((i * n) / parts), Math.round(((i + 1) * n) / parts)));
}

export async function finishFaceSplit(res: Split, o: FaceSplitOptions): Promise<FinishedResult> {
  const { split } = res;
  const step = split.steps[0];
  const params = stepParams(step, 'detect-faces', 'redact-faces');
  const opts = detectOptions(params);
  const { width: w, height: h, channels: c } = split.frame;
  const passes = blazePasses(w, h, opts);
  if (!passes) throw new Error(`${step.op} with ${opts.detector} cannot be split`);
  const priority = o.priority ?? Priority.user;
  const groups = shares(passes, o.pool.size * SHARES_PER_WORKER);
  const found = await Promise.all(
    groups.map((rects, i) =>
      o.pool.run((api) => api.detectFacePasses(split.frame, params, rects), {
        // Each pass converts its own rectangle to RGB (twice when turned); the whole-image pass the whole frame.
        cost: Math.max(...rects.map((p) => p.rect[2] * p.rect[3])) * 6 + (8 << 20),
        signal: o.signal,
        priority,
        label: `${o.name} (faces ${i + 1}/${groups.length})`,
      }),
    ),
  );
  const raw: RawFace[] = found.flatMap((f) => f.raw);
  // The second looks that calibrate the scores are few (a forward pass per four candidates, a landmark pass per unsure one): one task.
  const cands = blazeCandidates(raw, opts);
  const looked = await o.pool.run((api) => api.rescoreFaces(split.frame, params, cands), {
    cost: 8 << 20,
    signal: o.signal,
    priority,
    label: `${o.name} (faces, second look)`,
  });
  const faces = finishBlaze(cands, looked.looks, w, h, opts);
  const done = await o.pool.run<FinishedResult>((api) => api.finishImage({ split, faces, output: o.output }), {
    cost: w * h * c * 3,
    signal: o.signal,
    priority,
    label: `${o.name} (after faces)`,
  });
  // The face step's time is the detection spread over the workers (their summed busy time).
  const detectMs = found.reduce((t, f) => t + f.ms, 0) + looked.ms;
  const steps = [...res.timings.steps, ...done.timings.steps];
  const at = res.timings.steps.length;
  steps[at] = { op: step.op, ms: steps[at].ms + detectMs };
  return { ...done, timings: { ...res.timings, steps, encodeMs: done.timings.encodeMs } };
}
