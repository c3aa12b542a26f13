/**
 * Band-parallel JPEG: a JPEG with a restart marker every band of rows is the concatenation of its
 * bands' entropy-coded data with RSTn markers between them, because a restart resets the DC
 * predictors and byte-aligns the stream — exactly the state an encoder starts a fresh image in.
 * So each band can be encoded by a different worker (libjpeg's standard Huffman tables and the
 * same quantisation make every band's tables the same) and the file stitched in order: byte for
 * byte what one encoder writes with that restart interval (tests/unit/streamed.test.ts).
 * This module is the layout and the byte surgery; engine/jpeg-bands.ts does the encoding.
 */
import type { OutputOptions } from './formats';

export interface JpegBandLayout {
  /** Rows per band: a multiple of 16, so every band starts on an MCU row whatever the subsampling. */
  bandRows: number;
  /** MCUs per band: the DRI value (at most 65,535). */
  restartInterval: number;
}

/** The layout for `wantRows`-row bands of a `width`-wide JPEG of `bands` colour bands, or undefined when the output cannot be split (progressive). */
export function jpegBandLayout(width: number, bands: number, opts: OutputOptions, wantRows: number): JpegBandLayout | undefined {
  if (opts.format !== 'jpeg' || opts.progressive) return undefined;
  // vips' 'auto' subsamples chroma below Q 90; gray has no chroma.
  const subsampled = bands >= 3 && (opts.subsampling === '4:2:0' || (opts.subsampling === 'auto' && opts.quality < 90));
  const mcu = subsampled ? 16 : 8;
  const perRow = Math.ceil(width / mcu);
  const maxRows = Math.floor(65535 / perRow) * mcu;
  const bandRows = Math.max(16, Math.min(Math.floor(maxRows / 16) * 16, Math.round(wantRows / 16) * 16));
  if (bandRows > maxRows) return undefined;
  return { bandRows, restartInterval: (perRow * bandRows) / mcu };
}

/** Where the entropy-coded data starts: just past the SOS segment (undefined if `bytes` does not reach it yet). */
export function scanStart(bytes: Uint8Array): number | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('not a JPEG stream');
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) throw new Error(`JPEG marker expected at byte ${i}`);
    const marker = bytes[i + 1];
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    if (marker === 0xda) return i + 2 + length <= bytes.length ? i + 2 + length : undefined;
    i += 2 + length;
  }
  return undefined;
}

/** A whole band's JPEG reduced to its entropy-coded data (no headers, no EOI). */
export function scanData(bandJpeg: Uint8Array): Uint8Array {
  const start = scanStart(bandJpeg);
  if (start === undefined || bandJpeg[bandJpeg.length - 2] !== 0xff || bandJpeg[bandJpeg.length - 1] !== 0xd9) {
    throw new Error('band JPEG is incomplete');
  }
  return bandJpeg.subarray(start, bandJpeg.length - 2);
}

/** What goes before band `k`'s data in the stitched file: nothing for the first, else RST((k − 1) mod 8). */
export function restartMarker(k: number): Uint8Array {
  return k === 0 ? new Uint8Array(0) : Uint8Array.of(0xff, 0xd0 + ((k - 1) & 7));
}

export const JPEG_EOI = Uint8Array.of(0xff, 0xd9);
