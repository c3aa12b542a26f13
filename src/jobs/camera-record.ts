/**
 * Records the processed camera stream: RGBA → VideoFrame → VideoEncoder → mediabunny muxer.
 * The live view never waits for the encoder: when its queue is full the frame is skipped (and
 * counted), so a slow software encoder lowers the recording's frame rate, not the preview's.
 */
// mediabunny is loaded when a recording starts, keeping it out of the main bundle.
import type { BufferTarget, EncodedVideoPacketSource, Output } from 'mediabunny';
import { TesseraError, messageOf, toError } from '../core/errors';
import { CODEC_STRINGS } from '../core/video-options';
import { pageParts, VIDEO_PART } from './lazy';

export type RecordContainer = 'webm' | 'mp4';
export type RecordCodec = 'vp8' | 'vp9' | 'avc' | 'av1';

export interface RecordOptions {
  container: RecordContainer;
  /** Default: vp8 for WebM, avc (H.264 High) for MP4. */
  codec?: RecordCodec;
  /** Encoder queue length beyond which frames are skipped (default 4). */
  maxQueue?: number;
  /** Bits per second; default ≈ 0.1 bit per pixel per frame at 30 fps. */
  bitrate?: number;
}

const CONTAINER_CODECS: Record<RecordContainer, RecordCodec[]> = { webm: ['vp8', 'vp9', 'av1'], mp4: ['avc', 'av1', 'vp9'] };

export interface FrameCounter {
  opened: number;
  closed: number;
}

export class CameraRecorder {
  encoded = 0;
  skipped = 0;
  private encoder?: VideoEncoder;
  private output?: Output;
  private target?: BufferTarget;
  private source?: EncodedVideoPacketSource;
  private writes: Promise<unknown> = Promise.resolve();
  private error?: unknown;
  /** The first encoder or muxer error, if any (recording then stops; the live view goes on). */
  get errorMessage(): string | undefined {
    return this.error === undefined ? undefined : messageOf(this.error);
  }
  get queueSize(): number {
    return this.encoder?.encodeQueueSize ?? 0;
  }
  private firstTs?: number;
  private lastTs = -1000;
  private width = 0;
  private height = 0;
  codecString = '';
  readonly codec: RecordCodec;
  private ready?: Promise<void>;

  constructor(
    private readonly opts: RecordOptions,
    private readonly counter: FrameCounter,
  ) {
    if (!CONTAINER_CODECS[opts.container]) throw new TesseraError('bad-input', `unknown container "${opts.container}" (webm or mp4)`);
    this.codec = opts.codec ?? CONTAINER_CODECS[opts.container][0];
    if (!CONTAINER_CODECS[opts.container].includes(this.codec)) {
      throw new TesseraError(
        'bad-input',
        `${opts.container} cannot hold ${this.codec} here (use ${CONTAINER_CODECS[opts.container].join(' or ')})`,
      );
    }
  }

  get mimeType(): string {
    return this.opts.container === 'webm' ? 'video/webm' : 'video/mp4';
  }

  /** Configures the encoder for the first frame's size. */
  private async open(width: number, height: number, fps: number): Promise<void> {
    if (typeof VideoEncoder === 'undefined')
      throw new TesseraError('encode-failed', 'this browser has no WebCodecs VideoEncoder: recording is unavailable');
    let config: VideoEncoderConfig | undefined;
    // WebCodecs strings tried best first (levels high enough for 1080p30).
    for (const codec of CODEC_STRINGS[this.codec].record ?? [CODEC_STRINGS[this.codec].base]) {
      const c: VideoEncoderConfig = {
        codec,
        width,
        height,
        framerate: fps,
        latencyMode: 'realtime',
        bitrate: this.opts.bitrate ?? Math.max(500_000, Math.round(width * height * 30 * 0.1)),
        ...(this.codec === 'avc' ? { avc: { format: 'avc' as const } } : {}),
      };
      const s = await VideoEncoder.isConfigSupported(c).catch(() => ({ supported: false }));
      if (s.supported) {
        config = c;
        break;
      }
    }
    if (!config) throw new TesseraError('encode-failed', `no ${this.codec} encoder for ${width}×${height} in this browser`);
    const { BufferTarget, EncodedPacket, EncodedVideoPacketSource, Mp4OutputFormat, Output, WebMOutputFormat } = await pageParts.load(
      VIDEO_PART,
      () => import('mediabunny'),
    );
    this.codecString = config.codec;
    this.target = new BufferTarget();
    this.width = width;
    this.height = height;
    const format = this.opts.container === 'webm' ? new WebMOutputFormat() : new Mp4OutputFormat({ fastStart: 'in-memory' });
    this.output = new Output({ format, target: this.target });
    this.source = new EncodedVideoPacketSource(this.codec);
    // No declared frame rate: a camera is variable-rate, and a declared rate lets the muxer snap
    // timestamps to its grid (two frames 1 ms apart then share one timestamp).
    this.output.addVideoTrack(this.source);
    this.writes = this.output.start();
    this.encoder = new VideoEncoder({
      output: (chunk, meta) => {
        const packet = EncodedPacket.fromEncodedChunk(chunk);
        const src = this.source!;
        this.writes = this.writes
          .then(() => src.add(packet, meta))
          .catch((e) => {
            this.error ??= e;
          });
      },
      error: (e) => {
        this.error ??= e;
      },
    });
    this.encoder.configure(config);
  }

  /**
   * Queues one processed frame (copied into a VideoFrame at once, so `rgba` may be reused).
   * Returns false when the frame was skipped (encoder busy, size change, or not ready yet).
   */
  add(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, timestampUs: number, fps = 30): boolean {
    if (this.error) return false;
    if (!this.ready) {
      this.ready = this.open(width, height, fps).catch((e) => {
        this.error ??= e;
      });
      this.skipped++;
      return false;
    }
    const enc = this.encoder;
    if (
      !enc ||
      enc.state !== 'configured' ||
      width !== this.width ||
      height !== this.height ||
      enc.encodeQueueSize >= (this.opts.maxQueue ?? 4)
    ) {
      this.skipped++;
      return false;
    }
    this.firstTs ??= timestampUs;
    // Strictly increasing at the containers' resolution (WebM stores milliseconds): a starved
    // fake or real camera can deliver two frames with capture times under 1 ms apart.
    const ts = Math.max(this.lastTs + 1000, Math.round(timestampUs - this.firstTs));
    this.lastTs = ts;
    const frame = new VideoFrame(rgba, { format: 'RGBA', codedWidth: width, codedHeight: height, timestamp: ts });
    this.counter.opened++;
    try {
      enc.encode(frame, { keyFrame: this.encoded % 60 === 0 });
      this.encoded++;
    } finally {
      frame.close();
      this.counter.closed++;
    }
    return true;
  }

  /** Flushes the encoder and returns the finished file (undefined if nothing was recorded). */
  async finish(): Promise<Blob | undefined> {
    await this.ready;
    try {
      if (this.encoder && this.encoder.state === 'configured') await this.encoder.flush();
      await this.writes;
      if (this.error) throw toError(this.error);
      if (!this.output || !this.encoded) {
        await this.output?.cancel();
        return undefined;
      }
      await this.output.finalize();
      return new Blob([this.target!.buffer!], { type: this.mimeType });
    } catch (e) {
      throw e instanceof TesseraError ? e : new TesseraError('encode-failed', `recording failed: ${messageOf(e)}`);
    } finally {
      this.close();
    }
  }

  close(): void {
    if (this.encoder && this.encoder.state !== 'closed') this.encoder.close();
  }
}
