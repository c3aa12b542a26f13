/**
 * The contract between the main thread and an engine worker. Each worker exposes two APIs over one
 * Comlink endpoint (see EngineWorker): the production EngineApi, which jobs call through
 * `pool.run`, and the bench/test BenchApi (bench-api.ts), reached only through `pool.bench()`.
 */
import type { SizeFit } from './target-size';
import type { ProxyMarked } from 'comlink';
import type { BlazePass, Face, FaceParams, RawFace, SecondLook } from '../core/faces';
import type { ReviewedFaces } from '../core/reviewed-faces';
import type { FrameDesc } from '../core/frame';
import type { OutputOptions } from '../core/formats';
import type { ResolvedStep } from '../core/recipe';
import type { StepReport } from '../core/reports';
import type { RowRing } from '../core/strips';
import type { Tile } from '../core/tiles';
import type { BenchApi } from './bench-api';
import type { SourceInfo } from './ops/context';
import type { StreamCodecApi } from './stream-task';
import type { StripOutput } from './image-task';
import type { StepTiming } from './run-steps';
import type { AnimationFrames, FramesRequest } from './animation';

export type { StepTiming };

export interface EngineInfo {
  /** Time this worker spent starting wasm-vips (0 if it was already running). */
  startMs: number;
  vipsVersion: string;
  crossOriginIsolated: boolean;
}

export interface ImageTimings {
  /**
   * Time this worker sat idle before the request arrived, since it finished its previous one:
   * the messaging cost that throughput actually pays (pipelining hides the rest).
   */
  idleMs: number;
  readMs: number;
  decodeMs: number;
  /** Which decoder produced the pixels: the browser's (exact JPEG path) or wasm-vips. */
  decoder?: 'browser' | 'vips';
  steps: StepTiming[];
  encodeMs: number;
}

/**
 * `pages`: set (above 1) when the input is a multi-page TIFF — how many pages it has, so the
 * batch can send the others (output pages 'all') as requests of their own (ProcessRequest.page).
 */
export type ProcessResult =
  /** `reports`: what steps reported besides pixels (ctx.report), e.g. detect-faces' boxes. */
  (
    | {
        kind: 'done';
        bytes: Uint8Array;
        width: number;
        height: number;
        channels: number;
        timings: ImageTimings;
        reports?: StepReport[];
        /** Set when output.maxBytes was met: the quality written and any shrink. */
        fit?: SizeFit;
        /** Set for an animated input: its frame count, and whether every frame was written (GIF/WebP) or only the first. */
        animation?: AnimationSummary;
      }
    /**
     * The output is a tile pyramid (FormatInfo.pyramid): the result's raw pixels instead of encoded
     * bytes, tightly packed in a buffer of its own (transferred), with what the decoder and steps
     * recorded; the caller writes the pyramid from it (jobs/dzi-writer.ts).
     */
    | {
        kind: 'frame';
        frame: FrameDesc;
        width: number;
        height: number;
        channels: number;
        source: SourceInfo;
        timings: ImageTimings;
        reports?: StepReport[];
      }
    /** Too many pixels for one task: the caller decodes into shared memory and tiles it. */
    | { kind: 'needs-tiles'; width: number; height: number; channels: number; timings: ImageTimings }
    /**
     * (`splitFaces`) Stopped before a face step on a frame large enough to tile: the caller detects
     * its passes on every worker (detectFacePasses), merges them, and resumes with finishImage.
     */
    | { kind: 'faces-split'; width: number; height: number; channels: number; timings: ImageTimings; split: FaceSplit }
    /**
     * (`share`) The recipe's steps done, the frame not encoded but handed back in shared memory
     * (`split.steps` is empty): a recipe's variants each finish it with their own steps and output
     * (finishImage), on any worker. The input is decoded once however many variants it has.
     */
    | { kind: 'shared'; width: number; height: number; channels: number; timings: ImageTimings; split: FaceSplit }
  ) & { pages?: number };

/** What became of an animated input's frames. */
export interface AnimationSummary {
  frames: number;
  /** true: written as an animation (every frame); false: the output format cannot animate, only frame 1 was written. */
  animated: boolean;
}

export type DoneResult = Extract<ProcessResult, { kind: 'done' }>;
export type FrameDoneResult = Extract<ProcessResult, { kind: 'frame' }>;
/** The end of an image's recipe: encoded bytes, or the raw frame of a pyramid output. */
export type FinishedResult = DoneResult | FrameDoneResult;

/** A batch of encoded tiles (encodeTiles): every tile's bytes one after another in one buffer (transferred). */
export interface EncodedTiles {
  bytes: Uint8Array;
  /** Each tile's byte length, in the order asked. */
  lengths: number[];
  encodeMs: number;
}

/** A recipe paused before a face step; `frame` is in shared memory (made by the worker). */
export interface FaceSplit {
  frame: FrameDesc;
  /** The face step and everything after it. */
  steps: ResolvedStep[];
  /** Orientation, metadata and geometry so far. */
  source: SourceInfo;
  /** Reports of the steps already run. */
  reports: StepReport[];
}

export interface FinishRequest {
  split: FaceSplit;
  /** The merged faces, in the split frame's pixels: the face step uses them instead of detecting. Absent (a variant's own steps): detected as usual. */
  faces?: Face[];
  output: OutputOptions;
}

export interface ProcessRequest {
  file: Blob;
  /**
   * The file's bytes when the caller read them ahead (transferred, not copied): the worker then
   * starts computing at once instead of idling on I/O.
   */
  bytes?: ArrayBuffer;
  /** For messages only. */
  name: string;
  steps: ResolvedStep[];
  output: OutputOptions;
  /** The page of a multi-page TIFF (0-based; default the first). */
  page?: number;
  /** Images with more pixels than this are handed back for tiling. */
  maxPixels: number;
  /**
   * Stop before the first BlazeFace step when its frame is large enough for tiles, returning a
   * 'faces-split' (the caller has other workers to share the passes with).
   */
  /**
   * A person's reviewed boxes for this photo (its `<input>.faces.json`, core/reviewed-faces.ts):
   * the first face step hides exactly these and detects nothing.
   */
  reviewed?: { faces: ReviewedFaces; file: string };
  splitFaces?: boolean;
  /** Return the frame after the steps in shared memory instead of encoding it (a 'shared' result, for variants). */
  share?: boolean;
  /**
   * Decode JPEGs through the browser's native decoder where that gives libjpeg's exact pixels
   * (engine/browser-jpeg.ts). Default true; false forces wasm-vips (tests and benchmarks).
   */
  nativeDecode?: boolean;
}

import type { PreviewRequest, PreviewResult } from './preview';
import type { GiantInfo, GiantPreviewRequest } from './giant/view';
import type { ImageProbe } from './giant/probe';
import type { CacheRequest, CacheResult, OverviewRequest } from './giant/task';
import type { OverviewResult } from './giant/overview';
export type {
  PreviewRequest,
  PreviewResult,
  GiantInfo,
  GiantPreviewRequest,
  ImageProbe,
  CacheRequest,
  CacheResult,
  OverviewRequest,
  OverviewResult,
};

export interface FrameOptions {
  /** The alpha is meaningless (video, camera): drop it first, so gray recipes work on one plane. */
  opaque?: boolean;
  /** Compute per-channel means of the result (analysis exports); off saves a pass per frame. */
  measure?: boolean;
  /**
   * Redact these boxes ([x, y, w, h] in the input's pixels) BEFORE the steps, with redact-faces'
   * params (effect, strength, blocks, color, margin). Video uses it for tracked faces: detection
   * runs in a first call, tracking in frame order on the main thread, redaction in a second call
   * (src/jobs/video.ts). `channels: 1`: the RGBA input is an expanded gray frame — take one plane.
   */
  redact?: { boxes: [number, number, number, number][]; params: Record<string, unknown>; channels?: number };
  /**
   * The boxes each redact-regions step of `steps` hides in this frame ([x, y, w, h] in the
   * input's pixels, one list per such step in order): the video job's tracks (jobs/video/region-tracks.ts).
   */
  regions?: [number, number, number, number][][];
  /**
   * The source is a decoder's own 8-bit 4:2:0 frame, not RGBA: `src` describes its Y plane
   * (channels 1) inside a buffer that `VideoFrame.copyTo` filled with `layout` (Y, U, V for I420;
   * Y, UV for NV12). The worker converts it (src/engine/frame-task.ts, yuv.ts).
   */
  yuv?: YuvInput;
  /**
   * 'i420': return an even-sized gray or RGB result as I420 (`FrameResult.i420`) in the source's
   * matrix and range, for `new VideoFrame(buffer, { format: 'I420', transfer })`. Default 'rgba'.
   */
  output?: 'rgba' | 'i420';
}

export interface YuvInput {
  format: 'I420' | 'NV12';
  layout: { offset: number; stride: number }[];
  /** VideoColorSpace.matrix ('bt709', 'smpte170m', 'bt470bg', 'bt2020-ncl'); unknown → BT.601. */
  matrix: string | null;
  fullRange: boolean;
}

/**
 * One video/camera frame through a recipe: RGBA or the decoder's YUV planes in (shared memory),
 * RGBA or I420 out (transferred).
 */
export interface FrameResult {
  width: number;
  height: number;
  /** Tightly packed RGBA, width × height × 4 bytes; transferred, not copied. Empty when `i420` is set. */
  rgba: ArrayBuffer;
  /** With `output: 'i420'` (even sizes, 1 or 3 channels): tightly packed I420, Y then U then V. */
  i420?: ArrayBuffer;
  /** Worker ms converting the input (alpha dropped, or YUV → luma / RGB) and the result (→ RGBA / I420). */
  inMs?: number;
  outMs?: number;
  /** Ms the worker sat idle before this call (nothing queued): the pipeline did not keep it busy. */
  idleMs?: number;
  /**
   * How the frame went: RGBA in (interleaved, or split into three planes for a plane-wise
   * recipe); YUV → luma (recipes starting with grayscale); YUV → three planes; YUV → RGB.
   */
  path?: 'rgba' | 'rgba-planes' | 'yuv-gray' | 'yuv-planes' | 'yuv-rgb';
  steps: StepTiming[];
  /** Mean of each colour channel of the result (with `measure`; else empty). */
  means: number[];
  /** Channels of the recipe's result before RGBA expansion (1 gray … 4 RGBA). */
  channels: number;
  /** What steps reported besides pixels (ctx.report), e.g. detect-faces' 'faces'. */
  reports?: StepReport[];
}

export interface EngineApi extends StreamCodecApi {
  /** Starts wasm-vips; `heif` also starts the instance with the HEIF side module (AVIF output). */
  start(opts?: { heif?: boolean }): Promise<EngineInfo>;
  /** Keeps an image file recipe steps refer to by name (a logo): shared memory, by reference (pool/assets.ts). */
  putAsset(name: string, bytes: Uint8Array): void;
  processImage(req: ProcessRequest): Promise<ProcessResult>;
  /** Also returns the file's orientation and metadata blobs: pass them to encodeFrame. */
  decodeInto(
    file: Blob,
    name: string,
    dst: FrameDesc,
    colour?: 'srgb' | 'keep',
    /** The page of a multi-page TIFF (0-based). */
    page?: number,
  ): Promise<{ readMs: number; decodeMs: number; source?: SourceInfo }>;
  runTile(src: FrameDesc, dst: FrameDesc, tile: Tile, steps: ResolvedStep[]): Promise<{ steps: StepTiming[] }>;
  /** A streamed giant image's strip: input ring window → chain → its core rows into the output ring, or a JPEG band (transferred). */
  runStrip(
    input: RowRing,
    strip: Tile,
    steps: ResolvedStep[],
    out: StripOutput,
    /** The whole image's height (positional steps place themselves in it). */
    imageHeight: number,
  ): Promise<{ steps: StepTiming[]; band?: Uint8Array; encodeMs?: number }>;
  /** The headers (to SOS) of a band-parallel JPEG of this size (core/jpeg-bands.ts). */
  jpegHeader(
    width: number,
    height: number,
    bands: number,
    output: OutputOptions,
    source: SourceInfo | undefined,
    restartInterval: number,
  ): Promise<Uint8Array>;
  /** `source` (from decodeInto) lets output.metadata 'keep' copy EXIF/ICC/XMP. */
  encodeFrame(
    src: FrameDesc,
    output: OutputOptions,
    source?: SourceInfo,
  ): Promise<{ bytes: Uint8Array; encodeMs: number; width: number; height: number; fit?: SizeFit }>;
  /** Raw BlazeFace detections of the given passes (rectangles) over a shared frame, and the time taken. */
  detectFacePasses(frame: FrameDesc, params: FaceParams, passes: BlazePass[]): Promise<{ raw: RawFace[]; ms: number }>;
  /** The second looks at a split image's merged face candidates: its look and face flag per candidate (core/faces.ts). */
  rescoreFaces(frame: FrameDesc, params: FaceParams, cands: RawFace[]): Promise<{ looks: SecondLook[]; ms: number }>;
  /** Resumes a 'faces-split' image with the merged faces, or a 'shared' one with a variant's steps, and encodes it (a pyramid output: returns its frame). */
  finishImage(req: FinishRequest): Promise<FinishedResult>;
  /**
   * Encodes many small frames (a DZI pyramid's tiles, views of one SharedArrayBuffer) with the
   * same options in one call, so messaging does not dominate tiles of a few milliseconds each.
   */
  encodeTiles(tiles: FrameDesc[], output: OutputOptions): Promise<EncodedTiles>;
  /**
   * An animated GIF/WebP through the recipe frame by frame, as RGBA frames (transferred) with their
   * delays, for a video encoder; undefined when the file is a still (engine/animation.ts).
   */
  animationFrames(req: ProcessRequest): Promise<AnimationFrames | undefined>;
  /** A video's processed frames (RGBA, transferred) encoded as one animated GIF or WebP (engine/animation.ts). */
  encodeAnimation(req: FramesRequest): Promise<{ bytes: Uint8Array; encodeMs: number; quality?: number }>;
  /** Runs a recipe on one RGBA frame (video, camera); see FrameOptions. */
  processFrame(src: FrameDesc, steps: ResolvedStep[], opts?: FrameOptions): Promise<FrameResult>;
  /** Live preview of the region on screen (see preview.ts); the decoded source is cached. */
  preview(req: PreviewRequest): Promise<PreviewResult>;
  /**
   * What the preview needs to know of a file, from its header (read through a seekable source,
   * never whole): size, channels, format, whether a TIFF's regions can be read directly.
   */
  probePreview(file: Blob): Promise<ImageProbe>;
  /**
   * Decodes a giant image's overview into `req.overview` (shared), rows done in `req.control`.
   * Other calls to this worker run between its strips.
   */
  giantOverview(req: OverviewRequest): Promise<OverviewResult>;
  /**
   * Streams a giant image into its full-resolution cache in OPFS, rows done in `req.control`
   * (whose cancel slot stops it). Other calls to this worker run between its strips.
   */
  buildGiantCache(req: CacheRequest): Promise<CacheResult>;
  /** A giant image's fit view or a region of it (engine/giant/view.ts). */
  giantPreview(req: GiantPreviewRequest): Promise<PreviewResult>;
  /** Closes this worker's handle on a giant image's cache file, so it can be deleted. */
  releaseGiant(name: string): Promise<void>;
}

/**
 * What an engine worker exposes on its Comlink endpoint: the two APIs side by side, each marked
 * as a proxy so `wrap<EngineWorker>(worker).engine` is a remote of EngineApi alone (its calls
 * reach `engine.*` in the worker, never `bench.*`).
 */
export interface EngineWorker {
  engine: EngineApi & ProxyMarked;
  bench: BenchApi & ProxyMarked;
}
