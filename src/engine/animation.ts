/**
 * Animated GIF and WebP through a recipe, in one worker: the file is opened with all its pages
 * (libvips `n: -1`: one tall image of `page-height` rows a frame, with `delay` and `loop`), each
 * frame is cut out in order (the tall image is read sequentially, so the wasm heap holds one
 * decoded frame at a time), runs the recipe on its own — every op sees one frame — and is kept as
 * a vips image; the kept frames are joined again into a tall image with the input's delays and
 * loop count and saved as an animated GIF (cgif) or WebP (libwebp). Rules (delays, the memory
 * bound, pinning attention crops to frame 1's window) are in core/animation.ts.
 */
import {
  ANIMATION_MAX_PIXELS,
  animates,
  checkAnimationPixels,
  frameDelays,
  loopCount,
  pinSteps,
  type AnimationInfo,
  type PlacedWindow,
} from '../core/animation';
import { TesseraError } from '../core/errors';
import { FORMATS, type OutputOptions } from '../core/formats';
import type { ResolvedStep } from '../core/recipe';
import type { StepReport } from '../core/reports';
import { withScope, type Scope } from '../core/scope';
import { kindFromMagic } from '../core/sniff';
import type { DoneResult, ImageTimings } from './api';
import { decodedSource, frameToImage, imageToFrame, normalise, prepareForSave, save, type ColourMode } from './codec';
import type { SourceInfo } from './ops/context';
import { runSteps } from './run-steps';
import { toRgba } from './rgba';
import type { Frame } from '../core/frame';
import { bestQuality, kb, tunable } from './target-size';
import { vipsError, withFreshErrors, type Vips, type VipsImage } from './vips';

/** libvips' loaders whose pages are an animation's frames (multi-page TIFFs are documents, not animations). */
const ANIMATED_LOADERS = new Set(['gifload_buffer', 'webpload_buffer']);

/**
 * The animation in `bytes` (a GIF or WebP with more than one frame), from its header; undefined
 * for anything else, stills included.
 */
export function probeAnimation(vips: Vips, bytes: Uint8Array): AnimationInfo | undefined {
  const kind = kindFromMagic(bytes.subarray(0, 16));
  if (kind !== 'gif' && kind !== 'webp') return undefined;
  return withScope((scope) => {
    let im: VipsImage;
    try {
      im = scope.track(vips.Image.newFromBuffer(bytes, '', { access: 'sequential' }));
    } catch {
      return undefined; // not readable: the ordinary decode words the error
    }
    const loader = im.getTypeof('vips-loader') ? im.getString('vips-loader') : '';
    const frames = im.getTypeof('n-pages') ? im.getInt('n-pages') : 1;
    if (!ANIMATED_LOADERS.has(loader) || frames < 2) return undefined;
    const delays = im.getTypeof('delay') ? im.getArrayInt('delay') : undefined;
    const loop = im.getTypeof('loop') ? im.getInt('loop') : undefined;
    return { frames, width: im.width, height: im.height, delays: frameDelays(delays, frames), loop: loopCount(loop) };
  });
}

/** What the animated path needs besides the request's steps and output. */
export interface AnimationRequest {
  name: string;
  steps: readonly ResolvedStep[];
  output: OutputOptions;
  colour: ColourMode;
  /** Most pixels held (frames × width × height); default ANIMATION_MAX_PIXELS. */
  maxPixels?: number;
}

/** What the recipe made of frame 1 (every frame has its size), with its SourceInfo and reports. */
interface FirstFrame {
  width: number;
  height: number;
  source: SourceInfo;
  reports: StepReport[];
}

/**
 * Decodes the animation frame by frame, in order, runs the recipe on each (frame 1's attention
 * windows pinned for the rest) and hands each result to `take` at once (it may view this thread's
 * scratch buffers: copy it there). Returns frame 1's facts.
 */
async function eachFrame(
  vips: Vips,
  bytes: Uint8Array,
  info: AnimationInfo,
  req: AnimationRequest,
  timings: ImageTimings,
  take: (out: Frame, index: number) => void,
): Promise<FirstFrame> {
  const limit = req.maxPixels ?? ANIMATION_MAX_PIXELS;
  checkAnimationPixels(info.frames, info.width, info.height, limit);
  return withScope(async (scope) => {
    const t0 = performance.now();
    const opened = scope.track(openFrames(vips, bytes));
    const pageHeight = opened.getTypeof('page-height') ? opened.getInt('page-height') : opened.height / info.frames;
    if (!Number.isInteger(pageHeight) || pageHeight * info.frames !== opened.height)
      throw new TesseraError(
        'decode-failed',
        `cannot decode the animation: its ${info.frames} frames do not tile a ${opened.height}-row image`,
      );
    const source = decodedSource(vips, opened, req.colour);
    const all = scope.track(normalise(opened, req.colour));
    timings.decodeMs += performance.now() - t0;

    const placed: PlacedWindow[] = [];
    let later: ResolvedStep[] = [];
    let first: FirstFrame | undefined;
    for (let i = 0; i < info.frames; i++) {
      const t = performance.now();
      const frame = withScope((s) => {
        try {
          return imageToFrame(s.track(all.extractArea(0, i * pageHeight, all.width, pageHeight)));
        } catch (e) {
          throw vipsError('decode-failed', `cannot decode frame ${i + 1} of ${info.frames}`, e);
        }
      });
      timings.decodeMs += performance.now() - t;
      // Each frame its own SourceInfo: auto-orient and the geometry record on it.
      const own: SourceInfo = { ...source };
      const run = await runSteps(frame, i === 0 ? req.steps : later, own, i === 0 ? { onPlaced: (w) => placed.push(w) } : {});
      for (const st of run.timings) addStep(timings, st.op, st.ms);
      const out = run.frame;
      if (!first) {
        // The output's size is known now: the kept frames must fit the bound too (a resize may enlarge).
        checkAnimationPixels(info.frames, out.width, out.height, limit, 'processed frames');
        first = { width: out.width, height: out.height, source: own, reports: run.reports };
        later = pinSteps(req.steps, placed);
      } else if (out.width !== first.width || out.height !== first.height) {
        throw new TesseraError(
          'bad-input',
          `frame ${i + 1} came out ${out.width}×${out.height}, frame 1 ${first.width}×${first.height}: the frames of an animation must share one size`,
        );
      }
      take(out, i);
    }
    return first!;
  });
}

/** Every frame of the animation through the recipe, encoded as one animated GIF or WebP. */
export async function processAnimation(
  vips: Vips,
  bytes: Uint8Array,
  info: AnimationInfo,
  req: AnimationRequest,
  timings: ImageTimings,
): Promise<DoneResult> {
  if (!animates(req.output.format)) throw new Error(`${FORMATS[req.output.format].label} cannot animate`);
  return withScope(async (scope) => {
    const frames: VipsImage[] = [];
    // Copied into the wasm heap at once: the step's result may view this thread's scratch buffers.
    const done = await eachFrame(vips, bytes, info, req, timings, (out) => frames.push(scope.track(frameToImage(vips, out))));
    const t1 = performance.now();
    const anim = joinFrames(vips, scope, frames, done.height, info.delays, info.loop);
    const encoded = await encodeAnimation(vips, anim, req.output, done.source);
    timings.encodeMs += performance.now() - t1;
    return {
      kind: 'done',
      bytes: encoded.bytes,
      width: done.width,
      height: done.height,
      channels: anim.bands,
      timings,
      animation: { frames: info.frames, animated: true },
      ...(done.reports.length ? { reports: done.reports } : {}),
      ...(encoded.quality !== undefined ? { fit: { quality: encoded.quality, scale: 1, target: req.output.maxBytes! } } : {}),
    };
  });
}

/** Processed frames of one size as RGBA, each in its own buffer (to transfer), with the animation's timing. */
export interface RgbaFrames {
  /** Tightly packed RGBA frames. */
  frames: ArrayBuffer[];
  width: number;
  height: number;
  /** The recipe's result channels (1–4) before RGBA expansion: without alpha (1, 3) the A is dropped when encoded. */
  channels: number;
  delays: number[];
  loop: number;
}

/** An animation's processed frames for a video encoder. */
export interface AnimationFrames extends RgbaFrames {
  timings: ImageTimings;
}

/**
 * The animated GIF/WebP in `bytes` through the recipe, frame by frame, returned as RGBA frames
 * with their delays (an animation written as a video: jobs/video/animation-video.ts); undefined
 * when the file is not an animation.
 */
export async function animationFrames(vips: Vips, bytes: Uint8Array, req: AnimationRequest): Promise<AnimationFrames | undefined> {
  const info = probeAnimation(vips, bytes);
  if (!info) return undefined;
  const timings: ImageTimings = { idleMs: 0, readMs: 0, decodeMs: 0, steps: [], encodeMs: 0, decoder: 'vips' };
  const frames: ArrayBuffer[] = [];
  let channels = 4;
  const done = await eachFrame(vips, bytes, info, req, timings, (out) => {
    channels = out.channels;
    frames.push(toRgba(out).buffer as ArrayBuffer);
  });
  return { frames, width: done.width, height: done.height, channels, delays: info.delays, loop: info.loop, timings };
}

/** The frames (vips images of one size) as one tall image with the animation's fields, tracked in `scope`. */
function joinFrames(vips: Vips, scope: Scope, frames: VipsImage[], pageHeight: number, delays: number[], loop: number): VipsImage {
  const joined = scope.track(vips.Image.arrayjoin(frames, { across: 1 }));
  // A private copy to carry the fields; the frames stay in its pipeline until it is saved.
  const anim = scope.track(joined.copy({ interpretation: joined.bands >= 3 ? 'srgb' : 'b-w' }));
  anim.setInt('page-height', pageHeight);
  anim.setArrayInt('delay', delays);
  anim.setInt('loop', loop);
  return anim;
}

/** Frames made elsewhere (a video's, processed on the pool), encoded as one animation. */
export interface FramesRequest extends RgbaFrames {
  output: OutputOptions;
}

/** Encodes frames already processed (a video's) as an animated GIF or WebP. */
export async function encodeFrames(vips: Vips, req: FramesRequest): Promise<{ bytes: Uint8Array; encodeMs: number; quality?: number }> {
  const t0 = performance.now();
  checkAnimationPixels(req.frames.length, req.width, req.height);
  if (!animates(req.output.format)) throw new Error(`${FORMATS[req.output.format].label} cannot animate`);
  if (req.delays.length !== req.frames.length) throw new Error(`${req.frames.length} frames but ${req.delays.length} delays`);
  const alpha = req.channels === 2 || req.channels === 4;
  return withScope(async (scope) => {
    const frames = req.frames.map((buf, i) => {
      if (buf.byteLength < req.width * req.height * 4)
        throw new Error(`frame ${i + 1} holds ${buf.byteLength} bytes, not ${req.width}×${req.height} RGBA`);
      const rgba = scope.track(
        vips.Image.newFromMemory(new Uint8Array(buf, 0, req.width * req.height * 4), req.width, req.height, 4, vips.BandFormat.uchar),
      );
      return alpha ? rgba : scope.track(rgba.extractBand(0, { n: 3 }));
    });
    const anim = joinFrames(vips, scope, frames, req.height, req.delays, req.loop);
    const r = await encodeAnimation(vips, anim, req.output, { orientation: 1 });
    return { ...r, encodeMs: performance.now() - t0 };
  });
}

function addStep(timings: ImageTimings, op: string, ms: number): void {
  const st = timings.steps.find((s) => s.op === op);
  if (st) st.ms += ms;
  else timings.steps.push({ op, ms });
}

function openFrames(vips: Vips, bytes: Uint8Array): VipsImage {
  try {
    return vips.Image.newFromBuffer(bytes, 'n=-1', { access: 'sequential', fail_on: 'error' });
  } catch (e) {
    throw vipsError('decode-failed', 'cannot decode the animation', e);
  }
}

/**
 * The tall image saved as an animation with every output option that applies, meeting `maxBytes`
 * by quality (WebP) when it is set. Shrinking to fit is not done for animations: resize in the
 * recipe instead (the message says so).
 */
async function encodeAnimation(
  vips: Vips,
  anim: VipsImage,
  o: OutputOptions,
  source: SourceInfo,
): Promise<{ bytes: Uint8Array; quality?: number }> {
  const at = (quality: number) =>
    withFreshErrors(vips, () =>
      withScope((s) => {
        try {
          // prepareForSave makes its own copy for the metadata, so each attempt starts clean.
          const { im, keep } = prepareForSave(vips, s, anim, { ...o, quality }, source);
          return save(im, { ...o, quality }, keep) as Uint8Array;
        } catch (e) {
          if (e instanceof TesseraError) throw e;
          throw vipsError('encode-failed', `cannot encode the animated ${o.format.toUpperCase()}`, e);
        }
      }),
    );
  const target = o.maxBytes;
  if (target === undefined) return { bytes: at(o.quality) };
  const best = await bestQuality(at, o, target);
  if (best.fits) return { bytes: best.bytes, ...(best.quality !== undefined ? { quality: best.quality } : {}) };
  const what = tunable(o) ? `at quality 1 it is ${kb(best.bytes.length)}` : `it is ${kb(best.bytes.length)}`;
  throw new TesseraError(
    'too-large',
    `cannot be made ${kb(target)} or smaller: ${what}; an animation is not shrunk to fit — add a Resize step, or keep fewer frames`,
  );
}
