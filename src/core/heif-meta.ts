/**
 * The metadata of a HEIF file (HEIC photos): the EXIF block and the XMP packet that describe its
 * primary image, and its ICC profile, read from the ISO BMFF boxes (ISO/IEC 23008-12: `meta` →
 * `pitm`, `iinf`/`infe`, `iref` 'cdsc', `iloc`, `idat`; `iprp` → `ipco` 'colr', `ipma`). libheif-js decodes pixels only (its JavaScript
 * wrapper exposes no metadata calls), so the engine finds the blocks here and hands them on with
 * the pixels (engine/foreign-decode.ts). Also: the EXIF orientation rewritten, because a HEIF
 * reader applies the file's own rotation (irot/imir) and must not apply the EXIF tag again.
 */

export interface HeifMetadata {
  /** "Exif\0\0" + the TIFF-structured EXIF block, as libvips and JPEG APP1 carry it. */
  exif?: Uint8Array;
  /** The XMP packet (an `application/rdf+xml` item). */
  xmp?: Uint8Array;
  /**
   * The primary image's ICC profile (a `colr` property of type 'prof' or 'rICC': iPhones tag
   * their photos Display P3 this way). Colour given as nclx code points is not turned into one.
   */
  icc?: Uint8Array;
}

interface Box {
  type: string;
  /** Where the box's content starts (after its header) and ends. */
  start: number;
  end: number;
}

const fourcc = (b: Uint8Array, at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);

/** The boxes between `from` and `to`; stops quietly at a box that does not fit (a damaged file). */
function boxes(b: Uint8Array, v: DataView, from: number, to: number): Box[] {
  const out: Box[] = [];
  for (let p = from; p + 8 <= to;) {
    let size = v.getUint32(p);
    let header = 8;
    if (size === 1) {
      if (p + 16 > to) break;
      size = Number(v.getBigUint64(p + 8));
      header = 16;
    } else if (size === 0) size = to - p;
    if (size < header || p + size > to) break;
    out.push({ type: fourcc(b, p + 4), start: p + header, end: p + size });
    p += size;
  }
  return out;
}

/** An unsigned big-endian integer of `n` bytes (0, 4 or 8) at `at`. */
function uint(v: DataView, at: number, n: number): number {
  if (n === 0) return 0;
  if (n === 4) return v.getUint32(at);
  if (n === 8) return Number(v.getBigUint64(at));
  if (n === 2) return v.getUint16(at);
  throw new RangeError(`field of ${n} bytes`);
}

interface Item {
  type: string;
  contentType?: string;
  extents: { offset: number; length: number }[];
  /** 0 file offsets, 1 offsets into `idat`. */
  method: number;
}

/** A NUL-terminated string from `at` (before `end`) and where the next field starts. */
function cstring(b: Uint8Array, at: number, end: number): [string, number] {
  let e = at;
  while (e < end && b[e] !== 0) e++;
  return [new TextDecoder().decode(b.subarray(at, e)), e + 1];
}

/**
 * The primary image's EXIF and XMP; empty when the file has none (or is not HEIF). Never throws
 * on a damaged file: what cannot be read is left out.
 */
export function heifMetadata(bytes: Uint8Array): HeifMetadata {
  try {
    return readMetadata(bytes);
  } catch {
    return {};
  }
}

function readMetadata(b: Uint8Array): HeifMetadata {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const meta = boxes(b, v, 0, b.length).find((x) => x.type === 'meta');
  if (!meta) return {};
  // `meta` is a full box: version and flags, then its children.
  const children = boxes(b, v, meta.start + 4, meta.end);
  const items = new Map<number, Item>();
  let primary: number | undefined;
  const describes = new Map<number, number[]>();
  let idat: Box | undefined;
  let iprp: Box | undefined;
  for (const c of children) {
    const version = b[c.start];
    const body = c.start + 4;
    if (c.type === 'pitm') primary = version === 0 ? v.getUint16(body) : v.getUint32(body);
    else if (c.type === 'idat') idat = c;
    else if (c.type === 'iprp') iprp = c;
    else if (c.type === 'iinf') {
      const first = body + (version === 0 ? 2 : 4);
      for (const e of boxes(b, v, first, c.end)) {
        if (e.type !== 'infe' || b[e.start] < 2) continue;
        const ev = b[e.start];
        let p = e.start + 4;
        const id = ev === 2 ? v.getUint16(p) : v.getUint32(p);
        p += (ev === 2 ? 2 : 4) + 2; // item_ID, item_protection_index
        const type = fourcc(b, p);
        p += 4;
        const [, afterName] = cstring(b, p, e.end);
        // (`iloc` usually comes first: keep the locations it gave.)
        const prev = items.get(id);
        const item: Item = { type, extents: prev?.extents ?? [], method: prev?.method ?? 0 };
        if (type === 'mime') item.contentType = cstring(b, afterName, e.end)[0];
        items.set(id, item);
      }
    } else if (c.type === 'iref') {
      for (const r of boxes(b, v, body, c.end)) {
        if (r.type !== 'cdsc') continue;
        const n = version === 0 ? 2 : 4;
        const from = uint(v, r.start, n);
        const count = v.getUint16(r.start + n);
        const to: number[] = [];
        for (let i = 0; i < count; i++) to.push(uint(v, r.start + n + 2 + i * n, n));
        describes.set(from, to);
      }
    } else if (c.type === 'iloc') readIloc(b, v, c, version, items);
  }
  const data = (item: Item): Uint8Array | undefined => {
    const base = item.method === 1 ? idat?.start : 0;
    if (base === undefined || (item.method !== 0 && item.method !== 1) || !item.extents.length) return undefined;
    const parts = item.extents.map((x) => b.subarray(base + x.offset, base + x.offset + x.length));
    if (parts.some((p, i) => p.length !== item.extents[i].length)) return undefined;
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  // The primary image's own blocks first; else the file's first of each kind.
  const pick = (is: (item: Item) => boolean): Uint8Array | undefined => {
    const found = [...items.entries()].filter(([, it]) => is(it));
    const own = found.find(([id]) => primary !== undefined && describes.get(id)?.includes(primary));
    const chosen = own ?? found[0];
    return chosen ? data(chosen[1]) : undefined;
  };
  const out: HeifMetadata = {};
  const exifItem = pick((it) => it.type === 'Exif');
  // The Exif item starts with the offset of the TIFF header from the end of that field.
  if (exifItem && exifItem.length > 4) {
    const skip = 4 + new DataView(exifItem.buffer, exifItem.byteOffset).getUint32(0);
    const tiff = exifItem.subarray(skip);
    if (tiff.length >= 8 && (fourcc(tiff, 0) === 'II*\0' || fourcc(tiff, 0) === 'MM\0*')) {
      const exif = new Uint8Array(6 + tiff.length);
      exif.set([0x45, 0x78, 0x69, 0x66, 0, 0]); // "Exif\0\0"
      exif.set(tiff, 6);
      out.exif = exif;
    }
  }
  const xmp = pick((it) => it.type === 'mime' && it.contentType === 'application/rdf+xml');
  if (xmp?.length) out.xmp = xmp.slice();
  const icc = iprp ? primaryIcc(b, v, iprp, primary) : undefined;
  if (icc) out.icc = icc;
  return out;
}

/**
 * The ICC profile among the properties (`ipco`) associated (`ipma`) with the primary item; else
 * the file's only one, when all its ICC properties are the same profile.
 */
function primaryIcc(b: Uint8Array, v: DataView, iprp: Box, primary: number | undefined): Uint8Array | undefined {
  const kids = boxes(b, v, iprp.start, iprp.end);
  const ipco = kids.find((k) => k.type === 'ipco');
  if (!ipco) return undefined;
  const props = boxes(b, v, ipco.start, ipco.end);
  const iccOf = (p: Box | undefined): Uint8Array | undefined => {
    if (p?.type !== 'colr' || p.end - p.start < 4) return undefined;
    const kind = fourcc(b, p.start);
    return kind === 'prof' || kind === 'rICC' ? b.slice(p.start + 4, p.end) : undefined;
  };
  for (const ipma of kids.filter((k) => k.type === 'ipma')) {
    const version = b[ipma.start];
    const wide = (b[ipma.start + 3] & 1) === 1;
    let p = ipma.start + 4;
    const count = v.getUint32(p);
    p += 4;
    for (let i = 0; i < count && p < ipma.end; i++) {
      const id = version < 1 ? v.getUint16(p) : v.getUint32(p);
      p += version < 1 ? 2 : 4;
      const n = b[p++];
      for (let k = 0; k < n; k++) {
        // The top bit says "essential"; the rest is the 1-based index into ipco.
        const index = wide ? v.getUint16(p) & 0x7fff : b[p] & 0x7f;
        p += wide ? 2 : 1;
        const icc = id === primary && index > 0 ? iccOf(props[index - 1]) : undefined;
        if (icc) return icc;
      }
    }
  }
  const all = props.map(iccOf).filter((x): x is Uint8Array => x !== undefined);
  return all.length && all.every((x) => x.length === all[0].length && x.every((c, i) => c === all[0][i])) ? all[0] : undefined;
}

/** The item locations (`iloc`, versions 0–2) into `items`. */
function readIloc(b: Uint8Array, v: DataView, c: Box, version: number, items: Map<number, Item>): void {
  let p = c.start + 4;
  const offsetSize = b[p] >> 4;
  const lengthSize = b[p] & 15;
  const baseSize = b[p + 1] >> 4;
  const indexSize = version >= 1 ? b[p + 1] & 15 : 0;
  p += 2;
  const count = version < 2 ? v.getUint16(p) : v.getUint32(p);
  p += version < 2 ? 2 : 4;
  for (let i = 0; i < count && p < c.end; i++) {
    const id = version < 2 ? v.getUint16(p) : v.getUint32(p);
    p += version < 2 ? 2 : 4;
    let method = 0;
    if (version >= 1) {
      method = v.getUint16(p) & 15;
      p += 2;
    }
    p += 2; // data_reference_index
    const base = uint(v, p, baseSize);
    p += baseSize;
    const n = v.getUint16(p);
    p += 2;
    const extents: Item['extents'] = [];
    for (let k = 0; k < n; k++) {
      p += indexSize;
      const offset = uint(v, p, offsetSize);
      p += offsetSize;
      const length = uint(v, p, lengthSize);
      p += lengthSize;
      extents.push({ offset: base + offset, length });
    }
    const prev = items.get(id);
    items.set(id, { type: prev?.type ?? '', contentType: prev?.contentType, extents, method });
  }
}

/**
 * A copy of the EXIF block ("Exif\0\0" + TIFF) with its IFD0 Orientation tag set to
 * `orientation`; the block itself when it has no such tag (nothing to say then) or is not EXIF.
 */
export function exifWithOrientation(exif: Uint8Array, orientation: number): Uint8Array {
  const at = exif.length >= 6 && fourcc(exif, 0) === 'Exif' ? 6 : 0;
  if (exif.length < at + 8) return exif;
  const v = new DataView(exif.buffer, exif.byteOffset, exif.byteLength);
  const order = fourcc(exif, at);
  if (order !== 'II*\0' && order !== 'MM\0*') return exif;
  const le = order === 'II*\0';
  const ifd = at + v.getUint32(at + 4, le);
  if (ifd + 2 > exif.length) return exif;
  const n = v.getUint16(ifd, le);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > exif.length) break;
    // Orientation (274), one SHORT (type 3): its value sits in the entry's first two value bytes.
    if (v.getUint16(e, le) === 0x0112 && v.getUint16(e + 2, le) === 3) {
      const out = exif.slice();
      new DataView(out.buffer).setUint16(e + 8, orientation, le);
      return out;
    }
  }
  return exif;
}

/** The IFD0 Orientation of an EXIF block ("Exif\0\0" + TIFF, or TIFF), 1 when it has none. */
export function exifOrientation(exif: Uint8Array): number {
  const at = exif.length >= 6 && fourcc(exif, 0) === 'Exif' ? 6 : 0;
  if (exif.length < at + 8) return 1;
  const v = new DataView(exif.buffer, exif.byteOffset, exif.byteLength);
  const le = fourcc(exif, at) === 'II*\0';
  if (!le && fourcc(exif, at) !== 'MM\0*') return 1;
  const ifd = at + v.getUint32(at + 4, le);
  if (ifd + 2 > exif.length) return 1;
  for (let i = 0, n = v.getUint16(ifd, le); i < n && ifd + 14 + i * 12 <= exif.length; i++) {
    const e = ifd + 2 + i * 12;
    if (v.getUint16(e, le) === 0x0112) return v.getUint16(e + 8, le);
  }
  return 1;
}
