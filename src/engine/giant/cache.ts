/**
 * The full-resolution tile cache of a giant image (layout: core/giant.ts). A JPEG (or PNG) can
 * only be decoded from the top, so a region near the bottom costs the whole file; instead the
 * file is streamed through the decoder once, a strip at a time (the wasm heap holds one strip),
 * and each strip is cut into tiles written to a file (OPFS in the browser). Regions are then read
 * back with one read per tile they touch. Rows are written top down, so the part already written
 * can be served while the rest is still being decoded.
 */
import { createFrame, type Frame } from '../../core/frame';
import { Control, stripToTiles, tileBytes, tileReads, type TileGrid } from '../../core/giant';
import type { Rect } from '../../core/tiles';
import { withScope } from '../../core/scope';
import { TesseraError } from '../../core/errors';
import { openSource, type SyncReader } from '../blob-source';
import { normalise } from '../codec';
import { vipsError, type Vips } from '../vips';

/** Synchronous positioned I/O on the cache file (an OPFS sync access handle; a descriptor in Node tests). */
export interface CacheFile {
  read(into: Uint8Array, at: number): number;
  write(bytes: Uint8Array, at: number): number;
}

/** Runs `fn` in this worker's turn, between other calls (so a long build never blocks a preview). */
export type Turn = <T>(fn: () => T) => Promise<T>;

/**
 * Decodes the image behind `reader` into `file`, strip by strip; after each strip the rows done
 * go to `control[Control.cacheRows]`, and `control[Control.cancel]` stops it. Resolves to whether
 * it finished.
 */
export async function buildCache(
  vips: Vips,
  reader: SyncReader,
  g: TileGrid,
  file: CacheFile,
  control: Int32Array,
  turn: Turn,
): Promise<'done' | 'cancelled'> {
  return withScope(async (scope) => {
    const src = scope.track(openSource(vips, reader));
    const im = await turn(() => {
      try {
        return scope.track(normalise(scope.track(vips.Image.newFromSource(src, '', { access: 'sequential', fail_on: 'error' }))));
      } catch (e) {
        throw vipsError('decode-failed', 'cannot decode', e);
      }
    });
    if (im.width !== g.width || im.height !== g.height || im.bands !== g.channels) {
      throw new TesseraError(
        'decode-failed',
        `decoded ${im.width}×${im.height}×${im.bands}, expected ${g.width}×${g.height}×${g.channels}`,
      );
    }
    const scratch = new Uint8Array(tileBytes(g));
    for (let y = 0; y < g.height; y += g.tile) {
      if (Atomics.load(control, Control.cancel)) return 'cancelled';
      const rows = Math.min(g.tile, g.height - y);
      await turn(() =>
        withScope((strip) => {
          let pixels: Uint8Array;
          try {
            pixels = strip.track(im.crop(0, y, g.width, rows)).writeToMemory() as Uint8Array;
          } catch (e) {
            throw vipsError('decode-failed', `cannot decode rows ${y}–${y + rows}`, e);
          }
          stripToTiles(g, pixels, y, rows, scratch, (bytes, at) => {
            if (file.write(bytes, at) !== bytes.length)
              throw new TesseraError('io-failed', 'the preview cache could not be written (is the disk full?)');
          });
        }),
      );
      Atomics.store(control, Control.cacheRows, y + rows);
    }
    return 'done';
  });
}

/** Region `r` of the cached image (r must lie in the rows already written). */
export function readCached(file: CacheFile, g: TileGrid, r: Rect): Frame {
  const c = g.channels;
  const out = createFrame(r.width, r.height, c, new ArrayBuffer(r.width * r.height * c));
  const chunk = new Uint8Array(tileBytes(g));
  for (const rd of tileReads(g, r)) {
    const part = chunk.subarray(0, rd.length);
    if (file.read(part, rd.at) !== rd.length) throw new TesseraError('io-failed', 'the preview cache is shorter than expected');
    for (let row = 0; row < rd.rows; row++) {
      const s = (row * g.tile + rd.col) * c;
      out.data.set(part.subarray(s, s + rd.cols * c), (rd.dy + row) * out.stride + rd.dx * c);
    }
  }
  return out;
}
