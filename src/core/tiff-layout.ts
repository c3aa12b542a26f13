/**
 * How a TIFF stores its pixels, from its IFDs alone (classic and BigTIFF, either byte order): tiles
 * or strips, their size, and the pages (a pyramid's levels are pages or SubIFDs). vips does not
 * expose this, and it decides whether the preview can read a giant TIFF's regions straight from
 * the file (tiles, or short strips) or must build its own cache first (one compressed strip of the
 * whole image has to be decoded whole).
 */

export interface TiffPage {
  width: number;
  height: number;
  /** Set for tiled pages. */
  tileWidth?: number;
  tileHeight?: number;
  /** Rows per strip for stripped pages (the whole height when the tag is missing). */
  rowsPerStrip?: number;
  /** TIFF compression code (1: none, 5: LZW, 7: JPEG, 8: deflate …). */
  compression: number;
  /** Reduced-resolution SubIFDs under this page (a pyramid stored the newer way). */
  subIfds: number;
}

/** Random access to the file: up to `length` bytes at `position`. */
export type ReadAt = (position: number, length: number) => Uint8Array;

const TAG = { width: 256, height: 257, compression: 259, rowsPerStrip: 278, tileWidth: 322, tileHeight: 323, subIfds: 330 } as const;
/** Bytes per value of each TIFF field type (1 BYTE … 16 IFD8). */
const TYPE_BYTES: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  16: 8,
  17: 8,
  18: 8,
};
/** Enough for any real pyramid; a loop in a damaged file's IFD chain stops here. */
const MAX_PAGES = 64;

/** The pages of the TIFF read through `read`, or undefined when it is not a TIFF. */
export function tiffLayout(read: ReadAt): TiffPage[] | undefined {
  const head = read(0, 16);
  if (head.length < 8) return undefined;
  const little = head[0] === 0x49 && head[1] === 0x49;
  if (!little && !(head[0] === 0x4d && head[1] === 0x4d)) return undefined;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = dv.getUint16(2, little);
  if (magic !== 42 && magic !== 43) return undefined;
  const big = magic === 43;
  const u = (v: DataView, at: number, bytes: number): number =>
    bytes === 1
      ? v.getUint8(at)
      : bytes === 2
        ? v.getUint16(at, little)
        : bytes === 4
          ? v.getUint32(at, little)
          : Number(v.getBigUint64(at, little));
  let next = big ? u(dv, 8, 8) : u(dv, 4, 4);
  const pages: TiffPage[] = [];
  const seen = new Set<number>();
  while (next && !seen.has(next) && pages.length < MAX_PAGES) {
    seen.add(next);
    const countBytes = big ? 8 : 2;
    const entryBytes = big ? 20 : 12;
    const countView = view(read(next, countBytes));
    if (countView.byteLength < countBytes) break;
    const n = u(countView, 0, countBytes);
    const ifd = view(read(next + countBytes, n * entryBytes + (big ? 8 : 4)));
    if (ifd.byteLength < n * entryBytes) break;
    const values = new Map<number, { count: number; value: number }>();
    for (let i = 0; i < n; i++) {
      const e = i * entryBytes;
      const tag = u(ifd, e, 2);
      const type = u(ifd, e + 2, 2);
      const count = u(ifd, e + 4, big ? 8 : 4);
      const size = TYPE_BYTES[type] ?? 0;
      // Only the first value matters here; it sits in the entry when all the values fit there
      // (they do for every tag read: sizes and codes). SubIFDs are counted, not followed.
      const inline = (size === 1 || size === 2 || size === 4 || size === 8) && size * count <= (big ? 8 : 4);
      const value = inline ? u(ifd, e + (big ? 12 : 8), size) : 0;
      values.set(tag, { count, value });
    }
    const get = (tag: number) => values.get(tag)?.value;
    const width = get(TAG.width) ?? 0;
    const height = get(TAG.height) ?? 0;
    const page: TiffPage = { width, height, compression: get(TAG.compression) ?? 1, subIfds: values.get(TAG.subIfds)?.count ?? 0 };
    const tw = get(TAG.tileWidth);
    const th = get(TAG.tileHeight);
    if (tw && th) Object.assign(page, { tileWidth: tw, tileHeight: th });
    else page.rowsPerStrip = Math.min(height, get(TAG.rowsPerStrip) || height);
    pages.push(page);
    const nextAt = n * entryBytes;
    next = ifd.byteLength >= nextAt + (big ? 8 : 4) ? u(ifd, nextAt, big ? 8 : 4) : 0;
  }
  return pages.length ? pages : undefined;
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Strips up to this many rows are read one by one, cheaply enough to serve regions from. */
const DIRECT_STRIP_ROWS = 512;

/** Whether regions of the first page can be read from the file as they are (no cache needed). */
export function readsRegionsDirectly(pages: readonly TiffPage[] | undefined): boolean {
  const p = pages?.[0];
  if (!p) return false;
  return p.tileWidth !== undefined || (p.rowsPerStrip ?? p.height) <= DIRECT_STRIP_ROWS;
}
