/** What a batch takes (RunBatchOptions), validated once into the settings every part reads. */
import { BufferPool } from '../../core/buffer-pool';
import { validateOutput, type OutputOptions } from '../../core/formats';
import { isTileable, resolveSteps, validateRecipe, type ResolvedStep } from '../../core/recipe';
import { validateVideoOptions, type VideoOptions } from '../../core/video-options';
import type { InputSource } from '../../io/sources';
import type { OutputSink } from '../../io/sinks';
import { createEnginePool, type EnginePool } from '../../pool/engine-pool';
import type { BatchProgress, FileResult } from '../types';
import type { VideoProgress } from '../video';

export interface RunBatchOptions {
  input: InputSource;
  output: OutputSink;
  /** A recipe object — a Recipe such as SEED_RECIPE or parseRecipe(text) — taken as unknown and validated here. */
  recipe: unknown;
  /** Output settings; override the recipe's own `output`; default PNG at zlib level 6. */
  format?: Partial<OutputOptions>;
  /** Workers for a pool made for this batch; ignored when `pool` is given. */
  workers?: number;
  pool?: EnginePool;
  buffers?: BufferPool;
  /** Images above this many pixels are split into tiles across workers. Default 4 MP. */
  maxPixels?: number;
  /** Pixels per tile window. Default 1 MP. */
  tilePixels?: number;
  signal?: AbortSignal;
  onProgress?: (p: BatchProgress) => void;
  onResult?: (r: FileResult) => void;
  /**
   * Videos in the input (mp4, m4v, mov, webm, mkv) go through the same recipe frame by frame
   * (jobs/video.ts) and are written under the same relative path with the container's extension.
   */
  video?: Partial<VideoOptions>;
  /** Per-video progress (frames, fps, ETA), throttled. */
  onVideoProgress?: (p: VideoProgress) => void;
  /**
   * Share the BlazeFace passes of a large photo (small-face tiles) among all workers instead of
   * running them in the file's worker. Default: on with more than one worker. The faces are the
   * same either way.
   */
  splitFaces?: boolean;
  /** With a face step: also write every face of the batch to `faces.csv` at the output's root (default true). */
  facesTable?: boolean;
}

export const DEFAULT_MAX_PIXELS = 4 * 1024 * 1024;
export const DEFAULT_TILE_PIXELS = 1024 * 1024;

/** The batch's settings, validated, and the pool and buffers it runs on. */
export interface BatchSettings {
  steps: ResolvedStep[];
  output: OutputOptions;
  video: VideoOptions;
  pool: EnginePool;
  /** The pool was made for this batch (and is disposed at its end). */
  ownPool: boolean;
  buffers: BufferPool;
  /** Images above this many pixels are tiled (Infinity: the recipe cannot be tiled). */
  maxPixels: number;
  tilePixels: number;
  splitFaces: boolean;
  sink: OutputSink;
  signal?: AbortSignal;
  onVideoProgress?: (p: VideoProgress) => void;
}

/** Validates the recipe, output and video options (throws before any pool is made), then makes the pool when none is given. */
export function batchSettings(opts: RunBatchOptions): BatchSettings {
  const recipe = validateRecipe(opts.recipe);
  const steps = resolveSteps(recipe);
  // The recipe's own output settings, overridden field by field by the batch's choice.
  const output = validateOutput({ ...(recipe.output ?? {}), ...(opts.format ?? {}) });
  const video = validateVideoOptions(opts.video ?? {});
  const pool = opts.pool ?? createEnginePool(opts.workers);
  return {
    steps,
    output,
    video,
    pool,
    ownPool: !opts.pool,
    buffers: opts.buffers ?? new BufferPool(),
    // A recipe with a global step (resize, rotate, Canny…) runs on the whole image in one worker.
    maxPixels: isTileable(steps) ? (opts.maxPixels ?? DEFAULT_MAX_PIXELS) : Number.POSITIVE_INFINITY,
    tilePixels: opts.tilePixels ?? DEFAULT_TILE_PIXELS,
    // Small-face passes of one large photo are shared out when there is more than one worker.
    splitFaces: opts.splitFaces ?? pool.size > 1,
    sink: opts.output,
    signal: opts.signal,
    onVideoProgress: opts.onVideoProgress,
  };
}
