/** The video job's public types: what runVideo takes, reports and returns. */
import type { BufferPool, BufferPoolStats } from '../../core/buffer-pool';
import type { TrackerOptions } from '../../core/faces-track';
import type { ResolvedStep } from '../../core/recipe';
import type { VideoOptions } from '../../core/video-options';
import type { FrameResult } from '../../engine/api';
import type { OutputStream } from '../../io/sinks';
import type { EnginePool } from '../../pool/engine-pool';
import type { PriorityLevel } from '../../pool/pool';
import type { OutputOptions } from '../../core/formats';
import type { TracksReport } from '../../core/regions';

export type VideoMode = 'transcode' | 'process' | 'decode';

export interface VideoProgress {
  path: string;
  /** Frames finished (encoded, or processed/decoded in the bench modes). */
  frames: number;
  /** Estimated frames in the chosen range (from the container's packet statistics). */
  totalFrames: number;
  fps: number;
  elapsedSeconds: number;
  etaSeconds?: number;
}

export interface VideoJobOptions {
  file: Blob;
  /** For messages and the analysis export. */
  name: string;
  steps: ResolvedStep[];
  options: VideoOptions;
  pool: EnginePool;
  buffers: BufferPool;
  signal?: AbortSignal;
  onProgress?: (p: VideoProgress) => void;
  /** 'decode' and 'process' stop early (benchmarks): no encoder, no output. Default 'transcode'. */
  mode?: VideoMode;
  /** Frames between the decoder's output and the encoder's input. Default 2 × workers + 2. */
  maxInFlight?: number;
  priority?: PriorityLevel;
  /**
   * Where to write the container as it is produced (a sink's openStream): memory then stays flat
   * however long the video; the caller commits or aborts it. Without it the output is returned
   * as `bytes`.
   */
  stream?: OutputStream;
  /** Face tracking (recipes with detect-faces / redact-faces); see src/core/faces-track.ts. */
  tracker?: Partial<TrackerOptions>;
  /**
   * How decoded pixels reach the workers. 'auto' (default): the decoder's own planes for recipes
   * that start with grayscale (luma read straight from Y; results back as I420), RGBA otherwise
   * (Chromium's copyTo converts natively, faster than converting in JavaScript; plane-wise
   * recipes then run on R, G, B apart). 'yuv' / 'rgba' force one route (comparisons, tests).
   */
  pixels?: 'auto' | 'rgba' | 'yuv';
  /**
   * With `options.animation` gif or webp: the image output options to encode it with (a GIF or
   * WebP format); default that format's defaults.
   */
  animationOutput?: OutputOptions;
}

export interface FrameAnalysis {
  frameIndex: number;
  /** Seconds, as in the output. */
  timestamp: number;
  duration: number;
  width: number;
  height: number;
  means: number[];
  /** Milliseconds per recipe step. */
  steps: Record<string, number>;
  /**
   * Faces (recipes with detect-faces or redact-faces), in the input video's pixels (mapped back
   * through any resize, crop or rotation before the face step): every detector box with its track's ID, then each coasting track's predicted box
   * (`predicted: true`: the detector missed it here; it is still redacted). Empty otherwise.
   */
  detections: FrameDetection[];
}

export interface FrameDetection {
  box: [number, number, number, number];
  score: number;
  keypoints?: [number, number][];
  trackId: number;
  predicted?: true;
  /** With `predicted`: the correlation of the appearance match that placed the box (absent: motion alone). */
  matched?: number;
}

export interface VideoAnalysis {
  source: string;
  frames: FrameAnalysis[];
}

export interface VideoTimings {
  seconds: number;
  fps: number;
  /** Main thread, summed over frames: VideoFrame.copyTo into shared memory. */
  copyMs: number;
  /** Wall time of each frame's worker call (queue + run + messaging), summed. */
  workerMs: number;
  /** Recipe steps inside the workers, summed by op. */
  stepsMs: Record<string, number>;
  /** Main thread: building the encoder's VideoFrame (and cropping to even sizes). */
  frameMs: number;
  /** Time the pipeline waited on the encoder's queue (encoder slower than the rest). */
  encodeWaitMs: number;
  /** Time the demuxer waited before feeding the decoder (everything downstream was full). */
  feedWaitMs: number;
  /** Time spent flushing the encoder and finalising the file. */
  finishMs: number;
  /** Main thread: waiting for the demuxer's next packet. */
  demuxMs: number;
  /** Workers, summed: converting the input (alpha dropped; YUV → RGB) and the result (→ RGBA / I420). */
  convertInMs: number;
  convertOutMs: number;
  /** Workers, summed: idle before a frame arrived with nothing queued (the pipeline ran dry; first frames not counted). */
  workerIdleMs: number;
  /** Main thread: handing encoded packets (and the audio due by then) to the muxer. */
  muxMs: number;
  /** How frames went through the workers (see FrameResult.path); 'rgba' for the RGBA route. */
  path?: string;
  /** With redact-regions: the pass that read the range as gray copies, and the tracking (main thread). */
  regionsReadMs?: number;
  regionsTrackMs?: number;
  /** The decoder's pixel format and the encoder's input format. */
  decodedFormat?: string;
  encodedFormat?: string;
}

export interface VideoJobResult {
  /** The finished file (transcode mode). */
  bytes?: Uint8Array;
  extension: string;
  mime: string;
  container: string;
  /** mediabunny codec names and the WebCodecs strings used. */
  inputCodec: string;
  inputCodecString: string;
  codec: string;
  codecString?: string;
  frames: number;
  inputWidth: number;
  inputHeight: number;
  width: number;
  height: number;
  /** The recipe made an odd size: the last column/row was dropped for 4:2:0 encoding. */
  cropped: boolean;
  inputDuration: number;
  frameRate: number;
  /** Set for constant-frame-rate inputs (and written into the output). */
  constantFrameRate: number | null;
  bitrate?: number;
  audio: { status: 'copied' | 'dropped' | 'none'; codec?: string; packets?: number; reason?: string };
  analysis?: VideoAnalysis;
  /** Recipes with redact-regions: every marked object's box in every frame (`<input>.tracks.json`). */
  tracks?: TracksReport;
  /** Recipes with face steps: frames where the detector found a face, and track IDs handed out. */
  faces?: { framesWithDetections: number; framesRedacted: number; tracks: number };
  /** Every VideoFrame the pipeline opened (decoded + made for the encoder) and closed. */
  videoFrames: { opened: number; closed: number; open: number };
  /** Most frames between the decoder and the encoder at once. */
  maxInFlight: number;
  buffers: BufferPoolStats;
  timings: VideoTimings;
  warnings: string[];
}

/** Every VideoFrame the pipeline opens (decoded, and made for the encoder) and closes. */
export interface FrameCount {
  opened: number;
  closed: number;
}

/** A frame back from its (first) worker call, with its output timestamp and duration in µs. */
export interface ProcessedFrame {
  res: FrameResult;
  timestamp: number;
  duration: number;
  /** The decoded frame's colour space, for planar copies: I420 results are in it. */
  color?: VideoColorSpaceInit;
}

export function emptyTimings(): VideoTimings {
  return {
    seconds: 0,
    fps: 0,
    copyMs: 0,
    workerMs: 0,
    stepsMs: {},
    frameMs: 0,
    encodeWaitMs: 0,
    feedWaitMs: 0,
    finishMs: 0,
    demuxMs: 0,
    convertInMs: 0,
    convertOutMs: 0,
    workerIdleMs: 0,
    muxMs: 0,
  };
}

/** Adds a call's per-step milliseconds to the job's sums by op. */
export function addStepTimes(sums: Record<string, number>, steps: readonly { op: string; ms: number }[]): void {
  for (const s of steps) sums[s.op] = (sums[s.op] ?? 0) + s.ms;
}
