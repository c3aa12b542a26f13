/**
 * Interactive preview in a worker: the decoded source is kept between calls (editing a recipe
 * re-runs it on the same image many times), and only the region on screen is computed.
 * - Tileable recipes: the visible region at full resolution, computed on a haloed window, so the
 *   preview shows exactly the bytes the batch will write for those pixels.
 * - Recipes with a global step (resize, rotate, Canny…): the whole image, scaled down to fit.
 * Pixels come back as RGBA (ready for ImageData), in transferred buffers.
 */
import type { FacesReport } from '../core/faces';
import { blit, createFrame, type Frame } from '../core/frame';
import { invert, mapBox } from '../core/geometry';
import { chainHalo, isTileable, type ResolvedStep } from '../core/recipe';
import { haloWindow } from '../core/giant';
import type { Rect } from '../core/tiles';
import { checkInput, decodeSource } from './codec';
import { readableByVips } from './foreign-decode';
import { runSteps, type StepTiming } from './run-steps';
import type { Vips } from './vips';
import type { SourceInfo } from './ops/context';
import type { GiantInfo } from './giant/view';
import { toRgba } from './rgba';

export interface PreviewRequest {
  file: Blob;
  /** Identifies the file for the decode cache (e.g. path + size + lastModified). */
  key: string;
  steps: ResolvedStep[];
  /** Region wanted, in source pixels; clipped to the image. Default: centre. */
  region?: Rect;
  /** Most pixels to compute; larger regions or global recipes are scaled down to this. */
  maxPixels: number;
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
}

let cached: { key: string; frame: Frame; source: SourceInfo } | undefined;

/** A copy of rectangle `r` of `src` in a fresh buffer. */
export function copyOut(src: Frame, r: Rect): Frame {
  const f = createFrame(r.width, r.height, src.channels, new ArrayBuffer(r.width * r.height * src.channels));
  blit(src, r.x, r.y, r.width, r.height, f, 0, 0);
  return f;
}

/** Nearest-neighbour downscale: only for showing a global recipe's input at preview size. */
function shrink(src: Frame, scale: number): Frame {
  const w = Math.max(1, Math.round(src.width * scale)),
    h = Math.max(1, Math.round(src.height * scale));
  const f = createFrame(w, h, src.channels, new ArrayBuffer(w * h * src.channels));
  for (let y = 0; y < h; y++) {
    const sy = Math.min(src.height - 1, Math.floor(y / scale));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(src.width - 1, Math.floor(x / scale));
      for (let c = 0; c < src.channels; c++) f.data[(y * w + x) * src.channels + c] = src.data[sy * src.stride + sx * src.channels + c];
    }
  }
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
): Promise<PreviewPixels> {
  const before = crop ? copyOut(input, crop) : input;
  const beforeRgba = toRgba(before).buffer as ArrayBuffer;
  const { frame, timings, reports } = await runSteps(input, steps, source);
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

export async function preview(vips: Vips, req: PreviewRequest): Promise<PreviewResult> {
  let decodeMs = 0;
  if (cached?.key !== req.key) {
    cached = undefined;
    const read = new Uint8Array(await req.file.arrayBuffer());
    checkInput(req.key, read);
    const t = performance.now();
    const bytes = await readableByVips(vips, req.key, read);
    const { frame, source } = decodeSource(vips, bytes);
    cached = { key: req.key, frame, source };
    decodeMs = performance.now() - t;
  }
  const src = cached.frame;
  const W = src.width,
    H = src.height;
  let region: Rect;
  let input: Frame;
  let scale = 1;
  let crop: Rect | undefined;
  if (isTileable(req.steps)) {
    region = previewRegion(req.region, W, H, req.maxPixels);
    const win = haloWindow(region, chainHalo(req.steps), W, H);
    input = copyOut(src, win);
    crop = { x: region.x - win.x, y: region.y - win.y, width: region.width, height: region.height };
  } else {
    region = { x: 0, y: 0, width: W, height: H };
    scale = Math.min(1, Math.sqrt(req.maxPixels / (W * H)));
    // Steps never write to their input (they allocate their results), so the cached frame itself
    // can go in; no whole-image copy per edit.
    input = scale < 1 ? shrink(src, scale) : src;
  }
  // Each run gets its own SourceInfo: steps such as auto-orient update it.
  const pixels = await previewPixels(input, crop, req.steps, { ...cached.source });
  return { ...pixels, region, scale, sourceWidth: W, sourceHeight: H, decodeMs };
}
