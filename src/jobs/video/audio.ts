/**
 * Audio pass-through: the input's audio packets are copied into the output, never decoded, when
 * the container takes their codec; else (or with `audio: 'drop'`) the track is left out, with a
 * reason. Packets go to the muxer interleaved with the video: before each video packet, the
 * audio due by its time.
 */
import {
  EncodedAudioPacketSource,
  EncodedPacketSink,
  type EncodedPacket,
  type InputAudioTrack,
  type Output,
  type OutputFormat,
} from 'mediabunny';
import { codecLabel } from '../../io/media';
import { inRange, type FrameRange } from './range';
import type { VideoJobResult } from './types';

export type AudioResult = VideoJobResult['audio'];

/** Whether audio of `codec` is copied into a container taking `allowed`, and if not, why (`warning`: also worth a warning). */
export function planAudio(
  codec: string | null,
  allowed: readonly string[],
  choice: 'copy' | 'drop',
  containerLabel: string,
): { result: AudioResult; warning?: string } {
  if (choice === 'drop') return { result: { status: 'dropped', codec: codec ?? undefined, reason: 'audio: drop was chosen' } };
  if (!codec || !allowed.includes(codec)) {
    const takes = allowed
      .filter((c) => !c.startsWith('pcm') && c !== 'ulaw' && c !== 'alaw')
      .map(codecLabel)
      .join(', ');
    const reason = `${codecLabel(codec)} audio cannot go in ${containerLabel} without re-encoding (${containerLabel} takes ${takes})`;
    return { result: { status: 'dropped', codec: codec ?? undefined, reason }, warning: `audio dropped: ${reason}` };
  }
  return { result: { status: 'copied', codec } };
}

/** What the pump needs of a packet (mediabunny's EncodedPacket). */
export interface AudioPacket<P> {
  timestamp: number;
  clone(o: { timestamp: number }): P;
}

/**
 * Copies packets from `packets` (input order) to `add`: those in the range only, shifted into
 * output time, the decoder config with the first. `pump(untilSec)` stops before the first packet
 * later than `untilSec` (output time) and resumes there on the next call.
 */
export class AudioPump<P extends AudioPacket<P>> {
  /** Packets added. */
  sent = 0;
  /** The packet read but not yet due (undefined: none read; null: the end). */
  private next: P | null | undefined;

  constructor(
    private readonly packets: AsyncIterator<P>,
    private readonly add: (p: P, meta?: EncodedAudioChunkMetadata) => Promise<void>,
    private readonly range: FrameRange,
    private readonly decoderConfig?: AudioDecoderConfig,
  ) {}

  /** `offsetUs`: input µs at output time 0. */
  async pump(untilSec: number, offsetUs: number): Promise<void> {
    const off = offsetUs / 1e6;
    for (;;) {
      if (this.next === undefined) {
        const r = await this.packets.next();
        this.next = r.done ? null : r.value;
      }
      if (!this.next) return;
      const p = this.next;
      if (p.timestamp - off > untilSec) return;
      this.next = undefined;
      if (!inRange(this.range, p.timestamp * 1e6)) continue;
      const shifted = off ? p.clone({ timestamp: p.timestamp - off }) : p;
      await this.add(shifted, this.sent === 0 && this.decoderConfig ? { decoderConfig: this.decoderConfig } : undefined);
      this.sent++;
    }
  }

  async close(): Promise<void> {
    await this.packets.return?.().catch(() => {});
  }
}

/** The audio side of a transcode: decides at attach(), then pumps packets as the video is muxed. */
export class AudioPass {
  readonly result: AudioResult = { status: 'none' };
  readonly warnings: string[] = [];
  private pumper?: AudioPump<EncodedPacket>;

  constructor(
    private readonly track: InputAudioTrack | null,
    private readonly range: FrameRange,
    private readonly choice: 'copy' | 'drop',
    private readonly containerLabel: string,
  ) {}

  /** Adds the audio track to `output` (before it starts) when the audio is copied. */
  async attach(output: Output, format: OutputFormat): Promise<void> {
    const track = this.track;
    if (!track) return;
    const ac = await track.getCodec();
    const plan = planAudio(ac, format.getSupportedAudioCodecs(), this.choice, this.containerLabel);
    if (plan.warning) this.warnings.push(plan.warning);
    if (plan.result.status !== 'copied' || !ac) return void Object.assign(this.result, plan.result);
    const config = (await track.getDecoderConfig()) ?? undefined;
    const source = new EncodedAudioPacketSource(ac);
    output.addAudioTrack(source);
    Object.assign(this.result, plan.result);
    this.pumper = new AudioPump(
      new EncodedPacketSink(track).packets()[Symbol.asyncIterator](),
      (p, meta) => source.add(p, meta),
      this.range,
      config,
    );
  }

  /** Muxes the audio due by `untilSec` (output time; Infinity: all that is left). */
  async pump(untilSec: number, offsetUs: number): Promise<void> {
    await this.pumper?.pump(untilSec, offsetUs);
  }

  /** After the output is finalised: the packet count joins the result. */
  finish(): AudioResult {
    this.result.packets = this.pumper ? this.pumper.sent : undefined;
    return this.result;
  }

  async close(): Promise<void> {
    await this.pumper?.close();
  }
}
