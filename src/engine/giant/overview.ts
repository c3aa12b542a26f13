/**
 * The overview of a giant image: the whole picture at 1/8 scale (core/giant.ts overviewSize), in a
 * shared frame the main thread made, so any worker can show the fit view from it.
 *
 * Two decoders, measured (bench/giant-preview.mjs; 2 cores): for a JPEG the browser's own
 * `ImageDecoder` with `desiredWidth/Height` scales in libjpeg-turbo natively (0.34 s for 100 MP,
 * 1.0 s for 300 MP), but Chromium refuses an image whose RGBA would not fit 2 GB (a 1 GP JPEG
 * fails); wasm-vips' shrink-on-load does the same 1/8 DC-only decode in wasm from a seekable
 * source, ~3× slower (0.74 s for 100 MP, 6.8 s for 1 GP), in strips with progress. Everything
 * else (1 GP JPEGs, TIFF, PNG, images the browser would colour differently) goes through vips:
 * `thumbnail` picks a TIFF pyramid's level by itself.
 */
import type { Frame } from '../../core/frame';
import { Control, OVERVIEW_SHRINK } from '../../core/giant';
import { withScope } from '../../core/scope';
import { TesseraError } from '../../core/errors';
import { openSource, type SyncReader } from '../blob-source';
import { normalise } from '../codec';
import { vipsError, type Vips, type VipsImage } from '../vips';
import type { Turn } from './cache';
import type { ImageProbe } from './probe';

/** Chromium's image decoders fail beyond 2^31 bytes of RGBA (2^29 pixels; measured on a 1 GP JPEG). */
const BROWSER_MAX_PIXELS = 2 ** 29;
/** Overview rows per vips read: a multiple of 16 (sequential JPEG reads stay on MCU rows). */
const STRIP = 64;
/** Where R, G and B sit in the 4-byte pixels the browser's decoder hands over. */
const PACKED: Record<string, [number, number, number]> = { BGRX: [2, 1, 0], BGRA: [2, 1, 0], RGBX: [0, 1, 2], RGBA: [0, 1, 2] };

export interface OverviewResult {
  decoder: 'browser' | 'vips';
  ms: number;
}

/** Fills `dst` (the overview's size and the image's channels) with the image behind `file`. */
export async function decodeOverview(
  vips: Vips,
  file: Blob,
  reader: SyncReader,
  probe: ImageProbe,
  dst: Frame,
  control: Int32Array,
  turn: Turn,
  decoder: 'auto' | 'vips' = 'auto',
): Promise<OverviewResult> {
  const t0 = performance.now();
  if (decoder === 'auto' && browserCan(probe) && (await browserOverview(file, dst))) {
    Atomics.store(control, Control.overviewRows, dst.height);
    return { decoder: 'browser', ms: performance.now() - t0 };
  }
  await vipsOverview(vips, reader, probe, dst, control, turn);
  return { decoder: 'vips', ms: performance.now() - t0 };
}

function browserCan(p: ImageProbe): boolean {
  return typeof ImageDecoder !== 'undefined' && p.format === 'jpeg' && p.plain && p.width * p.height < BROWSER_MAX_PIXELS;
}

/** The browser's scaled decode into `dst`; false when it cannot give exactly that (the caller falls back). */
async function browserOverview(file: Blob, dst: Frame): Promise<boolean> {
  try {
    return await withScope(async (scope) => {
      const decoder = scope.track(
        new ImageDecoder({
          data: file.stream(),
          type: 'image/jpeg',
          desiredWidth: dst.width,
          desiredHeight: dst.height,
          colorSpaceConversion: 'none',
          preferAnimation: false,
        }),
      );
      const image = scope.track((await decoder.decode()).image);
      const order = PACKED[image.format ?? ''];
      const rect = image.visibleRect;
      // libjpeg rounds a partial 8×8 block up to one more pixel; the overview drops it, like vips.
      const fits = (got: number, want: number) => got === want || got === want + 1;
      if (!order || !rect || !fits(rect.width, dst.width) || !fits(rect.height, dst.height)) return false;
      const buf = new Uint8Array(image.allocationSize());
      const [plane] = await image.copyTo(buf);
      const [r, g, b] = order;
      const c = dst.channels;
      for (let y = 0; y < dst.height; y++) {
        let i = plane.offset + y * plane.stride;
        let o = y * dst.stride;
        if (c === 1) for (let x = 0; x < dst.width; x++, i += 4) dst.data[o++] = buf[i + g];
        else
          for (let x = 0; x < dst.width; x++, i += 4, o += 3) {
            dst.data[o] = buf[i + r];
            dst.data[o + 1] = buf[i + g];
            dst.data[o + 2] = buf[i + b];
          }
      }
      return true;
    });
  } catch {
    return false; // e.g. the decoder refuses the size: vips does it
  }
}

/** vips' reduced decode, in strips (progress in control[Control.overviewRows]; cancel honoured). */
async function vipsOverview(vips: Vips, reader: SyncReader, probe: ImageProbe, dst: Frame, control: Int32Array, turn: Turn): Promise<void> {
  await withScope(async (scope) => {
    const src = scope.track(openSource(vips, reader));
    const im = await turn(() => {
      try {
        const opened: VipsImage =
          probe.format === 'jpeg'
            ? vips.Image.newFromSource(src, `shrink=${OVERVIEW_SHRINK}`, { access: 'sequential', fail_on: 'error' })
            : vips.Image.thumbnailSource(src, dst.width, { height: dst.height, size: 'force', no_rotate: true, fail_on: 'error' });
        return scope.track(normalise(scope.track(opened)));
      } catch (e) {
        throw vipsError('decode-failed', 'cannot decode', e);
      }
    });
    if (im.width !== dst.width || im.height !== dst.height || im.bands !== dst.channels) {
      throw new TesseraError(
        'decode-failed',
        `the overview came out ${im.width}×${im.height}×${im.bands}, not ${dst.width}×${dst.height}×${dst.channels}`,
      );
    }
    const rowBytes = dst.width * dst.channels;
    for (let y = 0; y < dst.height; y += STRIP) {
      if (Atomics.load(control, Control.cancel)) return;
      const rows = Math.min(STRIP, dst.height - y);
      await turn(() =>
        withScope((strip) => {
          let px: Uint8Array;
          try {
            px = strip.track(im.crop(0, y, dst.width, rows)).writeToMemory() as Uint8Array;
          } catch (e) {
            throw vipsError('decode-failed', 'cannot decode', e);
          }
          for (let r = 0; r < rows; r++) dst.data.set(px.subarray(r * rowBytes, (r + 1) * rowBytes), (y + r) * dst.stride);
        }),
      );
      Atomics.store(control, Control.overviewRows, y + rows);
    }
  });
}
