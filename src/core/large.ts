/**
 * How an image too large for one task is processed — streamed (core/strips.ts), tiled in shared
 * memory (core/tiles.ts), or whole in one worker — or refused before any work, in words that name
 * the file's size, the budget, the step or format at fault and what would work instead.
 */
import { getOperation } from './catalogue';
import { TesseraError, formatInt } from './errors';
import { FORMATS, type OutputFormat } from './formats';
import { outputChannels, type ResolvedStep } from './recipe';

export interface LargeImage {
  width: number;
  height: number;
  /** Channels after normalisation. */
  channels: number;
  /** EXIF orientation (1 upright). */
  orientation?: number;
}

export interface LargeLimits {
  /** Above this many pixels an image is not processed whole by one worker (if the recipe allows). */
  maxPixels: number;
  /** Above this many pixels a tileable recipe with a streamable format streams. */
  streamPixels: number;
  /** Bytes the tiled path's two shared frames, or a whole image in one worker, may take. */
  memoryBudget: number;
}

export type LargeRoute =
  /** `steps`: the recipe to stream or tile (a leading auto-orient of an upright image dropped). */
  { path: 'stream'; steps: ResolvedStep[] } | { path: 'tiles'; steps: ResolvedStep[] } | { path: 'whole' };

/** Output formats written as a stream of rows at any size. */
export const STREAMED_FORMATS: readonly OutputFormat[] = ['jpeg', 'png', 'tiff', 'dzi'];

/** Hard size limits of the formats that have them: [max side, max pixels, why]. */
const FORMAT_LIMITS: Partial<Record<OutputFormat, { side: number; pixels?: number; why: string }>> = {
  jpeg: { side: 65535, why: 'JPEG stores at most 65,535 pixels a side' },
  webp: { side: 16383, why: 'WebP stores at most 16,383 pixels a side' },
  gif: { side: 65535, why: 'GIF stores at most 65,535 pixels a side' },
  avif: {
    side: 16384,
    pixels: 35_651_584,
    why: 'AVIF (AV1 level 6.3, what decoders accept) stores at most 16,384 pixels a side and 35.6 MP',
  },
};

const MB = 2 ** 20;
const mb = (bytes: number) => `${formatInt(Math.ceil(bytes / MB))} MB`;
const size = (w: number, h: number) => `${formatInt(w)}×${formatInt(h)} (${formatInt(Math.round((w * h) / 1e6))} MP)`;

function tooLarge(message: string): never {
  throw new TesseraError('too-large', message);
}

/** Refuses an output larger than its format can store, naming the formats that can. */
export function checkFormatLimits(width: number, height: number, format: OutputFormat): void {
  const lim = FORMAT_LIMITS[format];
  if (!lim) return;
  if (Math.max(width, height) > lim.side || (lim.pixels !== undefined && width * height > lim.pixels)) {
    const others = STREAMED_FORMATS.filter((f) => f !== format && !FORMAT_LIMITS[f]).map((f) => FORMATS[f].label);
    const list = others.length > 1 ? `${others.slice(0, -1).join(', ')} or ${others[others.length - 1]}` : others.join('');
    tooLarge(`a ${size(width, height)} output is too large for ${FORMATS[format].label}: ${lim.why}; ${list} can take it`);
  }
}

/**
 * The route for an image with more pixels than `maxPixels` (or any image, for a recipe that
 * cannot be tiled): throws a 'too-large' error when none fits the budget.
 */
export function largePath(img: LargeImage, steps: readonly ResolvedStep[], format: OutputFormat, limits: LargeLimits): LargeRoute {
  const { width: w, height: h, channels: c } = img;
  const px = w * h;
  // A leading auto-orient of an upright image does nothing: leave it out so the rest can stream.
  const rest = steps[0]?.op === 'auto-orient' && (img.orientation ?? 1) === 1 ? steps.slice(1) : [...steps];
  const global = rest.find((s) => getOperation(s.op)?.locality === 'global');
  if (global) {
    // Thumbnail first shrinks while decoding (shrink-on-load): never whole in memory.
    const lead = rest[0]?.op === 'auto-orient' ? rest[1] : rest[0];
    if (lead?.op === 'thumbnail') return { path: 'whole' };
    // The decoded image, the step's result and the encoder's copy, in one worker.
    const need = px * Math.max(c, outputChannels(steps, c)) * 3;
    if (need <= limits.memoryBudget) return { path: 'whole' };
    const label = getOperation(global.op)?.label ?? global.op;
    // A photo stored sideways is turned upright first (output option orientation), which needs it whole.
    const keep =
      global.op === 'auto-orient' ? '; Orientation "As stored in the file" (--orientation keep) leaves it sideways and streams' : '';
    tooLarge(
      `${size(w, h)}: the step "${label}" needs the whole image in memory (about ${mb(need)}, over the ${mb(limits.memoryBudget)} budget); ` +
        `local steps (filters, tone, edges) stream at any size, and Thumbnail as the first step shrinks while decoding${keep}`,
    );
  }
  if (px <= limits.maxPixels) return { path: 'whole' };
  checkFormatLimits(w, h, format);
  const streams = STREAMED_FORMATS.includes(format);
  if (streams && px > limits.streamPixels) return { path: 'stream', steps: rest };
  const tiled = px * (c + outputChannels(rest, c));
  if (tiled <= limits.memoryBudget) return { path: 'tiles', steps: rest };
  if (streams) return { path: 'stream', steps: rest };
  tooLarge(
    `${size(w, h)}: ${FORMATS[format].label} output needs the whole image in memory (about ${mb(tiled)}, over the ${mb(limits.memoryBudget)} budget); ` +
      `${STREAMED_FORMATS.map((f) => FORMATS[f].label).join(', ')} are written as a stream at any size`,
  );
}
