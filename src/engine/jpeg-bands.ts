/**
 * The engine side of band-parallel JPEG (core/jpeg-bands.ts): the file's headers, and one band's
 * entropy-coded data, each encoded by wasm-vips with the same options as the whole-image encoder.
 */
import { TesseraError } from '../core/errors';
import type { Frame } from '../core/frame';
import type { OutputOptions } from '../core/formats';
import { scanData, scanStart } from '../core/jpeg-bands';
import { withScope } from '../core/scope';
import { frameToImage, prepareForSave, save } from './codec';
import type { SourceInfo } from './ops/context';
import { clearVipsErrors, vipsError, withFreshErrors, type Vips } from './vips';

/**
 * Everything a width×height JPEG with this restart interval starts with, up to and including
 * its SOS segment — with the metadata to keep, exactly as vips writes it (it updates EXIF
 * dimensions, for one). Got by saving a lazily black image of that size and stopping the save
 * once the headers are out: only the first MCU row is ever computed.
 */
export function jpegHeader(
  vips: Vips,
  width: number,
  height: number,
  bands: number,
  opts: OutputOptions,
  source: SourceInfo | undefined,
  restartInterval: number,
): Uint8Array {
  return withFreshErrors(vips, () =>
    withScope((scope) => {
      const black = scope.track(scope.track(vips.Image.black(width, height, { bands })).cast('uchar'));
      const im0 = scope.track(black.copy({ interpretation: bands >= 3 ? 'srgb' : 'b-w' }));
      const { im, keep } = prepareForSave(vips, scope, im0, opts, source);
      let got = new Uint8Array(0);
      let header: Uint8Array | undefined;
      const target = scope.track(new vips.TargetCustom());
      target.onWrite = (data: Uint8Array) => {
        const next = new Uint8Array(got.length + data.length);
        next.set(got);
        next.set(data, got.length);
        got = next;
        const end = scanStart(got);
        if (end === undefined) return data.length;
        header = got.slice(0, end);
        return -1; // enough: stop the save here
      };
      target.onEnd = () => 0;
      try {
        save(im, opts, keep, target, restartInterval);
      } catch (e) {
        if (!header) throw vipsError('encode-failed', 'cannot encode JPEG', e);
      }
      // The deliberate stop left a write error in libvips' buffer: clear it for the next failure's message.
      clearVipsErrors(vips);
      if (!header) throw new TesseraError('encode-failed', 'cannot encode JPEG: no headers were written');
      return header;
    }),
  );
}

/** One band's entropy-coded data (alpha flattened as the whole-image encoder does). */
export function jpegBand(vips: Vips, band: Frame, opts: OutputOptions, restartInterval: number): Uint8Array {
  return withFreshErrors(vips, () =>
    withScope((scope) => {
      try {
        const { im, keep } = prepareForSave(vips, scope, scope.track(frameToImage(vips, band)), opts, undefined);
        return scanData(save(im, opts, keep, undefined, restartInterval)!).slice();
      } catch (e) {
        if (e instanceof TesseraError) throw e;
        throw vipsError('encode-failed', 'cannot encode JPEG', e);
      }
    }),
  );
}
