/**
 * The video job: demux (mediabunny) → VideoDecoder → VideoFrame.copyTo into pooled
 * SharedArrayBuffers → the worker pool (processFrame, several frames at once) → a reorder buffer →
 * VideoEncoder → mux (mediabunny, MP4 or WebM), with the audio track copied packet for packet.
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
 *   waiting for or inside a worker, or waiting in the reorder buffer);
 * - the encoder is fed only while its encodeQueueSize is small ('dequeue' event);
 * - the muxer's add() promises are chained and awaited before more frames are encoded.
 * Every decoded VideoFrame is closed in a finally right after its pixels are copied; every frame
 * made for the encoder is closed right after encode(); both are counted in the result.
 *
 * The output streams into the sink when it can take positioned writes (a folder), else is built in
 * memory (BufferTarget) and written to the sink only when complete; either way a
 * cancelled or failed video leaves no file behind.
 */
import {
  BufferTarget, StreamTarget, type StreamTargetChunk, EncodedAudioPacketSource, EncodedPacket, EncodedPacketSink, EncodedVideoPacketSource,
  Mp4OutputFormat, Output, WebMOutputFormat,
} from 'mediabunny';
import type { OutputStream } from '../io/sinks';
import { TesseraError, cancelled, isAbort, messageOf } from '../core/errors';
import type { BufferPool, BufferPoolStats } from '../core/buffer-pool';
import type { ResolvedStep } from '../core/recipe';
import {
  CODEC_STRINGS, VIDEO_CODECS, VIDEO_CONTAINERS, encoderCodecString, evenSize, targetBitrate,
  type VideoCodecChoice, type VideoOptions,
} from '../core/video-options';
import type { FrameOptions, FrameResult, YuvInput } from '../engine/api';
import { codecLabel, openVideo } from '../io/media';
import type { EnginePool } from '../pool/engine-pool';
import { Priority, type PriorityLevel } from '../pool/pool';
import { transfer } from 'comlink';
import { FaceTracker, type Detection, type TrackerOptions } from '../core/faces-track';
import type { FacesReport } from '../core/faces';
import { IDENTITY, invert, mapBox } from '../core/geometry';

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
  /** Slows each frame's worker call (tests of backpressure and cancel). */
  delayMs?: number;
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

async function supportedEncoders(): Promise<string[]> {
  const out: string[] = [];
  for (const c of Object.keys(VIDEO_CODECS) as VideoCodecChoice[]) {
    const s = CODEC_STRINGS[VIDEO_CODECS[c].mediabunny].base;
    const ok = await VideoEncoder.isConfigSupported({ codec: s, width: 640, height: 360, bitrate: 1e6 }).then((r) => !!r.supported, () => false);
    if (ok) out.push(VIDEO_CODECS[c].label);
  }
  return out;
}

async function encoderConfig(codec: VideoCodecChoice, width: number, height: number, bitrate: number, framerate: number): Promise<VideoEncoderConfig> {
  const base: Omit<VideoEncoderConfig, 'codec'> = {
    width, height, bitrate, framerate: framerate > 0 ? framerate : 30, latencyMode: 'quality', bitrateMode: 'variable',
    ...(codec === 'h264' ? { avc: { format: 'avc' as const } } : {}),
  };
  // The size's own level, then the level-free string.
  for (const s of [encoderCodecString(codec, width, height), CODEC_STRINGS[VIDEO_CODECS[codec].mediabunny].base]) {
    const cfg = { ...base, codec: s } as VideoEncoderConfig;
    const r = await VideoEncoder.isConfigSupported(cfg).catch(() => ({ supported: false }));
    if (r.supported) return cfg;
  }
  const can = await supportedEncoders();
  throw new TesseraError('encode-failed',
    `this browser cannot encode ${VIDEO_CODECS[codec].label} at ${width}×${height}${codec === 'h264' ? ' (H.264 needs a level for this size the encoder refuses)' : ''}; it encodes ${can.join(', ') || 'no video codec'}`);
}

/**
 * VideoFrameBufferInit with `transfer` (WebCodecs; not yet in TypeScript's DOM types): the frame
 * takes the buffer over instead of copying it (the buffer is detached).
 */
function withTransfer(init: VideoFrameBufferInit, buffer: ArrayBuffer): VideoFrameBufferInit {
  return { ...init, transfer: [buffer] } as VideoFrameBufferInit;
}

/** Wakes waiters whenever anything in the pipeline moves. */
class Pulse {
  private waiters: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }
  notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}

interface Done {
  res: FrameResult;
  timestamp: number;
  duration: number;
}

export async function runVideo(o: VideoJobOptions): Promise<VideoJobResult> {
  const t0 = performance.now();
  const mode = o.mode ?? 'transcode';
  const opt = o.options;
  const signal = o.signal;
  if (signal?.aborted) throw cancelled();
  const v = await openVideo(o.file, o.name);
  // Started workers know where wasm-vips' side modules are (a recipe step may need vips).
  if (mode !== 'decode') await o.pool.broadcast((api) => api.start()).catch((e) => { v.input.dispose(); throw e; });
  const warnings: string[] = [];
  const timings: VideoTimings = {
    seconds: 0, fps: 0, copyMs: 0, workerMs: 0, stepsMs: {}, frameMs: 0, encodeWaitMs: 0, feedWaitMs: 0, finishMs: 0,
    demuxMs: 0, convertInMs: 0, convertOutMs: 0, workerIdleMs: 0, muxMs: 0,
  };
  const counts = { opened: 0, closed: 0 };
  const pulse = new Pulse();
  let failure: unknown;
  const fail = (e: unknown) => {
    failure ??= e;
    pulse.notify();
  };
  const onAbort = () => fail(cancelled());
  signal?.addEventListener('abort', onAbort);

  const startUs = opt.start * 1e6;
  const endUs = opt.end !== undefined ? opt.end * 1e6 : Number.POSITIVE_INFINITY;
  const rangeEnd = Math.min(opt.end ?? v.duration, v.duration);
  const totalFrames = Math.max(1, Math.round(opt.start > 0 || opt.end !== undefined ? (rangeEnd - opt.start) * v.frameRate : v.packetCount));
  const maxInFlight = Math.max(2, o.maxInFlight ?? o.pool.size * 2 + 2);
  const container = VIDEO_CONTAINERS[opt.container];

  // Faces. Detection runs in the workers (in parallel, out of order); tracking runs in frame order
  // (after the reorder buffer). With redact-faces the recipe is split there: the first worker call
  // runs the steps before it plus detect-faces (same params), the in-order stage tracks, and a
  // second worker call redacts the TRACKED boxes (so a face the detector missed for a few frames
  // stays hidden) and runs the rest of the recipe.
  const redactAt = o.steps.findIndex((s) => s.op === 'redact-faces');
  const firstSteps: ResolvedStep[] = redactAt < 0 ? o.steps : [...o.steps.slice(0, redactAt), { op: 'detect-faces', params: o.steps[redactAt].params }];
  const restSteps = redactAt < 0 ? [] : o.steps.slice(redactAt + 1);
  const tracker = mode !== 'decode' && (redactAt >= 0 || o.steps.some((s) => s.op === 'detect-faces')) ? new FaceTracker(o.tracker) : undefined;
  const seesDetectionFrame = redactAt >= 0 || o.steps.at(-1)?.op === 'detect-faces';
  const faceStats = { framesWithDetections: 0, framesRedacted: 0 };
  const grayFirst = firstSteps[0]?.op === 'grayscale';

  let decoder: VideoDecoder | undefined;
  let encoder: VideoEncoder | undefined;
  let output: Output | undefined;
  let finalized = false;
  const tasks = new Set<Promise<void>>();
  const reorder = new Map<number, Done>();
  const analysis: FrameAnalysis[] | undefined = opt.analysis ? [] : undefined;
  let accepted = 0;
  let finished = 0;
  let inFlight = 0;
  let maxSeen = 0;
  let offsetUs: number | undefined;
  let outW = 0, outH = 0, cropped = false, srcW = 0, srcH = 0;
  let codecString: string | undefined;
  let bitrate: number | undefined;
  let lastKeyUs = Number.NEGATIVE_INFINITY;
  let muxChain: Promise<void> = Promise.resolve();
  /** The in-order emission of finished frames (analysis, encoder). */
  let emitted: Promise<void> = Promise.resolve();
  let lastProgress = 0;
  let lastFedTs = 0;
  /** The decoded frames' colour space: I420 results are in it, and say so to the encoder. */
  let streamColor: VideoColorSpaceInit | undefined;
  const audioResult: VideoJobResult['audio'] = { status: 'none' };

  const progress = (force = false) => {
    if (!o.onProgress) return;
    const now = performance.now();
    if (!force && now - lastProgress < 150) return;
    lastProgress = now;
    const el = (now - t0) / 1000;
    const fps = el > 0 ? finished / el : 0;
    o.onProgress({ path: o.name, frames: finished, totalFrames: Math.max(totalFrames, finished), fps, elapsedSeconds: el, etaSeconds: fps > 0 ? Math.max(0, totalFrames - finished) / fps : undefined });
  };

  // ---- output: video source now (the codec is known), encoder once the first frame gives its size
  let videoSource: EncodedVideoPacketSource | undefined;
  let audioSource: EncodedAudioPacketSource | undefined;
  let audioIter: AsyncIterator<EncodedPacket> | undefined;
  let audioNext: EncodedPacket | null | undefined;
  let audioConfig: AudioDecoderConfig | undefined;
  let audioSent = 0;
  // Streamed: the muxer writes pieces at positions as it goes (MP4 with its index at the end);
  // in memory: the whole file is built and returned (MP4 with its index first).
  const target = o.stream ? new StreamTarget(o.stream.writable as WritableStream<StreamTargetChunk>, { chunked: true, chunkSize: 4 << 20 }) : new BufferTarget();

  try {
    if (mode === 'transcode') {
      // Fail before decoding anything when the codec cannot be encoded at all.
      await encoderConfig(opt.codec, Math.max(2, v.width & ~1), Math.max(2, v.height & ~1), 1e6, v.frameRate);
      const format = opt.container === 'mp4' ? new Mp4OutputFormat({ fastStart: o.stream ? false : 'in-memory' }) : new WebMOutputFormat();
      output = new Output({ format, target });
      videoSource = new EncodedVideoPacketSource(VIDEO_CODECS[opt.codec].mediabunny);
      // A constant frame rate is written as such (MP4 timescale, WebM DefaultDuration — without it
      // WebM has no duration for the last frame); variable rates keep their own timestamps.
      output.addVideoTrack(videoSource, v.constantFrameRate ? { frameRate: v.constantFrameRate } : undefined);
      if (v.audio) {
        const ac = await v.audio.getCodec();
        const allowed = format.getSupportedAudioCodecs();
        if (opt.audio === 'drop') audioResult.status = 'dropped', audioResult.codec = ac ?? undefined, audioResult.reason = 'audio: drop was chosen';
        else if (!ac || !allowed.includes(ac)) {
          audioResult.status = 'dropped';
          audioResult.codec = ac ?? undefined;
          audioResult.reason = `${codecLabel(ac)} audio cannot go in ${container.label} without re-encoding (${container.label} takes ${allowed.filter((c) => !c.startsWith('pcm') && c !== 'ulaw' && c !== 'alaw').map(codecLabel).join(', ')})`;
          warnings.push(`audio dropped: ${audioResult.reason}`);
        } else {
          audioConfig = (await v.audio.getDecoderConfig()) ?? undefined;
          audioSource = new EncodedAudioPacketSource(ac);
          output.addAudioTrack(audioSource);
          audioResult.status = 'copied';
          audioResult.codec = ac;
          audioIter = new EncodedPacketSink(v.audio).packets()[Symbol.asyncIterator]();
        }
      }
      await output.start();
    }

    // Audio packets up to `untilSec` (output time), in range, shifted like the video.
    const pumpAudio = async (untilSec: number) => {
      if (!audioIter || !audioSource) return;
      const off = (offsetUs ?? 0) / 1e6;
      for (;;) {
        if (audioNext === undefined) {
          const r = await audioIter.next();
          audioNext = r.done ? null : r.value;
        }
        if (!audioNext) return;
        const p = audioNext;
        if (p.timestamp - off > untilSec) return;
        audioNext = undefined;
        if (p.timestamp * 1e6 < startUs || p.timestamp * 1e6 >= endUs) continue;
        const shifted = off ? p.clone({ timestamp: p.timestamp - off }) : p;
        await audioSource.add(shifted, audioSent === 0 && audioConfig ? { decoderConfig: audioConfig } : undefined);
        audioSent++;
      }
    };

    const ensureEncoder = async (w: number, h: number) => {
      const even = evenSize(w, h);
      outW = even.width;
      outH = even.height;
      cropped = even.cropped;
      if (cropped) warnings.push(`the recipe makes ${w}×${h} frames: encoded as ${outW}×${outH} (4:2:0 video needs even sides; the last ${w !== outW ? 'column' : ''}${w !== outW && h !== outH ? ' and ' : ''}${h !== outH ? 'row' : ''} dropped)`);
      bitrate = opt.bitrate ?? targetBitrate(outW, outH, v.frameRate, opt.quality, opt.codec);
      const cfg = await encoderConfig(opt.codec, outW, outH, bitrate, v.frameRate);
      codecString = cfg.codec;
      encoder = new VideoEncoder({
        output: (chunk, meta) => {
          const packet = EncodedPacket.fromEncodedChunk(chunk);
          muxChain = muxChain.then(async () => {
            const m0 = performance.now();
            await pumpAudio(packet.timestamp);
            await videoSource!.add(packet, meta);
            timings.muxMs += performance.now() - m0;
          }).catch((e) => {
            fail(new TesseraError('encode-failed', `cannot write the ${container.label} file: ${messageOf(e)}`));
          });
        },
        error: (e) => fail(new TesseraError('encode-failed', `the ${VIDEO_CODECS[opt.codec].label} encoder failed: ${messageOf(e)}`)),
      });
      encoder.addEventListener('dequeue', () => pulse.notify());
      encoder.configure(cfg);
    };

    // ---- the in-order stages. Tracking needs every earlier frame's faces, so it runs in frame
    // order as frames leave the reorder buffer; it launches each frame's redaction call at once
    // (those run in parallel on the workers); a second in-order stage takes the finished frames,
    // in order, to the analysis and the encoder.
    const track = (item: Done, index: number): { ready: Promise<FrameResult>; detections: FrameDetection[] } => {
      const r = item.res;
      if (!tracker) return { ready: Promise.resolve(r), detections: [] };
      const rep = r.reports?.filter((x) => x.kind === 'faces').pop()?.data as FacesReport | undefined;
      // Tracking runs in the pixels of the frame the detector saw (its appearance model reads
      // them); reports and the analysis are in the input's pixels.
      const W = rep?.frame?.width ?? rep?.width ?? r.width, H = rep?.frame?.height ?? rep?.height ?? r.height;
      const fromInput = rep?.frame?.fromInput;
      const toInput = fromInput && invert(fromInput);
      const found: Detection[] = (rep?.faces ?? []).map((f) => ({ box: fromInput ? mapBox(fromInput, f.box, W, H) : f.box, score: f.score, ...(f.keypoints ? { keypoints: f.keypoints } : {}) }));
      if (found.length) faceStats.framesWithDetections++;
      // The worker's result is that frame when the recipe stops at the face step (call 1 of a
      // redaction, or detect-faces last): then missed faces are followed by appearance too.
      const pixels = seesDetectionFrame && r.width === W && r.height === H ? { width: W, height: H, channels: 4, data: new Uint8Array(r.rgba) } : undefined;
      const tracked = tracker.update(found, pixels);
      const detections: FrameDetection[] = tracked.map((t) => ({
        box: toInput ? mapBox(toInput, t.box, rep!.width, rep!.height) : t.box, score: t.score, ...(t.keypoints ? { keypoints: t.keypoints } : {}), trackId: t.trackId,
        ...(t.predicted ? { predicted: true as const } : {}), ...(t.matched !== undefined ? { matched: t.matched } : {}),
      }));
      if (redactAt < 0) return { ready: Promise.resolve(r), detections };
      const first = r;
      // Whole pixels covering each tracked box (rounded outward) in the frame the redaction sees.
      const boxes = tracked.map((t) => mapBox(IDENTITY, t.box, W, H, 'outward'));
      if (boxes.length) faceStats.framesRedacted++;
      const desc = { width: first.width, height: first.height, channels: 4, stride: first.width * 4, byteOffset: 0, buffer: first.rgba };
      const r0 = performance.now();
      const ready = o.pool.run((api) => api.processFrame(transfer(desc, [first.rgba]), restSteps, {
        opaque: first.channels !== 4 && first.channels !== 2, measure: !!analysis,
        redact: { boxes, params: o.steps[redactAt].params, channels: first.channels === 1 ? 1 : undefined },
      }), { priority: o.priority ?? Priority.background, cost: first.width * first.height * 4 * 2, signal, label: `${o.name} frame ${index} (redact)` }).then((second) => {
        timings.workerMs += performance.now() - r0;
        for (const s of second.steps) timings.stepsMs[s.op] = (timings.stepsMs[s.op] ?? 0) + s.ms;
        return { ...second, steps: [...first.steps, ...second.steps], reports: [...(first.reports ?? []), ...(second.reports ?? [])] };
      });
      return { ready, detections };
    };

    const emit = async (r: FrameResult, item: Done, index: number, detections: FrameDetection[]) => {
      if (analysis) {
        const steps: Record<string, number> = {};
        for (const s of r.steps) steps[s.op] = (steps[s.op] ?? 0) + s.ms;
        analysis.push({ frameIndex: index, timestamp: item.timestamp / 1e6, duration: item.duration / 1e6, width: r.width, height: r.height, means: r.means, steps, detections });
      }
      if (mode !== 'transcode') return;
      if (!encoder) {
        srcW = r.width;
        srcH = r.height;
        await ensureEncoder(r.width, r.height);
      } else if (r.width !== srcW || r.height !== srcH) {
        throw new TesseraError('encode-failed', `the recipe made frame ${index} ${r.width}×${r.height} but earlier frames ${srcW}×${srcH}: a video needs one size`);
      }
      const f0 = performance.now();
      let frame: VideoFrame;
      const at = { timestamp: item.timestamp, duration: item.duration || undefined };
      if (r.i420) {
        // Even-sized by construction (the worker falls back to RGBA otherwise): no crop. The
        // buffer is handed over, not copied.
        timings.encodedFormat ??= 'I420';
        frame = new VideoFrame(r.i420, withTransfer({ format: 'I420', codedWidth: r.width, codedHeight: r.height, ...at, ...(streamColor ? { colorSpace: streamColor } : {}) }, r.i420));
      } else {
        timings.encodedFormat ??= 'RGBA';
        let data = new Uint8Array(r.rgba);
        if (cropped) {
          const c = new Uint8Array(outW * outH * 4);
          for (let y = 0; y < outH; y++) c.set(data.subarray(y * r.width * 4, y * r.width * 4 + outW * 4), y * outW * 4);
          data = c;
        }
        frame = new VideoFrame(data, withTransfer({ format: 'RGBA', codedWidth: outW, codedHeight: outH, ...at }, data.buffer as ArrayBuffer));
      }
      counts.opened++;
      const keyFrame = item.timestamp - lastKeyUs >= opt.keyframeInterval * 1e6;
      if (keyFrame) lastKeyUs = item.timestamp;
      try {
        encoder!.encode(frame, { keyFrame });
      } finally {
        frame.close();
        counts.closed++;
      }
      timings.frameMs += performance.now() - f0;
      const w0 = performance.now();
      while (!failure && encoder!.encodeQueueSize > 2) await pulse.wait();
      // The muxer's own backpressure.
      await muxChain;
      timings.encodeWaitMs += performance.now() - w0;
    };

    let nextOut = 0;
    const drain = () => {
      while (!failure && reorder.has(nextOut)) {
        const item = reorder.get(nextOut)!;
        reorder.delete(nextOut);
        const index = nextOut++;
        const { ready, detections } = track(item, index);
        ready.catch(() => {}); // its failure is reported by the chain below
        emitted = emitted
          .then(async () => {
            if (failure) return;
            await emit(await ready, item, index, detections);
            finished++;
            inFlight--;
            progress();
            pulse.notify();
          })
          .catch(fail);
      }
    };

    // ---- per frame: copy out of the decoder, close, process in a worker
    const handle = async (index: number, frame: VideoFrame) => {
      let sab: SharedArrayBuffer | undefined;
      const timestamp = frame.timestamp - (offsetUs ?? 0);
      const duration = frame.duration ?? 0;
      let w = 0, h = 0;
      // Decoded video is almost always opaque (I420, NV12): the worker then drops the alpha first,
      // so gray recipes run on one plane. Formats with alpha (I420A, RGBA, BGRA) keep it.
      const opaque = !/A$/.test(frame.format ?? '');
      // The decoder's own planes when the worker can read them (8-bit 4:2:0; not for face
      // recipes, whose tracker reads the RGBA of the detection frame).
      const planar = mode !== 'decode' && !tracker && (frame.format === 'I420' || frame.format === 'NV12') &&
        (o.pixels === 'yuv' || (o.pixels !== 'rgba' && grayFirst));
      let yuv: YuvInput | undefined;
      timings.decodedFormat ??= frame.format ?? 'unknown';
      try {
        const rect = frame.visibleRect;
        w = rect?.width ?? frame.codedWidth;
        h = rect?.height ?? frame.codedHeight;
        if (planar) {
          const bytes = frame.allocationSize();
          sab = o.buffers.acquire(bytes);
          const c0 = performance.now();
          const layout = await frame.copyTo(new Uint8Array(sab, 0, bytes));
          timings.copyMs += performance.now() - c0;
          const cs = frame.colorSpace;
          streamColor ??= cs.toJSON();
          yuv = { format: frame.format as 'I420' | 'NV12', layout: layout.map((l) => ({ offset: l.offset, stride: l.stride })), matrix: cs.matrix ?? null, fullRange: cs.fullRange ?? false };
        } else {
          const bytes = w * h * 4;
          sab = o.buffers.acquire(bytes);
          const c0 = performance.now();
          await frame.copyTo(new Uint8Array(sab, 0, bytes), { format: 'RGBA' });
          timings.copyMs += performance.now() - c0;
        }
      } catch (e) {
        if (sab) o.buffers.release(sab);
        throw new TesseraError('decode-failed', `cannot read the pixels of frame ${index} (${messageOf(e)})`);
      } finally {
        frame.close();
        counts.closed++;
      }
      let res: FrameResult;
      if (mode === 'decode') {
        o.buffers.release(sab);
        res = { width: w, height: h, rgba: new ArrayBuffer(0), steps: [], means: [], channels: 4 };
      } else {
        const desc = yuv
          ? { width: w, height: h, channels: 1, stride: yuv.layout[0].stride, byteOffset: yuv.layout[0].offset, buffer: sab }
          : { width: w, height: h, channels: 4, stride: w * 4, byteOffset: 0, buffer: sab };
        const r0 = performance.now();
        try {
          const fo: FrameOptions = { delayMs: o.delayMs, opaque, measure: !!analysis && redactAt < 0, ...(yuv ? { yuv, output: 'i420' as const } : {}) };
          res = await o.pool.run((api) => api.processFrame(desc, firstSteps, fo), {
            priority: o.priority ?? Priority.background, cost: w * h * 4 * 3, signal, label: `${o.name} frame ${index}`,
          });
        } finally {
          o.buffers.release(sab);
        }
        timings.workerMs += performance.now() - r0;
        for (const s of res.steps) timings.stepsMs[s.op] = (timings.stepsMs[s.op] ?? 0) + s.ms;
        timings.convertInMs += res.inMs ?? 0;
        timings.convertOutMs += res.outMs ?? 0;
        // (The first frames' idle time is the gap since the workers' previous job.)
        if (index >= o.pool.size * 2) timings.workerIdleMs += res.idleMs ?? 0;
        timings.path ??= res.path;
      }
      reorder.set(index, { res, timestamp, duration });
      drain();
    };

    decoder = new VideoDecoder({
      output: (frame) => {
        counts.opened++;
        const ts = frame.timestamp;
        if (failure || ts < startUs || ts >= endUs) {
          frame.close();
          counts.closed++;
          return;
        }
        offsetUs ??= opt.start > 0 ? ts : 0;
        const index = accepted++;
        inFlight++;
        maxSeen = Math.max(maxSeen, inFlight);
        const p = handle(index, frame).catch(fail).finally(() => {
          tasks.delete(p);
          pulse.notify();
        });
        tasks.add(p);
      },
      error: (e) => fail(new TesseraError('decode-failed', `corrupt video data near ${(lastFedTs).toFixed(3)} s: the ${codecLabel(v.codec)} decoder failed (${messageOf(e)})`)),
    });
    decoder.addEventListener('dequeue', () => pulse.notify());
    decoder.configure(v.decoderConfig);

    // ---- feed: from the key frame at or before `start`, up to the first key frame past `end`
    const first = opt.start > 0 ? (await v.packets.getKeyPacket(opt.start)) ?? (await v.packets.getFirstPacket()) : await v.packets.getFirstPacket();
    if (!first) throw new TesseraError('bad-input', 'the video track has no frames');
    let sawKey = false;
    try {
      let d0 = performance.now();
      for await (const packet of v.packets.packets(first)) {
        timings.demuxMs += performance.now() - d0;
        if (failure) break;
        if (packet.timestamp * 1e6 >= endUs && packet.type === 'key') break;
        if (!sawKey && packet.type !== 'key') continue;
        sawKey = true;
        const w0 = performance.now();
        while (!failure && (decoder.decodeQueueSize >= 3 || inFlight >= maxInFlight)) await pulse.wait();
        timings.feedWaitMs += performance.now() - w0;
        if (failure) break;
        lastFedTs = packet.timestamp;
        decoder.decode(packet.toEncodedVideoChunk());
        d0 = performance.now();
      }
    } catch (e) {
      if (!failure) throw new TesseraError('bad-input', `corrupt video file: cannot read packets after ${lastFedTs.toFixed(3)} s (${messageOf(e)})`);
    }
    if (!failure) await decoder.flush().catch((e) => fail(failure ?? new TesseraError('decode-failed', `corrupt video data near ${lastFedTs.toFixed(3)} s (${messageOf(e)})`)));
    while (!failure && tasks.size > 0) await pulse.wait();
    await emitted;
    if (failure) throw failure;
    if (accepted === 0) throw new TesseraError('bad-input', `no frames between ${opt.start} s and ${opt.end ?? v.duration} s (the video lasts ${v.duration.toFixed(2)} s)`);

    const f0 = performance.now();
    let bytes: Uint8Array | undefined;
    if (mode === 'transcode') {
      await encoder!.flush();
      await muxChain;
      if (failure) throw failure;
      await pumpAudio(Number.POSITIVE_INFINITY);
      // (Sources are closed by finalize(): closing the video source first made mediabunny's WebM
      // muxer drop the last frame's duration.)
      await output!.finalize();
      finalized = true;
      if (target instanceof BufferTarget) bytes = new Uint8Array(target.buffer!);
      audioResult.packets = audioSource ? audioSent : undefined;
    }
    timings.finishMs = performance.now() - f0;
    timings.seconds = (performance.now() - t0) / 1000;
    timings.fps = timings.seconds > 0 ? finished / timings.seconds : 0;
    progress(true);
    return {
      bytes, extension: container.extension, mime: container.mime, container: opt.container,
      inputCodec: v.codec, inputCodecString: v.codecString, codec: opt.codec, codecString,
      frames: finished, inputWidth: v.width, inputHeight: v.height,
      width: mode === 'transcode' ? outW : reorderSize(analysis, v.width, 'width'), height: mode === 'transcode' ? outH : reorderSize(analysis, v.height, 'height'),
      cropped, inputDuration: v.duration, frameRate: v.frameRate, constantFrameRate: v.constantFrameRate, bitrate,
      audio: mode === 'transcode' ? audioResult : { status: v.audio ? 'dropped' : 'none', reason: v.audio ? `${mode} mode writes no file` : undefined },
      analysis: analysis && { source: o.name, frames: analysis },
      faces: tracker && { ...faceStats, tracks: tracker.created },
      videoFrames: { opened: counts.opened, closed: counts.closed, open: counts.opened - counts.closed },
      maxInFlight: maxSeen, buffers: o.buffers.stats(), timings, warnings,
    };
  } catch (e) {
    if (isAbort(e) || signal?.aborted) throw cancelled();
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    failure ??= cancelled(); // stops any stage still running
    pulse.notify();
    if (decoder && decoder.state !== 'closed') decoder.close();
    if (encoder && encoder.state !== 'closed') encoder.close();
    await Promise.allSettled([...tasks, emitted]);
    if (output && !finalized && output.state !== 'canceled' && output.state !== 'finalized') await output.cancel().catch(() => {});
    await audioIter?.return?.().catch(() => {});
    v.input.dispose();
  }
}

function reorderSize(a: FrameAnalysis[] | undefined, dflt: number, k: 'width' | 'height'): number {
  return a?.[0]?.[k] ?? dflt;
}
