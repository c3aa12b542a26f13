/**
 * Video output options (container, codec, rate control, frame range, analysis export), validated
 * once so the video job can trust them. Pure TypeScript: no WebCodecs here, so it unit-tests in
 * Node. Which codecs the browser can actually encode is checked at run time by the job.
 */
import { TesseraError } from './errors';
import { checkFields, defineOptions, readOptions, type OptionValues } from './options';

export type VideoContainer = 'mp4' | 'webm';
export type VideoCodecChoice = 'h264' | 'vp9' | 'vp8' | 'av1';

/** Which codecs each container takes here (MP4: H.264 High or AV1; WebM: VP9, VP8 or AV1). */
export const CONTAINER_CODECS: Readonly<Record<VideoContainer, readonly VideoCodecChoice[]>> = {
  mp4: ['h264', 'av1'],
  webm: ['vp9', 'vp8', 'av1'],
};

export const VIDEO_CONTAINERS: Readonly<Record<VideoContainer, { label: string; extension: string; mime: string }>> = {
  mp4: { label: 'MP4', extension: '.mp4', mime: 'video/mp4' },
  webm: { label: 'WebM', extension: '.webm', mime: 'video/webm' },
};

export const VIDEO_CODECS: Readonly<Record<VideoCodecChoice, { label: string; mediabunny: 'avc' | 'vp9' | 'vp8' | 'av1' }>> = {
  h264: { label: 'H.264 High', mediabunny: 'avc' },
  vp9: { label: 'VP9', mediabunny: 'vp9' },
  vp8: { label: 'VP8', mediabunny: 'vp8' },
  av1: { label: 'AV1', mediabunny: 'av1' },
};

export const DEFAULT_VIDEO_QUALITY = 60;

const CONTAINER_NAMES = Object.keys(VIDEO_CONTAINERS) as VideoContainer[];
const CODEC_NAMES = Object.keys(VIDEO_CODECS) as VideoCodecChoice[];
const labels = <K extends string>(t: Readonly<Record<K, { label: string }>>) =>
  Object.fromEntries(Object.entries<{ label: string }>(t).map(([k, d]) => [k, d.label]));

const ANIMATED = { param: 'animation', in: ['gif', 'webp'] } as const;

/**
 * Every video option, once (as OUTPUT_OPTIONS in formats.ts): the validator below, the panel's
 * video section and the `npm run batch` flags/--help are built from it. All apply to both containers.
 */
export const VIDEO_OPTIONS = defineOptions<VideoContainer>()({
  container: {
    type: 'enum',
    label: 'Container',
    options: CONTAINER_NAMES,
    default: 'mp4',
    noun: 'container',
    optionLabels: labels(VIDEO_CONTAINERS),
    help: 'Video output container (a vp8 or vp9 codec alone picks webm).',
  },
  codec: {
    type: 'enum',
    label: 'Codec',
    options: CODEC_NAMES,
    default: 'h264',
    noun: 'video codec',
    optionLabels: labels(VIDEO_CODECS),
    optionsBy: { param: 'container', options: CONTAINER_CODECS },
    aliases: { avc: 'h264', 'h.264': 'h264' },
    flag: 'video-codec',
    help: `Video codec, one the container takes (${CONTAINER_NAMES.map((c) => `${c}: ${CONTAINER_CODECS[c].join(', ')}`).join('; ')}).`,
  },
  /** Target bits per second; when absent the bitrate follows `quality`. */
  bitrate: {
    type: 'integer',
    label: 'Bitrate',
    min: 10_000,
    max: 500_000_000,
    optional: true,
    unset: 'from quality',
    unit: 'bit/s',
    display: { scale: 1000, unit: 'kbit/s' },
    flag: 'video-bitrate',
    help: 'Target bitrate in bits/s (overrides the quality).',
  },
  /** 1–100: picks a bitrate from the frame size and rate (see targetBitrate). */
  quality: {
    type: 'integer',
    label: 'Quality',
    min: 1,
    max: 100,
    default: DEFAULT_VIDEO_QUALITY,
    flag: 'video-quality',
    help: 'Video quality 1–100: a bitrate from the frame size and rate.',
  },
  /** First second to keep (inclusive). */
  start: {
    type: 'number',
    label: 'From',
    min: 0,
    max: 1e7,
    default: 0,
    step: 0.1,
    unit: 's',
    flag: 'video-start',
    help: 'First second to keep.',
  },
  /** Last second (exclusive); absent: to the end. */
  end: {
    type: 'number',
    label: 'To',
    min: 0,
    max: 1e7,
    optional: true,
    unset: 'to the end',
    step: 0.1,
    unit: 's',
    flag: 'video-end',
    help: 'Second to stop at (exclusive).',
  },
  /** Write `<name>.analysis.json` (per-frame means, step times) next to the output. */
  analysis: {
    type: 'boolean',
    label: 'Per-frame analysis',
    default: false,
    help: 'Also write <name>.analysis.json (per-frame means, step times) beside each video.',
  },
  /** Seconds between forced key frames. */
  keyframeInterval: {
    type: 'number',
    label: 'Key frame interval',
    min: 0.1,
    max: 60,
    default: 2,
    step: 0.1,
    unit: 's',
    help: 'Seconds between forced key frames.',
  },
  /**
   * Write the video as an animated image instead (core/animation.ts): the frames in From–To,
   * sampled at `fps`, through the recipe, encoded by libvips in a worker. No sound.
   */
  animation: {
    type: 'enum',
    label: 'As animation',
    options: ['off', 'gif', 'webp'],
    default: 'off',
    flag: 'video-animation',
    help: 'gif or webp: write each video as an animated GIF or WebP instead (the frames from From to To at Animation fps, through the recipe: a Resize step sets the size; no sound). With --format set to the same format its image options apply.',
  },
  /** Frames per second of an animation made from a video (`animation` gif or webp). */
  fps: {
    type: 'number',
    label: 'Animation fps',
    min: 1,
    max: 50,
    default: 10,
    step: 1,
    unit: 'fps',
    // Shown (and listed in --help) only while the video is written as an animation.
    appliesTo: { mp4: ANIMATED, webm: ANIMATED },
    flag: 'animation-fps',
    help: 'Frames per second of an animated GIF or WebP made from a video (frames are taken from the video at this rate; a slower video keeps its own).',
  },
  /** Animated GIF/WebP inputs written as videos in this container and codec (jobs/video/animation-video.ts). */
  animationsAsVideo: {
    type: 'boolean',
    label: 'Animations as video',
    default: false,
    help: 'Write animated GIF and WebP inputs as videos (this container and codec): every frame through the recipe, each shown for its own delay, played once. Still GIFs and WebPs stay images.',
  },
  /** Copy the audio track without re-encoding (when the container allows its codec), or drop it. */
  audio: {
    type: 'enum',
    label: 'Audio',
    options: ['copy', 'drop'],
    default: 'copy',
    help: 'Copy the audio track without re-encoding (when the container takes its codec), or drop it.',
  },
});

/** Validated video options, typed from VIDEO_OPTIONS (bitrate and end may be absent). */
export type VideoOptions = OptionValues<typeof VIDEO_OPTIONS>;

function bad(path: string, message: string): never {
  throw new TesseraError('invalid-recipe', `${path}: ${message}`, path);
}

/**
 * Validates video options from the UI, the command line or a script. Missing fields take
 * defaults: MP4 + H.264 (or the container's first codec), quality 60, the whole video, audio copied.
 */
export function validateVideoOptions(raw: unknown, path = '/video'): VideoOptions {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) bad(path, 'must be an object like {"container": "webm", "codec": "vp9"}');
  const r = raw as Record<string, unknown>;
  checkFields(VIDEO_OPTIONS, r, path, 'video options are');
  const given = readOptions(VIDEO_OPTIONS, r, path);
  // A codec alone picks its natural container: VP8/VP9 → WebM, H.264/AV1 → MP4; a container alone its first codec.
  const container = r.container === undefined ? (given.codec === 'vp8' || given.codec === 'vp9' ? 'webm' : 'mp4') : given.container;
  const codec = r.codec === undefined ? CONTAINER_CODECS[container][0] : given.codec;
  if (!CONTAINER_CODECS[container].includes(codec))
    bad(
      `${path}/codec`,
      `${VIDEO_CODECS[codec].label} cannot go in ${VIDEO_CONTAINERS[container].label} here (${VIDEO_CONTAINERS[container].label} takes ${CONTAINER_CODECS[container].map((c) => VIDEO_CODECS[c].label).join(', ')})`,
    );
  if (given.end !== undefined && given.end <= given.start) bad(`${path}/end`, `must be after start (${given.start} s), got ${given.end} s`);
  return { ...given, container, codec };
}

/**
 * Bitrate for a quality: bits per pixel per frame from 0.02 (quality 1) to 0.25 (quality 100),
 * × 0.7 for AV1/VP9 (better compression). 1080p30 H.264 at quality 60 ≈ 9 Mbit/s.
 */
export function targetBitrate(width: number, height: number, fps: number, quality: number, codec: VideoCodecChoice): number {
  const bpp = 0.02 + ((quality - 1) / 99) * 0.23;
  const efficiency = codec === 'av1' || codec === 'vp9' ? 0.7 : 1;
  const f = Number.isFinite(fps) && fps > 0 ? Math.min(fps, 240) : 30;
  return Math.max(50_000, Math.round(width * height * f * bpp * efficiency));
}

/**
 * The encoded size for a recipe result. 4:2:0 chroma needs even sides (H.264 requires them; VP8,
 * VP9 and AV1 software encoders also work on 2×2 chroma blocks), so an odd width or height loses
 * its last column or row. A 1-pixel side cannot be encoded.
 */
export function evenSize(width: number, height: number): { width: number; height: number; cropped: boolean } {
  const w = width & ~1;
  const h = height & ~1;
  if (w < 2 || h < 2)
    throw new TesseraError('encode-failed', `the recipe makes ${width}×${height} frames: too small to encode as video (at least 2×2)`);
  return { width: w, height: h, cropped: w !== width || h !== height };
}

/** "clips/a.MOV" + webm → "clips/a.webm". */
export function videoOutputPath(inputPath: string, container: VideoContainer): string {
  const slash = inputPath.lastIndexOf('/');
  const dot = inputPath.lastIndexOf('.');
  const base = dot > slash + 1 ? inputPath.slice(0, dot) : inputPath;
  return base + VIDEO_CONTAINERS[container].extension;
}

/** "clips/a.mp4" → "clips/a.analysis.json". */
export function analysisPath(outputPath: string): string {
  const slash = outputPath.lastIndexOf('/');
  const dot = outputPath.lastIndexOf('.');
  const base = dot > slash + 1 ? outputPath.slice(0, dot) : outputPath;
  return `${base}.analysis.json`;
}

// ---- WebCodecs codec strings: the one table. The encoder (sized strings, probes, the fallback),
// the decoder probes (io/media.ts) and the camera recorder (jobs/camera-record.ts) all read it.

/** mediabunny's names of the video codecs the app meets (HEVC: decoder probe only). */
export type VideoCodecName = 'avc' | 'hevc' | 'vp9' | 'vp8' | 'av1';

export interface CodecStrings {
  /** Level-free string (small sizes): capability probes, and the encoder's fallback when a sized string is refused. */
  base: string;
  /**
   * Encoder strings by frame size, smallest level first: [most H.264 macroblocks (`avc`) or
   * pixels (others), string]; the last bound is Infinity. Absent: `base` at every size.
   */
  sized?: readonly (readonly [number, string])[];
  /** The camera recorder's strings, tried best first (levels high enough for 1080p30). */
  record?: readonly string[];
}

/** Profiles are fixed (H.264 High, VP9 profile 0, AV1 Main, 8-bit); levels grow with the frame. */
export const CODEC_STRINGS: Readonly<Record<VideoCodecName, CodecStrings>> = {
  // Level 4.0 (8192 MBs: 1080p), 5.1 (36864: 4K), 6.2 (139264: 8K).
  avc: {
    base: 'avc1.640028',
    sized: [
      [8192, 'avc1.640028'],
      [36864, 'avc1.640033'],
      [Infinity, 'avc1.64003e'],
    ],
    record: ['avc1.640028', 'avc1.4d0028', 'avc1.42001f'],
  },
  vp9: {
    base: 'vp09.00.10.08',
    sized: [
      [1920 * 1088, 'vp09.00.40.08'],
      [4096 * 2176, 'vp09.00.51.08'],
      [Infinity, 'vp09.00.61.08'],
    ],
    record: ['vp09.00.10.08', 'vp09.00.40.08'],
  },
  vp8: { base: 'vp8', record: ['vp8'] },
  av1: {
    base: 'av01.0.04M.08',
    sized: [
      [1280 * 720, 'av01.0.05M.08'],
      [2048 * 1152, 'av01.0.08M.08'],
      [4096 * 2304, 'av01.0.12M.08'],
      [Infinity, 'av01.0.16M.08'],
    ],
    record: ['av01.0.08M.08', 'av01.0.04M.08'],
  },
  hevc: { base: 'hvc1.1.6.L93.B0' },
};

/** WebCodecs codec string for an encode of `width`×`height` frames (see CODEC_STRINGS). */
export function encoderCodecString(codec: VideoCodecChoice, width: number, height: number): string {
  const name = VIDEO_CODECS[codec].mediabunny;
  const t = CODEC_STRINGS[name];
  const size = name === 'avc' ? Math.ceil(width / 16) * Math.ceil(height / 16) : width * height;
  return t.sized?.find(([most]) => size <= most)?.[1] ?? t.base;
}
