/**
 * Decoding and encoding through wasm-vips. Inputs are normalised to 8-bit gray/RGB with or
 * without alpha (16-bit, CMYK and palette images included), which is what every kernel expects.
 * Decoding also returns the file's SourceInfo (EXIF orientation, EXIF/ICC/XMP blobs) and can
 * auto-orient or shrink-on-load on the way; encoding honours every OutputOptions field and
 * copies the metadata back with metadata 'keep'. Every vips.Image is tracked in a Scope
 * (core/scope.ts) and deleted when the function that made it ends, whatever happens.
 */
import { TesseraError } from '../core/errors';
import { createFrame, type Frame } from '../core/frame';
import { withScope, type Scope } from '../core/scope';
import { compose, orientationMap, scaleMap, type Geometry } from '../core/geometry';
import { FORMATS, type OutputOptions } from '../core/formats';
import { iccColourSpace, needsSrgbConversion } from '../core/icc';
import { sniff } from '../core/sniff';
import { keepsMetadata, type SourceInfo } from './ops/context';
import { outputSource } from './metadata-edit';
import { browserWebpSupports, encodeWebpInBrowser } from './browser-webp';
import { encodePng, fastPngSupports } from './png-encode';
import { openSource, type SyncReader } from './blob-source';
import { vipsError, withFreshErrors, type Vips, type VipsImage } from './vips';

export interface ImageHeader {
  width: number;
  height: number;
  /** Channels after normalisation: 1, 2, 3 or 4. */
  channels: number;
  /** Pages of a multi-page TIFF (set when more than one). */
  pages?: number;
}

/** Rejects files that cannot be intact images, with the reason, before vips sees them. */
export function checkInput(name: string, bytes: Uint8Array): void {
  const head = bytes.subarray(0, 64);
  const tail = bytes.subarray(Math.max(0, bytes.length - 64));
  const { problem } = sniff(name, bytes.length, head, tail);
  if (problem) throw new TesseraError('decode-failed', problem);
}

/**
 * A file as vips reads it: its bytes, or (a giant file never read whole) a synchronous reader of
 * its slices, with the scope that frees the source made over it.
 */
export type FileInput = Uint8Array | { reader: SyncReader; scope: Scope };

/** The loader option that picks page `page` (0-based) of a multi-page file; none for the first. */
const pageOption = (page = 0) => (page > 0 ? { page } : {});

function open(vips: Vips, input: FileInput, page = 0): VipsImage {
  try {
    // fail_on 'error' turns corrupt-data warnings into errors instead of grey filler.
    const opts = { access: 'sequential', fail_on: 'error', ...pageOption(page) } as const;
    return input instanceof Uint8Array
      ? vips.Image.newFromBuffer(input, '', opts)
      : vips.Image.newFromSource(input.scope.track(openSource(vips, input.reader)), '', opts);
  } catch (e) {
    throw vipsError('decode-failed', page > 0 ? `cannot decode page ${page + 1}` : 'cannot decode', e);
  }
}

/**
 * How many pages a TIFF holds (libvips' "n-pages"), 1 for every other format: GIF and WebP
 * animations have "pages" too, but their frames are not pages a person wants as files.
 */
export function pageCount(im: VipsImage): number {
  const loader = im.getTypeof('vips-loader') ? im.getString('vips-loader') : '';
  if (!loader.startsWith('tiffload') || !im.getTypeof('n-pages')) return 1;
  const n = im.getInt('n-pages');
  return Number.isInteger(n) && n > 1 ? n : 1;
}

/** Channels of `im` once normalised (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA). */
export function normalisedChannels(im: VipsImage): number {
  const bands = im.bands;
  const alpha = im.hasAlpha() ? 1 : 0;
  const colour = bands - alpha;
  return (colour >= 3 ? 3 : 1) + alpha;
}

/** Output `colour`: 'srgb' converts images tagged with another RGB profile; 'keep' leaves the values. */
export type ColourMode = 'srgb' | 'keep';

/** Whether decoding converts this image's pixels to sRGB (an RGB profile other than sRGB, colour 'srgb'). */
function convertsToSrgb(im: VipsImage, mode: ColourMode): boolean {
  return mode === 'srgb' && im.getTypeof('icc-profile-data') !== 0 && needsSrgbConversion(im.getBlob('icc-profile-data'));
}

let srgbIcc: Uint8Array | undefined;

/** lcms' sRGB profile, as libvips attaches it after an ICC transform to sRGB. */
function srgbProfile(vips: Vips): Uint8Array {
  return (srgbIcc ??= withScope((scope) => {
    const im = scope.track(scope.track(vips.Image.black(1, 1, { bands: 3 })).copy({ interpretation: 'srgb' }));
    return scope.track(im.iccTransform('srgb')).getBlob('icc-profile-data').slice();
  }));
}

/**
 * The file's SourceInfo as its decoded pixels need it: when decoding converts them to sRGB, the
 * sRGB profile replaces the original (outputs are tagged with what their values are).
 */
export function decodedSource(vips: Vips, im: VipsImage, mode: ColourMode): SourceInfo {
  const info = sourceInfo(im);
  if (convertsToSrgb(im, mode)) info.icc = srgbProfile(vips);
  return info;
}

/**
 * `im` as 8-bit sRGB/B-W, keeping alpha: `im` itself when it already is, else a new image. An
 * image tagged with another RGB profile (Adobe RGB, Display P3…) goes through an ICC transform
 * to sRGB unless `mode` is 'keep'. The caller frees both (tracking `im` and the result in one
 * Scope frees `im` once).
 */
export function normalise(im: VipsImage, mode: ColourMode = 'srgb'): VipsImage {
  const want = normalisedChannels(im);
  const colour = want >= 3 ? 3 : 1;
  const convert = colour === 3 && convertsToSrgb(im, mode);
  const ok =
    !convert && im.format === 'uchar' && im.bands === want && (colour === 3 ? im.interpretation === 'srgb' : im.interpretation === 'b-w');
  if (ok) return im;
  return withScope((scope) => {
    let out: VipsImage = im;
    try {
      // The embedded profile to lcms' sRGB, relative colorimetric (libvips' default), 8 bits.
      if (convert) out = scope.track(out.iccTransform('srgb', { embedded: true, depth: 8 }));
      const isCmykOrLab = !['srgb', 'b-w', 'rgb16', 'grey16', 'multiband'].includes(out.interpretation);
      if (out.interpretation === 'rgb16' || out.interpretation === 'grey16' || isCmykOrLab) {
        out = scope.track(out.colourspace(colour === 3 ? 'srgb' : 'b-w'));
      }
      if (out.format !== 'uchar') {
        out = scope.track(out.cast('uchar'));
      }
      if (out.bands > want) {
        out = scope.track(out.extractBand(0, { n: want }));
      }
      const copy = out.copy({ interpretation: colour === 3 ? 'srgb' : 'b-w' });
      return copy;
    } catch (e) {
      throw vipsError('decode-failed', 'cannot convert to 8-bit', e);
    }
  });
}

export function readHeader(vips: Vips, bytes: Uint8Array): ImageHeader {
  return withFreshErrors(vips, () => readHeaderOnce(vips, bytes));
}

function readHeaderOnce(vips: Vips, bytes: Uint8Array): ImageHeader {
  return withScope((scope) => {
    const im = scope.track(open(vips, bytes));
    return { width: im.width, height: im.height, channels: normalisedChannels(im) };
  });
}

function pixels(im: VipsImage): Uint8Array {
  try {
    return im.writeToMemory() as Uint8Array;
  } catch (e) {
    throw vipsError('decode-failed', 'cannot decode', e);
  }
}

function blob(im: VipsImage, name: string): Uint8Array | undefined {
  // A copy: the blob must outlive the image (and survive the wasm heap growing).
  return im.getTypeof(name) ? im.getBlob(name).slice() : undefined;
}

function orientationOf(im: VipsImage): number {
  const o = im.getTypeof('orientation') ? im.getInt('orientation') : 1;
  return Number.isInteger(o) && o >= 1 && o <= 8 ? o : 1;
}

/** The orientation and metadata blobs vips found in the file. */
export function sourceInfo(im: VipsImage): SourceInfo {
  const info: SourceInfo = { orientation: orientationOf(im) };
  const exif = blob(im, 'exif-data');
  const icc = blob(im, 'icc-profile-data');
  const xmp = blob(im, 'xmp-data');
  if (exif) info.exif = exif;
  if (icc) info.icc = icc;
  if (xmp) info.xmp = xmp;
  return info;
}

export interface DecodeOptions {
  /** Apply the EXIF orientation while decoding (vips autorot); the result says orientation 1. */
  autoOrient?: boolean;
  /**
   * Decode straight to a thumbnail fitting size×size, never enlarging (vips thumbnail: JPEG
   * shrink-on-load at 1/2, 1/4, 1/8). Rotates by EXIF only with `autoOrient`.
   */
  thumbnail?: number;
  /** Return only the header when the full-size image has more pixels (ignored for thumbnails). */
  maxPixels?: number;
  /** Output colour: convert other RGB profiles to sRGB (default) or keep the values. */
  colour?: ColourMode;
  /** The page of a multi-page TIFF to decode (0-based; default the first). */
  page?: number;
}

export interface Decoded {
  frame: Frame;
  source: SourceInfo;
  /** Pages of a multi-page TIFF (set when more than one). */
  pages?: number;
}

function thumbnail(vips: Vips, input: FileInput, size: number, rotate: boolean, page = 0): VipsImage {
  const opts = { height: size, size: 'down', no_rotate: !rotate, fail_on: 'error', ...(page > 0 ? { option_string: `page=${page}` } : {}) };
  try {
    return input instanceof Uint8Array
      ? vips.Image.thumbnailBuffer(input, size, opts)
      : vips.Image.thumbnailSource(input.scope.track(openSource(vips, input.reader)), size, opts);
  } catch (e) {
    throw vipsError('decode-failed', 'cannot decode', e);
  }
}

/** The stored size and orientation of the file (header only). */
function storedHeader(vips: Vips, input: FileInput, page = 0): { width: number; height: number; orientation: number; pages: number } {
  return withScope((scope) => {
    const head = scope.track(open(vips, input, page));
    return { width: head.width, height: head.height, orientation: orientationOf(head), pages: pageCount(head) };
  });
}

/**
 * Where the decoded w×h frame lies in the file's stored pixels when decoding turned it upright
 * and/or shrank it (thumbnail); undefined when it is the stored image itself.
 */
function decodedGeometry(
  stored: { width: number; height: number; orientation: number },
  autoOrient: boolean,
  w: number,
  h: number,
): Geometry | undefined {
  const o = autoOrient ? stored.orientation : 1;
  const upright = o >= 5 ? { width: stored.height, height: stored.width } : stored;
  if (o === 1 && w === stored.width && h === stored.height) return undefined;
  const toInput = compose(orientationMap(o, stored.width, stored.height), scaleMap(w / upright.width, h / upright.height));
  return { toInput, inputWidth: stored.width, inputHeight: stored.height };
}

/**
 * Opens the file once and decodes it — whole, auto-oriented, or as a thumbnail — with its
 * orientation and metadata; or returns only its header when it has more than `maxPixels` (the
 * caller then tiles it), so the common case does not parse the header twice.
 */
export function decodeImage(vips: Vips, bytes: Uint8Array, opts: DecodeOptions = {}): Decoded | ImageHeader {
  return withFreshErrors(vips, () => withScope((scope) => decodeImageOnce(scope, vips, bytes, opts)));
}

/**
 * A giant file's thumbnail (shrink-on-load), reading the file in slices: neither the file nor the
 * full-size image is ever in memory.
 */
export function decodeThumbnail(vips: Vips, reader: SyncReader, size: number, autoOrient: boolean, page = 0): Decoded {
  return withFreshErrors(vips, () =>
    withScope((scope) => decodeImageOnce(scope, vips, { reader, scope }, { thumbnail: size, autoOrient, page }) as Decoded),
  );
}

/** One attempt; every image it makes is tracked in `scope`. */
function decodeImageOnce(scope: Scope, vips: Vips, bytes: FileInput, opts: DecodeOptions): Decoded | ImageHeader {
  const page = opts.page ?? 0;
  let im = scope.track(opts.thumbnail ? thumbnail(vips, bytes, opts.thumbnail, !!opts.autoOrient, page) : open(vips, bytes, page));
  // (A thumbnail does not say how many pages its file has: the stored header, read below, does.)
  let n = opts.thumbnail ? 1 : pageCount(im);
  if (!opts.thumbnail && im.width * im.height > (opts.maxPixels ?? Infinity)) {
    return { width: im.width, height: im.height, channels: normalisedChannels(im), ...(n > 1 ? { pages: n } : {}) };
  }
  const mode = opts.colour ?? 'srgb';
  const source = decodedSource(vips, im, mode);
  const stored = { width: im.width, height: im.height, orientation: source.orientation };
  if (opts.thumbnail) {
    const { pages: np, ...head } = storedHeader(vips, bytes, page);
    Object.assign(stored, head);
    n = np;
  }
  if (opts.autoOrient && !opts.thumbnail && source.orientation !== 1) {
    // Quarter turns read the image out of order: reopen with random access (the sequential
    // image goes first).
    scope.free(im);
    try {
      if (!(bytes instanceof Uint8Array)) throw new Error('only thumbnails decode from a reader');
      im = scope.track(scope.track(vips.Image.newFromBuffer(bytes, '', { fail_on: 'error', ...pageOption(page) })).autorot());
    } catch (e) {
      throw vipsError('decode-failed', 'cannot decode', e);
    }
  }
  if (opts.autoOrient) source.orientation = 1;
  const geometry = decodedGeometry(stored, !!opts.autoOrient, im.width, im.height);
  if (geometry) source.geometry = geometry;
  const norm = scope.track(normalise(im, mode));
  const data = pixels(norm);
  return { frame: createFrame(norm.width, norm.height, norm.bands, data.buffer, data.byteOffset), source, ...(n > 1 ? { pages: n } : {}) };
}

/** Whole-image decode into a frame over a fresh (thread-local) buffer. */
export function decode(vips: Vips, bytes: Uint8Array): Frame {
  return (decodeImage(vips, bytes) as Decoded).frame;
}

/** Whole-image decode with the file's orientation and metadata (for previews and tests). */
export function decodeSource(vips: Vips, bytes: Uint8Array, opts: Omit<DecodeOptions, 'maxPixels'> = {}): Decoded {
  return decodeImage(vips, bytes, opts) as Decoded;
}

/**
 * Decodes into a caller-provided (shared) frame in bands of rows, so the wasm heap holds one
 * band at a time rather than a second copy of a giant image. Returns the file's metadata.
 */
export function decodeInto(vips: Vips, bytes: Uint8Array, dst: Frame, bandRows = 256, mode: ColourMode = 'srgb', page = 0): SourceInfo {
  return withFreshErrors(vips, () => withScope((scope) => decodeIntoOnce(scope, vips, bytes, dst, bandRows, mode, page)));
}

/** One attempt; every image it makes is tracked in `scope` (each band in its own, freed at once). */
function decodeIntoOnce(
  scope: Scope,
  vips: Vips,
  bytes: Uint8Array,
  dst: Frame,
  bandRows: number,
  mode: ColourMode,
  page: number,
): SourceInfo {
  const opened = scope.track(open(vips, bytes, page));
  const source = decodedSource(vips, opened, mode);
  const im = scope.track(normalise(opened, mode));
  if (im.width !== dst.width || im.height !== dst.height || im.bands !== dst.channels) {
    throw new TesseraError(
      'decode-failed',
      `decoded ${im.width}×${im.height}×${im.bands}, expected ${dst.width}×${dst.height}×${dst.channels}`,
    );
  }
  const rowBytes = dst.width * dst.channels;
  for (let y = 0; y < dst.height; y += bandRows) {
    const h = Math.min(bandRows, dst.height - y);
    // One band at a time in the wasm heap: each is freed before the next is read.
    withScope((band) => {
      const data = pixels(band.track(im.extractArea(0, y, dst.width, h)));
      for (let r = 0; r < h; r++) dst.data.set(data.subarray(r * rowBytes, (r + 1) * rowBytes), (y + r) * dst.stride);
    });
  }
  return source;
}

/** The frame's pixels without row padding (the frame's own memory when it has none). */
export function packedBytes(f: Frame): Uint8Array {
  const rowBytes = f.width * f.channels;
  if (f.stride === rowBytes) return f.data.subarray(0, rowBytes * f.height);
  const out = new Uint8Array(rowBytes * f.height);
  for (let y = 0; y < f.height; y++) out.set(f.data.subarray(y * f.stride, y * f.stride + rowBytes), y * rowBytes);
  return out;
}

/** A vips image (copied into the wasm heap) of the frame: sRGB or B-W, 8-bit, any stride. Delete it. */
export function frameToImage(vips: Vips, frame: Frame): VipsImage {
  return withScope((scope) => {
    const raw = scope.track(vips.Image.newFromMemory(packedBytes(frame), frame.width, frame.height, frame.channels, vips.BandFormat.uchar));
    return raw.copy({ interpretation: frame.channels >= 3 ? 'srgb' : 'b-w' });
  });
}

/** An 8-bit image's pixels as a frame over a fresh JS buffer (the image is not deleted). */
export function imageToFrame(im: VipsImage): Frame {
  if (im.format !== 'uchar') throw new Error(`expected an 8-bit image, got ${im.format}`);
  if (im.bands < 1 || im.bands > 4) throw new Error(`expected 1–4 bands, got ${im.bands}`);
  const data = im.writeToMemory() as Uint8Array;
  return createFrame(im.width, im.height, im.bands, data.buffer, data.byteOffset);
}

/** "#rrggbb" as vips background values for an image of `bands` colour bands (1: luma). */
export function backgroundFor(hex: string, bands: number): number[] {
  const n = parseInt(hex.slice(1), 16);
  const r = (n >> 16) & 255,
    g = (n >> 8) & 255,
    b = n & 255;
  if (bands >= 3) return [r, g, b];
  // Luma as the 'grayscale' op computes it: (299R + 587G + 114B) / 1000, rounded half-to-even.
  const t = 299 * r + 587 * g + 114 * b;
  const q = Math.floor(t / 1000),
    rem = t - q * 1000;
  return [rem > 500 || (rem === 500 && q % 2 === 1) ? q + 1 : q];
}

/** vips ForeignKeep flags. */
const KEEP = { none: 0, exif: 1, xmp: 2, iptc: 4, icc: 8 } as const;

/**
 * Attaches the source's metadata to `im` (which must not be shared) and returns the saver's
 * `keep` flags. The ICC profile is kept only if it describes the output's colour model (a CMYK
 * profile converted away, or an RGB profile on an image made gray, is dropped). EXIF carries
 * the current orientation (1 after auto-orient); vips also rewrites its pixel dimensions.
 */
function attachMetadata(vips: Vips, im: VipsImage, opts: OutputOptions, original: SourceInfo | undefined): number {
  const source = outputSource(vips, opts, original);
  if (!source || !keepsMetadata(opts, source)) return KEEP.none;
  let keep: number = KEEP.none;
  if (source.exif || source.orientation !== 1) {
    if (source.exif) im.setBlob('exif-data', source.exif);
    im.setInt('orientation', source.orientation);
    keep |= KEEP.exif;
  }
  if (source.icc && iccColourSpace(source.icc) === (im.bands >= 3 ? 'RGB ' : 'GRAY')) {
    im.setBlob('icc-profile-data', source.icc);
    keep |= KEEP.icc;
  }
  if (source.xmp) {
    im.setBlob('xmp-data', source.xmp);
    keep |= KEEP.xmp;
  }
  return keep;
}

const SUBSAMPLE = { auto: 'auto', '4:2:0': 'on', '4:4:4': 'off' } as const;

/**
 * Encodes a frame with every output option honoured (see OUTPUT_OPTIONS in formats.ts; mapping notes):
 * - effort 0–9: WebP round(effort·6/9) (its 0–6), AVIF 0–9 as is, PNG palette and GIF
 *   quantisation effort + 1 (libimagequant's 1–10). JPEG and deflate have no effort knob.
 * - quality: JPEG/WebP/AVIF Q; PNG palette quantisation quality; TIFF with JPEG compression. TIFF is deflate (lossless;
 *   compression 0 = uncompressed, else the zlib level, horizontal predictor); GIF ignores it.
 * - alpha: kept, or composited onto `background`; JPEG always flattens. GIF keeps alpha as 1-bit
 *   transparency (vips thresholds it) unless flattened.
 * - metadata 'keep': the source's EXIF, ICC and XMP (see attachMetadata); GIF stores none, TIFF
 *   stores ICC, XMP and the orientation tag but not the EXIF block. 'strip': nothing.
 */
export function encode(vips: Vips, frame: Frame, opts: OutputOptions, source?: SourceInfo, restartInterval?: number): Uint8Array {
  return withFreshErrors(vips, () => withScope((scope) => encodeOnce(scope, vips, frame, opts, source, restartInterval)));
}

/** One attempt; every image it makes is tracked in `scope`. */
function encodeOnce(
  scope: Scope,
  vips: Vips,
  frame: Frame,
  opts: OutputOptions,
  source?: SourceInfo,
  restartInterval?: number,
): Uint8Array {
  try {
    const { im, keep } = prepareForSave(vips, scope, scope.track(frameToImage(vips, frame)), opts, source);
    return save(im, opts, keep, undefined, restartInterval) as Uint8Array;
  } catch (e) {
    if (e instanceof TesseraError) throw e;
    throw vipsError('encode-failed', `cannot encode ${opts.format.toUpperCase()}`, e);
  }
}

/**
 * `im` (8-bit sRGB/B-W, any alpha) made ready for the saver: alpha flattened where asked or where
 * the format has none, a private copy carrying the metadata to keep. Images made are tracked in
 * `scope`. Shared by the whole-image encoder and the streamed one, so both write the same bytes.
 */
export function prepareForSave(
  vips: Vips,
  scope: Scope,
  im: VipsImage,
  opts: OutputOptions,
  source?: SourceInfo,
): { im: VipsImage; keep: number } {
  const bands = im.bands;
  const alpha = bands === 2 || bands === 4;
  if (alpha && (opts.alpha === 'flatten' || !FORMATS[opts.format].alpha)) {
    im = scope.track(im.flatten({ background: backgroundFor(opts.background, bands - 1) }));
    if (im.format !== 'uchar') im = scope.track(im.cast('uchar'));
    im = scope.track(im.copy({ interpretation: bands >= 3 ? 'srgb' : 'b-w' }));
  }
  im = scope.track(im.copy());
  return { im, keep: attachMetadata(vips, im, opts, source) };
}

type VipsTarget = InstanceType<Vips['Target']>;

/** Pixels from which TIFF output is tiled (readers fetch regions of big images without reading it all). */
const TIFF_TILED_PIXELS = 16 << 20;
/** Above this many raw bytes classic TIFF's 32-bit offsets may not reach the end: BigTIFF. */
const TIFF_BIG_BYTES = 3.5 * 2 ** 30;

/** vips tiffsave options for this output and image size (both encoders use them, so their bytes agree). */
export function tiffOptions(opts: OutputOptions, width: number, height: number, bands: number, keep: number): Record<string, unknown> {
  const layout = {
    ...(width * height >= TIFF_TILED_PIXELS ? { tile: true, tile_width: 256, tile_height: 256 } : {}),
    ...(width * height * bands > TIFF_BIG_BYTES ? { bigtiff: true } : {}),
    keep,
  };
  switch (opts.tiffCompression) {
    case 'lzw':
      return { ...layout, compression: 'lzw', predictor: 'horizontal' };
    case 'jpeg':
      return { ...layout, compression: 'jpeg', Q: opts.quality };
    default:
      return opts.compression === 0
        ? { ...layout, compression: 'none' }
        : { ...layout, compression: 'deflate', level: opts.compression, predictor: 'horizontal' };
  }
}

/**
 * Saves `im` (from prepareForSave) to a buffer, or into `target` when given (streamed output).
 * `restartInterval`: JPEG restart markers every that many MCUs (the band-parallel JPEG encoder's
 * layout, jpeg-bands.ts).
 */
export function save(im: VipsImage, opts: OutputOptions, k: number, target?: VipsTarget, restartInterval?: number): Uint8Array | undefined {
  const effort = opts.effort;
  switch (opts.format) {
    case 'png': {
      const o = {
        compression: opts.compression,
        interlace: opts.progressive,
        keep: k,
        ...(opts.palette ? { palette: true, Q: opts.quality, effort: effort + 1 } : {}),
      };
      return target ? void im.pngsaveTarget(target, o) : im.pngsaveBuffer(o);
    }
    case 'jpeg': {
      const o = {
        Q: opts.quality,
        interlace: opts.progressive,
        subsample_mode: SUBSAMPLE[opts.subsampling],
        keep: k,
        ...(restartInterval ? { restart_interval: restartInterval } : {}),
      };
      return target ? void im.jpegsaveTarget(target, o) : im.jpegsaveBuffer(o);
    }
    case 'webp': {
      const o = { Q: opts.quality, lossless: opts.lossless, effort: Math.round((effort * 6) / 9), keep: k };
      return target ? void im.webpsaveTarget(target, o) : im.webpsaveBuffer(o);
    }
    case 'avif': {
      const o = {
        Q: opts.quality,
        lossless: opts.lossless,
        compression: 'av1',
        effort,
        bitdepth: 8,
        subsample_mode: opts.lossless ? 'off' : SUBSAMPLE[opts.subsampling],
        keep: k,
      } as const;
      return target ? void im.heifsaveTarget(target, o) : im.heifsaveBuffer(o);
    }
    case 'tiff': {
      const o = tiffOptions(opts, im.width, im.height, im.bands, k);
      return target ? void im.tiffsaveTarget(target, o) : im.tiffsaveBuffer(o);
    }
    case 'gif': {
      // An animation's frames stay as many as the input had (cgif would merge identical ones).
      const o = { effort: effort + 1, interlace: opts.progressive, keep: k, keep_duplicate_frames: true };
      return target ? void im.gifsaveTarget(target, o) : im.gifsaveBuffer(o);
    }
    case 'dzi':
      // A pyramid is many files: its tiles are encoded one by one with pyramidTileOptions.
      throw new TesseraError('encode-failed', 'a Deep Zoom pyramid is written tile by tile (jobs/dzi-writer.ts), not encoded as one file');
    default: {
      // Every OutputFormat has its case: a new format does not compile until it has one.
      const unhandled: never = opts.format;
      throw new TesseraError('encode-failed', `unknown output format "${String(unhandled)}"`);
    }
  }
}

/**
 * The output file's bytes: PNG at compression 1 through Tessera's fast encoder (png-encode.ts:
 * same pixels and metadata as vips, several times faster), default lossy WebP of opaque images
 * through the browser's libwebp (browser-webp.ts), everything else through `encode`.
 */
export async function encodeOutput(vips: Vips, frame: Frame, opts: OutputOptions, source?: SourceInfo): Promise<Uint8Array> {
  if (browserWebpSupports(opts, frame, source)) {
    try {
      return await encodeWebpInBrowser(frame, opts.quality);
    } catch {
      // vips below writes the same kind of file, and words any error.
    }
  }
  if (!fastPngSupports(opts, frame.channels, frame.width * frame.height * frame.channels)) return encode(vips, frame, opts, source);
  return withFreshErrors(vips, () => {
    try {
      return encodePng(vips, frame, opts, source, (im) => attachMetadata(vips, im, opts, source));
    } catch (e) {
      throw vipsError('encode-failed', 'cannot encode PNG', e);
    }
  });
}
