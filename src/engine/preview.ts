/**
 * Interactive preview in a worker, following core/preview-plan.ts: the file is decoded as the
 * batch decodes it (upright, shrink-on-load for a leading thumbnail) and kept; the steps up to the
 * last global one run once on the whole image at true scale and are kept; the local rest runs on
 * the region on screen plus its halo — so the pixels shown are the batch's there, and the sizes
 * reported are the output's. A region too large for every edit is computed on a reduced copy and
 * says so. The encoded view runs the batch's own encoder on the whole output (encode()).
 * Pixels come back as RGBA (ready for ImageData), in transferred buffers.
 */
import type { Placement } from '../core/watermark';
import type { FacesReport } from '../core/faces';
import { blit, createFrame, type Frame } from '../core/frame';
import { invert, mapBox } from '../core/geometry';
import type { ResolvedStep } from '../core/recipe';
import type { Rect } from '../core/tiles';
import type { OutputOptions } from '../core/formats';
import type { PlanLimits, ViewRequest } from '../core/preview-plan';
import { runSteps, type StepTiming } from './run-steps';
import type { SourceInfo } from './ops/context';
import type { GiantInfo } from './giant/view';
import { toRgba } from './rgba';

export interface PreviewRequest {
  file: Blob;
  /** Identifies the file for the decode cache (e.g. path + size + lastModified). */
  key: string;
  /** The steps the batch runs (already turned upright when output.orientation says so: orientedSteps). */
  steps: ResolvedStep[];
  /** What to show: zoom, centre and viewport, in output pixels (core/preview-plan.ts). */
  view: ViewRequest;
  /**
   * When the whole-image steps must run again on a large image, answer at once from a reduced
   * copy (`truth.pending`) and let the caller ask again without `quick` for the exact view.
   */
  quick?: boolean;
  /** Also encode the whole output as the batch does and return the decoded file's pixels there. */
  encode?: OutputOptions;
  limits?: PlanLimits;
  /**
   * Superseded when `flag[0]` is no longer `id` (shared memory: the caller bumps it when a newer
   * edit arrives, and the worker stops at the next step instead of finishing a stale preview).
   */
  generation?: { flag: Int32Array; id: number };
}

/** How a (non-giant) preview relates to the output the batch writes. */
export interface PreviewTruth {
  /** The size of the file the batch writes. */
  outputWidth: number;
  outputHeight: number;
  /** Screen pixels per output pixel. */
  zoom: number;
  /** The pixels are the batch's own (full resolution); else the local steps ran on a copy reduced by `computeScale`. */
  exact: boolean;
  computeScale: number;
  /** A quick reduced view while the whole-image steps run again: the exact one follows. */
  pending?: boolean;
  /** The EXIF orientation the file stores (1 upright), and whether the preview turned it. */
  storedOrientation: number;
  turned: boolean;
}

/** The encoded view: the output file as the batch writes it, decoded again (its region, like `after`). */
export interface EncodedView {
  pixels: ArrayBuffer;
  /** Bytes of the encoded output file, and of the input file. */
  bytes: number;
  inputBytes: number;
  encodeMs: number;
}

export interface PreviewResult {
  width: number;
  height: number;
  /** Where the preview sits in the source, and the factor from source to preview pixels. */
  region: Rect;
  scale: number;
  sourceWidth: number;
  sourceHeight: number;
  before: ArrayBuffer;
  after: ArrayBuffer;
  afterWidth: number;
  afterHeight: number;
  decodeMs: number;
  steps: StepTiming[];
  /** Faces reported by the last face step, in "after" pixels (for the viewer's overlay). */
  faces?: { box: number[]; score: number }[];
  /** Set for giant images (engine/giant/view.ts): which view this is, and how faithful. */
  giant?: GiantInfo;
  /** Set for every other image: `region` is then in output pixels, and `width`×`height` the picture returned for it. */
  truth?: PreviewTruth;
  encoded?: EncodedView;
  /** An animated GIF/WebP's frame count: the preview (and its encoded view) shows the first frame; the batch writes them all. */
  frames?: number;
}

/** A copy of rectangle `r` of `src` in a fresh buffer. */
export function copyOut(src: Frame, r: Rect): Frame {
  const f = createFrame(r.width, r.height, src.channels, new ArrayBuffer(r.width * r.height * src.channels));
  blit(src, r.x, r.y, r.width, r.height, f, 0, 0);
  return f;
}

/**
 * The region to compute for a wanted one: inside the W×H image, at most `maxPixels` (a square of
 * that area when none is wanted: the centre).
 */
export function previewRegion(want: Rect | undefined, W: number, H: number, maxPixels: number): Rect {
  const side = Math.floor(Math.sqrt(maxPixels));
  const r = want ?? { x: Math.max(0, (W - side) >> 1), y: Math.max(0, (H - side) >> 1), width: side, height: side };
  const x = Math.max(0, Math.min(W - 1, Math.floor(r.x)));
  const y = Math.max(0, Math.min(H - 1, Math.floor(r.y)));
  const w = Math.max(1, Math.min(W - x, Math.ceil(r.width), side));
  const h = Math.max(1, Math.min(H - y, Math.ceil(r.height), Math.floor(maxPixels / w)));
  return { x, y, width: w, height: h };
}

/** The part of a result shared by every kind of preview: the pixels before and after, and what the steps said. */
export type PreviewPixels = Pick<PreviewResult, 'width' | 'height' | 'before' | 'after' | 'afterWidth' | 'afterHeight' | 'steps' | 'faces'>;

/**
 * Runs the steps on `input` and keeps `crop` of it and of the result (all of both without one),
 * as RGBA for the screen. `source` is this run's own (steps such as auto-orient update it).
 */
export async function previewPixels(
  input: Frame,
  crop: Rect | undefined,
  steps: ResolvedStep[],
  source: SourceInfo,
  /** Where `input` lies in the whole image (a giant image's region): see RunOptions.placement. */
  placement?: Placement,
): Promise<PreviewPixels> {
  const before = crop ? copyOut(input, crop) : input;
  const beforeRgba = toRgba(before).buffer as ArrayBuffer;
  const { frame, timings, reports } = await runSteps(input, steps, source, { placement });
  const after = crop ? copyOut(frame, crop) : frame;
  const facesReport = reports.filter((r) => r.kind === 'faces').at(-1)?.data as FacesReport | undefined;
  // Reports are in the input's pixels; the overlay sits on the result, after every step.
  const toAfter = source.geometry && invert(source.geometry.toInput);
  return {
    width: before.width,
    height: before.height,
    before: beforeRgba,
    after: toRgba(after).buffer as ArrayBuffer,
    afterWidth: after.width,
    afterHeight: after.height,
    steps: timings,
    faces: facesReport?.faces.map((f) => ({ box: toAfter ? mapBox(toAfter, f.box, after.width, after.height) : f.box, score: f.score })),
  };
}
