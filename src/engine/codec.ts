/**
 * Decoding and encoding through wasm-vips. Inputs are normalised to 8-bit gray/RGB with or
 * without alpha (16-bit, CMYK and palette images included), which is what every kernel expects.
 * Every vips.Image is deleted in `finally`.
 */
import { TesseraError } from '../core/errors';
import { createFrame, type Frame } from '../core/frame';
import type { OutputOptions } from '../core/formats';
import { sniff } from '../core/sniff';
import { vipsMessage, type Vips, type VipsImage } from './vips';

export interface ImageHeader {
  width: number;
  height: number;
  /** Channels after normalisation: 1, 2, 3 or 4. */
  channels: number;
}

/** Rejects files that cannot be intact images, with the reason, before vips sees them. */
export function checkInput(name: string, bytes: Uint8Array): void {
  const head = bytes.subarray(0, 64);
  const tail = bytes.subarray(Math.max(0, bytes.length - 64));
  const { problem } = sniff(name, bytes.length, head, tail);
  if (problem) throw new TesseraError('decode-failed', problem);
}

function open(vips: Vips, bytes: Uint8Array): VipsImage {
  try {
    // fail_on 'error' turns corrupt-data warnings into errors instead of grey filler.
    return vips.Image.newFromBuffer(bytes, '', { access: 'sequential', fail_on: 'error' });
  } catch (e) {
    throw new TesseraError('decode-failed', `cannot decode: ${vipsMessage(e)}`);
  }
}

function normalisedChannels(im: VipsImage): number {
  const bands = im.bands;
  const alpha = im.hasAlpha() ? 1 : 0;
  const colour = bands - alpha;
  return (colour >= 3 ? 3 : 1) + alpha;
}

/** Converts in place of `im` (deleting it) to 8-bit sRGB/B-W, keeping alpha; returns the new image. */
function normalise(im: VipsImage): VipsImage {
  const want = normalisedChannels(im);
  const colour = want >= 3 ? 3 : 1;
  const ok = im.format === 'uchar' && im.bands === want &&
    (colour === 3 ? im.interpretation === 'srgb' : im.interpretation === 'b-w');
  if (ok) return im;
  let out: VipsImage = im;
  const steps: VipsImage[] = [];
  try {
    const isCmykOrLab = !['srgb', 'b-w', 'rgb16', 'grey16', 'multiband'].includes(out.interpretation);
    if (out.interpretation === 'rgb16' || out.interpretation === 'grey16' || isCmykOrLab) {
      out = out.colourspace(colour === 3 ? 'srgb' : 'b-w');
      steps.push(out);
    }
    if (out.format !== 'uchar') {
      out = out.cast('uchar');
      steps.push(out);
    }
    if (out.bands > want) {
      out = out.extractBand(0, { n: want });
      steps.push(out);
    }
    const copy = out.copy({ interpretation: colour === 3 ? 'srgb' : 'b-w' });
    return copy;
  } catch (e) {
    throw new TesseraError('decode-failed', `cannot convert to 8-bit: ${vipsMessage(e)}`);
  } finally {
    for (const s of steps) s.delete();
    im.delete();
  }
}

export function readHeader(vips: Vips, bytes: Uint8Array): ImageHeader {
  const im = open(vips, bytes);
  try {
    return { width: im.width, height: im.height, channels: normalisedChannels(im) };
  } finally {
    im.delete();
  }
}

function pixels(im: VipsImage): Uint8Array {
  try {
    return im.writeToMemory() as Uint8Array;
  } catch (e) {
    throw new TesseraError('decode-failed', `cannot decode: ${vipsMessage(e)}`);
  }
}

/** Whole-image decode into a frame over a fresh (thread-local) buffer. */
export function decode(vips: Vips, bytes: Uint8Array): Frame {
  return decodeWithin(vips, bytes, Infinity) as Frame;
}

/**
 * Opens the file once: returns its pixels, or only its header when it has more than `maxPixels`
 * (the caller then tiles it), so the common case does not parse the header twice.
 */
export function decodeWithin(vips: Vips, bytes: Uint8Array, maxPixels: number): Frame | ImageHeader {
  const opened = open(vips, bytes);
  if (opened.width * opened.height > maxPixels) {
    try {
      return { width: opened.width, height: opened.height, channels: normalisedChannels(opened) };
    } finally {
      opened.delete();
    }
  }
  const im = normalise(opened);
  try {
    const data = pixels(im);
    return createFrame(im.width, im.height, im.bands, data.buffer as ArrayBuffer, data.byteOffset);
  } finally {
    im.delete();
  }
}

/**
 * Decodes into a caller-provided (shared) frame in bands of rows, so the wasm heap holds one
 * band at a time rather than a second copy of a giant image.
 */
export function decodeInto(vips: Vips, bytes: Uint8Array, dst: Frame, bandRows = 256): void {
  const im = normalise(open(vips, bytes));
  try {
    if (im.width !== dst.width || im.height !== dst.height || im.bands !== dst.channels) {
      throw new TesseraError('decode-failed', `decoded ${im.width}×${im.height}×${im.bands}, expected ${dst.width}×${dst.height}×${dst.channels}`);
    }
    const rowBytes = dst.width * dst.channels;
    for (let y = 0; y < dst.height; y += bandRows) {
      const h = Math.min(bandRows, dst.height - y);
      const band = im.extractArea(0, y, dst.width, h);
      try {
        const data = pixels(band);
        for (let r = 0; r < h; r++) dst.data.set(data.subarray(r * rowBytes, (r + 1) * rowBytes), (y + r) * dst.stride);
      } finally {
        band.delete();
      }
    }
  } finally {
    im.delete();
  }
}

function packedBytes(f: Frame): Uint8Array {
  const rowBytes = f.width * f.channels;
  if (f.stride === rowBytes) return f.data.subarray(0, rowBytes * f.height);
  const out = new Uint8Array(rowBytes * f.height);
  for (let y = 0; y < f.height; y++) out.set(f.data.subarray(y * f.stride, y * f.stride + rowBytes), y * rowBytes);
  return out;
}

export function encode(vips: Vips, frame: Frame, opts: OutputOptions): Uint8Array {
  const made: VipsImage[] = [];
  const keep = <T extends VipsImage>(im: T): T => { made.push(im); return im; };
  try {
    const raw = keep(vips.Image.newFromMemory(packedBytes(frame), frame.width, frame.height, frame.channels, vips.BandFormat.uchar));
    let im: VipsImage = keep(raw.copy({ interpretation: frame.channels >= 3 ? 'srgb' : 'b-w' }));
    const alpha = frame.channels === 2 || frame.channels === 4;
    if (alpha && opts.format === 'jpeg') {
      // JPEG has no alpha: composite onto white, as most viewers would show it.
      im = keep(im.flatten({ background: frame.channels === 4 ? [255, 255, 255] : [255] }));
    }
    switch (opts.format) {
      case 'png':
        return im.pngsaveBuffer({ compression: opts.compression, keep: 0 });
      case 'jpeg':
        return im.jpegsaveBuffer({ Q: opts.quality, keep: 0 });
      case 'webp':
        return im.webpsaveBuffer({ Q: opts.quality, keep: 0 });
      case 'avif':
        return im.heifsaveBuffer({ Q: opts.quality, compression: 'av1', effort: 2, keep: 0 });
      default:
        throw new TesseraError('encode-failed', `unknown output format "${String(opts.format)}"`);
    }
  } catch (e) {
    if (e instanceof TesseraError) throw e;
    throw new TesseraError('encode-failed', `cannot encode ${opts.format.toUpperCase()}: ${vipsMessage(e)}`);
  } finally {
    for (const im of made.reverse()) im.delete();
  }
}
