/** The typed programmatic API's data: what a batch takes, reports and returns. */
import type { SizeFit } from '../engine/target-size';
import type { AnimationSummary, StepTiming } from '../engine/api';
import type { PoolMetrics } from '../pool/pool';
import type { BufferPoolStats } from '../core/buffer-pool';

export interface FileResult {
  path: string;
  /** With a recipe's variants: which one this output is (each input has one result per variant). */
  variant?: string;
  /**
   * With variants: this output was finished from the input's one decode and shared steps (false:
   * it ran alone, decoding again — videos, giant or tiled images, variants that disagree on
   * orientation or colour).
   */
  sharedDecode?: boolean;
  outputPath?: string;
  /** skipped: its output already exists and the batch's `existing` policy is skip. */
  status: 'ok' | 'failed' | 'cancelled' | 'skipped';
  /** Wall time from dispatch to written. */
  ms: number;
  bytesIn?: number;
  bytesOut?: number;
  width?: number;
  height?: number;
  /** Number of tiles when the image was split across workers. */
  tiles?: number;
  /** Number of strips when the image was streamed (never whole in memory). */
  strips?: number;
  /** "<path>: <reason>" for failures. */
  error?: string;
  /** Set with output.maxBytes: the quality written to meet it, and any shrink (width/height are then the shrunk size). */
  fit?: SizeFit;
  /**
   * What happened, in words: to the name ("a.webp already exists: written as a_1.webp", or why it
   * was skipped) and to an animation's frames ("…only the first frame was written…"), joined by "; ".
   */
  message?: string;
  /** The name the template gave, when a file already there took it and the output was written as `outputPath` instead. */
  renamedFrom?: string;
  /** Set for videos (see jobs/video.ts). */
  video?: VideoFileSummary;
  /** Set for an animated GIF/WebP input: its frames, and whether all were written (a GIF/WebP output) or only the first. */
  animation?: AnimationSummary;
  /** Paths of the step reports written beside the output (e.g. "a.jpg.faces.json" for detect-faces on a.jpg). */
  reports?: string[];
  /** Faces found in the image (a recipe with a face step: the last face step's count). */
  faces?: number;
  /** The face step used a person's reviewed boxes: the sidecar they came from (core/reviewed-faces.ts). */
  reviewedFaces?: string;
  /** Set for a tile-pyramid output (DZI): `outputPath` is its descriptor, `bytesOut` counts every file. */
  pyramid?: PyramidSummary;
  /**
   * A multi-page TIFF written page by page (output pages 'all'): its pages after the first, in
   * order (`outputPath`, `width`, `height`, `bytesOut` and `message` above are the first page's).
   */
  pages?: PageResult[];
}

/** One page after the first of a multi-page input written page by page. */
export interface PageResult {
  /** 1-based. */
  page: number;
  outputPath: string;
  /** skipped: its output already exists and the batch's `existing` policy is skip. */
  status: 'ok' | 'skipped';
  width?: number;
  height?: number;
  bytesOut?: number;
  message?: string;
}

/** A file of the input the batch left out, and why (core/sniff.ts skipReason: "camera RAW file (.cr2): …"). */
export interface SkippedFile {
  path: string;
  reason: string;
}

export interface PyramidSummary {
  /** Tiles written, all levels. */
  tiles: number;
  levels: number;
  /** The tiles' folder beside the descriptor: "a/b_files". */
  tileFolder: string;
  /** The highest level that is one tile ("a/b_files/8/0_0.jpg"): the whole image small, for the before/after view. */
  overview: string;
}

export interface VideoFileSummary {
  frames: number;
  seconds: number;
  fps: number;
  container: string;
  codec: string;
  inputCodec: string;
  audio: { status: 'copied' | 'dropped' | 'none'; codec?: string; packets?: number; reason?: string };
  analysisPath?: string;
  /** VideoFrames left open by the pipeline (always 0 unless something leaked). */
  videoFramesOpen: number;
  /** Written into the sink as it was produced (a folder), rather than held in memory until done. */
  streamed: boolean;
  warnings: string[];
  /** With redact-regions: the objects followed and hidden, and where their tracks were written (`<input>.tracks.json`). */
  regions?: {
    tracksPath?: string;
    /**
     * `unfollowed`: tracking found nothing to follow in its marked boxes (a flat or covered area):
     * hidden only where marked. `keep`: a face kept visible (`hidden` then counts the frames it was followed in).
     */
    objects: { id: string; hidden: number; lost: number; unfollowed?: true; keep?: true }[];
    frames: number;
    tracked: boolean;
  };
}

export interface BatchProgress {
  done: number;
  failed: number;
  /** Files left out: by their names (not images or videos), or because their output exists. */
  skipped: number;
  /** Of `skipped`, those listed as images or videos whose output exists (`existing: skip`): part of `total`. */
  skippedExisting: number;
  /** Files found so far; final once `totalKnown`. */
  total: number;
  totalKnown: boolean;
  elapsedSeconds: number;
  imagesPerSecond: number;
  /** Undefined until the total is known and a rate exists. */
  etaSeconds?: number;
  running: string[];
}

/** Summed milliseconds per stage over all files (all workers), for the "where does time go" table. */
export interface Breakdown {
  read: number;
  decode: number;
  steps: Record<string, number>;
  encode: number;
  /** Main↔worker messaging: time workers sat idle between images waiting for the next request. */
  handoff: number;
  /** Writing outputs on the main thread. */
  write: number;
}

export interface BatchSummary {
  ok: number;
  failed: number;
  /** Files left out: not images or videos by their names, or (`existing: skip`) their output exists. */
  skipped: number;
  /** The files left out, each with the reason. */
  skippedFiles: SkippedFile[];
  /** Outputs written under another name because the template's name was taken by a file already there. */
  renamed: number;
  cancelled: boolean;
  workers: number;
  /** From the first file read to the last file written; excludes engine start-up. */
  seconds: number;
  imagesPerSecond: number;
  startupSeconds: number;
  errors: { file: string; message: string }[];
  results: FileResult[];
  /** Path of the batch's faces table (`faces.csv`), when a face step ran. */
  facesTable?: string;
  breakdown: Breakdown;
  pool: PoolMetrics;
  buffers: BufferPoolStats;
}

export type { StepTiming };
