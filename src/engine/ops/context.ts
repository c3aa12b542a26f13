/** What an engine function gets besides its input frame and params. */
import type { Params } from '../../core/catalogue';
import type { Frame } from '../../core/frame';

/**
 * Facts about the decoded file that some operations and the encoder need. One object per run:
 * auto-orient sets `orientation` to 1 on it once applied, so give each run its own copy.
 */
export interface SourceInfo {
  /** EXIF orientation 1–8 of the current frame (1 = upright). Auto-orient applies it and sets 1. */
  orientation: number;
  /** Raw metadata blobs of the input (as vips holds them), copied to outputs with metadata 'keep'. */
  exif?: Uint8Array;
  icc?: Uint8Array;
  xmp?: Uint8Array;
}

export interface OpContext {
  /**
   * A frame in this thread's scratch memory that never aliases the step's input: return it (or
   * any other frame) as the step's result. Valid until the step after next.
   */
  alloc(width: number, height: number, channels: number): Frame;
  source: SourceInfo;
  /**
   * Hands a result other than pixels to the caller (e.g. detect-faces: 'faces'); runSteps collects
   * them, in order, with the step's op name. `data` must be plain JSON. Optional so a context made
   * by hand (tests) may leave it out; runSteps always provides it.
   */
  report?(kind: string, data: unknown): void;
}

/** One engine function per catalogue entry: input frame + validated params → output frame. */
export type OpFunction = (src: Frame, params: Params, ctx: OpContext) => Frame | Promise<Frame>;

export type OpTable = Readonly<Record<string, OpFunction>>;
