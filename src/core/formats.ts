/** Output formats and their options, validated once so engines can trust them. */
import { TesseraError } from './errors';

export type OutputFormat = 'png' | 'jpeg' | 'webp' | 'avif';

export interface OutputOptions {
  format: OutputFormat;
  /** 1–100; JPEG, WebP and AVIF. */
  quality: number;
  /** zlib level 0–9 for PNG. 6 is libpng's and Pillow's default, so timings compare fairly. */
  compression: number;
}

export const FORMATS: Readonly<Record<OutputFormat, { label: string; extension: string; mime: string; lossy: boolean; defaultQuality: number }>> = {
  png: { label: 'PNG', extension: '.png', mime: 'image/png', lossy: false, defaultQuality: 100 },
  jpeg: { label: 'JPEG', extension: '.jpg', mime: 'image/jpeg', lossy: true, defaultQuality: 85 },
  webp: { label: 'WebP', extension: '.webp', mime: 'image/webp', lossy: true, defaultQuality: 80 },
  avif: { label: 'AVIF', extension: '.avif', mime: 'image/avif', lossy: true, defaultQuality: 60 },
};

export function outputOptions(format: string = 'png', quality?: number, compression = 6): OutputOptions {
  if (!(format in FORMATS)) {
    throw new TesseraError('invalid-recipe', `unknown output format "${format}" (choose png, jpeg, webp or avif)`);
  }
  const f = format as OutputFormat;
  const q = quality ?? FORMATS[f].defaultQuality;
  if (!Number.isInteger(q) || q < 1 || q > 100) throw new TesseraError('invalid-recipe', `quality must be a whole number 1–100, got ${quality}`);
  if (!Number.isInteger(compression) || compression < 0 || compression > 9)
    throw new TesseraError('invalid-recipe', `PNG compression must be 0–9, got ${compression}`);
  return { format: f, quality: q, compression };
}

/** "holiday/IMG_001.JPG" + webp -> "holiday/IMG_001.webp": same folder, same base name. */
export function outputPath(inputPath: string, format: OutputFormat): string {
  const slash = inputPath.lastIndexOf('/');
  const dot = inputPath.lastIndexOf('.');
  const base = dot > slash + 1 ? inputPath.slice(0, dot) : inputPath;
  return base + FORMATS[format].extension;
}
