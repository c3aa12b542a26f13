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
import { TesseraError, cancelled, isAbort } from '../core/errors';
import { VIDEO_CONTAINERS } from '../core/video-options';
import type { FrameResult } from '../engine/api';
import { openVideo } from '../io/media';
import { AudioPass } from './video/audio';
import { Demux } from './video/demux';
import { FrameDispatch, copiesPlanes } from './video/dispatch';
import { EncodeMux } from './video/encode-mux';
import { Flow } from './video/flow';
import { progressReporter } from './video/progress';
import { frameRange } from './video/range';
import { ReorderWindow } from './video/reorder-window';
import { FrameTracking, faceRecipe, type TrackedFrame } from './video/tracking';
import {
  addStepTimes, emptyTimings,
  type FrameAnalysis, type FrameCount, type FrameDetection, type ProcessedFrame, type VideoJobOptions, type VideoJobResult,
} from './video/types';

export type {
  FrameAnalysis, FrameDetection, VideoAnalysis, VideoJobOptions, VideoJobResult, VideoMode, VideoProgress, VideoTimings,
} from './video/types';

export async function runVideo(o: VideoJobOptions): Promise<VideoJobResult> {
  const t0 = performance.now();
  const mode = o.mode ?? 'transcode';
  const opt = o.options;
  const signal = o.signal;
  if (signal?.aborted) throw cancelled();
  const v = await openVideo(o.file, o.name);
  // Started workers know where wasm-vips' side modules are (a recipe step may need vips).
  if (mode !== 'decode') await o.pool.broadcast((api) => api.start()).catch((e) => { v.input.dispose(); throw e; });
  const flow = new Flow();
  const onAbort = () => flow.fail(cancelled());
  signal?.addEventListener('abort', onAbort);
  const timings = emptyTimings();
  const frames: FrameCount = { opened: 0, closed: 0 };
  const range = frameRange(opt, v);
  const container = VIDEO_CONTAINERS[opt.container];
  const faces = faceRecipe(o.steps, mode);
  const analysis: FrameAnalysis[] | undefined = opt.analysis ? [] : undefined;
  const progress = progressReporter(o.name, range.totalFrames, t0, o.onProgress);

  // The stages, upstream to downstream in the order frames meet them (each one's output is the
  // next one's input; `flow` carries the first failure and the wake-ups between them).
  const dispatch = new FrameDispatch({
    pool: o.pool, buffers: o.buffers, name: o.name, priority: o.priority, signal, delayMs: o.delayMs, mode,
    steps: faces.firstSteps, redact: faces.redact, analysis: !!analysis, flow, timings, frames,
    planes: (format) => copiesPlanes(format, { mode, tracks: faces.tracks, pixels: o.pixels, grayFirst: faces.firstSteps[0]?.op === 'grayscale' }),
  });
  const tracking = faces.tracks ? new FrameTracking(faces, o.tracker, (first, boxes, index) => dispatch.redact(first, boxes, index)) : undefined;
  const audio = new AudioPass(v.audio, range, opt.audio, container.label);
  const out = mode === 'transcode'
    ? new EncodeMux({ video: v, options: opt, stream: o.stream, flow, timings, frames, audioUntil: (sec) => audio.pump(sec, demux.offsetUs) })
    : undefined;
  const reorder = new ReorderWindow<ProcessedFrame, TrackedFrame>({
    capacity: Math.max(2, o.maxInFlight ?? o.pool.size * 2 + 2),
    flow,
    order: (item, index) => (tracking ? tracking.track(item.res, index) : { res: item.res, detections: [] }),
    emit: async ({ res, detections }, item, index) => {
      analysis?.push(frameAnalysis(res, item, index, detections));
      await out?.encode(res, item, index);
    },
    onEmitted: (n) => progress(n),
  });
  const demux = new Demux({
    video: v, range, start: opt.start, flow, timings, frames, full: () => reorder.full,
    onFrame: (frame, index, timestampUs) => {
      reorder.enter();
      dispatch.add(index, frame, timestampUs, (item) => reorder.complete(index, item));
    },
  });

  try {
    if (out) {
      const { output, format } = await out.open();
      await audio.attach(output, format);
      await output.start();
    }
    await demux.run();
    await dispatch.drained();
    await reorder.settled();
    if (flow.failure) throw flow.failure;
    if (demux.accepted === 0) throw new TesseraError('bad-input', `no frames between ${opt.start} s and ${opt.end ?? v.duration} s (the video lasts ${v.duration.toFixed(2)} s)`);

    const f0 = performance.now();
    const bytes = out ? await out.finish() : undefined;
    timings.finishMs = performance.now() - f0;
    timings.seconds = (performance.now() - t0) / 1000;
    timings.fps = timings.seconds > 0 ? reorder.emitted / timings.seconds : 0;
    progress(reorder.emitted, true);
    return {
      bytes, extension: container.extension, mime: container.mime, container: opt.container,
      inputCodec: v.codec, inputCodecString: v.codecString, codec: opt.codec, codecString: out?.codecString,
      frames: reorder.emitted, inputWidth: v.width, inputHeight: v.height,
      width: out ? out.width : analysis?.[0]?.width ?? v.width, height: out ? out.height : analysis?.[0]?.height ?? v.height,
      cropped: out?.cropped ?? false, inputDuration: v.duration, frameRate: v.frameRate, constantFrameRate: v.constantFrameRate, bitrate: out?.bitrate,
      audio: out ? audio.finish() : { status: v.audio ? 'dropped' : 'none', reason: v.audio ? `${mode} mode writes no file` : undefined },
      analysis: analysis && { source: o.name, frames: analysis },
      faces: tracking && { framesWithDetections: tracking.framesWithDetections, framesRedacted: tracking.framesRedacted, tracks: tracking.tracks },
      videoFrames: { opened: frames.opened, closed: frames.closed, open: frames.opened - frames.closed },
      maxInFlight: reorder.maxSeen, buffers: o.buffers.stats(), timings, warnings: [...audio.warnings, ...(out?.warnings ?? [])],
    };
  } catch (e) {
    if (isAbort(e) || signal?.aborted) throw cancelled();
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    flow.fail(cancelled()); // stops any stage still running (no-op after a failure)
    demux.close();
    out?.closeEncoder();
    await Promise.allSettled([dispatch.settle(), reorder.settled()]);
    await out?.discard();
    await audio.close();
    v.input.dispose();
  }
}

/** One frame's line in the analysis export. */
function frameAnalysis(r: FrameResult, item: ProcessedFrame, index: number, detections: FrameDetection[]): FrameAnalysis {
  const steps: Record<string, number> = {};
  addStepTimes(steps, r.steps);
  return { frameIndex: index, timestamp: item.timestamp / 1e6, duration: item.duration / 1e6, width: r.width, height: r.height, means: r.means, steps, detections };
}
