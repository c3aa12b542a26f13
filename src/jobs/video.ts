/**
 * The video job: demux (mediabunny) → VideoDecoder → VideoFrame.copyTo into pooled
 * SharedArrayBuffers → the worker pool (processFrame, several frames at once) → a reorder window →
 * VideoEncoder → mux (mediabunny, MP4 or WebM), with the audio track copied packet for packet.
 * runVideo composes the parts in src/jobs/video/:
 *
 * - demux.ts           packets in range → VideoDecoder, fed only while there is room downstream
 * - dispatch.ts        each frame's pixels copied once into shared memory, run in a worker
 * - reorder-window.ts  frames back in order, and the bound on frames in flight
 * - tracking.ts        face steps: the recipe split at redact-faces, tracking in frame order
 * - encode-mux.ts      VideoEncoder (configured by the first frame) → muxer → sink or memory
 * - audio.ts           audio packets copied into the output (or dropped, with a reason)
 * - flow.ts, range.ts, progress.ts, encoder-config.ts, types.ts
 *
 * Pixels cross the main thread once each way, converted only in the workers: 4:2:0 frames (I420,
 * NV12: what decoders give) are copied in their own layout (a plain copy, 1.5 bytes per pixel);
 * the worker takes luma straight from them for gray recipes, or R, G, B otherwise; even-sized
 * gray or RGB results come back as I420 in the stream's matrix and range and become the encoder's
 * VideoFrame without another copy (`transfer`). Face recipes and other decoder formats go through
 * RGBA (copyTo converts), as do results the encoder cannot take as I420.
 *
 * Backpressure end to end, so memory stays flat however long the video is:
 * - the demuxer feeds the decoder only while its decodeQueueSize is small AND fewer than
 *   `maxInFlight` frames are between the decoder's output and the encoder's input (copying,
 *   waiting for or inside a worker, or waiting in the reorder window);
 * - the encoder is fed only while its encodeQueueSize is small ('dequeue' event);
 * - the muxer's add() promises are chained and awaited before more frames are encoded.
 * Every decoded VideoFrame is closed in a finally right after its pixels are copied; every frame
 * made for the encoder is closed right after encode(); both are counted in the result.
 *
 * The output streams into the sink when it can take positioned writes (a folder), else is built in
 * memory (BufferTarget) and written to the sink only when complete; either way a
 * cancelled or failed video leaves no file behind.
 */
import { TesseraError, cancelled, isAbort, toError } from '../core/errors';
import { VIDEO_CONTAINERS } from '../core/video-options';
import { FrameSampler } from '../core/animation';
import { FORMATS, validateOutput } from '../core/formats';
import type { Box } from '../core/regions';
import { AnimationOut } from './video/animation-out';
import type { FrameResult } from '../engine/api';
import { openVideo, type OpenedVideo } from '../io/media';
import { AudioPass } from './video/audio';
import { Demux } from './video/demux';
import { FrameDispatch, copiesPlanes } from './video/dispatch';
import { EncodeMux } from './video/encode-mux';
import { Flow } from './video/flow';
import { progressReporter } from './video/progress';
import { frameRange, type FrameRange } from './video/range';
import { ReorderWindow } from './video/reorder-window';
import { FrameTracking, faceRecipe, type FaceRecipe, type TrackedFrame } from './video/tracking';
import { hasRegions, regionSteps, trackRegions, type RegionTracks } from './video/region-tracks';
import {
  addStepTimes,
  emptyTimings,
  type FrameAnalysis,
  type FrameCount,
  type FrameDetection,
  type ProcessedFrame,
  type VideoJobOptions,
  type VideoJobResult,
  type VideoMode,
  type VideoTimings,
} from './video/types';

export type {
  FrameAnalysis,
  FrameDetection,
  VideoAnalysis,
  VideoJobOptions,
  VideoJobResult,
  VideoMode,
  VideoProgress,
  VideoTimings,
} from './video/types';

export async function runVideo(o: VideoJobOptions): Promise<VideoJobResult> {
  const t0 = performance.now();
  const mode = o.mode ?? 'transcode';
  if (o.signal?.aborted) throw cancelled();
  const v = await openVideo(o.file, o.name);
  // Started workers know where wasm-vips' side modules are (a recipe step may need vips).
  if (mode !== 'decode')
    await o.pool
      .broadcast((api) => api.start())
      .catch((e) => {
        v.input.dispose();
        throw e;
      });
  const flow = new Flow();
  const onAbort = () => flow.fail(cancelled());
  o.signal?.addEventListener('abort', onAbort);
  const anim = mode === 'transcode' && o.options.animation !== 'off' ? o.options.animation : undefined;
  const range = frameRange(o.options, v);
  // Animated GIF/WebP: frames taken at the chosen fps, so that many are expected.
  if (anim) range.totalFrames = Math.max(1, Math.min(range.totalFrames, sampledCount(range, v.duration, o.options.fps)));
  const job: Job = {
    o,
    v,
    mode,
    t0,
    flow,
    range,
    timings: emptyTimings(),
    frames: { opened: 0, closed: 0 },
    faces: faceRecipe(o.steps, mode),
    analysis: o.options.analysis ? [] : undefined,
    progress: progressReporter(o.name, range.totalFrames, t0, o.onProgress),
  };
  const s = stages(job);
  try {
    // Marked regions are followed through the whole range first (it reads the range once more).
    if (mode !== 'decode' && hasRegions(o.steps)) {
      const sampler = anim ? new FrameSampler(o.options.fps) : undefined;
      job.regions = await trackRegions({
        video: v,
        range,
        start: o.options.start,
        steps: o.steps,
        frames: job.frames,
        signal: o.signal,
        ...(sampler ? { keep: (ts: number) => sampler.take(ts) } : {}),
      });
      if (job.regions) {
        job.timings.regionsReadMs = job.regions.readMs;
        job.timings.regionsTrackMs = job.regions.trackMs;
      }
    }
    if (s.out) {
      const { output, format } = await s.out.open();
      await s.audio.attach(output, format);
      await output.start();
    }
    await s.demux.run();
    await s.dispatch.drained();
    await s.reorder.settled();
    if (flow.failure) throw toError(flow.failure);
    if (s.demux.accepted === 0)
      throw new TesseraError(
        'bad-input',
        `no frames between ${o.options.start} s and ${o.options.end ?? v.duration} s (the video lasts ${v.duration.toFixed(2)} s)`,
      );
    const f0 = performance.now();
    const bytes = s.anim ? await s.anim.finish() : s.out ? await s.out.finish() : undefined;
    job.timings.finishMs = performance.now() - f0;
    return result(job, s, bytes);
  } catch (e) {
    if (isAbort(e) || o.signal?.aborted) throw cancelled();
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    flow.fail(cancelled()); // stops any stage still running (no-op after a failure)
    s.demux.close();
    s.out?.closeEncoder();
    await Promise.allSettled([s.dispatch.settle(), s.reorder.settled()]);
    await s.out?.discard();
    await s.audio.close();
    v.input.dispose();
  }
}

/** Frames an animation at `fps` takes from the range: one per tick from its start to its end. */
function sampledCount(range: FrameRange, duration: number, fps: number): number {
  const end = Math.min(range.endUs, duration * 1e6);
  return Math.ceil(((end - range.startUs) / 1e6) * fps - 1e-6);
}

/** What every stage of one run reads or adds to. */
interface Job {
  o: VideoJobOptions;
  v: OpenedVideo;
  mode: VideoMode;
  t0: number;
  /** The first failure, and the wake-ups between the stages. */
  flow: Flow;
  range: FrameRange;
  timings: VideoTimings;
  frames: FrameCount;
  faces: FaceRecipe;
  analysis?: FrameAnalysis[];
  progress: (finished: number, force?: boolean) => void;
  /** With redact-regions steps: each frame's tracked boxes (set before the frames are processed). */
  regions?: RegionTracks;
}

/**
 * The stages, upstream to downstream in the order frames meet them: each one's output is the
 * next one's input (demux → dispatch → reorder → tracking → encode-mux, with the audio
 * interleaved by the muxer).
 */
function stages(j: Job) {
  const { o, v, mode, flow, timings, frames, faces, analysis } = j;
  const anim =
    mode === 'transcode' && o.options.animation !== 'off'
      ? new AnimationOut({
          name: o.name,
          fps: o.options.fps,
          output: o.animationOutput ?? validateOutput({ format: o.options.animation }),
          pool: o.pool,
          signal: o.signal,
          priority: o.priority,
        })
      : undefined;
  const sampler = anim ? new FrameSampler(o.options.fps) : undefined;
  /** Frames handed on (with a sampler, fewer than the demuxer accepted): numbered 0, 1, 2… for the reorder window. */
  let kept = 0;
  const dispatch = new FrameDispatch({
    pool: o.pool,
    buffers: o.buffers,
    name: o.name,
    priority: o.priority,
    signal: o.signal,
    mode,
    steps: faces.firstSteps,
    redact: faces.redact,
    analysis: !!analysis,
    ...(regionSteps(o.steps).length ? { regions: (index: number) => regionBoxes(j, index) } : {}),
    flow,
    timings,
    frames,
    // An animation is encoded from RGBA results.
    planes: (format) =>
      !anim && copiesPlanes(format, { mode, tracks: faces.tracks, pixels: o.pixels, grayFirst: faces.firstSteps[0]?.op === 'grayscale' }),
  });
  const tracking = faces.tracks
    ? new FrameTracking(
        faces,
        o.tracker,
        (first, boxes, index) => dispatch.redact(first, boxes, index),
        // Faces kept visible, followed before the frames ran (the pass is done by then).
        (index) => j.regions?.keep[index] ?? [],
      )
    : undefined;
  const audio = new AudioPass(v.audio, j.range, o.options.audio, VIDEO_CONTAINERS[o.options.container].label);
  const out =
    mode === 'transcode' && !anim
      ? new EncodeMux({
          video: v,
          options: o.options,
          stream: o.stream,
          flow,
          timings,
          frames,
          audioUntil: (sec) => audio.pump(sec, demux.offsetUs),
        })
      : undefined;
  const reorder = new ReorderWindow<ProcessedFrame, TrackedFrame>({
    capacity: Math.max(2, o.maxInFlight ?? o.pool.size * 2 + 2),
    flow,
    order: (item, index) => (tracking ? tracking.track(item.res, index) : { res: item.res, detections: [] }),
    emit: async ({ res, detections }, item, index) => {
      analysis?.push(frameAnalysis(res, item, index, detections));
      if (anim) anim.add(res, item.timestamp);
      else await out?.encode(res, item, index);
    },
    onEmitted: (n) => j.progress(n),
  });
  const demux = new Demux({
    video: v,
    range: j.range,
    start: o.options.start,
    flow,
    timings,
    frames,
    full: () => reorder.full,
    onFrame: (frame, _accepted, timestampUs) => {
      if (sampler && !sampler.take(timestampUs)) {
        // Between two ticks of the animation's rate: not needed.
        frame.close();
        frames.closed++;
        return;
      }
      const index = kept++;
      reorder.enter();
      dispatch.add(index, frame, timestampUs, (item) => reorder.complete(index, item));
    },
  });
  return { demux, dispatch, reorder, tracking, out, audio, anim };
}

function result(j: Job, s: ReturnType<typeof stages>, bytes: Uint8Array | undefined): VideoJobResult {
  const { o, v, mode, timings, frames, analysis } = j;
  const { out, reorder, tracking, audio, anim } = s;
  const container = anim ? FORMATS[o.options.animation as 'gif' | 'webp'] : VIDEO_CONTAINERS[o.options.container];
  timings.seconds = (performance.now() - j.t0) / 1000;
  timings.fps = timings.seconds > 0 ? reorder.emitted / timings.seconds : 0;
  j.progress(reorder.emitted, true);
  return {
    bytes,
    extension: container.extension,
    mime: container.mime,
    container: anim ? o.options.animation : o.options.container,
    inputCodec: v.codec,
    inputCodecString: v.codecString,
    codec: anim ? o.options.animation : o.options.codec,
    codecString: out?.codecString,
    frames: reorder.emitted,
    inputWidth: v.width,
    inputHeight: v.height,
    width: anim ? anim.width : out ? out.width : (analysis?.[0]?.width ?? v.width),
    height: anim ? anim.height : out ? out.height : (analysis?.[0]?.height ?? v.height),
    cropped: out?.cropped ?? false,
    inputDuration: v.duration,
    frameRate: v.frameRate,
    constantFrameRate: v.constantFrameRate,
    bitrate: out?.bitrate,
    audio: out
      ? audio.finish()
      : {
          status: v.audio ? 'dropped' : 'none',
          reason: v.audio ? (anim ? `an animated ${container.label} has no sound` : `${mode} mode writes no file`) : undefined,
        },
    analysis: analysis && { source: o.name, frames: analysis },
    ...(j.regions ? { tracks: j.regions.report } : {}),
    faces: tracking && {
      framesWithDetections: tracking.framesWithDetections,
      framesRedacted: tracking.framesRedacted,
      tracks: tracking.tracks,
    },
    videoFrames: { opened: frames.opened, closed: frames.closed, open: frames.opened - frames.closed },
    maxInFlight: reorder.maxSeen,
    buffers: o.buffers.stats(),
    timings,
    warnings: [...audio.warnings, ...(out?.warnings ?? [])],
  };
}

/** Frame `index`'s boxes for each redact-regions step, split between the face recipe's two calls. */
function regionBoxes(j: Job, index: number): { first: Box[][]; rest: Box[][] } {
  const all = j.regions?.boxes[index];
  if (!all)
    throw new TesseraError(
      'decode-failed',
      `frame ${index} was not seen when the regions were tracked (${j.regions?.frames ?? 0} frames then): the video decodes differently on a second read`,
    );
  const k = regionSteps(j.faces.firstSteps).length;
  return { first: all.slice(0, k), rest: all.slice(k) };
}

/** One frame's line in the analysis export. */
function frameAnalysis(r: FrameResult, item: ProcessedFrame, index: number, detections: FrameDetection[]): FrameAnalysis {
  const steps: Record<string, number> = {};
  addStepTimes(steps, r.steps);
  return {
    frameIndex: index,
    timestamp: item.timestamp / 1e6,
    duration: item.duration / 1e6,
    width: r.width,
    height: r.height,
    means: r.means,
    steps,
    detections,
  };
}
