/**
 * Inputs the WebAssembly libvips cannot read, decoded by another well-kept decoder in the worker
 * and handed on as a lossless PNG that libvips reads like any other file:
 * - HEIC (HEVC-coded HEIF: iPhone photos) by libheif-js (libheif with libde265), loaded only
 *   when such a file appears; its irot/imir transforms are applied, so the picture is upright.
 *   libheif-js decodes pixels only, so the photo's EXIF, XMP and ICC profile are read from the
 *   file's boxes (core/heif-meta.ts) and travel in the PNG (eXIf, iTXt, iCCP): every decode
 *   path then finds them as it finds a JPEG's, so `metadata: keep`, `no-location`, the camera
 *   and the sRGB conversion of a Display P3 photo work as for any other. The EXIF orientation is
 *   set to 1 on the way: the pixels are upright already, and HEIF readers must ignore that tag
 *   (as libvips' own heifload does).
 * - BMP and ICO by the browser's own decoders (createImageBitmap in the worker).
 * JPEG XL and SVG need no help: libvips' side modules read them (vips-instances.ts).
 */
import heifWasmUrl from 'libheif-js/libheif-wasm/libheif.wasm?url';
import { TesseraError, messageOf } from '../core/errors';
import { exifWithOrientation, heifMetadata, type HeifMetadata } from '../core/heif-meta';
import { heifCoding, kindFromMagic } from '../core/sniff';
import { LazyParts } from '../core/offline';
import { withScope } from '../core/scope';
import type { Vips } from './vips';

const parts = new LazyParts({ realm: 'worker' });
const HEIF_PART = 'The HEIC decoder (libheif-js)';

/** What decodes a file that needs help, or undefined when libvips reads it as it is. */
function helper(head: Uint8Array): 'heic' | 'browser' | undefined {
  const kind = kindFromMagic(head);
  if (kind === 'heic' && heifCoding(head) === 'hevc') return 'heic';
  if (kind === 'bmp' || kind === 'ico') return 'browser';
  return undefined;
}

/** Whether `bytes` need decoding here before libvips can read them. */
export function needsForeignDecode(head: Uint8Array): boolean {
  return helper(head) !== undefined;
}

/** `bytes` as libvips can read them: the same bytes, or a PNG of their pixels. */
export async function readableByVips(vips: Vips, name: string, bytes: Uint8Array): Promise<Uint8Array> {
  const how = helper(bytes.subarray(0, 64));
  if (!how) return bytes;
  const rgba = how === 'heic' ? await decodeHeic(name, bytes) : await decodeInBrowser(name, bytes);
  return toPng(vips, rgba, how === 'heic' ? heifMetadata(bytes) : {});
}

interface Rgba {
  data: Uint8Array;
  width: number;
  height: number;
}

interface HeifImage {
  get_width(): number;
  get_height(): number;
  display(target: { data: Uint8ClampedArray; width: number; height: number }, done: (r: unknown) => void): void;
  free(): void;
}
interface LibHeif {
  HeifDecoder: new () => { decode(data: Uint8Array): HeifImage[] };
}

let libheif: Promise<LibHeif> | undefined;

function loadLibheif(): Promise<LibHeif> {
  return (libheif ??= parts
    .load(HEIF_PART, () => import('libheif-js/libheif-wasm/libheif.js'))
    .then((m) => {
      const factory = ((m as { default?: unknown }).default ?? m) as (o: { locateFile: (f: string) => string }) => Promise<LibHeif>;
      return factory({ locateFile: () => heifWasmUrl });
    })
    .catch((e: unknown) => {
      libheif = undefined; // a later file tries again (once online)
      throw e;
    }));
}

async function decodeHeic(name: string, bytes: Uint8Array): Promise<Rgba> {
  const heif = await loadLibheif();
  let images: HeifImage[];
  try {
    images = new heif.HeifDecoder().decode(bytes);
  } catch (e) {
    throw new TesseraError('decode-failed', `cannot decode HEIC: ${messageOf(e)}`);
  }
  try {
    // The primary image comes first.
    const image = images[0];
    if (!image) throw new TesseraError('decode-failed', 'cannot decode: not a complete HEIC file (libheif found no image in it)');
    const width = image.get_width();
    const height = image.get_height();
    const data = new Uint8ClampedArray(width * height * 4);
    const ok = await new Promise((resolve) => image.display({ data, width, height }, resolve));
    if (!ok)
      throw new TesseraError('decode-failed', `cannot decode HEIC: libheif could not decode the ${width}×${height} picture in ${name}`);
    return { data: new Uint8Array(data.buffer), width, height };
  } finally {
    for (const im of images) im.free();
  }
}

async function decodeInBrowser(name: string, bytes: Uint8Array): Promise<Rgba> {
  const kind = kindFromMagic(bytes.subarray(0, 64));
  const type = kind === 'ico' ? 'image/x-icon' : 'image/bmp';
  let bitmap: ImageBitmap;
  try {
    // Stored values: no colour conversion, alpha not premultiplied.
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
  } catch (e) {
    throw new TesseraError(
      'decode-failed',
      `cannot decode ${kind === 'ico' ? 'ICO' : 'BMP'}: the browser's decoder refused ${name} (${messageOf(e)})`,
    );
  }
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new TesseraError('decode-failed', `cannot decode ${name}: no 2D canvas in this worker`);
    ctx.drawImage(bitmap, 0, 0);
    const img = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    return { data: new Uint8Array(img.data.buffer), width: img.width, height: img.height };
  } finally {
    bitmap.close();
  }
}

/** vips ForeignKeep flags (codec.ts KEEP). */
const KEEP_EXIF = 1;
const KEEP_XMP = 2;
const KEEP_ICC = 8;

/**
 * A PNG of the pixels (stored, no compression: it is read back at once), opaque ones without
 * alpha, carrying `meta` (EXIF said upright: the pixels are).
 */
function toPng(vips: Vips, px: Rgba, meta: HeifMetadata): Uint8Array {
  let opaque = true;
  for (let i = 3; i < px.data.length; i += 4)
    if (px.data[i] !== 255) {
      opaque = false;
      break;
    }
  return withScope((scope) => {
    let im = scope.track(vips.Image.newFromMemory(px.data, px.width, px.height, 4, vips.BandFormat.uchar));
    if (opaque) im = scope.track(im.extractBand(0, { n: 3 }));
    im = scope.track(im.copy({ interpretation: 'srgb' }));
    let keep = 0;
    if (meta.exif) {
      im.setBlob('exif-data', exifWithOrientation(meta.exif, 1));
      im.setInt('orientation', 1);
      keep |= KEEP_EXIF;
    }
    if (meta.xmp) {
      im.setBlob('xmp-data', meta.xmp);
      keep |= KEEP_XMP;
    }
    // libheif-js hands over the stored values: their profile says what they mean (Display P3 on
    // iPhones), so decoding converts them to sRGB as it does a JPEG's (codec.ts normalise).
    if (meta.icc) {
      im.setBlob('icc-profile-data', meta.icc);
      keep |= KEEP_ICC;
    }
    return im.pngsaveBuffer({ compression: 0, keep });
  });
}
