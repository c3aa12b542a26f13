/**
 * Giant images in the preview (issue 11): the arithmetic, with no decoding in it. An image above
 * GIANT_PIXELS is never decoded whole. The studio shows it through
 * - an *overview*: the image at 1/8 scale, from JPEG shrink-on-load (libjpeg keeps only each 8×8
 *   block's DC term: a box average), reduced further by an integer box to fit the screen; and
 * - a *cache* of the full-resolution pixels in square tiles, written once by streaming the file
 *   through the decoder a strip at a time (JPEG cannot be entered in the middle), from which any
 *   region is read back in a few reads. Tiled TIFFs need no cache: vips reads their regions.
 * A shared Int32Array (the control block) carries the background work's progress and its cancel
 * flag between the main thread and the worker without a message round trip.
 */
import { createFrame, type Frame } from './frame';
import type { Rect } from './tiles';

/** Above this many pixels (120 MB as RGB) the preview never decodes the whole image. */
export const GIANT_PIXELS = 40_000_000;

export function isGiant(width: number, height: number): boolean {
  return width * height > GIANT_PIXELS;
}

/**
 * Side of the cache's tiles, which is also the height of the strips decoded to fill it: a
 * multiple of 16, because wasm-vips' sequential JPEG reads fail ("out of order read") when a strip
 * does not start and end on an MCU row.
 */
export const CACHE_TILE = 256;

/** JPEG shrink-on-load's largest factor (libjpeg scales by 1/8 at most): the overview's scale. */
export const OVERVIEW_SHRINK = 8;

/**
 * The overview of a w×h image: what vips' JPEG shrink-on-load by 8 gives (libjpeg rounds a
 * partial block up, vips drops it again; the browser's decoder's extra column is cut off too).
 */
export function overviewSize(width: number, height: number): { width: number; height: number } {
  return { width: Math.max(1, Math.floor(width / OVERVIEW_SHRINK)), height: Math.max(1, Math.floor(height / OVERVIEW_SHRINK)) };
}

/** The full-resolution cache's layout: tiles in row-major order, every tile stored full size. */
export interface TileGrid {
  width: number;
  height: number;
  channels: number;
  tile: number;
  across: number;
  down: number;
}

export function tileGrid(width: number, height: number, channels: number, tile = CACHE_TILE): TileGrid {
  return { width, height, channels, tile, across: Math.ceil(width / tile), down: Math.ceil(height / tile) };
}

/** Bytes of one stored tile (edge tiles are stored full size too, so offsets stay arithmetic). */
export function tileBytes(g: TileGrid): number {
  return g.tile * g.tile * g.channels;
}

/** Where tile (tx, ty) starts in the cache file. */
export function tileOffset(g: TileGrid, tx: number, ty: number): number {
  return (ty * g.across + tx) * tileBytes(g);
}

export function cacheBytes(g: TileGrid): number {
  return g.across * g.down * tileBytes(g);
}

/**
 * One read from the cache: `rows` whole tile rows of tile (tx, ty), `length` bytes at `at`; its
 * columns `col`…`col + cols` go to the region at (`dx`, `dy`).
 */
export interface TileRead {
  at: number;
  length: number;
  rows: number;
  col: number;
  cols: number;
  dx: number;
  dy: number;
}

/** The reads that assemble `r` (inside the image) from the cache: one per tile it touches. */
export function tileReads(g: TileGrid, r: Rect): TileRead[] {
  if (r.width < 1 || r.height < 1 || r.x < 0 || r.y < 0 || r.x + r.width > g.width || r.y + r.height > g.height) {
    throw new RangeError(`region ${r.width}×${r.height} at (${r.x}, ${r.y}) is not inside ${g.width}×${g.height}`);
  }
  const t = g.tile;
  const rowBytes = t * g.channels;
  const reads: TileRead[] = [];
  for (let ty = Math.floor(r.y / t); ty * t < r.y + r.height; ty++) {
    const y0 = Math.max(r.y, ty * t);
    const y1 = Math.min(r.y + r.height, (ty + 1) * t);
    for (let tx = Math.floor(r.x / t); tx * t < r.x + r.width; tx++) {
      const x0 = Math.max(r.x, tx * t);
      const x1 = Math.min(r.x + r.width, (tx + 1) * t);
      reads.push({
        at: tileOffset(g, tx, ty) + (y0 - ty * t) * rowBytes,
        length: (y1 - y0) * rowBytes,
        rows: y1 - y0,
        col: x0 - tx * t,
        cols: x1 - x0,
        dx: x0 - r.x,
        dy: y0 - r.y,
      });
    }
  }
  return reads;
}

/**
 * Cuts a decoded strip (`rows` rows of the full width, starting at image row `y`, a multiple of
 * the tile side) into its tiles: calls `write(tileBytes, at)` once per tile, with the tile's
 * first `rows` rows laid out at the tile's stride. `scratch` holds one tile.
 */
export function stripToTiles(
  g: TileGrid,
  strip: Uint8Array,
  y: number,
  rows: number,
  scratch: Uint8Array,
  write: (bytes: Uint8Array, at: number) => void,
): void {
  if (y % g.tile !== 0 || rows < 1 || rows > g.tile) throw new RangeError(`a strip starts on a tile row and holds 1–${g.tile} rows`);
  const c = g.channels;
  const srcRow = g.width * c;
  const dstRow = g.tile * c;
  const ty = y / g.tile;
  for (let tx = 0; tx < g.across; tx++) {
    const from = tx * g.tile * c;
    const n = Math.min(g.tile, g.width - tx * g.tile) * c;
    for (let r = 0; r < rows; r++) scratch.set(strip.subarray(r * srcRow + from, r * srcRow + from + n), r * dstRow);
    write(scratch.subarray(0, rows * dstRow), tileOffset(g, tx, ty));
  }
}

/** The integer box factor that brings a w×h overview within `maxPixels` (1 when it fits). */
export function fitFactor(width: number, height: number, maxPixels: number): number {
  return Math.max(1, Math.ceil(Math.sqrt((width * height) / Math.max(1, maxPixels))));
}

/**
 * `src` reduced by an integer factor `k`: each output pixel the rounded mean of the k×k block it
 * covers (the blocks at the right and bottom edges average the pixels they have). A view for the
 * screen, which is also what libjpeg's DC-only scaling computes per 8×8 block.
 */
export function boxShrink(src: Frame, k: number): Frame {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`box factor must be a positive integer, got ${k}`);
  const w = Math.ceil(src.width / k);
  const h = Math.ceil(src.height / k);
  const out = createFrame(w, h, src.channels, new ArrayBuffer(w * h * src.channels));
  boxShrinkRows(src, k, out, 0, h);
  return out;
}

/**
 * Output rows `from`…`to` of boxShrink(src, k), written into `dst` (made by boxShrink): so an
 * image that arrives top down is shrunk once, as its rows come in.
 */
export function boxShrinkRows(src: Frame, k: number, dst: Frame, from: number, to: number): void {
  const c = src.channels;
  const w = dst.width;
  const sums = new Uint32Array(w * c);
  for (let oy = from; oy < to; oy++) {
    sums.fill(0);
    const y0 = oy * k;
    const y1 = Math.min(src.height, y0 + k);
    for (let y = y0; y < y1; y++) {
      const row = y * src.stride;
      for (let x = 0; x < src.width; x++) {
        const o = ((x / k) | 0) * c;
        for (let ch = 0; ch < c; ch++) sums[o + ch] += src.data[row + x * c + ch];
      }
    }
    for (let ox = 0; ox < w; ox++) {
      const n = (Math.min(src.width, (ox + 1) * k) - ox * k) * (y1 - y0);
      for (let ch = 0; ch < c; ch++) dst.data[oy * dst.stride + ox * c + ch] = Math.floor((sums[ox * c + ch] + (n >> 1)) / n);
    }
  }
}

/** How a scale reads on screen: 1 → "100%", 1/32 → "1/32". */
export function scaleLabel(scale: number): string {
  if (scale >= 1) return `${Math.round(scale * 100)}%`;
  return `1/${Math.round(1 / scale)}`;
}

/** A w×h region centred on (cx, cy), moved (and, when larger, cut) to lie inside a W×H image. */
export function regionAround(cx: number, cy: number, w: number, h: number, W: number, H: number): Rect {
  const width = Math.max(1, Math.min(W, Math.round(w)));
  const height = Math.max(1, Math.min(H, Math.round(h)));
  const x = Math.max(0, Math.min(W - width, Math.round(cx - width / 2)));
  const y = Math.max(0, Math.min(H - height, Math.round(cy - height / 2)));
  return { x, y, width, height };
}

/** `r` grown by `halo` on every side and clipped to a W×H image: what a local chain reads. */
export function haloWindow(r: Rect, halo: number, W: number, H: number): Rect {
  const x = Math.max(0, r.x - halo);
  const y = Math.max(0, r.y - halo);
  return { x, y, width: Math.min(W, r.x + r.width + halo) - x, height: Math.min(H, r.y + r.height + halo) - y };
}

/**
 * The part of an overview (at scales sx, sy of the source) that covers source rectangle `r`,
 * rounded outward and clipped to the overview's ow×oh.
 */
export function overviewRect(r: Rect, sx: number, sy: number, ow: number, oh: number): Rect {
  const x = Math.max(0, Math.min(ow - 1, Math.floor(r.x * sx)));
  const y = Math.max(0, Math.min(oh - 1, Math.floor(r.y * sy)));
  const x1 = Math.max(x + 1, Math.min(ow, Math.ceil((r.x + r.width) * sx)));
  const y1 = Math.max(y + 1, Math.min(oh, Math.ceil((r.y + r.height) * sy)));
  return { x, y, width: x1 - x, height: y1 - y };
}

/** The OPFS folder of the preview's caches (one file per giant image being shown). */
export const CACHE_DIR = 'tessera-giant';

/** Slots of the control block (a shared Int32Array of CONTROL_SLOTS). */
export const Control = {
  /** Set to 1 by the main thread: the worker stops at the next strip. */
  cancel: 0,
  /** Overview rows decoded so far (top down). */
  overviewRows: 1,
  /** Full-resolution rows in the cache so far (top down): regions above them can be read. */
  cacheRows: 2,
} as const;

export const CONTROL_SLOTS = 3;
