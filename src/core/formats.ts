/**
 * Output formats and their options, validated once so engines can trust them. A recipe may carry
 * its own `output` (presets like "Web export" do); the batch's choice overrides field by field.
 */
import { TesseraError } from './errors';

export type OutputFormat = 'png' | 'jpeg' | 'webp' | 'avif' | 'tiff' | 'gif';

export interface OutputOptions {
  format: OutputFormat;
  /** 1–100: JPEG, WebP, AVIF (and TIFF with JPEG compression). */
  quality: number;
  /**
   * PNG: 1 (the default) is Tessera's fast encoder (per-row None/Sub/Up filters, run-length
   * deflate: smaller than zlib 6 on photographs, several times faster); 0 and 2–9 are zlib levels
   * (0 stored, 6 libpng's and Pillow's default, 9 smallest). TIFF: the deflate level (default 6).
   */
  compression: number;
  /** Progressive JPEG, interlaced PNG/GIF. */
  progressive: boolean;
  /** Chroma subsampling for JPEG and AVIF; 'auto' lets the encoder choose by quality. */
  subsampling: 'auto' | '4:2:0' | '4:4:4';
  /** PNG: quantise to an 8-bit palette (smaller files, lossy). GIF is always palettised. */
  palette: boolean;
  /** WebP and AVIF lossless mode. */
  lossless: boolean;
  /** Encoder effort 0 (fastest) – 9 (smallest); scaled to each encoder's own range; default per format. */
  effort: number;
  /** Keep EXIF, ICC profile and XMP from the input, or strip them. */
  metadata: 'keep' | 'strip';
  /** Keep an alpha channel, or composite onto `background` (always flattened for JPEG). */
  alpha: 'keep' | 'flatten';
  background: string;
}

/**
 * defaultEffort is per format because the encoders' costs differ by orders of magnitude in wasm:
 * AVIF at effort 4 took 2.7 s per 0.75 MP (effort 2: 0.46 s), palette quantisation 1.3–2.6 s at
 * libimagequant's default; WebP's 6 maps to libwebp's own default method 4.
 */
export const FORMATS: Readonly<Record<OutputFormat, { label: string; extension: string; mime: string; lossy: boolean; alpha: boolean; defaultQuality: number; defaultEffort: number; defaultCompression: number }>> = {
  png: { label: 'PNG', extension: '.png', mime: 'image/png', lossy: false, alpha: true, defaultQuality: 100, defaultEffort: 2, defaultCompression: 1 },
  jpeg: { label: 'JPEG', extension: '.jpg', mime: 'image/jpeg', lossy: true, alpha: false, defaultQuality: 85, defaultEffort: 4, defaultCompression: 6 },
  webp: { label: 'WebP', extension: '.webp', mime: 'image/webp', lossy: true, alpha: true, defaultQuality: 80, defaultEffort: 6, defaultCompression: 6 },
  avif: { label: 'AVIF', extension: '.avif', mime: 'image/avif', lossy: true, alpha: true, defaultQuality: 60, defaultEffort: 2, defaultCompression: 6 },
  tiff: { label: 'TIFF', extension: '.tif', mime: 'image/tiff', lossy: false, alpha: true, defaultQuality: 90, defaultEffort: 4, defaultCompression: 6 },
  gif: { label: 'GIF', extension: '.gif', mime: 'image/gif', lossy: true, alpha: true, defaultQuality: 100, defaultEffort: 2, defaultCompression: 6 },
};

export const DEFAULT_OUTPUT: Omit<OutputOptions, 'format' | 'quality' | 'compression'> = {
  progressive: false,
  subsampling: 'auto',
  palette: false,
  lossless: false,
  effort: 4,
  metadata: 'keep',
  alpha: 'keep',
  background: '#ffffff',
};

const KEYS = ['format', 'quality', 'compression', 'progressive', 'subsampling', 'palette', 'lossless', 'effort', 'metadata', 'alpha', 'background'] as const;

function bad(path: string, message: string): never {
  throw new TesseraError('invalid-recipe', `${path}: ${message}`, path);
}

/**
 * Validates output options (from a recipe's "output", the UI or the command line); unknown
 * fields and bad values are rejected with their path. Missing fields take defaults.
 */
export function validateOutput(raw: unknown, path = '/output'): OutputOptions {
  if (raw === undefined) raw = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) bad(path, 'must be an object like {"format": "webp", "quality": 82}');
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!(KEYS as readonly string[]).includes(k)) bad(`${path}/${k}`, `unknown field "${k}" (output has: ${KEYS.join(', ')})`);
  const format = r.format ?? 'png';
  if (typeof format !== 'string' || !Object.hasOwn(FORMATS, format)) bad(`${path}/format`, `unknown output format ${JSON.stringify(format)} (choose ${Object.keys(FORMATS).join(', ')})`);
  const f = format as OutputFormat;
  const int = (k: string, min: number, max: number, dflt: number): number => {
    const v = r[k] ?? dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(`${path}/${k}`, `must be a whole number ${min}–${max}, got ${JSON.stringify(v)}`);
    return v;
  };
  const bool = (k: string, dflt: boolean): boolean => {
    const v = r[k] ?? dflt;
    if (typeof v !== 'boolean') bad(`${path}/${k}`, `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  };
  const oneOf = <T extends string>(k: string, options: readonly T[], dflt: T): T => {
    const v = r[k] ?? dflt;
    if (typeof v !== 'string' || !options.includes(v as T)) bad(`${path}/${k}`, `must be one of ${options.map((o) => `"${o}"`).join(', ')}, got ${JSON.stringify(v)}`);
    return v as T;
  };
  const background = r.background ?? DEFAULT_OUTPUT.background;
  if (typeof background !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(background)) bad(`${path}/background`, `must be a colour like "#ffffff", got ${JSON.stringify(background)}`);
  return {
    format: f,
    quality: int('quality', 1, 100, FORMATS[f].defaultQuality),
    compression: int('compression', 0, 9, FORMATS[f].defaultCompression),
    progressive: bool('progressive', DEFAULT_OUTPUT.progressive),
    subsampling: oneOf('subsampling', ['auto', '4:2:0', '4:4:4'] as const, DEFAULT_OUTPUT.subsampling),
    palette: bool('palette', DEFAULT_OUTPUT.palette),
    lossless: bool('lossless', DEFAULT_OUTPUT.lossless),
    effort: int('effort', 0, 9, FORMATS[f].defaultEffort),
    metadata: oneOf('metadata', ['keep', 'strip'] as const, DEFAULT_OUTPUT.metadata),
    alpha: oneOf('alpha', ['keep', 'flatten'] as const, DEFAULT_OUTPUT.alpha),
    background: background.toLowerCase(),
  };
}

/** Shorthand used by the command line and tests: format, quality, PNG compression. */
export function outputOptions(format: string = 'png', quality?: number, compression?: number): OutputOptions {
  const raw: Record<string, unknown> = { format };
  if (compression !== undefined) raw.compression = compression;
  if (quality !== undefined) raw.quality = quality;
  return validateOutput(raw, '/output');
}

/** "holiday/IMG_001.JPG" + webp -> "holiday/IMG_001.webp": same folder, same base name. */
export function outputPath(inputPath: string, format: OutputFormat): string {
  const slash = inputPath.lastIndexOf('/');
  const dot = inputPath.lastIndexOf('.');
  const base = dot > slash + 1 ? inputPath.slice(0, dot) : inputPath;
  return base + FORMATS[format].extension;
}
