/** What an engine function gets besides its input frame and params. */
import type { EngineName, EngineOpName, OpParams, Params } from '../../core/catalogue';
import type { Face } from '../../core/faces';
import type { ReviewedFaces } from '../../core/reviewed-faces';
import type { Frame } from '../../core/frame';
import { follow, type Affine, type Geometry } from '../../core/geometry';
import type { Placement } from '../../core/watermark';

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
  /**
   * Where the current frame's pixels lie in the input image (the file's stored pixels): set by
   * decoding (orientation, shrink-on-load) and by every step that moves pixels (see `moved`), so
   * steps can report positions in input pixels. Absent: the frame is the input.
   */
  geometry?: Geometry;
}

/**
 * Whether an output has metadata to carry: the source's (unless stripped), or a copyright or
 * artist line to write.
 */
export function keepsMetadata(
  o: { metadata: 'keep' | 'no-location' | 'strip'; copyright: string; artist: string },
  source: SourceInfo | undefined,
): boolean {
  if (o.copyright || o.artist) return true;
  return o.metadata !== 'strip' && !!source && (!!source.exif || !!source.icc || !!source.xmp || source.orientation !== 1);
}

/**
 * Records that a step's output `out` maps into its input `src` by `outToIn` (core/geometry.ts).
 * Every step that moves pixels calls it; runSteps refuses a size change that was not recorded.
 */
export function moved(ctx: OpContext, src: Frame, outToIn: Affine): void {
  ctx.source.geometry = follow(ctx.source.geometry, src.width, src.height, outToIn);
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
  /**
   * Faces already found in this frame by the caller (the jobs layer detects the tiles of a large
   * image on every worker, then resumes the recipe here): the next face step uses them instead of
   * detecting, and clears this.
   */
  faces?: Face[];
  /**
   * A person's reviewed boxes for this photo (its `<input>.faces.json` with reviewed: true, in the
   * input's pixels): the first face step hides exactly these, runs no detector, and clears this.
   */
  reviewed?: { faces: ReviewedFaces; file: string };
  /**
   * Video: the boxes each redact-regions step hides in this frame (input pixels), one list per
   * such step in recipe order, from the job's tracking (jobs/video/region-tracks.ts). Each step
   * takes the first list and removes it. Absent (a photo, a preview): the step hides its own
   * regions' boxes.
   */
  regions?: [number, number, number, number][][];
  /**
   * Where this frame lies in the whole image (a tile's or strip's window, the preview's region):
   * positional steps (watermarks) place themselves in the whole image through it. Absent: the
   * frame is the whole image.
   */
  placement?: Placement;
  /**
   * Where a step placed a window it chose from the picture's content (an attention crop), in its
   * input's pixels; an animation makes its other frames use the same window (core/animation.ts
   * pinSteps). Optional: only runs that ask for it provide it.
   */
  placed?(x: number, y: number, width: number, height: number): void;
}

/** One engine function per catalogue entry: input frame + validated params → output frame. */
export type OpFunction<P = Params> = (src: Frame, params: P, ctx: OpContext) => Frame | Promise<Frame>;

/** Engine functions by op name, params erased (for dispatch by name: run-steps.ts ENGINE_OPS). */
export type OpTable = Readonly<Record<string, OpFunction>>;

/**
 * An engine's functions: one for every op of the catalogue with that engine (a missing one is a
 * compile error), each receiving its op's validated params typed from the op's specs.
 */
export type EngineTable<E extends EngineName> = { readonly [N in EngineOpName<E>]: OpFunction<OpParams<N>> };
