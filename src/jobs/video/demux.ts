/**
 * Demux and decode: packets from the key frame at or before the range's start up to the first
 * key frame past its end go to a VideoDecoder, fed only while its queue is short and the rest of
 * the pipeline has room; decoded frames outside the range are closed at once, the others are
 * numbered 0, 1, 2… and handed on with their output timestamps.
 */
import { TesseraError, messageOf } from '../../core/errors';
import { codecLabel, type OpenedVideo } from '../../io/media';
import type { Flow } from './flow';
import { inRange, type FrameRange } from './range';
import type { FrameCount, VideoTimings } from './types';

export interface DemuxOptions {
  video: OpenedVideo;
  range: FrameRange;
  /** The range's start in seconds (VideoOptions.start): where to seek, and whether output time is shifted. */
  start: number;
  flow: Flow;
  /** demuxMs and feedWaitMs are added to. */
  timings: VideoTimings;
  frames: FrameCount;
  /** The stages after the decoder hold as many frames as they may: the feed waits. */
  full: () => boolean;
  /**
   * Each decoded frame in the range, in decode order, numbered from 0, with its timestamp in
   * output time (µs from the first kept frame when the range starts after 0). The callee owns
   * the frame and closes it.
   */
  onFrame: (frame: VideoFrame, index: number, timestampUs: number) => void;
}

export class Demux {
  /** Frames in the range handed on so far. */
  accepted = 0;
  private decoder?: VideoDecoder;
  private offset?: number;
  /** The last packet's timestamp fed to the decoder (seconds), for error messages. */
  private lastFedTs = 0;

  constructor(private readonly o: DemuxOptions) {}

  /** Input µs at output time 0: the first kept frame's timestamp when the range starts after 0, else 0. */
  get offsetUs(): number {
    return this.offset ?? 0;
  }

  /** Feeds every packet of the range and flushes the decoder (stops early on a failure). */
  async run(): Promise<void> {
    const { video: v, flow } = this.o;
    const decoder = (this.decoder = new VideoDecoder({
      output: (frame) => this.output(frame),
      error: (e) =>
        flow.fail(
          new TesseraError(
            'decode-failed',
            `corrupt video data near ${this.lastFedTs.toFixed(3)} s: the ${codecLabel(v.codec)} decoder failed (${messageOf(e)})`,
          ),
        ),
    }));
    decoder.addEventListener('dequeue', () => flow.notify());
    decoder.configure(v.decoderConfig);
    await this.feed(decoder);
    if (!flow.failure)
      await decoder
        .flush()
        .catch((e) =>
          flow.fail(new TesseraError('decode-failed', `corrupt video data near ${this.lastFedTs.toFixed(3)} s (${messageOf(e)})`)),
        );
  }

  close(): void {
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
  }

  private output(frame: VideoFrame): void {
    const { frames, range, flow } = this.o;
    frames.opened++;
    const ts = frame.timestamp;
    if (flow.failure || !inRange(range, ts)) {
      frame.close();
      frames.closed++;
      return;
    }
    this.offset ??= this.o.start > 0 ? ts : 0;
    this.o.onFrame(frame, this.accepted++, frame.timestamp - this.offset);
  }

  /** From the key frame at or before `start`, up to the first key frame past the range's end. */
  private async feed(decoder: VideoDecoder): Promise<void> {
    const { video: v, range, flow, timings } = this.o;
    const first =
      this.o.start > 0
        ? ((await v.packets.getKeyPacket(this.o.start)) ?? (await v.packets.getFirstPacket()))
        : await v.packets.getFirstPacket();
    if (!first) throw new TesseraError('bad-input', 'the video track has no frames');
    let sawKey = false;
    try {
      let d0 = performance.now();
      for await (const packet of v.packets.packets(first)) {
        timings.demuxMs += performance.now() - d0;
        if (flow.failure) break;
        if (packet.timestamp * 1e6 >= range.endUs && packet.type === 'key') break;
        if (!sawKey && packet.type !== 'key') continue;
        sawKey = true;
        const w0 = performance.now();
        await flow.whileBlocked(() => decoder.decodeQueueSize >= 3 || this.o.full());
        timings.feedWaitMs += performance.now() - w0;
        if (flow.failure) break;
        this.lastFedTs = packet.timestamp;
        decoder.decode(packet.toEncodedVideoChunk());
        d0 = performance.now();
      }
    } catch (e) {
      if (!flow.failure)
        throw new TesseraError(
          'bad-input',
          `corrupt video file: cannot read packets after ${this.lastFedTs.toFixed(3)} s (${messageOf(e)})`,
        );
    }
  }
}
