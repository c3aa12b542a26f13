/**
 * Tile planning with halos. A tile's *core* is the rectangle it is responsible for; its *window*
 * is the core grown by the halo and clipped to the image. Running a chain of local operations on
 * the window (each reflecting at the window's edges) and keeping the core gives exactly the bytes
 * of the untiled run when the halo is at least the sum of the operations' kernel radii:
 *  - where the window edge is an image edge, reflect-101 at the window edge *is* the image's;
 *  - where it is not, the values an operation invents by reflecting there spread inwards by one
 *    radius per step, and never reach the core, which is a whole halo away.
 * The window is always wider than the halo (or is the whole image), so a reflection at an image
 * edge never lands on an invented value.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Tile {
  index: number;
  /** Region of the output this tile writes. */
  core: Rect;
  /** Region of the input it reads (core + halo, clipped to the image). */
  window: Rect;
}

export interface TilePlan {
  width: number;
  height: number;
  tileWidth: number;
  tileHeight: number;
  halo: number;
  tiles: Tile[];
}

export function planTiles(width: number, height: number, tileWidth: number, tileHeight: number, halo: number): TilePlan {
  for (const [k, v] of Object.entries({ width, height, tileWidth, tileHeight })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${k} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(halo) || halo < 0) throw new RangeError(`halo must be a non-negative integer, got ${halo}`);
  const tiles: Tile[] = [];
  for (let y = 0; y < height; y += tileHeight) {
    for (let x = 0; x < width; x += tileWidth) {
      const w = Math.min(tileWidth, width - x);
      const h = Math.min(tileHeight, height - y);
      const wx = Math.max(0, x - halo);
      const wy = Math.max(0, y - halo);
      const wx2 = Math.min(width, x + w + halo);
      const wy2 = Math.min(height, y + h + halo);
      tiles.push({
        index: tiles.length,
        core: { x, y, width: w, height: h },
        window: { x: wx, y: wy, width: wx2 - wx, height: wy2 - wy },
      });
    }
  }
  return { width, height, tileWidth, tileHeight, halo, tiles };
}

/**
 * Square-ish tiles whose window (core + 2·halo) stays near `maxTilePixels`, so the per-task
 * memory is bounded whatever the image shape.
 */
export function tileSizeFor(maxTilePixels: number, halo: number): number {
  const side = Math.floor(Math.sqrt(Math.max(1, maxTilePixels))) - 2 * halo;
  return Math.max(16, side);
}

/** Where the tile's core sits inside its window. */
export function coreOffset(t: Tile): { x: number; y: number } {
  return { x: t.core.x - t.window.x, y: t.core.y - t.window.y };
}
