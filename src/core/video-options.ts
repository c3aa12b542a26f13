/**
 * Video output options (container, codec, rate control, frame range, analysis export), validated
 * once so the video job can trust them. Pure TypeScript: no WebCodecs here, so it unit-tests in
 * Node. Which codecs the browser can actually encode is checked at run time by the job.
 */
import { TesseraError } from './errors';

export type VideoContainer = 'mp4' | 'webm';
export type VideoCodecChoice = 'h264' | 'vp9' | 'vp8' | 'av1';

export interface VideoOptions {
  container: VideoContainer;
  codec: VideoCodecChoice;
  /** Target bits per second; when absent the bitrate follows `quality`. */
  bitrate?: number;
  /** 1–100: picks a bitrate from the frame size and rate (see targetBitrate). */
  quality: number;
  /** First second to keep (inclusive). */
  start: number;
  /** Last second (exclusive); absent: to the end. */
  end?: number;
  /** Write `<name>.analysis.json` (per-frame means, step times) next to the output. */
  analysis: boolean;
  /** Seconds between forced key frames. */
  keyframeInterval: number;
  /** Copy the audio track without re-encoding (when the container allows its codec), or drop it. */
  audio: 'copy' | 'drop';
}

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

const KEYS = ['container', 'codec', 'bitrate', 'quality', 'start', 'end', 'analysis', 'keyframeInterval', 'audio'] as const;

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
  for (const k of Object.keys(r)) {
    if (r[k] === undefined) continue;
    if (!(KEYS as readonly string[]).includes(k)) bad(`${path}/${k}`, `unknown field "${k}" (video options are: ${KEYS.join(', ')})`);
  }
  let container = r.container as VideoContainer | undefined;
  const codec0 = r.codec;
  if (codec0 !== undefined && (typeof codec0 !== 'string' || !Object.hasOwn(VIDEO_CODECS, codec0)))
    bad(`${path}/codec`, `unknown video codec ${JSON.stringify(codec0)} (choose ${Object.keys(VIDEO_CODECS).join(', ')})`);
  if (container !== undefined && (typeof container !== 'string' || !Object.hasOwn(VIDEO_CONTAINERS, container)))
    bad(`${path}/container`, `unknown container ${JSON.stringify(container)} (choose mp4 or webm)`);
  // A codec alone picks its natural container: VP8/VP9 → WebM, H.264/AV1 → MP4.
  container ??= codec0 === 'vp8' || codec0 === 'vp9' ? 'webm' : 'mp4';
  const codec = (codec0 as VideoCodecChoice | undefined) ?? CONTAINER_CODECS[container][0];
  if (!CONTAINER_CODECS[container].includes(codec))
    bad(`${path}/codec`, `${VIDEO_CODECS[codec].label} cannot go in ${VIDEO_CONTAINERS[container].label} here (${VIDEO_CONTAINERS[container].label} takes ${CONTAINER_CODECS[container].map((c) => VIDEO_CODECS[c].label).join(', ')})`);

  const num = (k: string, min: number, max: number, integer: boolean): number | undefined => {
    const v = r[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v)))
      bad(`${path}/${k}`, `must be ${integer ? 'a whole number' : 'a number'} ${min}–${max}, got ${JSON.stringify(v)}`);
    return v;
  };
  const bitrate = num('bitrate', 10_000, 500_000_000, true);
  const quality = num('quality', 1, 100, true) ?? DEFAULT_VIDEO_QUALITY;
  const start = num('start', 0, 1e7, false) ?? 0;
  const end = num('end', 0, 1e7, false);
  if (end !== undefined && end <= start) bad(`${path}/end`, `must be after start (${start} s), got ${end} s`);
  const keyframeInterval = num('keyframeInterval', 0.1, 60, false) ?? 2;
  const analysis = r.analysis ?? false;
  if (typeof analysis !== 'boolean') bad(`${path}/analysis`, `must be true or false, got ${JSON.stringify(analysis)}`);
  const audio = r.audio ?? 'copy';
  if (audio !== 'copy' && audio !== 'drop') bad(`${path}/audio`, `must be "copy" or "drop", got ${JSON.stringify(audio)}`);
  const out: VideoOptions = { container, codec, quality, start, analysis, keyframeInterval, audio };
  if (bitrate !== undefined) out.bitrate = bitrate;
  if (end !== undefined) out.end = end;
  return out;
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
  if (w < 2 || h < 2) throw new TesseraError('encode-failed', `the recipe makes ${width}×${height} frames: too small to encode as video (at least 2×2)`);
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
  avc: { base: 'avc1.640028', sized: [[8192, 'avc1.640028'], [36864, 'avc1.640033'], [Infinity, 'avc1.64003e']], record: ['avc1.640028', 'avc1.4d0028', 'avc1.42001f'] },
  vp9: { base: 'vp09.00.10.08', sized: [[1920 * 1088, 'vp09.00.40.08'], [4096 * 2176, 'vp09.00.51.08'], [Infinity, 'vp09.00.61.08']], record: ['vp09.00.10.08', 'vp09.00.40.08'] },
  vp8: { base: 'vp8', record: ['vp8'] },
  av1: {
    base: 'av01.0.04M.08',
    sized: [[1280 * 720, 'av01.0.05M.08'], [2048 * 1152, 'av01.0.08M.08'], [4096 * 2304, 'av01.0.12M.08'], [Infinity, 'av01.0.16M.08']],
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
