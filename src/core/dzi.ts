/**
 * Deep Zoom (DZI) tile pyramids, as Microsoft's Deep Zoom format, OpenSeadragon and libvips'
 * `dzsave` define them: the level geometry, the tile grid with its overlap, the `.dzi` descriptor,
 * the file layout, and the exact 2×2 box filter that makes each level from the one above. Pure
 * arithmetic: the strip-fed writer (jobs/dzi-writer.ts) and the tests share it.
 *
 * Levels: the full image is level `maxLevel` = ⌈log2(max(w, h))⌉; level L is
 * ⌈w / 2^(maxLevel−L)⌉ × ⌈h / 2^(maxLevel−L)⌉, down to 1×1 at level 0. Halving level L + 1 with
 * ⌈n / 2⌉ gives exactly level L's size (⌈⌈n / a⌉ / 2⌉ = ⌈n / 2a⌉), so each level can be made from
 * the one above instead of from the full image.
 */
import { createFrame, type Frame } from './frame';

/** Deep Zoom's defaults (and dzsave's): 254 + 2 × 1 overlap = 256-pixel inner tiles. */
export const DZI_TILE_SIZE = 254;
export const DZI_OVERLAP = 1;

export interface LevelSize {
  width: number;
  height: number;
}

export interface TileRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** ⌈log2(max(w, h))⌉: the full image's level (0 for a 1×1 image). */
export function dziMaxLevel(width: number, height: number): number {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new RangeError(`image size must be positive integers, got ${width}×${height}`);
  const m = Math.max(width, height);
  let n = 0;
  while (2 ** n < m) n++;
  return n;
}

/** The size of every level, index = level: [0] is 1×1, the last is the full image. */
export function dziLevels(width: number, height: number): LevelSize[] {
  const max = dziMaxLevel(width, height);
  return Array.from({ length: max + 1 }, (_, level) => {
    const scale = 2 ** (max - level);
    return { width: Math.ceil(width / scale), height: Math.ceil(height / scale) };
  });
}

/** Tiles across and down a level of `size` with `tileSize`-pixel tiles (the overlap adds none). */
export function tileGrid(size: LevelSize, tileSize: number): { cols: number; rows: number } {
  return { cols: Math.ceil(size.width / tileSize), rows: Math.ceil(size.height / tileSize) };
}

/**
 * The pixels [start, end) that tile `index` covers along an axis of `length`: its own
 * `tileSize` pixels, plus `overlap` pixels of each neighbour where there is one (none before the
 * first tile, and the last tile stops at the edge).
 */
export function tileSpan(index: number, tileSize: number, overlap: number, length: number): [number, number] {
  const start = index * tileSize - (index > 0 ? overlap : 0);
  return [start, Math.min(length, (index + 1) * tileSize + overlap)];
}

/** The rectangle of tile (col, row) in a level of `size`. */
export function tileRect(col: number, row: number, size: LevelSize, tileSize: number, overlap: number): TileRect {
  const [x0, x1] = tileSpan(col, tileSize, overlap, size.width);
  const [y0, y1] = tileSpan(row, tileSize, overlap, size.height);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Every tile of the pyramid, all levels. */
export function dziTileCount(width: number, height: number, tileSize: number): number {
  return dziLevels(width, height).reduce((n, s) => {
    const g = tileGrid(s, tileSize);
    return n + g.cols * g.rows;
  }, 0);
}

/**
 * The highest level that is a single tile: the whole image at most `tileSize` pixels on its
 * longer side (its tile has no neighbours, so no overlap) — a preview of the pyramid.
 */
export function dziOverviewLevel(width: number, height: number, tileSize: number): number {
  const levels = dziLevels(width, height);
  let l = levels.length - 1;
  while (l > 0 && (levels[l].width > tileSize || levels[l].height > tileSize)) l--;
  return l;
}

/** The tile folder beside a descriptor: "a/b.dzi" → "a/b_files" (dzsave's and Deep Zoom Composer's layout). */
export function dziFolder(dziPath: string): string {
  const base = dziPath.endsWith('.dzi') ? dziPath.slice(0, -'.dzi'.length) : dziPath;
  return `${base}_files`;
}

/** "a/b_files/12/3_4.jpg": tile (col 3, row 4) of level 12. */
export function dziTilePath(dziPath: string, level: number, col: number, row: number, extension: string): string {
  return `${dziFolder(dziPath)}/${level}/${col}_${row}.${extension}`;
}

/** The `.dzi` descriptor: what a viewer (OpenSeadragon, …) opens. `format` is the tiles' extension, "jpg" or "png". */
export function dziDescriptor(o: { width: number; height: number; tileSize: number; overlap: number; format: string }): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" TileSize="${o.tileSize}" Overlap="${o.overlap}" Format="${o.format}">\n` +
    `  <Size Width="${o.width}" Height="${o.height}"/>\n` +
    '</Image>\n'
  );
}

/**
 * One row of the next level down: `a` and `b` are two consecutive packed rows of `width` pixels
 * (`b` undefined for the last row of an odd height), `out` receives ⌈width / 2⌉ pixels. Each
 * output pixel is the mean of its 2×2 block, per channel, rounded half up: (sum + 2) >> 2. Where
 * the block is cut by the edge (odd width or height) it averages the pixels that exist, (a + b + 1)
 * >> 1 or the one pixel — what libvips' shrink gives when dzsave extends the edge by copying it.
 */
export function halveRow(a: Uint8Array, b: Uint8Array | undefined, width: number, channels: number, out: Uint8Array): void {
  const pairs = width >> 1;
  const c = channels;
  const step = 2 * c;
  if (b) {
    for (let x = 0, i = 0, o = 0; x < pairs; x++, i += step)
      for (let k = 0; k < c; k++, o++) out[o] = (a[i + k] + a[i + c + k] + b[i + k] + b[i + c + k] + 2) >> 2;
    if (width & 1) {
      const i = pairs * step,
        o = pairs * c;
      for (let k = 0; k < c; k++) out[o + k] = (a[i + k] + b[i + k] + 1) >> 1;
    }
  } else {
    for (let x = 0, i = 0, o = 0; x < pairs; x++, i += step) for (let k = 0; k < c; k++, o++) out[o] = (a[i + k] + a[i + c + k] + 1) >> 1;
    if (width & 1) {
      const i = pairs * step,
        o = pairs * c;
      for (let k = 0; k < c; k++) out[o + k] = a[i + k];
    }
  }
}

/** The whole next level of `f` (⌈w / 2⌉ × ⌈h / 2⌉), by halveRow; a fresh, packed frame. */
export function halve(f: Frame): Frame {
  const w = Math.ceil(f.width / 2),
    h = Math.ceil(f.height / 2);
  const out = createFrame(w, h, f.channels, new ArrayBuffer(w * h * f.channels));
  const rowBytes = f.width * f.channels;
  const row = (y: number) => f.data.subarray(y * f.stride, y * f.stride + rowBytes);
  for (let y = 0; y < h; y++) {
    const b = 2 * y + 1 < f.height ? row(2 * y + 1) : undefined;
    halveRow(row(2 * y), b, f.width, f.channels, out.data.subarray(y * w * f.channels));
  }
  return out;
}
