/** What a batch takes (RunBatchOptions), validated once into the settings every part reads. */
import type { ReviewedFaces } from '../../core/reviewed-faces';
import { BufferPool } from '../../core/buffer-pool';
import { validateOutput, type OutputOptions } from '../../core/formats';
import { orientedSteps } from '../../core/output-geometry';
import {
  checkWritesSomething,
  isTileable,
  recipeAssets,
  resolveSteps,
  resolveVariants,
  validateRecipe,
  type Recipe,
  type ResolvedStep,
} from '../../core/recipe';
import { TesseraError } from '../../core/errors';
import { validateVideoOptions, type VideoOptions } from '../../core/video-options';
import { parseNameTemplate } from '../../core/name-template';
import type { NameStyle } from './naming';
import type { InputSource } from '../../io/sources';
import type { OutputSink } from '../../io/sinks';
import { hasAsset } from '../../pool/assets';
import { createEnginePool, type EnginePool } from '../../pool/engine-pool';
import { StreamWorkers } from '../stream-workers';
import type { BatchProgress, FileResult, SkippedFile } from '../types';
import type { VideoProgress } from '../video';

export interface RunBatchOptions {
  input: InputSource;
  /**
   * Faces a person reviewed in the studio, by input path: the face step hides exactly those boxes
   * (before any `<input>.faces.json` sidecar in the input).
   */
  reviewed?: (path: string) => ReviewedFaces | undefined;
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
  /**
   * Images above this many pixels, with a recipe of local steps and a JPEG, PNG or TIFF output,
   * are streamed (jobs/streamed.ts): never whole in memory. Default 40 MP.
   */
  streamPixels?: number;
  /** Rows per streamed strip (tests: 1-row and odd strips); default sized by core/strips.ts. */
  streamRows?: number;
  signal?: AbortSignal;
  onProgress?: (p: BatchProgress) => void;
  onResult?: (r: FileResult) => void;
  /** Each file left out of the batch (not an image or video by its name), with the reason, as it is listed. */
  onSkip?: (f: SkippedFile) => void;
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
  /**
   * Asked once, at the first output whose name is already taken in the output: rename, skip or
   * overwrite, for the rest of the batch (the studio's question). Without it, `output.existing`.
   */
  onExisting?: (path: string) => Promise<'rename' | 'skip' | 'overwrite'>;
}

export const DEFAULT_MAX_PIXELS = 4 * 1024 * 1024;
export const DEFAULT_TILE_PIXELS = 1024 * 1024;
/**
 * Below this the tiled path is faster (no codec workers to start, no encoder fed row by row) and
 * its two shared frames cost at most ~0.3 GB.
 */
export const DEFAULT_STREAM_PIXELS = 40_000_000;
/** Recipes with a global step run whole in one worker: the decoded image, the step's result and the encoder's copy. */
const WHOLE_COPIES = 3;

/** The batch's settings, validated, and the pool and buffers it runs on. */
export interface BatchSettings {
  /** The recipe's name (naming templates' {recipe}). */
  recipeName: string;
  /** What images go through: the recipe's steps, turned upright first unless output.orientation is 'keep' (orientedSteps). */
  steps: ResolvedStep[];
  /** The recipe's steps as written (videos: frames carry no EXIF orientation). */
  recipeSteps: ResolvedStep[];
  output: OutputOptions;
  video: VideoOptions;
  pool: EnginePool;
  /** The pool was made for this batch (and is disposed at its end). */
  ownPool: boolean;
  buffers: BufferPool;
  /**
   * Images above this many pixels are tiled or streamed (core/large.ts); for a recipe that cannot
   * be tiled, those above what one worker can hold whole are checked there (thumbnail-first
   * recipes never: they shrink on load).
   */
  maxPixels: number;
  tilePixels: number;
  streamPixels: number;
  streamRows?: number;
  /** The streamed path's codec workers, made at the first giant image, disposed with the batch. */
  streamWorkers: StreamWorkers;
  splitFaces: boolean;
  /** With a face step: a photo's reviewed boxes from the input's sidecars (discovery.ts reviewedFaces). */
  reviewedFor?: (path: string) => Promise<{ faces: ReviewedFaces; file: string } | undefined>;
  sink: OutputSink;
  signal?: AbortSignal;
  onVideoProgress?: (p: VideoProgress) => void;
  /**
   * The recipe's variants (core/variants.ts), each with the settings it runs with on its own
   * (steps: the shared ones then its own; its output). Absent: one output per input. With
   * variants, `steps` are the shared steps only and `output` the batch's, before any variant's.
   */
  variants?: VariantRun[];
  /** Set on a variant's own settings: its results carry the name. */
  variant?: string;
  /** False on every variant's settings but the first: an input's step reports are written once. */
  writeReports: boolean;
}

/** One variant of the recipe, ready to run. */
export interface VariantRun {
  name: string;
  /** Its own steps, after the shared ones. */
  ownSteps: ResolvedStep[];
  /** Its settings when it runs alone (a video, a giant image): every step, its output. */
  settings: BatchSettings;
  style: NameStyle;
}

/**
 * Refuses a recipe whose steps refer to an image file (a logo) that was never shared with the
 * workers (pool/assets.ts), before any work: otherwise every file would fail with the same error.
 */
function checkAssets(recipe: Recipe): void {
  const lists: [string, readonly Recipe['steps'][number][]][] = [
    ['/steps', recipe.steps],
    ...(recipe.variants ?? []).map((v, j): [string, Recipe['steps']] => [`/variants/${j}/steps`, v.steps ?? []]),
  ];
  for (const [at, steps] of lists)
    steps.forEach((s, i) => {
      if (s.enabled === false) return;
      for (const name of recipeAssets([s]))
        if (!hasAsset(name)) {
          const key = Object.entries(s.params ?? {}).find(([, v]) => v === name)?.[0] ?? '';
          throw new TesseraError(
            'invalid-recipe',
            `${at}/${i}/params/${key}: the image "${name}" was not loaded (in the studio, pick it again; with npm run batch, give its path relative to the recipe file)`,
            `${at}/${i}/params/${key}`,
          );
        }
    });
}

/** Validates the recipe, output and video options (throws before any pool is made), then makes the pool when none is given. */
export function batchSettings(opts: RunBatchOptions): BatchSettings {
  const recipe = validateRecipe(opts.recipe);
  const recipeSteps = resolveSteps(recipe);
  // The recipe's own output settings, overridden field by field by the batch's choice.
  const output = validateOutput({ ...(recipe.output ?? {}), ...(opts.format ?? {}) });
  checkWritesSomething(recipeSteps, output);
  checkAssets(recipe);
  // An upright photo's leading auto-orient does nothing and is dropped where it matters (the
  // decoder skips it, core/large.ts routes around it), so tileable recipes still tile.
  const steps = orientedSteps(recipeSteps, output.orientation);
  const video = validateVideoOptions(opts.video ?? {});
  const variants = resolveVariants(recipe, output);
  const pool = opts.pool ?? createEnginePool(opts.workers);
  // A recipe with a global step (resize, rotate, Canny…) runs on the whole image in one worker.
  const maxPixels = (all: ResolvedStep[]) =>
    isTileable(all) ? (opts.maxPixels ?? DEFAULT_MAX_PIXELS) : Math.floor(pool.memoryBudget / (4 * WHOLE_COPIES));
  const base: BatchSettings = {
    recipeName: recipe.name,
    steps,
    recipeSteps,
    output,
    video,
    pool,
    ownPool: !opts.pool,
    buffers: opts.buffers ?? new BufferPool(),
    maxPixels: maxPixels([...recipeSteps, ...(variants ?? []).flatMap((v) => v.steps)]),
    tilePixels: opts.tilePixels ?? DEFAULT_TILE_PIXELS,
    streamPixels: opts.streamPixels ?? DEFAULT_STREAM_PIXELS,
    streamRows: opts.streamRows,
    streamWorkers: new StreamWorkers(),
    // Small-face passes of one large photo are shared out when there is more than one worker.
    splitFaces: opts.splitFaces ?? pool.size > 1,
    sink: opts.output,
    signal: opts.signal,
    onVideoProgress: opts.onVideoProgress,
    writeReports: true,
  };
  if (!variants) return base;
  return {
    ...base,
    // The shared steps run upright (or not) as the variants ask: all alike, or each runs alone (variants-file.ts).
    steps: orientedSteps(recipeSteps, variants[0].output.orientation),
    variants: variants.map((v, i) => {
      const all = [...recipeSteps, ...v.steps];
      const settings: BatchSettings = {
        ...base,
        steps: orientedSteps(all, v.output.orientation),
        recipeSteps: all,
        output: v.output,
        maxPixels: maxPixels(all),
        variant: v.name,
        writeReports: i === 0,
      };
      const style: NameStyle = {
        template: parseNameTemplate(v.output.name, `/variants/${i}/output/name`),
        format: v.output.format,
        variant: v.name,
      };
      return { name: v.name, ownSteps: v.steps, settings, style };
    }),
  };
}
