/**
 * The preview of a giant image, in two views:
 * - fit: the overview reduced by an integer box to the screen, the recipe run on that reduced
 *   picture (a view of the effect, not the exact output, and labelled so);
 * - region: a window at full resolution with the recipe's halo (core/recipe.ts chainHalo), read
 *   from the tile cache (or, for a tiled TIFF, from the file), so its pixels are exactly the
 *   batch's. Until the cache holds the window's rows, the region is shown from the overview,
 *   enlarged, and says which row it waits for.
 */
import { createFrame, fromDesc, type Frame, type FrameDesc } from '../../core/frame';
import { boxShrinkRows, fitFactor, haloWindow, overviewRect, scaleLabel, tileGrid } from '../../core/giant';
import { chainHalo, isTileable, type ResolvedStep } from '../../core/recipe';
import type { Rect } from '../../core/tiles';
import type { SyncReader } from '../blob-source';
import { copyOut, previewPixels, previewRegion, type PreviewResult } from '../preview';
import type { Vips } from '../vips';
import { readCached, type CacheFile } from './cache';
import { readFileRegion } from './file-region';
import type { ImageProbe } from './probe';

export interface GiantPreviewRequest {
  file: Blob;
  probe: ImageProbe;
  steps: ResolvedStep[];
  /** Most pixels to compute (the fit view and a region both stay under it). */
  maxPixels: number;
  /** The overview (shared, made by the main thread) and how many of its rows are decoded. */
  overview: FrameDesc;
  overviewRows: number;
  /** A region wanted at full resolution, in source pixels; none: the fit view. */
  region?: Rect;
  /** The full-resolution cache, if one is being built: its OPFS name and the rows it holds. */
  cache?: { name: string; rows: number };
}

/** How a giant image's preview relates to the file (PreviewResult.giant). */
export interface GiantInfo {
  view: 'fit' | 'region';
  /** The pixels are the batch's own (full resolution, haloed window); else a reduced view. */
  exact: boolean;
  /** Preview pixels per source pixel, for people: "1/32", "100%". */
  scaleLabel: string;
  /** A region shown reduced for now: it becomes exact once the cache holds this many rows. */
  needsRows?: number;
  /** A step needs the whole image, so only the reduced view can show the recipe. */
  global?: boolean;
  /** The overview is still decoding: the rows in so far. */
  overviewRows?: number;
  overviewHeight: number;
}

/**
 * The last fit frame, kept between calls: the box shrink of a 15 MP overview is not free, and
 * while the overview decodes it is extended by the rows that came in since (recipe edits and the
 * partial views' refreshes reuse it).
 */
let lastFit: { buffer: ArrayBufferLike; k: number; rows: number; frame: Frame } | undefined;

/** Drops the kept fit frame (and with it the last overview's buffer). */
export function forgetFit(): void {
  lastFit = undefined;
}

/** The overview's first `rows` rows box-shrunk by k (the rest of the frame still blank). */
function fitFrame(overview: Frame, rows: number, k: number): Frame {
  if (lastFit?.buffer !== overview.data.buffer || lastFit.k !== k || lastFit.rows > rows) {
    const w = Math.ceil(overview.width / k),
      h = Math.ceil(overview.height / k);
    lastFit = {
      buffer: overview.data.buffer,
      k,
      rows: 0,
      frame: createFrame(w, h, overview.channels, new ArrayBuffer(w * h * overview.channels)),
    };
  }
  // Output rows whose k source rows are all in (the last one once the overview is complete).
  const done = (r: number) => (r >= overview.height ? lastFit!.frame.height : Math.floor(r / k));
  if (rows > lastFit.rows) boxShrinkRows(overview, k, lastFit.frame, done(lastFit.rows), done(rows));
  lastFit.rows = rows;
  return lastFit.frame;
}

/** Where a view reads from: the cache files (OPFS in the worker) and the file itself (FileReaderSync). */
export interface GiantIo {
  cache(name: string): Promise<CacheFile>;
  reader(file: Blob): SyncReader;
}

export async function giantPreview(vips: Vips, req: GiantPreviewRequest, io: GiantIo): Promise<PreviewResult> {
  const { probe, steps } = req;
  const W = probe.width,
    H = probe.height;
  const overview = fromDesc(req.overview);
  const source = () => ({ orientation: probe.orientation });
  const info = {
    overviewHeight: overview.height,
    ...(req.overviewRows < overview.height ? { overviewRows: req.overviewRows } : {}),
  };
  const tileable = isTileable(steps);
  if (!req.region || !tileable) {
    const fit = fitFrame(overview, req.overviewRows, fitFactor(overview.width, overview.height, req.maxPixels));
    const scale = fit.width / W;
    const pixels = await previewPixels(fit, undefined, steps, source());
    return {
      ...pixels,
      region: { x: 0, y: 0, width: W, height: H },
      scale,
      sourceWidth: W,
      sourceHeight: H,
      decodeMs: 0,
      giant: { view: 'fit', exact: false, scaleLabel: scaleLabel(scale), ...(tileable ? {} : { global: true }), ...info },
    };
  }
  const region = previewRegion(req.region, W, H, req.maxPixels);
  const win = haloWindow(region, chainHalo(steps), W, H);
  const t0 = performance.now();
  let input: Frame | undefined;
  if (probe.direct) input = readFileRegion(vips, io.reader(req.file), win);
  else if (req.cache && win.y + win.height <= req.cache.rows) {
    input = readCached(await io.cache(req.cache.name), tileGrid(W, H, probe.channels), win);
  }
  if (input) {
    const crop = { x: region.x - win.x, y: region.y - win.y, width: region.width, height: region.height };
    const readMs = performance.now() - t0;
    const pixels = await previewPixels(input, crop, steps, source(), { x: win.x, y: win.y, width: W, height: H });
    return {
      ...pixels,
      region,
      scale: 1,
      sourceWidth: W,
      sourceHeight: H,
      decodeMs: readMs,
      giant: { view: 'region', exact: true, scaleLabel: '100%', ...info },
    };
  }
  // Not cached yet: the same place from the overview, at its scale.
  const sx = overview.width / W,
    sy = overview.height / H;
  const o = overviewRect(region, sx, sy, overview.width, overview.height);
  const pixels = await previewPixels(copyOut(overview, o), undefined, steps, source(), {
    x: o.x,
    y: o.y,
    width: overview.width,
    height: overview.height,
  });
  return {
    ...pixels,
    region,
    scale: sx,
    sourceWidth: W,
    sourceHeight: H,
    decodeMs: 0,
    giant: { view: 'region', exact: false, scaleLabel: scaleLabel(sx), needsRows: win.y + win.height, ...info },
  };
}
