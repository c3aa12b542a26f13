/**
 * Video input: opens a file with mediabunny, finds its tracks and checks, with
 * VideoDecoder.isConfigSupported, that this browser can decode it — every failure becomes a
 * sentence that names the file's problem (not a video, corrupt, no video track, which codec is
 * unsupported and which ones are).
 */
import { ALL_FORMATS, BlobSource, EncodedPacketSink, Input, type InputAudioTrack, type InputVideoTrack } from 'mediabunny';
import { TesseraError, messageOf } from '../core/errors';
import { sniffVideo } from '../core/sniff';
import { CODEC_STRINGS, type VideoCodecName } from '../core/video-options';

const CODEC_LABEL: Record<string, string> = {
  avc: 'H.264',
  hevc: 'HEVC (H.265)',
  vp8: 'VP8',
  vp9: 'VP9',
  av1: 'AV1',
  aac: 'AAC',
  opus: 'Opus',
  mp3: 'MP3',
  vorbis: 'Vorbis',
  flac: 'FLAC',
  ac3: 'AC-3',
  eac3: 'E-AC-3',
};

export function codecLabel(codec: string | null | undefined): string {
  if (!codec) return 'an unknown codec';
  return CODEC_LABEL[codec] ?? (codec.startsWith('pcm') ? `PCM (${codec})` : codec);
}

/** Probe strings for the decoders this browser has (software ones here: no HEVC). */
const DECODE_PROBES: VideoCodecName[] = ['avc', 'vp8', 'vp9', 'av1', 'hevc'];
let decodable: Promise<string[]> | undefined;

/** Labels of the video codecs VideoDecoder accepts in this browser. */
export function supportedDecoders(): Promise<string[]> {
  decodable ??= (async () => {
    const out: string[] = [];
    for (const name of DECODE_PROBES) {
      const codec = CODEC_STRINGS[name].base;
      const ok = await VideoDecoder.isConfigSupported({ codec, codedWidth: 640, codedHeight: 360 }).then(
        (r) => !!r.supported,
        () => false,
      );
      if (ok) out.push(codecLabel(name));
    }
    return out;
  })();
  return decodable;
}

export interface OpenedVideo {
  input: Input;
  video: InputVideoTrack;
  audio: InputAudioTrack | null;
  decoderConfig: VideoDecoderConfig;
  /** mediabunny's codec name ('avc', 'vp9'…). */
  codec: string;
  codecString: string;
  width: number;
  height: number;
  /** Seconds (end of the last video packet). */
  duration: number;
  /** Average frames per second (from packet statistics). */
  frameRate: number;
  /** The exact frame rate of a constant-frame-rate video; null for variable frame rates. */
  constantFrameRate: number | null;
  /** Packets in the video track (≈ frames), from the statistics. */
  packetCount: number;
  packets: EncodedPacketSink;
}

async function head(file: Blob, n = 64): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(0, n).arrayBuffer());
}

/**
 * Opens `file` and validates what the video job needs. Throws TesseraError('bad-input' |
 * 'decode-failed') with a user-facing reason; the caller prefixes the file name.
 */
export async function openVideo(file: Blob, name: string): Promise<OpenedVideo> {
  const s = sniffVideo(name, file.size, await head(file));
  if (s.problem) throw new TesseraError('bad-input', s.problem);
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    let video: InputVideoTrack | null;
    try {
      if (!(await input.canRead())) throw new Error('unrecognised container');
      video = await input.getPrimaryVideoTrack();
    } catch (e) {
      throw new TesseraError('bad-input', `corrupt or unreadable video file (${messageOf(e)})`);
    }
    if (!video) {
      const audio = await input.getPrimaryAudioTrack().catch(() => null);
      throw new TesseraError(
        'bad-input',
        `the file has no video track${audio ? ` (only ${codecLabel(await audio.getCodec())} audio)` : ''}`,
      );
    }
    const codec = (await video.getCodec()) ?? '';
    const supported = await supportedDecoders();
    const unsupported = (what: string) =>
      new TesseraError(
        'decode-failed',
        `unsupported video codec: ${what}; this browser decodes ${supported.join(', ') || 'no video codec'}`,
      );
    let decoderConfig: VideoDecoderConfig | null = null;
    try {
      decoderConfig = await video.getDecoderConfig();
    } catch (e) {
      throw new TesseraError('bad-input', `corrupt video track header (${messageOf(e)})`);
    }
    if (!decoderConfig) throw unsupported(codec ? `${codecLabel(codec)}` : 'an unknown codec');
    const support = await VideoDecoder.isConfigSupported(decoderConfig).catch(() => ({ supported: false }));
    if (!support.supported) throw unsupported(`${codecLabel(codec)} (${decoderConfig.codec})`);
    const [width, height, duration, stats] = await Promise.all([
      video.getDisplayWidth(),
      video.getDisplayHeight(),
      video.computeDuration(),
      video.computePacketStats(),
    ]).catch((e) => {
      throw new TesseraError('bad-input', `corrupt video track (${messageOf(e)})`);
    });
    if (stats.packetCount === 0)
      throw new TesseraError('bad-input', 'corrupt or truncated video file: the video track has no readable frames');
    const audio = await input.getPrimaryAudioTrack().catch(() => null);
    const metrics = await video.computeFrameRateMetrics().catch(() => null);
    return {
      constantFrameRate: metrics?.underlyingFrameRate ?? null,
      input,
      video,
      audio,
      decoderConfig,
      codec,
      codecString: decoderConfig.codec,
      width,
      height,
      duration,
      frameRate: stats.averagePacketRate,
      packetCount: stats.packetCount,
      packets: new EncodedPacketSink(video),
    };
  } catch (e) {
    input.dispose();
    throw e;
  }
}

/** Frames, timestamps and pixels of a video, for tests and tools (decodes everything). */
export interface ProbedFrame<S = unknown> {
  timestamp: number;
  duration: number;
  width: number;
  height: number;
  /** Whatever `sample` returned for this frame's RGBA pixels. */
  sample: S;
}

export interface ProbeResult<S = unknown> {
  container: string;
  videoCodec: string;
  codecString: string;
  width: number;
  height: number;
  duration: number;
  frameRate: number;
  frames: ProbedFrame<S>[];
  audio?: { codec: string; packets: number; timestamps: number[] };
}

/**
 * Decodes every frame of `file` and hands each frame's RGBA pixels to `sample` (which should
 * keep a few numbers, not the pixels). Used by the tests to read a frame index back.
 */
export async function probeVideo<S = undefined>(
  file: Blob,
  sample?: (rgba: Uint8Array, width: number, height: number) => S,
): Promise<ProbeResult<S>> {
  const v = await openVideo(file, 'probe.mp4');
  try {
    const frames: ProbedFrame<S>[] = [];
    const pending: Promise<void>[] = [];
    let error: DOMException | undefined;
    const decoder = new VideoDecoder({
      output: (frame) => {
        const w = frame.visibleRect?.width ?? frame.codedWidth,
          h = frame.visibleRect?.height ?? frame.codedHeight;
        const buf = new Uint8Array(w * h * 4);
        // Without a sampler, S is undefined and so is every sample.
        const entry = {
          timestamp: frame.timestamp / 1e6,
          duration: (frame.duration ?? 0) / 1e6,
          width: w,
          height: h,
          sample: undefined as S,
        };
        frames.push(entry);
        pending.push(
          frame
            .copyTo(buf, { format: 'RGBA' })
            .then(() => {
              if (sample) entry.sample = sample(buf, w, h);
            })
            .finally(() => frame.close()),
        );
      },
      error: (e) => (error = e),
    });
    decoder.configure(v.decoderConfig);
    for await (const p of v.packets.packets()) {
      decoder.decode(p.toEncodedVideoChunk());
      if (decoder.decodeQueueSize > 8) await new Promise((r) => decoder.addEventListener('dequeue', r, { once: true }));
    }
    await decoder.flush();
    decoder.close();
    await Promise.all(pending);
    if (error) throw error;
    let audio: ProbeResult['audio'];
    if (v.audio) {
      const timestamps: number[] = [];
      for await (const p of new EncodedPacketSink(v.audio).packets()) timestamps.push(p.timestamp);
      audio = { codec: (await v.audio.getCodec()) ?? '', packets: timestamps.length, timestamps };
    }
    return {
      container: (await v.input.getFormat()).name,
      videoCodec: v.codec,
      codecString: v.codecString,
      width: v.width,
      height: v.height,
      duration: v.duration,
      frameRate: v.frameRate,
      frames,
      audio,
    };
  } finally {
    v.input.dispose();
  }
}
