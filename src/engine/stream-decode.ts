/**
 * The decoding end of a streamed giant image (core/strips.ts): the file is read in slices
 * (blob-source.ts), decoded by libvips in sequential mode a band of rows at a time, normalised
 * exactly as the whole-image decoder does, and written into the shared input ring — blocking
 * (Atomics.wait, so a dedicated worker only) while the ring is full, which is the backpressure
 * that keeps memory flat whatever the image's height.
 */
import { TesseraError, cancelled, formatInt, messageOf } from '../core/errors';
import { withScope } from '../core/scope';
import { Ctl, notifyCtl, ringWrite, type RowRing } from '../core/strips';
import { sniff } from '../core/sniff';
import { decodedSource, normalise, normalisedChannels, pageCount, type ColourMode } from './codec';
import { openSource, type SyncReader } from './blob-source';
import type { SourceInfo } from './ops/context';
import { vipsError, clearVipsErrors, withFreshErrors, type Vips, type VipsImage } from './vips';

export interface StreamHeader {
  width: number;
  height: number;
  /** Channels after normalisation (what the ring carries). */
  channels: number;
  source: SourceInfo;
  /** Pages of a multi-page TIFF (set when more than one): this header is the first page's. */
  pages?: number;
}

function openSequential(vips: Vips, src: InstanceType<Vips['SourceCustom']>): VipsImage {
  try {
    return vips.Image.newFromSource(src, '', { access: 'sequential', fail_on: 'error' });
  } catch (e) {
    throw vipsError('decode-failed', 'cannot decode', e);
  }
}

/** Checks the file's first and last bytes (as checkInput does) without reading the rest. */
export function checkEnds(name: string, reader: SyncReader): void {
  const head = reader.read(0, 64);
  const tail = reader.read(Math.max(0, reader.size - 64), 64);
  const { problem } = sniff(name, reader.size, head, tail);
  if (problem) throw new TesseraError('decode-failed', problem);
}

/** The image's size, normalised channels and metadata, from its header alone. */
export function probeStream(vips: Vips, reader: SyncReader, name: string, colour: ColourMode = 'srgb'): StreamHeader {
  checkEnds(name, reader);
  return withFreshErrors(vips, () =>
    withScope((scope) => {
      const src = scope.track(openSource(vips, reader));
      const im = scope.track(openSequential(vips, src));
      const pages = pageCount(im);
      const header = { width: im.width, height: im.height, channels: normalisedChannels(im), source: decodedSource(vips, im, colour) };
      return pages > 1 ? { ...header, pages } : header;
    }),
  );
}

/** Blocks until `ready()` or cancellation (then throws), waking on every change of the control block. */
export function waitUntil(ctl: Int32Array, ready: () => boolean): void {
  for (;;) {
    const seq = Atomics.load(ctl, Ctl.seq);
    if (Atomics.load(ctl, Ctl.cancel)) throw cancelled();
    if (ready()) return;
    Atomics.wait(ctl, Ctl.seq, seq, 5000);
  }
}

export interface DecodeRowsRequest {
  name: string;
  ring: RowRing;
  ctl: Int32Array;
  width: number;
  height: number;
  channels: number;
  /** Rows per decode call (a multiple of 16: sequential JPEG reads go out of order otherwise). */
  bandRows: number;
  /** Output colour (codec.ts normalise): the same as the probe's, so the pixels match its SourceInfo. */
  colour?: ColourMode;
}

/**
 * Decodes every row into the ring in order. A damaged or truncated file fails with the rows it
 * reached; the caller discards the output.
 */
export function decodeRows(vips: Vips, reader: SyncReader, r: DecodeRowsRequest): { decodeMs: number; waitMs: number } {
  const t0 = performance.now();
  let waitMs = 0;
  clearVipsErrors(vips);
  const failed: { error?: Error } = {};
  withScope((scope) => {
    const src = scope.track(openSource(vips, reader, failed));
    const im = scope.track(normalise(scope.track(openSequential(vips, src)), r.colour));
    if (im.width !== r.width || im.height !== r.height || im.bands !== r.channels) {
      throw new TesseraError(
        'decode-failed',
        `decoded ${im.width}×${im.height}×${im.bands}, expected ${r.width}×${r.height}×${r.channels}`,
      );
    }
    for (let y = 0; y < r.height; y += r.bandRows) {
      const h = Math.min(r.bandRows, r.height - y);
      const w0 = performance.now();
      waitUntil(r.ctl, () => y + h <= Atomics.load(r.ctl, Ctl.inFree) + r.ring.capacity);
      waitMs += performance.now() - w0;
      withScope((band) => {
        let data: Uint8Array;
        try {
          data = band.track(im.crop(0, y, r.width, h)).writeToMemory() as Uint8Array;
        } catch (e) {
          if (failed.error)
            throw new TesseraError('decode-failed', `cannot read the file at row ${formatInt(y)}: ${messageOf(failed.error)}`);
          const why = messageOf(vipsError('decode-failed', 'cannot decode', e));
          throw new TesseraError(
            'decode-failed',
            `stopped at row ${formatInt(y)} of ${formatInt(r.height)} (${why}): the file is damaged or ends early`,
          );
        }
        ringWrite(r.ring, y, data);
      });
      Atomics.store(r.ctl, Ctl.decoded, y + h);
      notifyCtl(r.ctl);
    }
    Atomics.store(r.ctl, Ctl.decodeDone, 1);
    notifyCtl(r.ctl);
  });
  return { decodeMs: performance.now() - t0 - waitMs, waitMs };
}
