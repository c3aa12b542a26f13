/**
 * The per-image work of an engine worker, free of Comlink so it can be exercised directly in
 * Node: read → check → decode → steps → encode, with timings.
 */
import { stepParams } from '../core/catalogue';
import { decodeStage } from '../core/preview-plan';
import { FACE_OPS } from '../core/catalogue/faces';
import { blazePasses, detectOptions, type BlazePass, type FaceParams, type RawFace, type SecondLook } from '../core/faces';
import { blit, createFrame, describe, fromDesc, packed, type Frame, type FrameDesc } from '../core/frame';
import { FORMATS, type OutputOptions } from '../core/formats';
import type { ResolvedStep } from '../core/recipe';
import type { StepReport } from '../core/reports';
import { ringRead, ringWrite, type RowRing } from '../core/strips';
import { coreOffset, type Tile } from '../core/tiles';
import type { FinishedResult, FinishRequest, ImageTimings, ProcessRequest, ProcessResult } from './api';
import { blazeRaw, blazeRescore } from './faces/detect';
import { jpegBand } from './jpeg-bands';
import { loadOpenCV } from './opencv';
import { readableByVips } from './foreign-decode';
import { encodeWithin, type SizeFit } from './target-size';
import { checkInput, decodeImage, decodeInto, decodeThumbnail, type ColourMode, type DecodeOptions } from './codec';
import { blobReader } from './blob-source';
import { checkEnds } from './stream-decode';
import { decodeJpegFast, startJpegDecode, type PendingDecode } from './browser-jpeg';
import type { SourceInfo } from './ops/context';
import { runSteps, type StepTiming } from './run-steps';
import { animates } from '../core/animation';
import { probeAnimation, processAnimation } from './animation';
import type { Vips } from './vips';

async function readBytes(file: Blob): Promise<{ bytes: Uint8Array; ms: number }> {
  const t0 = performance.now();
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { bytes, ms: performance.now() - t0 };
}

/** The decoder's part of a recipe (core/preview-plan.ts decodeStage: the preview plans with the same rule). */
export function planDecode(steps: readonly ResolvedStep[]): { decode: DecodeOptions; rest: ResolvedStep[] } {
  return decodeStage(steps);
}

/** The face steps (detect-faces, redact-faces), from the catalogue. */
const FACE_STEP_NAMES = FACE_OPS.map((o) => o.name);
const FACE_STEPS = new Set<string>(FACE_STEP_NAMES);

/**
 * With `req.splitFaces`: stop before the first BlazeFace step whose frame is large enough to be
 * tiled (more than one pass), so the caller can spread the passes over every worker.
 */
function faceSplitPoint(req: ProcessRequest): ((step: ResolvedStep, i: number, frame: Frame) => boolean) | undefined {
  // Reviewed boxes: nothing to detect, nothing to share out.
  if (!req.splitFaces || req.reviewed) return undefined;
  let seen = false;
  return (step, _i, frame) => {
    if (seen || !FACE_STEPS.has(step.op)) return false;
    seen = true; // only the first face step is split; later ones run here as usual
    return (blazePasses(frame.width, frame.height, detectOptions(stepParams(step, ...FACE_STEP_NAMES)))?.length ?? 0) > 1;
  };
}

/**
 * Starts the JPEG's decode on the browser's own thread as soon as the request arrives, while this
 * worker still finishes the image before (calls run one at a time); processImage takes it, and
 * the caller releases it afterwards in any case (releaseJpegDecode). Undefined when not eligible.
 */
export function startEarlyDecode(req: ProcessRequest): PendingDecode | undefined {
  return req.bytes && req.nativeDecode !== false && planDecode(req.steps).decode.thumbnail === undefined
    ? startJpegDecode(new Uint8Array(req.bytes), req.maxPixels)
    : undefined;
}

/**
 * `early`: the JPEG's browser decode, already started when the request arrived (startEarlyDecode).
 * A multi-page TIFF's result says how many pages it has (`pages`); `req.page` picks another.
 */
export async function processImage(vips: Vips, req: ProcessRequest, early?: PendingDecode): Promise<ProcessResult> {
  const { result, pages } = await processPage(vips, req, early);
  return pages && pages > 1 ? { ...result, pages } : result;
}

async function processPage(vips: Vips, req: ProcessRequest, early?: PendingDecode): Promise<{ result: ProcessResult; pages?: number }> {
  // Steps done while decoding are timed as decode.
  const plan = planDecode(req.steps);
  if (!req.bytes && plan.decode.thumbnail !== undefined && req.file.size > GIANT_FILE_BYTES) return thumbnailGiant(vips, req, plan);
  const page = req.page ?? 0;
  const { bytes: read, ms: readMs } = req.bytes ? { bytes: new Uint8Array(req.bytes), ms: 0 } : await readBytes(req.file);
  checkInput(req.name, read);
  const bytes = await readableByVips(vips, req.name, read);
  const timings: ImageTimings = { idleMs: 0, readMs, decodeMs: 0, steps: [], encodeMs: 0 };
  const t = performance.now();
  // An animated GIF/WebP keeps every frame when its output can animate; otherwise frame 1 goes on
  // as a still, and the result says so (core/animation.ts).
  const animation = probeAnimation(vips, bytes);
  if (animation && req.output.images && animates(req.output.format)) {
    timings.decoder = 'vips';
    timings.decodeMs = performance.now() - t;
    const result = await processAnimation(
      vips,
      bytes,
      animation,
      { name: req.name, steps: req.steps, output: req.output, colour: req.output.colour },
      timings,
    );
    return { result };
  }
  const decodeOpts = { ...plan.decode, maxPixels: req.maxPixels, colour: req.output.colour, page };
  // JPEGs through the browser's native decoder where that gives libjpeg's exact bytes.
  const fast = req.nativeDecode === false || page > 0 ? undefined : await decodeJpegFast(vips, bytes, decodeOpts, early);
  timings.decoder = fast ? 'browser' : 'vips';
  const input = fast ?? decodeImage(vips, bytes, decodeOpts);
  timings.decodeMs = performance.now() - t;
  const pages = input.pages;
  if (!('frame' in input)) return { result: { kind: 'needs-tiles', ...input, timings }, pages };
  // This run's own SourceInfo: auto-orient records on it that the orientation is now 1.
  const source: SourceInfo = { ...input.source };
  // (Shared for variants: the face step runs here, whole, as the variants' own steps may not detect.)
  const pauseBefore = req.share ? undefined : faceSplitPoint(req);
  const {
    frame,
    timings: steps,
    reports,
    pausedAt,
  } = await runSteps(input.frame, plan.rest, source, { pauseBefore, reviewed: req.reviewed });
  timings.steps = steps;
  // The frame the face step would see, in shared memory that every worker can read.
  if (pausedAt !== undefined)
    return { result: shareFrame('faces-split', frame, plan.rest.slice(pausedAt), source, timings, reports), pages };
  if (req.share) return { result: shareFrame('shared', frame, [], source, timings, reports), pages };
  const done = await encodeDone(vips, frame, req.output, source, timings, reports);
  return {
    result: animation && done.kind === 'done' ? { ...done, animation: { frames: animation.frames, animated: false } } : done,
    pages,
  };
}

/** The frame copied into shared memory, with what the rest of its recipe needs: a result other workers finish. */
function shareFrame(
  kind: 'faces-split' | 'shared',
  frame: Frame,
  steps: ResolvedStep[],
  source: SourceInfo,
  timings: ImageTimings,
  reports: StepReport[],
): ProcessResult {
  const shared = createFrame(frame.width, frame.height, frame.channels, new SharedArrayBuffer(frame.width * frame.height * frame.channels));
  blit(frame, 0, 0, frame.width, frame.height, shared, 0, 0);
  const split = { frame: describe(shared), steps, source, reports };
  return { kind, width: frame.width, height: frame.height, channels: frame.channels, timings, split };
}

/** Files above this size that start with a thumbnail are decoded from slices (shrink-on-load), never read whole. */
const GIANT_FILE_BYTES = 32 << 20;

/** A thumbnail-first recipe on a giant file: shrink-on-load from the file's slices, then the rest as usual. */
async function thumbnailGiant(
  vips: Vips,
  req: ProcessRequest,
  plan: ReturnType<typeof planDecode>,
): Promise<{ result: ProcessResult; pages?: number }> {
  const reader = blobReader(req.file);
  checkEnds(req.name, reader);
  const timings: ImageTimings = { idleMs: 0, readMs: 0, decodeMs: 0, steps: [], encodeMs: 0, decoder: 'vips' };
  const t = performance.now();
  const input = decodeThumbnail(vips, reader, plan.decode.thumbnail!, !!plan.decode.autoOrient, req.page);
  timings.decodeMs = performance.now() - t;
  const source: SourceInfo = { ...input.source };
  const { frame, timings: steps, reports } = await runSteps(input.frame, plan.rest, source, { reviewed: req.reviewed });
  timings.steps = steps;
  if (req.share) return { result: shareFrame('shared', frame, [], source, timings, reports), pages: input.pages };
  return { result: await encodeDone(vips, frame, req.output, source, timings, reports), pages: input.pages };
}

/**
 * The end of every per-image task: encode (timed) and the 'done' result with the steps' reports;
 * for a pyramid output, the 'frame' result instead — a packed copy in a buffer of its own, since
 * the result may view this thread's scratch buffers (run-steps.ts), which must not be transferred.
 */
async function encodeDone(
  vips: Vips,
  frame: Frame,
  output: OutputOptions,
  source: SourceInfo,
  timings: ImageTimings,
  reports: StepReport[],
): Promise<FinishedResult> {
  const { width, height, channels } = frame;
  // Reports only (images: false): nothing to encode; the batch writes the reports alone.
  if (!output.images)
    return { kind: 'done', bytes: new Uint8Array(0), width, height, channels, timings, ...(reports.length ? { reports } : {}) };
  if (FORMATS[output.format].pyramid) {
    const own = describe(packed(frame));
    return { kind: 'frame', frame: own, width, height, channels, source, timings, ...(reports.length ? { reports } : {}) };
  }
  const t = performance.now();
  const { bytes, width: w, height: h, fit } = await encodeWithin(vips, frame, output, source);
  timings.encodeMs = performance.now() - t;
  return {
    kind: 'done',
    bytes,
    width: w,
    height: h,
    channels: frame.channels,
    timings,
    ...(reports.length ? { reports } : {}),
    ...(fit ? { fit } : {}),
  };
}

/** Raw BlazeFace detections of some passes over a shared frame (a share of a 'faces-split'). */
export async function detectFacePasses(frame: FrameDesc, params: FaceParams, passes: BlazePass[]): Promise<{ raw: RawFace[]; ms: number }> {
  const t = performance.now();
  const { cv } = await loadOpenCV('face detection');
  const raw = await blazeRaw(cv, fromDesc(frame), detectOptions(params), passes);
  return { raw, ms: performance.now() - t };
}

/** The second looks at a split image's merged candidates (score calibration, core/faces.ts). */
export async function rescoreFaces(frame: FrameDesc, params: FaceParams, cands: RawFace[]): Promise<{ looks: SecondLook[]; ms: number }> {
  const t = performance.now();
  const { cv } = await loadOpenCV('face detection');
  const looks = await blazeRescore(cv, fromDesc(frame), detectOptions(params), cands);
  return { looks, ms: performance.now() - t };
}

/**
 * Resumes a 'faces-split' image with the merged faces, or a 'shared' one with a variant's own
 * steps: the rest of the recipe, then encoding. The shared frame is only read (runSteps never
 * writes its input), so several variants finish the same frame at once.
 */
export async function finishImage(vips: Vips, req: FinishRequest): Promise<FinishedResult> {
  const timings: ImageTimings = { idleMs: 0, readMs: 0, decodeMs: 0, steps: [], encodeMs: 0 };
  const source: SourceInfo = { ...req.split.source };
  const { frame, timings: steps, reports } = await runSteps(fromDesc(req.split.frame), req.split.steps, source, { faces: req.faces });
  timings.steps = steps;
  return encodeDone(vips, frame, req.output, source, timings, [...req.split.reports, ...reports]);
}

/** Also returns the file's metadata, for encodeFrame (tiled recipes never reorient). */
export async function decodeFileInto(
  vips: Vips,
  file: Blob,
  name: string,
  dst: FrameDesc,
  colour: ColourMode = 'srgb',
  page = 0,
): Promise<{ readMs: number; decodeMs: number; source: SourceInfo }> {
  const { bytes: read, ms: readMs } = await readBytes(file);
  checkInput(name, read);
  const t = performance.now();
  const bytes = await readableByVips(vips, name, read);
  const source = decodeInto(vips, bytes, fromDesc(dst), undefined, colour, page);
  return { readMs, decodeMs: performance.now() - t, source };
}

/** Runs the chain on the tile's window of the shared source and writes its core into the shared destination. */
export async function runTile(src: FrameDesc, dst: FrameDesc, tile: Tile, steps: ResolvedStep[]): Promise<{ steps: StepTiming[] }> {
  const s = fromDesc(src);
  const w = tile.window;
  // Copy the window out first: kernels may read their input several times, and a private
  // contiguous copy is faster to scan than a strided view of a giant frame.
  const win = createFrame(w.width, w.height, s.channels, new ArrayBuffer(w.width * w.height * s.channels));
  blit(s, w.x, w.y, w.width, w.height, win, 0, 0);
  const { frame, timings } = await runSteps(win, steps, undefined, { placement: { x: w.x, y: w.y, width: s.width, height: s.height } });
  const off = coreOffset(tile);
  blit(frame, off.x, off.y, tile.core.width, tile.core.height, fromDesc(dst), tile.core.x, tile.core.y);
  return { steps: timings };
}

/** Where a streamed strip's core rows go: into the output ring (for the encoder worker), or encoded here as one band of a band-parallel JPEG. */
export type StripOutput = { ring: RowRing } | { jpeg: { output: OutputOptions; restartInterval: number } };

/**
 * A streamed strip: the chain on the strip's window of the input ring, then its core rows into
 * the output ring or encoded as a JPEG band (core/strips.ts, core/jpeg-bands.ts). Strips are
 * full-width tiles, so the bytes are the untiled run's.
 */
export async function runStrip(
  vips: Vips,
  input: RowRing,
  strip: Tile,
  steps: ResolvedStep[],
  out: StripOutput,
  imageHeight: number,
): Promise<{ steps: StepTiming[]; band?: Uint8Array; encodeMs?: number }> {
  const w = strip.window;
  const win = createFrame(w.width, w.height, input.channels, new ArrayBuffer(w.width * w.height * input.channels));
  ringRead(input, w.y, win.data);
  const { frame, timings } = await runSteps(win, steps, undefined, { placement: { x: 0, y: w.y, width: w.width, height: imageHeight } });
  const off = coreOffset(strip).y;
  const core: Frame = { ...frame, height: strip.core.height, data: frame.data.subarray(off * frame.stride) };
  if ('jpeg' in out) {
    const t = performance.now();
    const band = jpegBand(vips, core, out.jpeg.output, out.jpeg.restartInterval);
    return { steps: timings, band, encodeMs: performance.now() - t };
  }
  if (frame.channels !== out.ring.channels || frame.width !== out.ring.width) {
    throw new Error(`strip result is ${frame.width}×${frame.channels}, the output ring ${out.ring.width}×${out.ring.channels}`);
  }
  const rowBytes = frame.width * frame.channels;
  ringWrite(out.ring, strip.core.y, frame.stride === rowBytes ? core.data.subarray(0, core.height * rowBytes) : packed(core).data);
  return { steps: timings };
}

/** `source` (from decodeFileInto) carries the input's metadata for output.metadata 'keep'. */
export async function encodeFrame(
  vips: Vips,
  src: FrameDesc,
  output: OutputOptions,
  source?: SourceInfo,
): Promise<{ bytes: Uint8Array; encodeMs: number; width: number; height: number; fit?: SizeFit }> {
  const t = performance.now();
  const r = await encodeWithin(vips, fromDesc(src), output, source);
  return { ...r, encodeMs: performance.now() - t };
}

/** The buffers a result hands over (transferred, not copied): encoded bytes, or a pyramid output's own frame. */
export function resultTransferables(r: ProcessResult): ArrayBuffer[] {
  if (r.kind === 'done') return [r.bytes.buffer as ArrayBuffer];
  if (r.kind === 'frame' && r.frame.buffer instanceof ArrayBuffer) return [r.frame.buffer];
  return [];
}
