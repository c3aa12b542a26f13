/**
 * Animated images (GIF, WebP): the rules that do not need wasm. An animation is decoded as its
 * frames ("pages" in libvips: one tall image, `page-height` rows each, a `delay` per page in ms
 * and a `loop` count). Every frame goes through the recipe on its own, with the same geometry on
 * all of them, and the frames are put back together with the input's delays and loop count. This
 * module says how many frames are held (the memory bound), what each frame's delay is, how a
 * step whose window depends on the content (an attention crop) is pinned to frame 1's window so
 * the frames still line up, and what a file's result says when its format cannot animate.
 */
import { TesseraError } from './errors';
import { FORMATS, type OutputFormat } from './formats';
import type { ResolvedStep } from './recipe';

/**
 * Whether `format` keeps every frame of an animated input (FormatInfo.animated: GIF, written by
 * libvips with cgif, and WebP, with libwebp's animation encoder).
 */
export function animates(format: OutputFormat): boolean {
  return FORMATS[format].animated === true;
}

/**
 * Most pixels of an animation held at once (frames × width × height, input or output). Frames are
 * decoded one at a time, but the processed frames are all kept until the encoder writes the file:
 * at 4 bytes a pixel this is about 400 MB in the worker's wasm heap.
 */
export const ANIMATION_MAX_PIXELS = 100_000_000;

/** The delay a frame gets when the file says none (browsers show such frames for 100 ms too). */
export const DEFAULT_DELAY_MS = 100;

/** An animation as the decoder found it. */
export interface AnimationInfo {
  frames: number;
  /** Canvas (frame) size. */
  width: number;
  height: number;
  /** Each frame's display time in milliseconds, one per frame. */
  delays: number[];
  /** Times the animation plays (libvips' meaning for GIF and WebP alike); 0: forever. */
  loop: number;
}

/**
 * One delay per frame from what the file holds: `raw` may be missing (no timing in the file) or
 * shorter than the frames (some encoders write one delay for all); the last one given goes on, else
 * DEFAULT_DELAY_MS. Delays are kept as written otherwise — 0 and 10 ms included — so a round trip
 * keeps the file's own timing (players decide how to show them).
 */
export function frameDelays(raw: readonly number[] | undefined, frames: number): number[] {
  const out: number[] = [];
  let last = DEFAULT_DELAY_MS;
  for (let i = 0; i < frames; i++) {
    const d = raw?.[i];
    if (d !== undefined && Number.isFinite(d) && d >= 0) last = Math.round(d);
    out.push(last);
  }
  return out;
}

/** A loop count as libvips holds it: a whole number ≥ 0 (0 forever); anything else means forever. */
export function loopCount(raw: number | undefined): number {
  return raw !== undefined && Number.isInteger(raw) && raw >= 0 && raw <= 65535 ? raw : 0;
}

const mp = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MP`;

/**
 * Refuses an animation whose frames would hold more than `limit` pixels together, before any is
 * decoded (input) or once the first frame's result size is known (output: a resize may enlarge).
 * `what`: 'frames' for the input, 'processed frames' for the output.
 */
export function checkAnimationPixels(frames: number, width: number, height: number, limit = ANIMATION_MAX_PIXELS, what = 'frames'): void {
  const total = frames * width * height;
  if (total > limit)
    throw new TesseraError(
      'too-large',
      `animation too large: ${frames} ${what} of ${width}×${height} are ${mp(total)}, more than the ${mp(limit)} an animation may hold; ` +
        'shorten it, or make its frames smaller before converting (or choose a still format such as PNG to write its first frame)',
    );
}

/** Where a content-dependent step placed its window on frame 1 (index: the step's place in the recipe). */
export interface PlacedWindow {
  step: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The recipe for frames 2…n: the same steps, except that a step whose window depends on the
 * picture (an attention crop, `crop` mode attention or `crop-aspect` gravity attention) becomes a
 * box crop at the window it chose on frame 1. Without this each frame would be cropped elsewhere
 * and the animation would jump; every other geometry step (resize, rotate, flip, centre crops)
 * depends only on the frame size, which all frames share, so it already applies identically.
 */
export function pinSteps(steps: readonly ResolvedStep[], placed: readonly PlacedWindow[]): ResolvedStep[] {
  return steps.map((step, i) => {
    const at = placed.find((p) => p.step === i);
    if (!at || !dependsOnContent(step)) return step;
    return { op: 'crop', params: { mode: 'box', x: at.x, y: at.y, width: at.width, height: at.height } };
  });
}

/** Whether the step's window is chosen from the pixels (so frames would disagree without pinSteps). */
export function dependsOnContent(step: ResolvedStep): boolean {
  if (step.op === 'crop') return (step.params as { mode?: string }).mode === 'attention';
  if (step.op === 'crop-aspect') return (step.params as { gravity?: string }).gravity === 'attention';
  return false;
}

/**
 * What a file's result says when its output format cannot animate: the first frame is written
 * (what people expect from "convert this GIF to JPEG"; players and thumbnails show that frame too).
 */
export function firstFrameNote(frames: number, label: string): string {
  return `animated (${frames} frames): ${label} cannot animate, so only the first frame was written; choose GIF or WebP to keep every frame`;
}

/** What a file's result says when its animation was kept. */
export function animatedNote(frames: number, label: string): string {
  return `animated: ${frames} frames written as an animated ${label}`;
}

/**
 * Picks a video's frames for an animation at `fps`: a frame is kept when its timestamp reaches the
 * next tick (0, 1/fps, 2/fps… from the range's start, within TICK_SLACK_US for timestamps rounded
 * by the container), so a 30 fps clip at 10 fps keeps every third frame, and a clip slower than
 * `fps` keeps every frame (its own timing then shows in the delays).
 */
export class FrameSampler {
  private nextUs = 0;
  private readonly stepUs: number;
  constructor(fps: number) {
    this.stepUs = 1e6 / fps;
  }

  /** Whether the frame at `timestampUs` (output time: from the range's start) is kept. */
  take(timestampUs: number): boolean {
    if (timestampUs + TICK_SLACK_US < this.nextUs) return false;
    while (this.nextUs <= timestampUs + TICK_SLACK_US) this.nextUs += this.stepUs;
    return true;
  }
}

/** How early a frame may be and still count as on its tick (containers round timestamps to µs or ms). */
export const TICK_SLACK_US = 1000;

/**
 * Each kept frame's delay in ms: the time to the next kept frame, rounded on the cumulative clock
 * (so the total stays right: 15 fps gives 67, 66, 67… ms), the last one `1000/fps`.
 */
export function sampledDelays(timestampsUs: readonly number[], fps: number): number[] {
  const ms = timestampsUs.map((t) => Math.round(t / 1000));
  return ms.map((t, i) => (i + 1 < ms.length ? Math.max(0, ms[i + 1] - t) : Math.round(1000 / fps)));
}
