/**
 * JPEG decoding by the browser's own (native, SIMD) libjpeg-turbo, with libjpeg's exact pixels.
 *
 * wasm-vips decodes JPEG at ~39 ns/pixel here; the browser's decoder runs natively. Its RGBA
 * output is not libjpeg's (ImageDecoder converts YUV with libyuv), but it hands over the
 * decoder's YCbCr planes as they leave the IDCT, and kernels/ycc.ts turns those into exactly the
 * RGB libjpeg-turbo (Pillow, OpenCV, wasm-vips) produces. vips still reads the header and the
 * metadata (cheap: no pixels), decides eligibility and remains the decoder for everything else:
 * CMYK, 4:4:0, tiny chroma, EXIF rotation, shrink-on-load, images to tile, and any browser
 * without ImageDecoder. Before first use each worker decodes small JPEGs both ways and keeps the
 * fast path only if every byte agrees, so a browser whose decoder differs falls back by itself.
 */
import { needsSrgbConversion } from '../core/icc';
import { createFrame, type Frame } from '../core/frame';
import { withScope } from '../core/scope';
import { jpegSize } from '../core/sniff';
import type { DecodeOptions, Decoded } from './codec';
import { sourceInfo } from './codec';
import { fancyUpsamples, yccToRgb, type PlaneLayout, type Subsampling } from './kernels/ycc';
import { wasmYccAvailable, yccToRgbWasm } from './kernels/ycc-wasm';
import type { Vips, VipsImage } from './vips';

const SUBSAMPLING: Record<string, Subsampling> = { I420: { h: 2, v: 2 }, I422: { h: 2, v: 1 }, I444: { h: 1, v: 1 } };
/** 4-byte formats Chromium uses when it decodes to RGB (gray JPEGs). */
const PACKED = new Set(['BGRX', 'RGBX', 'BGRA', 'RGBA']);

/** A decode already under way on the browser's decoder thread (startJpegDecode). */
export interface PendingDecode {
  decoder: ImageDecoder;
  result: Promise<ImageDecodeResult>;
  /** Set once decodePlanes owns it (and closes it). */
  taken: boolean;
}

function begin(bytes: Uint8Array): PendingDecode {
  const decoder = new ImageDecoder({ data: bytes, type: 'image/jpeg', colorSpaceConversion: 'none', preferAnimation: false });
  const result = decoder.decode();
  result.catch(() => {}); // awaited (or dropped) by whoever takes it
  return { decoder, result, taken: false };
}

/** Closes a started decode that nothing took (the image went another way, or failed first). */
export function releaseJpegDecode(p: PendingDecode | undefined): void {
  if (!p || p.taken) return;
  p.taken = true;
  // Closing the decoder abandons a decode still running; a finished one's frame is closed too.
  void p.result.then(
    (r) => r.image.close(),
    () => {},
  );
  p.decoder.close();
}

/** The decoder's planes → a 1- or 3-channel frame, or undefined when this path cannot be exact. */
async function decodePlanes(
  bytes: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 3,
  early?: PendingDecode,
): Promise<Frame | undefined> {
  const pending = early && !early.taken ? early : begin(bytes);
  pending.taken = true;
  return withScope(async (scope) => {
    scope.track(pending.decoder);
    try {
      const image = scope.track((await pending.result).image);
      const format = image.format ?? '';
      const sub = SUBSAMPLING[format];
      const rect = image.visibleRect;
      if (!rect || rect.width !== width || rect.height !== height) return undefined;
      if (channels === 1 && PACKED.has(format)) {
        // Chromium decodes a gray JPEG to RGB (libjpeg replicates Y into R, G and B): take G.
        const buf = new Uint8Array(image.allocationSize());
        const [plane] = await image.copyTo(buf);
        const out = createFrame(width, height, 1);
        for (let y = 0, o = 0; y < height; y++)
          for (let x = 0, i = plane.offset + y * plane.stride + 1; x < width; x++, i += 4) out.data[o++] = buf[i];
        return out;
      }
      if (!sub || (channels === 3 && !fancyUpsamples(width, sub))) return undefined;
      const frame = image;
      // The planes go straight into the SIMD module's memory where it runs.
      if (channels === 3 && wasmYccAvailable())
        return await yccToRgbWasm(frame.allocationSize(), width, height, sub, (dst) => frame.copyTo(dst));
      const buf = new Uint8Array(image.allocationSize());
      const layout: PlaneLayout[] = await image.copyTo(buf);
      const out = createFrame(width, height, channels);
      if (channels === 3) yccToRgb(buf, layout, width, height, sub, out);
      // A gray JPEG's only component is Y: libjpeg's gray output is that plane.
      else
        for (let y = 0; y < height; y++)
          out.data.set(buf.subarray(layout[0].offset + y * layout[0].stride, layout[0].offset + y * layout[0].stride + width), y * width);
      return out;
    } catch {
      return undefined; // vips decodes it (and words any error)
    }
  });
}

/**
 * Above this the planes and the RGB result (4.5 bytes a pixel) would grow the conversion module's
 * memory, which WebAssembly never gives back, past ~180 MB per worker: vips decodes those.
 */
const MAX_PIXELS = 40e6;

let verdict: Promise<boolean> | undefined;

/** Small JPEGs (4:2:0, 4:4:4, gray; odd sizes) decoded both ways must agree byte for byte. */
async function selfCheck(vips: Vips): Promise<boolean> {
  const w = 45,
    h = 29;
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0, s = 12345; i < rgb.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    rgb[i] = (((i * 7) % 256) + (s >>> 24)) >>> 1;
  }
  return withScope(async (scope) => {
    try {
      const raw = scope.track(vips.Image.newFromMemory(rgb, w, h, 3, vips.BandFormat.uchar));
      const colour = scope.track(raw.copy({ interpretation: 'srgb' }));
      const gray = scope.track(scope.track(raw.extractBand(1)).copy({ interpretation: 'b-w' }));
      const cases: [VipsImage, 1 | 3, object][] = [
        [colour, 3, { Q: 70, subsample_mode: 'on' }],
        [colour, 3, { Q: 90, subsample_mode: 'off' }],
        [gray, 1, { Q: 80 }],
      ];
      for (const [im, channels, opts] of cases) {
        const jpeg = im.jpegsaveBuffer(opts);
        const ref = scope.track(vips.Image.newFromBuffer(jpeg));
        const want = ref.writeToMemory() as Uint8Array;
        const got = await decodePlanes(jpeg, w, h, channels);
        if (!got || got.data.length !== want.length) return false;
        for (let i = 0; i < want.length; i++) if (got.data[i] !== want[i]) return false;
      }
      return true;
    } catch {
      return false;
    }
  });
}

let passed = false;

// The frame-header reader lives in core (the input grid's thumbnails read it too); kept importable from here.
export { jpegSize };

/** Whether this worker decodes JPEGs through the browser (after the self-check). */
export function browserJpegAvailable(vips: Vips): Promise<boolean> {
  if (typeof ImageDecoder === 'undefined') return Promise.resolve(false);
  verdict ??= selfCheck(vips).then((ok) => (passed = ok));
  return verdict;
}

/**
 * Starts a JPEG's decode on the browser's decoder thread at once (once the self-check has passed),
 * so it runs while the worker finishes the image before. decodeJpegFast takes it; the caller
 * releases it afterwards in any case (releaseJpegDecode: a no-op once taken).
 */
export function startJpegDecode(bytes: Uint8Array, maxPixels: number): PendingDecode | undefined {
  if (!passed || bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return undefined;
  // Not for images that will be tiled (or are too large for this path): a wasted decode of those
  // would cost real memory.
  const size = jpegSize(bytes);
  if (!size || size.width * size.height > Math.min(maxPixels, MAX_PIXELS)) return undefined;
  try {
    return begin(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Decodes a JPEG (already checked by checkInput) through the browser when it is eligible; returns
 * undefined to let codec.decodeImage do it. Same result as decodeImage: pixels, SourceInfo.
 */
export async function decodeJpegFast(
  vips: Vips,
  bytes: Uint8Array,
  opts: DecodeOptions,
  early?: PendingDecode,
): Promise<Decoded | undefined> {
  if (bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return undefined;
  if (opts.thumbnail !== undefined || !(await browserJpegAvailable(vips))) return undefined;
  return withScope(async (scope) => {
    try {
      // The header only: vips reads markers and metadata, no pixels.
      const im = scope.track(vips.Image.newFromBuffer(bytes, '', { access: 'sequential', fail_on: 'error' }));
      const { width, height, bands } = im;
      const channels = bands === 3 && im.interpretation === 'srgb' ? 3 : bands === 1 && im.interpretation === 'b-w' ? 1 : 0;
      if (!channels || im.format !== 'uchar' || width * height > Math.min(opts.maxPixels ?? Infinity, MAX_PIXELS)) return undefined;
      const source = sourceInfo(im);
      // A photo in another RGB space is converted to sRGB by vips (its ICC transform).
      if (opts.colour !== 'keep' && needsSrgbConversion(source.icc)) return undefined;
      // An EXIF rotation to apply while decoding stays with vips (autorot).
      if (opts.autoOrient && source.orientation !== 1) return undefined;
      if (opts.autoOrient) source.orientation = 1;
      const frame = await decodePlanes(bytes, width, height, channels, early);
      return frame && { frame, source };
    } catch {
      return undefined;
    }
  });
}
