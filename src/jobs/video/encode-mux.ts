/**
 * Encode and mux: the output container (mediabunny; streamed into the sink when it takes
 * positioned writes, else built in memory), a VideoEncoder configured when the first frame gives
 * the recipe's output size, and each frame's result handed to it by `transfer` — I420 as it is
 * (tagged with the stream's colour space), RGBA cropped to even sides when it must be — with the
 * original timestamps and durations. Encoded packets are chained into the muxer (after the audio
 * due by then); `encode` waits on the encoder's queue and the muxer, so memory stays flat.
 */
import {
  BufferTarget,
  EncodedPacket,
  EncodedVideoPacketSource,
  Mp4OutputFormat,
  Output,
  StreamTarget,
  WebMOutputFormat,
  type OutputFormat,
} from 'mediabunny';
import { TesseraError, messageOf, toError } from '../../core/errors';
import { VIDEO_CODECS, VIDEO_CONTAINERS, evenSize, targetBitrate, type VideoOptions } from '../../core/video-options';
import type { FrameResult } from '../../engine/api';
import type { OpenedVideo } from '../../io/media';
import type { OutputStream } from '../../io/sinks';
import { encoderConfig } from './encoder-config';
import type { Flow } from './flow';
import type { FrameCount, ProcessedFrame, VideoTimings } from './types';

/** The first `outW` columns and `outH` rows of a tightly packed RGBA image `width` pixels wide. */
export function cropRgba(data: Uint8Array, width: number, outW: number, outH: number): Uint8Array {
  const c = new Uint8Array(outW * outH * 4);
  for (let y = 0; y < outH; y++) c.set(data.subarray(y * width * 4, y * width * 4 + outW * 4), y * outW * 4);
  return c;
}

/**
 * VideoFrameBufferInit with `transfer` (WebCodecs; not yet in TypeScript's DOM types): the frame
 * takes the buffer over instead of copying it (the buffer is detached).
 */
function withTransfer(init: VideoFrameBufferInit, buffer: ArrayBuffer): VideoFrameBufferInit {
  return { ...init, transfer: [buffer] } as VideoFrameBufferInit;
}

export interface EncodeMuxOptions {
  /** What the encoder is sized and timed by: the input video's, or an animation's (animation-video.ts). */
  video: Pick<OpenedVideo, 'width' | 'height' | 'frameRate' | 'constantFrameRate'>;
  options: VideoOptions;
  /** A sink's positioned stream: the container goes there as it is produced; else it is returned. */
  stream?: OutputStream;
  flow: Flow;
  timings: VideoTimings;
  frames: FrameCount;
  /** Muxes the audio due by `sec` (output time): called before each video packet, and with Infinity before finalising. */
  audioUntil: (sec: number) => Promise<void>;
}

export class EncodeMux {
  readonly warnings: string[] = [];
  /** The encoded size (even sides), the WebCodecs string and the bitrate, once the first frame came. */
  width = 0;
  height = 0;
  cropped = false;
  codecString?: string;
  bitrate?: number;
  private output?: Output;
  private finalized = false;
  private target?: BufferTarget | StreamTarget;
  private source?: EncodedVideoPacketSource;
  private encoder?: VideoEncoder;
  /** The recipe's result size (before the even crop): every frame must have it. */
  private resultW = 0;
  private resultH = 0;
  private lastKeyUs = Number.NEGATIVE_INFINITY;
  private muxChain: Promise<void> = Promise.resolve();
  /** The decoded frames' colour space: I420 results are in it, and say so to the encoder. */
  private streamColor?: VideoColorSpaceInit;

  constructor(private readonly o: EncodeMuxOptions) {}

  /**
   * Fails before anything is decoded when the codec cannot be encoded at all; then makes the
   * output and its video track. The caller may add tracks, then calls `output.start()`.
   */
  async open(): Promise<{ output: Output; format: OutputFormat }> {
    const { video: v, options: opt, stream } = this.o;
    await encoderConfig(opt.codec, Math.max(2, v.width & ~1), Math.max(2, v.height & ~1), 1e6, v.frameRate);
    // Streamed: the muxer writes pieces at positions as it goes (MP4 with its index at the end);
    // in memory: the whole file is built and returned (MP4 with its index first).
    this.target = stream ? new StreamTarget(stream.writable, { chunked: true, chunkSize: 4 << 20 }) : new BufferTarget();
    const format = opt.container === 'mp4' ? new Mp4OutputFormat({ fastStart: stream ? false : 'in-memory' }) : new WebMOutputFormat();
    const output = (this.output = new Output({ format, target: this.target }));
    this.source = new EncodedVideoPacketSource(VIDEO_CODECS[opt.codec].mediabunny);
    // A constant frame rate is written as such (MP4 timescale, WebM DefaultDuration — without it
    // WebM has no duration for the last frame); variable rates keep their own timestamps.
    output.addVideoTrack(this.source, v.constantFrameRate ? { frameRate: v.constantFrameRate } : undefined);
    return { output, format };
  }

  /** Frame `index`'s result to the encoder, then waits while the encoder's queue or the muxer is behind. */
  async encode(r: FrameResult, item: ProcessedFrame, index: number): Promise<void> {
    const { flow, timings, frames } = this.o;
    if (!this.encoder) {
      this.resultW = r.width;
      this.resultH = r.height;
      await this.configure(r.width, r.height);
    } else if (r.width !== this.resultW || r.height !== this.resultH) {
      throw new TesseraError(
        'encode-failed',
        `the recipe made frame ${index} ${r.width}×${r.height} but earlier frames ${this.resultW}×${this.resultH}: a video needs one size`,
      );
    }
    const encoder = this.encoder!;
    this.streamColor ??= item.color;
    const f0 = performance.now();
    const frame = this.frameOf(r, { timestamp: item.timestamp, duration: item.duration || undefined });
    frames.opened++;
    const keyFrame = item.timestamp - this.lastKeyUs >= this.o.options.keyframeInterval * 1e6;
    if (keyFrame) this.lastKeyUs = item.timestamp;
    try {
      encoder.encode(frame, { keyFrame });
    } finally {
      frame.close();
      frames.closed++;
    }
    timings.frameMs += performance.now() - f0;
    const w0 = performance.now();
    await flow.whileBlocked(() => encoder.encodeQueueSize > 2);
    // The muxer's own backpressure.
    await this.muxChain;
    timings.encodeWaitMs += performance.now() - w0;
  }

  /** Flushes the encoder and the muxer, adds the audio left, finalises; the file when built in memory. */
  async finish(): Promise<Uint8Array | undefined> {
    await this.encoder!.flush();
    await this.muxChain;
    if (this.o.flow.failure) throw toError(this.o.flow.failure);
    await this.o.audioUntil(Number.POSITIVE_INFINITY);
    // (Sources are closed by finalize(): closing the video source first made mediabunny's WebM
    // muxer drop the last frame's duration.)
    await this.output!.finalize();
    this.finalized = true;
    return this.target instanceof BufferTarget ? new Uint8Array(this.target.buffer!) : undefined;
  }

  closeEncoder(): void {
    if (this.encoder && this.encoder.state !== 'closed') this.encoder.close();
  }

  /** Cancels an output that was not finalised (nothing is left in the sink's stream). */
  async discard(): Promise<void> {
    const output = this.output;
    if (output && !this.finalized && output.state !== 'canceled' && output.state !== 'finalized') await output.cancel().catch(() => {});
  }

  private async configure(w: number, h: number): Promise<void> {
    const { video: v, options: opt, flow, timings } = this.o;
    const even = evenSize(w, h);
    this.width = even.width;
    this.height = even.height;
    this.cropped = even.cropped;
    const { width: outW, height: outH } = even;
    if (even.cropped)
      this.warnings.push(
        `the recipe makes ${w}×${h} frames: encoded as ${outW}×${outH} (4:2:0 video needs even sides; the last ${w !== outW ? 'column' : ''}${w !== outW && h !== outH ? ' and ' : ''}${h !== outH ? 'row' : ''} dropped)`,
      );
    this.bitrate = opt.bitrate ?? targetBitrate(outW, outH, v.frameRate, opt.quality, opt.codec);
    const cfg = await encoderConfig(opt.codec, outW, outH, this.bitrate, v.frameRate);
    this.codecString = cfg.codec;
    const label = VIDEO_CONTAINERS[opt.container].label;
    const encoder = (this.encoder = new VideoEncoder({
      output: (chunk, meta) => {
        const packet = EncodedPacket.fromEncodedChunk(chunk);
        this.muxChain = this.muxChain
          .then(async () => {
            const m0 = performance.now();
            await this.o.audioUntil(packet.timestamp);
            await this.source!.add(packet, meta);
            timings.muxMs += performance.now() - m0;
          })
          .catch((e) => {
            flow.fail(new TesseraError('encode-failed', `cannot write the ${label} file: ${messageOf(e)}`));
          });
      },
      error: (e) => flow.fail(new TesseraError('encode-failed', `the ${VIDEO_CODECS[opt.codec].label} encoder failed: ${messageOf(e)}`)),
    }));
    encoder.addEventListener('dequeue', () => flow.notify());
    encoder.configure(cfg);
  }

  /** The encoder's VideoFrame for a result: its buffer is handed over, not copied. */
  private frameOf(r: FrameResult, at: { timestamp: number; duration?: number }): VideoFrame {
    const timings = this.o.timings;
    if (r.i420) {
      // Even-sized by construction (the worker falls back to RGBA otherwise): no crop.
      timings.encodedFormat ??= 'I420';
      return new VideoFrame(
        r.i420,
        withTransfer(
          {
            format: 'I420',
            codedWidth: r.width,
            codedHeight: r.height,
            ...at,
            ...(this.streamColor ? { colorSpace: this.streamColor } : {}),
          },
          r.i420,
        ),
      );
    }
    timings.encodedFormat ??= 'RGBA';
    const rgba = new Uint8Array(r.rgba);
    const data = this.cropped ? cropRgba(rgba, r.width, this.width, this.height) : rgba;
    return new VideoFrame(
      data,
      withTransfer({ format: 'RGBA', codedWidth: this.width, codedHeight: this.height, ...at }, data.buffer as ArrayBuffer),
    );
  }
}
