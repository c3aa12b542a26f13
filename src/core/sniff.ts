/**
 * Identifies an input from its first and last bytes and explains what is wrong with it before a
 * decoder gets the chance to fail obscurely (or, worse, to succeed on half an image: libjpeg
 * happily fills a truncated JPEG with grey).
 */
import { formatInt } from './errors';

export type InputKind = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif' | 'heic' | 'bmp' | 'ico' | 'jxl' | 'svg';

export interface SniffResult {
  kind?: InputKind;
  /** Set when the file cannot be an intact image: the user-facing reason. */
  problem?: string;
}

const EXT_KIND: Record<string, InputKind> = {
  jpg: 'jpeg',
  jpeg: 'jpeg',
  jpe: 'jpeg',
  jfif: 'jpeg',
  png: 'png',
  webp: 'webp',
  gif: 'gif',
  tif: 'tiff',
  tiff: 'tiff',
  avif: 'avif',
  heic: 'heic',
  heif: 'heic',
  bmp: 'bmp',
  ico: 'ico',
  jxl: 'jxl',
  svg: 'svg',
};

const KIND_LABEL: Record<InputKind, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  gif: 'GIF',
  tiff: 'TIFF',
  avif: 'AVIF',
  heic: 'HEIC',
  bmp: 'BMP',
  ico: 'ICO',
  jxl: 'JPEG XL',
  svg: 'SVG',
};

export function kindFromName(name: string): InputKind | undefined {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? undefined : EXT_KIND[name.slice(dot + 1).toLowerCase()];
}

/**
 * True for names the batch should pick up from a folder. Hidden files are not images, in
 * subfolders too (macOS leaves "._IMG_0001.jpg" AppleDouble files beside copied photos).
 */
export function isImageName(name: string): boolean {
  return kindFromName(name) !== undefined && !name.slice(name.lastIndexOf('/') + 1).startsWith('.');
}

const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));

/** The image format the bytes say they are (first ≥ 12 bytes), whatever the name. */
export function kindFromMagic(head: Uint8Array): InputKind | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 8 && ascii(head, 1, 3) === 'PNG' && head[0] === 0x89) return 'png';
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return 'webp';
  if (head.length >= 6 && (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a')) return 'gif';
  if (head.length >= 4 && (ascii(head, 0, 4) === 'II*\0' || ascii(head, 0, 4) === 'MM\0*')) return 'tiff';
  if (head.length >= 2 && ascii(head, 0, 2) === 'BM') return 'bmp';
  if (head.length >= 12 && ascii(head, 4, 4) === 'ftyp') {
    const brand = ascii(head, 8, 4);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (brand.startsWith('hei') || brand === 'mif1' || brand === 'msf1') return 'heic';
  }
  if ((head.length >= 2 && head[0] === 0xff && head[1] === 0x0a) || (head.length >= 12 && ascii(head, 4, 4) === 'JXL ')) return 'jxl';
  // ICONDIR: reserved 0, type 1 (icon), at least one image.
  if (head.length >= 6 && head[0] === 0 && head[1] === 0 && head[2] === 1 && head[3] === 0 && (head[4] || head[5])) return 'ico';
  const text = ascii(head, 0, Math.min(head.length, 64)).trimStart();
  if (text.startsWith('<svg')) return 'svg';
  return undefined;
}

/** HEIF brands whose pictures are HEVC-coded (AVIF is HEIF with AV1 and decodes fine). */
const HEVC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);

/**
 * How a HEIF file's pictures are coded, from its ftyp brands: 'av1' (AVIF, which libvips' HEIF
 * module decodes) or 'hevc' (iPhone HEIC photos, decoded by libheif-js with libde265).
 */
export function heifCoding(head: Uint8Array): 'av1' | 'hevc' | undefined {
  if (head.length < 12 || ascii(head, 4, 4) !== 'ftyp') return undefined;
  const brands: string[] = [];
  const box = Math.min(head.length, ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0);
  for (let o = 8; o + 4 <= box; o += 4) if (o !== 12) brands.push(ascii(head, o, 4)); // major brand, then compatible brands (12 is the version)
  if (brands.includes('avif') || brands.includes('avis')) return 'av1';
  if (brands.some((b) => HEVC_BRANDS.has(b))) return 'hevc';
  return undefined;
}

function describeBytes(head: Uint8Array): string {
  const hex = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
  const text = ascii(head, 0, Math.min(head.length, 64)).trimStart().toLowerCase();
  if (text.startsWith('<!doctype html') || text.startsWith('<html')) return `it is an HTML page (starts with ${hex})`;
  if (text.startsWith('<?xml') || text.startsWith('<svg'))
    return `it is XML text (starts with ${hex}); an SVG image needs the .svg extension`;
  if (head[0] === 0x50 && head[1] === 0x4b) return `it is a zip archive (starts with ${hex})`;
  return `it starts with bytes ${hex}`;
}

/**
 * @param name file name (for the extension the user expects)
 * @param size total size in bytes
 * @param head the first ≥ 64 bytes (fewer if the file is shorter)
 * @param tail the last ≤ 64 bytes
 */
export function sniff(name: string, size: number, head: Uint8Array, tail: Uint8Array): SniffResult {
  const expected = kindFromName(name);
  const label = expected ? `a ${KIND_LABEL[expected]} file` : 'an image file';
  if (size === 0) return { problem: `empty file (0 bytes)` };
  const text = ascii(head, 0, Math.min(head.length, 64)).trimStart();
  // An SVG may open with an XML prolog (and comments) before its <svg>: its name says what it is.
  const kind = kindFromMagic(head) ?? (expected === 'svg' && text.startsWith('<?xml') ? 'svg' : undefined);
  if (!kind) return { problem: `not ${label}: ${describeBytes(head)}` };
  if (kind === 'jpeg') {
    // A complete JPEG ends with the EOI marker FF D9, possibly followed by padding.
    let end = -1;
    for (let i = tail.length - 2; i >= 0; i--)
      if (tail[i] === 0xff && tail[i + 1] === 0xd9) {
        end = i;
        break;
      }
    if (end < 0) return { kind, problem: `not a complete JPEG file (truncated at byte ${formatInt(size)}: no end-of-image marker)` };
  }
  if (kind === 'png') {
    // The IEND chunk is the last 12 bytes: length 0, "IEND", CRC AE 42 60 82.
    if (size < 20 || ascii(tail, tail.length - 8, 4) !== 'IEND')
      return { kind, problem: `not a complete PNG file (truncated at byte ${formatInt(size)}: no IEND chunk)` };
  }
  return { kind };
}

export function kindLabel(kind: InputKind): string {
  return KIND_LABEL[kind];
}

// ---------------------------------------------------------------- videos

export type VideoKind = 'mp4' | 'webm' | 'mkv' | 'mov';

const VIDEO_EXT: Record<string, VideoKind> = { mp4: 'mp4', m4v: 'mp4', mov: 'mov', webm: 'webm', mkv: 'mkv' };
const VIDEO_LABEL: Record<VideoKind, string> = { mp4: 'MP4', webm: 'WebM', mkv: 'Matroska', mov: 'QuickTime' };

export function videoKindFromName(name: string): VideoKind | undefined {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? undefined : VIDEO_EXT[name.slice(dot + 1).toLowerCase()];
}

/** True for video names the batch should pick up from a folder (processed by the video job). */
export function isVideoName(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return videoKindFromName(name) !== undefined && !base.startsWith('.');
}

/** Images or videos: what a batch processes. */
export function isMediaName(name: string): boolean {
  return isImageName(name) || isVideoName(name);
}

/** Camera RAW extensions: recognised so a skipped RAW file is named as one, not as "unknown". */
const RAW_EXT = new Set(
  '3fr ari arw bay cr2 cr3 crw dcr dng erf fff iiq k25 kdc mef mos mrw nef nrw orf pef raf raw rw2 rwl sr2 srf srw x3f'.split(' '),
);

/**
 * Why a batch leaves this file out, in words for the list of skipped files; undefined for the
 * images and videos it processes (isMediaName). Decided by the name alone, as the batch does.
 */
export function skipReason(path: string): string | undefined {
  if (isMediaName(path)) return undefined;
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base.startsWith('.')) return 'hidden file (not a photo: e.g. the "._" copies macOS leaves beside files)';
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  if (RAW_EXT.has(ext))
    return `camera RAW file (.${ext}): Tessera cannot read RAW yet; export it as JPEG or TIFF from your camera's or photo app first`;
  if (!ext) return 'no file extension: Tessera picks up images and videos by their extension (.jpg, .png, .mp4 …)';
  return `not an image or video Tessera reads (.${ext} files are left out)`;
}

/** The container from the first bytes: ISO BMFF (`ftyp` box) or EBML (Matroska/WebM). */
export function videoKindFromMagic(head: Uint8Array): VideoKind | undefined {
  if (head.length >= 12 && ascii(head, 4, 4) === 'ftyp') {
    const brand = ascii(head, 8, 4);
    if (brand === 'qt  ') return 'mov';
    if (brand === 'avif' || brand === 'avis' || brand.startsWith('hei') || brand === 'mif1' || brand === 'msf1') return undefined;
    return 'mp4';
  }
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    const text = ascii(head, 0, Math.min(head.length, 64));
    return text.includes('webm') ? 'webm' : 'mkv';
  }
  // QuickTime files without ftyp start with a moov/mdat/wide/free atom.
  if (head.length >= 8 && ['moov', 'mdat', 'wide', 'free', 'skip'].includes(ascii(head, 4, 4))) return 'mov';
  return undefined;
}

/** Explains why a file cannot be a video before the demuxer fails obscurely. */
export function sniffVideo(name: string, size: number, head: Uint8Array): { kind?: VideoKind; problem?: string } {
  const expected = videoKindFromName(name);
  const label = expected ? `${expected === 'mp4' ? 'an' : 'a'} ${VIDEO_LABEL[expected]} video` : 'a video file';
  if (size === 0) return { problem: 'empty file (0 bytes)' };
  const kind = videoKindFromMagic(head);
  if (!kind) return { problem: `not ${label}: ${describeBytes(head)}` };
  return { kind };
}

// ---------------------------------------------------------------- media types

const KIND_MIME: Record<InputKind | VideoKind, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  avif: 'image/avif',
  heic: 'image/heic',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
  jxl: 'image/jxl',
  svg: 'image/svg+xml',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  mov: 'video/quicktime',
};

/**
 * Every input the batch takes, as MIME type → extensions (with the dot), from the same tables the
 * batch reads: for the web app manifest's `file_handlers` and `share_target`, so "Open with" and
 * "Share to" offer exactly what a folder walk would pick up.
 */
export function mediaTypes(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (ext: string, kind: InputKind | VideoKind) => (out[KIND_MIME[kind]] ??= []).push(`.${ext}`);
  for (const [ext, kind] of Object.entries(EXT_KIND)) add(ext, kind);
  for (const [ext, kind] of Object.entries(VIDEO_EXT)) add(ext, kind);
  return out;
}

// ---------------------------------------------------------------- JPEG frame size

/** Width and height from a JPEG's frame header (SOFn), without decoding; undefined if not found. */
export function jpegSize(b: Uint8Array): { width: number; height: number } | undefined {
  for (let p = 2; p + 9 < b.length;) {
    if (b[p] !== 0xff) return undefined;
    const m = b[p + 1];
    if (m === 0xff) {
      p++;
      continue;
    }
    const len = (b[p + 2] << 8) | b[p + 3];
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc)
      return { height: (b[p + 5] << 8) | b[p + 6], width: (b[p + 7] << 8) | b[p + 8] };
    if (m === 0xda || len < 2) return undefined;
    p += 2 + len;
  }
  return undefined;
}

/**
 * The smallest of a JPEG's scaled decode sizes (1/8, 1/4, 1/2 of its stored size, rounded up as
 * libjpeg does) whose sides are both at least `min`; undefined when only the full size is (or the
 * image is already small). Chromium's ImageDecoder decodes a JPEG at such a size directly when it
 * is asked for exactly that size (`desiredWidth`/`desiredHeight`, in stored orientation): 1/64 of
 * the pixels at 1/8, about 5× faster than decoding a 24 MP photo whole to make a thumbnail.
 */
export function jpegScaledSize(width: number, height: number, min: number): { width: number; height: number } | undefined {
  for (const k of [8, 4, 2]) {
    const w = Math.ceil(width / k);
    const h = Math.ceil(height / k);
    if (w >= min && h >= min) return { width: w, height: h };
  }
  return undefined;
}
