/**
 * How the studio previews a recipe so that what it shows is what the batch writes (issue 13, "a
 * truthful preview"). Pure: the worker (engine/preview.ts) follows the plan.
 *
 * - The decoder does what the batch's decoder does: Turn upright and a leading Thumbnail happen
 *   while decoding (shrink-on-load), with the same options (decodeStage), so even a thumbnail's
 *   pixels are the batch's.
 * - The steps up to the last global one (resize, rotate, crop, Canny…) — the prefix — run once on
 *   the whole decoded image at true scale; the worker keeps the result, so editing a later step
 *   does not run them again. The rest — the suffix, all local steps — runs on the region on
 *   screen plus its halo, at full resolution: exactly the output's pixels there (core/tiles.ts).
 * - The region is in output pixels, so zoom and pan are about the output: at 50% the region is
 *   twice as wide as at 100% (more of the picture, not the same crop smaller) and is area-resampled
 *   for the screen (core/resample.ts); "fit" is the whole output.
 * - A region too large to compute at full resolution on every edit (fit on a 24 MP output of local
 *   steps) is computed on an area-reduced copy instead, and the result says so (`exact` false).
 */
import { getOperation, stepParams } from './catalogue';
import { resizeGeometry, thumbnailAsResize } from './output-geometry';
import type { ResolvedStep } from './recipe';
import type { Rect } from './tiles';

/** What the decoder does of a recipe's first steps, as the batch's decoder does (engine/image-task planDecode). */
export interface DecodeStage {
  /** Apply the EXIF orientation while decoding. */
  autoOrient?: boolean;
  /** Decode straight to a thumbnail fitting size×size (shrink-on-load). */
  thumbnail?: number;
}

/**
 * Splits off the leading decode-stage steps the decoder performs itself: auto-orient (vips
 * autorot while loading) and thumbnail (vips thumbnail, shrink-on-load), each at most once, in
 * either order (they commute: the thumbnail box is square). The rest run as frame operations.
 */
export function decodeStage(steps: readonly ResolvedStep[]): { decode: DecodeStage; rest: ResolvedStep[] } {
  const decode: DecodeStage = {};
  let i = 0;
  for (; i < steps.length && getOperation(steps[i].op)?.stage === 'decode'; i++) {
    const s = steps[i];
    if (s.op === 'auto-orient' && !decode.autoOrient) decode.autoOrient = true;
    else if (s.op === 'thumbnail' && decode.thumbnail === undefined) decode.thumbnail = stepParams(s, 'thumbnail').size;
    else break;
  }
  return { decode, rest: steps.slice(i) };
}

/** The decoded frame's size for a stored w×h image with EXIF orientation `o`. */
export function decodedSize(stored: { width: number; height: number; orientation?: number }, decode: DecodeStage) {
  const o = decode.autoOrient ? (stored.orientation ?? 1) : 1;
  let { width, height } = o >= 5 ? { width: stored.height, height: stored.width } : stored;
  if (decode.thumbnail !== undefined) ({ width, height } = resizeGeometry(width, height, thumbnailAsResize(decode.thumbnail)));
  // The orientation the frame still carries (a recipe's later Turn upright applies it).
  return { width, height, orientation: decode.autoOrient ? 1 : (stored.orientation ?? 1) };
}

/** The steps run once on the whole image (up to and including the last global one), and the local rest. */
export function splitGlobal(steps: readonly ResolvedStep[]): { prefix: ResolvedStep[]; suffix: ResolvedStep[] } {
  let last = -1;
  steps.forEach((s, i) => {
    if (getOperation(s.op)?.locality === 'global') last = i;
  });
  return { prefix: steps.slice(0, last + 1), suffix: steps.slice(last + 1) };
}

/** What the panel asks to see. */
export interface ViewRequest {
  /** Screen pixels per output pixel (0.5, 1, 2, 4…), or 'fit': the whole output in the viewport. */
  zoom: number | 'fit';
  /** The view's centre in output pixels; default the output's centre. */
  centre?: readonly [number, number];
  /** The viewport's size in screen pixels. */
  viewport: { width: number; height: number };
}

/** How much of the output to show, and how. */
export interface ViewPlan {
  /** Screen pixels per output pixel (fit resolved; never above 1 for fit). */
  zoom: number;
  /** The output pixels shown. */
  region: Rect;
  /** Size of the picture returned: the region at min(zoom, 1) (the screen enlarges above 100%). */
  display: { width: number; height: number };
  /** True: the local steps run at full resolution on the region (exact). False: on a reduced copy. */
  exact: boolean;
}

export interface PlanLimits {
  /** Most output pixels the local steps run on at full resolution per edit. */
  exactPixels: number;
}

export const DEFAULT_LIMITS: PlanLimits = { exactPixels: 4_000_000 };

/** The smallest and largest zoom the panel offers. */
export const ZOOM_STEPS: readonly number[] = [0.5, 1, 2, 4];

/** The region of a W×H output on screen for `view`, and how to compute it. */
export function planView(W: number, H: number, view: ViewRequest, limits: PlanLimits = DEFAULT_LIMITS): ViewPlan {
  const vw = Math.max(1, view.viewport.width),
    vh = Math.max(1, view.viewport.height);
  const zoom = view.zoom === 'fit' ? Math.min(1, vw / W, vh / H) : view.zoom;
  const width = Math.max(1, Math.min(W, Math.ceil(vw / zoom)));
  const height = Math.max(1, Math.min(H, Math.ceil(vh / zoom)));
  const [cx, cy] = view.zoom === 'fit' ? [W / 2, H / 2] : (view.centre ?? [W / 2, H / 2]);
  const x = Math.max(0, Math.min(W - width, Math.round(cx - width / 2)));
  const y = Math.max(0, Math.min(H - height, Math.round(cy - height / 2)));
  const down = Math.min(1, zoom);
  const display = { width: Math.max(1, Math.round(width * down)), height: Math.max(1, Math.round(height * down)) };
  return { zoom, region: { x, y, width, height }, display, exact: width * height <= limits.exactPixels };
}

/** "1/4" for a reduction by about 4, "100%" at 1: for labels. */
export function scaleLabel(scale: number): string {
  if (scale >= 0.995) return '100%';
  const n = 1 / scale;
  return Math.abs(n - Math.round(n)) < 0.05 ? `1/${Math.round(n)}` : `${Math.round(scale * 100)}%`;
}
