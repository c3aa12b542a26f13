/**
 * Target file size (output `maxBytes`, `--max-bytes`): the best quality whose file fits, found by
 * bisection over the encoder's quality (at most ⌈log2 q⌉ + 1 encodes: 8 from quality 100), and —
 * with `shrinkToFit` — a smaller image when even quality 1 is too big (scaled by the square root
 * of the size ratio, a few rounds). A target that cannot be met fails the file in words; it is
 * never silently exceeded. Formats without a quality (PNG, TIFF, GIF) can only shrink.
 */
import { TesseraError } from '../core/errors';
import { createFrame, type Frame } from '../core/frame';
import type { OutputOptions } from '../core/formats';
import { withScope } from '../core/scope';
import { encodeOutput, frameToImage } from './codec';
import type { SourceInfo } from './ops/context';
import type { Vips } from './vips';

/** What was done to meet the target, for the file's result. */
export interface SizeFit {
  /** The quality written (the lossy formats' knob); undefined for formats without one. */
  quality?: number;
  /** The scale applied to fit (1: none). */
  scale: number;
  target: number;
}

export interface Encoded {
  bytes: Uint8Array;
  width: number;
  height: number;
  fit?: SizeFit;
}

/** Most shrink rounds before giving up (each aims 10 % under the target's share). */
const SHRINK_ROUNDS = 5;
/** Never shrink below this many pixels on the short side. */
const MIN_SIDE = 16;

export const kb = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} KB`);

/** Whether quality is the encoder's size knob for these options. */
export function tunable(o: OutputOptions): boolean {
  return o.format === 'jpeg' || ((o.format === 'webp' || o.format === 'avif') && !o.lossless);
}

/** Encodes with every output option, meeting `maxBytes` when it is set. */
export async function encodeWithin(vips: Vips, frame: Frame, o: OutputOptions, source?: SourceInfo): Promise<Encoded> {
  const target = o.maxBytes;
  if (target === undefined) return { bytes: await encodeOutput(vips, frame, o, source), width: frame.width, height: frame.height };
  let current = frame;
  let scale = 1;
  for (let round = 0; ; round++) {
    const img = current;
    const best = await bestQuality((quality) => encodeOutput(vips, img, { ...o, quality }, source), o, target);
    if (best.fits)
      return { bytes: best.bytes, width: current.width, height: current.height, fit: { quality: best.quality, scale, target } };
    const smallest = best.bytes.length;
    const what = tunable(o)
      ? `at quality 1 it is ${kb(smallest)}`
      : `it is ${kb(smallest)} (${o.format.toUpperCase()} has no quality to lower)`;
    if (!o.shrinkToFit)
      throw new TesseraError(
        'too-large',
        `cannot be made ${kb(target)} or smaller: ${what}; turn on Shrink to fit (--shrink-to-fit) to allow a smaller image`,
      );
    const next = scale * Math.sqrt(target / smallest) * 0.9;
    const w = Math.round(frame.width * next);
    const h = Math.round(frame.height * next);
    if (round >= SHRINK_ROUNDS || Math.min(w, h) < MIN_SIDE)
      throw new TesseraError(
        'too-large',
        `cannot be made ${kb(target)} or smaller, even shrunk to ${current.width}×${current.height}: ${what}`,
      );
    scale = next;
    current = resized(vips, frame, w, h);
  }
}

/**
 * The highest quality ≤ the chosen one whose file fits (`fits` false: the smallest file, at
 * quality 1), `at` encoding at a quality (one picture, or every frame of an animation).
 */
export async function bestQuality(
  at: (quality: number) => Promise<Uint8Array> | Uint8Array,
  o: OutputOptions,
  target: number,
): Promise<{ fits: boolean; bytes: Uint8Array; quality?: number }> {
  const first = await at(o.quality);
  if (first.length <= target || !tunable(o))
    return { fits: first.length <= target, bytes: first, quality: tunable(o) ? o.quality : undefined };
  let lo = 1;
  let hi = o.quality - 1;
  let best: { bytes: Uint8Array; quality: number } | undefined;
  let smallest = first;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const bytes = await at(mid);
    if (bytes.length <= target) {
      best = { bytes, quality: mid };
      lo = mid + 1;
    } else {
      if (bytes.length < smallest.length) smallest = bytes;
      hi = mid - 1;
    }
  }
  return best ? { fits: true, ...best } : { fits: false, bytes: smallest, quality: 1 };
}

/** The frame scaled to w×h by libvips (Lanczos 3), in a fresh buffer. */
function resized(vips: Vips, frame: Frame, w: number, h: number): Frame {
  return withScope((scope) => {
    const im = scope.track(frameToImage(vips, frame));
    const out = scope.track(im.resize(w / frame.width, { vscale: h / frame.height, kernel: 'lanczos3' }));
    const data = out.writeToMemory() as Uint8Array;
    return createFrame(out.width, out.height, out.bands, data.buffer, data.byteOffset);
  });
}
