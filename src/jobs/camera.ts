/**
 * Live camera mode: camera frames through a recipe on the worker pool, shown as they come back.
 *
 * - Source: getUserMedia → MediaStreamTrackProcessor (VideoFrames); where that is missing, a
 *   <video> + requestVideoFrameCallback + new VideoFrame(video).
 * - Admission: at most `maxInFlight` frames are being copied or processed. A frame captured
 *   while that many are in flight is closed at once and counted as dropped: never queued, so
 *   latency stays bounded by maxInFlight × (per-frame cost) however slow the recipe is.
 * - Each accepted frame is copied (VideoFrame.copyTo, RGBA) into a pooled SharedArrayBuffer and
 *   run with processFrame at Priority.interactive. Results are shown in capture order; one that
 *   arrives after a newer frame was shown is discarded (counted as stale).
 * - Every VideoFrame is closed in a finally; the controller counts opens and closes.
 * - Optional recording of the shown (processed) frames: see camera-record.ts.
 */
import { BufferPool } from '../core/buffer-pool';
import type { FrameDesc } from '../core/frame';
import { cancelled, messageOf, TesseraError } from '../core/errors';
import { resolveSteps, validateRecipe, type Recipe, type ResolvedStep } from '../core/recipe';
import type { FrameResult } from '../engine/api';
import type { EnginePool } from '../pool/engine-pool';
import { Priority } from '../pool/pool';
import { CameraRecorder, type FrameCounter, type RecordOptions } from './camera-record';
import { SlidingWindow, percentile, type CameraStats } from './camera-stats';

export type { CameraStats } from './camera-stats';
export type { RecordOptions, RecordContainer, RecordCodec } from './camera-record';

export interface CameraFrame {
  width: number;
  height: number;
  /** Tightly packed RGBA of the processed frame (owned by the receiver until the next frame). */
  rgba: Uint8ClampedArray;
  /** Capture order (accepted frames only). */
  seq: number;
  /** performance.now() when the frame arrived from the camera. */
  capturedAt: number;
  /** The capture's media timestamp, µs. */
  timestamp: number;
  means: number[];
  channels: number;
}

export interface CameraOptions {
  pool: EnginePool;
  recipe: Recipe;
  /** Frames being copied or processed at once; more are dropped (default 2). */
  maxInFlight?: number;
  /** getUserMedia video constraints (default: true). */
  constraints?: MediaTrackConstraints | boolean;
  /** An existing stream to use instead of getUserMedia (its tracks are still stopped on stop()). */
  stream?: MediaStream;
  /** Called with each processed frame, in capture order; draw it synchronously. */
  onFrame?: (frame: CameraFrame) => void;
  /** Called about 4× a second, and once more on stop. */
  onStats?: (stats: CameraStats) => void;
  statsIntervalMs?: number;
  /** Window for latency percentiles and frame rates (default 2000 ms). */
  windowMs?: number;
  record?: RecordOptions;
  signal?: AbortSignal;
  /** 'auto' (default) uses MediaStreamTrackProcessor when present; 'video' forces the fallback. */
  source?: 'auto' | 'processor' | 'video';
}

export interface CameraStopResult {
  stats: CameraStats;
  /** The recording, when one was asked for and at least one frame was encoded. */
  recording?: Blob;
}

export interface CameraController {
  readonly stream: MediaStream;
  readonly source: 'processor' | 'video';
  stats(): CameraStats;
  /** Restarts the counters and windows (e.g. after a warm-up). */
  resetStats(): void;
  /** Swaps the recipe for the following frames. */
  setRecipe(recipe: Recipe): void;
  /** Stops capture, waits for frames in flight, releases the camera and buffers. Idempotent. */
  stop(): Promise<CameraStopResult>;
  /** Settles with the recording (or undefined) once stopped. */
  readonly finished: Promise<Blob | undefined>;
}

interface TrackProcessorCtor {
  new (init: { track: MediaStreamTrack; maxBufferSize?: number }): { readable: ReadableStream<VideoFrame> };
}

export async function startCamera(opts: CameraOptions): Promise<CameraController> {
  const maxInFlight = opts.maxInFlight ?? 2;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new RangeError(`maxInFlight must be a positive integer, got ${maxInFlight}`);
  if (opts.signal?.aborted) throw cancelled();
  let steps: ResolvedStep[] = resolveSteps(validateRecipe(opts.recipe));
  const counter: FrameCounter = { opened: 0, closed: 0 };
  const recorder = opts.record ? new CameraRecorder(opts.record, counter) : undefined;

  if (!opts.stream && !navigator.mediaDevices?.getUserMedia) {
    throw new TesseraError(
      'bad-input',
      'no camera access here (navigator.mediaDevices is missing: the page must be served over https or localhost)',
    );
  }
  let stream: MediaStream;
  try {
    stream = opts.stream ?? (await navigator.mediaDevices.getUserMedia({ video: opts.constraints ?? true, audio: false }));
  } catch (e) {
    throw new TesseraError('bad-input', `could not open the camera: ${messageOf(e)}`);
  }
  const track = stream.getVideoTracks()[0];
  if (!track) {
    for (const t of stream.getTracks()) t.stop();
    throw new TesseraError('bad-input', 'the stream has no video track');
  }

  const Processor = (globalThis as { MediaStreamTrackProcessor?: TrackProcessorCtor }).MediaStreamTrackProcessor;
  const source: 'processor' | 'video' = opts.source === 'video' || (opts.source !== 'processor' && !Processor) ? 'video' : 'processor';
  if (source === 'processor' && !Processor)
    throw new TesseraError('bad-input', 'MediaStreamTrackProcessor is not available in this browser');

  const closeFrame = (f: VideoFrame) => {
    f.close();
    counter.closed++;
  };
  const buffers = new BufferPool(256 * 1024 * 1024);
  const windowMs = opts.windowMs ?? 2000;
  const latency = new SlidingWindow(windowMs);
  const capturedWin = new SlidingWindow(windowMs);
  let startedAt = performance.now();
  let c = { captured: 0, accepted: 0, processed: 0, shown: 0, dropped: 0, stale: 0, failed: 0 };
  let inFlight = 0;
  let nextSeq = 0;
  let lastShown = -1;
  let width = 0;
  let height = 0;
  let lastError: string | undefined;
  let stopped = false;
  const pending = new Set<Promise<void>>();

  const stats = (): CameraStats => {
    const now = performance.now();
    const lat = latency.sortedValues(now);
    return {
      source,
      width,
      height,
      elapsedMs: now - startedAt,
      ...c,
      inFlight,
      dropRate: c.captured ? c.dropped / c.captured : 0,
      latencyP50: percentile(lat, 50),
      latencyP95: percentile(lat, 95),
      latencyMax: lat.length ? lat[lat.length - 1] : 0,
      fps: latency.rate(now, startedAt),
      inputFps: capturedWin.rate(now, startedAt),
      frames: { opened: counter.opened, closed: counter.closed },
      ...(recorder
        ? {
            recording: {
              container: opts.record!.container,
              codec: recorder.codecString || recorder.codec,
              encoded: recorder.encoded,
              skipped: recorder.skipped,
              queue: recorder.queueSize,
              ...(recorder.errorMessage ? { error: recorder.errorMessage } : {}),
            },
          }
        : {}),
      ...(lastError ? { lastError } : {}),
    };
  };

  const show = (r: FrameResult, seq: number, capturedAt: number, timestamp: number) => {
    c.processed++;
    if (seq < lastShown) {
      c.stale++;
      return;
    }
    lastShown = seq;
    const rgba = new Uint8ClampedArray(r.rgba);
    try {
      opts.onFrame?.({ width: r.width, height: r.height, rgba, seq, capturedAt, timestamp, means: r.means, channels: r.channels });
    } catch (e) {
      lastError = `onFrame: ${messageOf(e)}`;
    }
    const now = performance.now();
    c.shown++;
    latency.push(now, now - capturedAt);
    if (recorder && !stopped) recorder.add(rgba, r.width, r.height, timestamp, 30);
  };

  /** Copies an accepted frame into shared memory (closing it), then runs the recipe. */
  const handle = async (frame: VideoFrame, seq: number, capturedAt: number) => {
    const timestamp = frame.timestamp;
    let buf: SharedArrayBuffer | undefined;
    let desc: FrameDesc;
    try {
      const w = frame.displayWidth;
      const h = frame.displayHeight;
      width = w;
      height = h;
      buf = buffers.acquire(w * h * 4);
      await frame.copyTo(new Uint8Array(buf, 0, w * h * 4), { format: 'RGBA', colorSpace: 'srgb' });
      desc = { width: w, height: h, channels: 4, stride: w * 4, byteOffset: 0, buffer: buf };
    } catch (e) {
      if (buf) buffers.release(buf);
      c.failed++;
      lastError = `copy: ${messageOf(e)}`;
      return;
    } finally {
      closeFrame(frame);
    }
    const frameSteps = steps;
    try {
      // Camera frames are opaque: the worker drops alpha first (gray recipes then run on one plane).
      const r = await opts.pool.run((api) => api.processFrame(desc, frameSteps, { opaque: true }), {
        priority: Priority.interactive,
        cost: desc.width * desc.height * 8,
        label: 'camera frame',
      });
      show(r, seq, capturedAt, timestamp);
    } catch (e) {
      c.failed++;
      lastError = messageOf(e);
    } finally {
      buffers.release(buf);
    }
  };

  /** Every captured frame: accept it if there is room, else close it at once. */
  const onCaptured = (frame: VideoFrame) => {
    const now = performance.now();
    if (stopped) {
      closeFrame(frame);
      return;
    }
    c.captured++;
    capturedWin.push(now);
    if (inFlight >= maxInFlight) {
      c.dropped++;
      closeFrame(frame);
      return;
    }
    inFlight++;
    c.accepted++;
    const p: Promise<void> = handle(frame, nextSeq++, now).finally(() => {
      inFlight--;
      pending.delete(p);
    });
    pending.add(p);
  };

  // Capture loop.
  let loop: Promise<void>;
  let cancelSource: () => void;
  if (source === 'processor') {
    const reader = new Processor!({ track }).readable.getReader();
    cancelSource = () => void reader.cancel().catch(() => {});
    loop = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done || !value) break;
          counter.opened++;
          onCaptured(value);
        }
      } catch (e) {
        if (!stopped) lastError = `capture: ${messageOf(e)}`;
      }
    })();
  } else {
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    let handleId = 0;
    let resolveLoop!: () => void;
    loop = new Promise<void>((r) => (resolveLoop = r));
    const onVideoFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
      if (stopped) return;
      let frame: VideoFrame | undefined;
      try {
        frame = new VideoFrame(video, { timestamp: Math.round(meta.mediaTime * 1e6) });
        counter.opened++;
      } catch (e) {
        lastError = `capture: ${messageOf(e)}`;
      }
      if (frame) onCaptured(frame);
      handleId = video.requestVideoFrameCallback(onVideoFrame);
    };
    cancelSource = () => {
      video.cancelVideoFrameCallback(handleId);
      video.pause();
      video.srcObject = null;
      resolveLoop();
    };
    handleId = video.requestVideoFrameCallback(onVideoFrame);
    await video.play();
  }

  const timer = setInterval(() => opts.onStats?.(stats()), opts.statsIntervalMs ?? 250);

  let finishedResolve!: (b: Blob | undefined) => void;
  let finishedReject!: (e: unknown) => void;
  const finished = new Promise<Blob | undefined>((res, rej) => {
    finishedResolve = res;
    finishedReject = rej;
  });
  finished.catch(() => {});

  let stopping: Promise<CameraStopResult> | undefined;
  const stop = (): Promise<CameraStopResult> =>
    (stopping ??= (async () => {
      stopped = true;
      clearInterval(timer);
      cancelSource();
      for (const t of stream.getTracks()) t.stop();
      await loop;
      await Promise.allSettled([...pending]);
      let recording: Blob | undefined;
      try {
        recording = recorder ? await recorder.finish() : undefined;
        finishedResolve(recording);
      } catch (e) {
        lastError = messageOf(e);
        finishedReject(e);
        recorder?.close();
      }
      buffers.trim();
      const s = stats();
      opts.onStats?.(s);
      return { stats: s, recording };
    })());

  opts.signal?.addEventListener('abort', () => void stop(), { once: true });

  return {
    stream,
    source,
    stats,
    resetStats() {
      startedAt = performance.now();
      c = { captured: 0, accepted: 0, processed: 0, shown: 0, dropped: 0, stale: 0, failed: 0 };
      latency.clear();
      capturedWin.clear();
    },
    setRecipe(recipe: Recipe) {
      steps = resolveSteps(validateRecipe(recipe));
    },
    stop,
    finished,
  };
}
