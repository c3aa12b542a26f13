/**
 * Tessera's fast PNG encoder (compression 1, the default): rows filtered None/Sub/Up per row by
 * libpng's heuristic and deflated with runs only (zlib's Z_RLE strategy), in WebAssembly
 * (wasm/src/png.ts). On photographs and edge maps it writes files smaller than zlib level 6 on
 * unfiltered rows (vips' choice) in a fraction of the time; on flat graphics with repeated
 * patterns LZ77 wins, and levels 2–9 give zlib through vips. Metadata is what vips would write:
 * when metadata is kept, vips writes the PNG of a same-sized black image (cheap: stored blocks)
 * and its metadata chunks — eXIf with the dimensions it rewrites, iCCP, iTXt XMP, pHYs — are
 * spliced in front of our image data. Palette and interlaced PNGs go to vips.
 */
import type { Frame } from '../core/frame';
import { withScope } from '../core/scope';
import type { OutputOptions } from '../core/formats';
import { keepsMetadata, type SourceInfo } from './ops/context';
import { pngImageData, wasmPngAvailable } from './kernels/png-wasm';
import type { Vips, VipsImage } from './vips';

/**
 * PNG `compression` 1 (the default) selects this encoder: zlib's "best speed" end of the scale.
 * Levels 2–9 (and 0, stored) are zlib's own, through vips.
 */
export const FAST_PNG_COMPRESSION = 1;

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32(data: Uint8Array, start: number, end: number): number {
  let c = -1;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const COLOUR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

/**
 * Above this many bytes of pixels the encoder's buffers (pixels, filtered rows, output: ~3× the
 * frame) would grow its module's memory, which WebAssembly never gives back, past ~400 MB per
 * worker: vips writes those (giant tiled outputs).
 */
const MAX_FRAME_BYTES = 128 << 20;

/** Whether encodePng can write these options (else vips does). */
export function fastPngSupports(opts: OutputOptions, channels: number, frameBytes = 0): boolean {
  return (
    wasmPngAvailable() &&
    frameBytes <= MAX_FRAME_BYTES &&
    opts.format === 'png' &&
    opts.compression === FAST_PNG_COMPRESSION &&
    !opts.palette &&
    !opts.progressive &&
    // Flattening alpha is vips' job.
    !((channels === 2 || channels === 4) && opts.alpha === 'flatten')
  );
}

/**
 * Metadata chunks vips writes between IHDR and IDAT for this frame and options, taken from the
 * PNG it writes for a black image of the same size; `attach` puts the metadata on an image.
 */
function metadataChunks(vips: Vips, frame: Frame, attach: (im: VipsImage) => number): Uint8Array[] {
  return withScope((scope) => {
    const black = scope.track(vips.Image.black(frame.width, frame.height, { bands: frame.channels }));
    const u8 = scope.track(black.cast('uchar'));
    const im = scope.track(u8.copy({ interpretation: frame.channels >= 3 ? 'srgb' : 'b-w' }));
    const keep = attach(im);
    const png = im.pngsaveBuffer({ compression: 0, keep });
    const out: Uint8Array[] = [];
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    for (let p = 8; p + 12 <= png.length;) {
      const len = view.getUint32(p);
      const type = String.fromCharCode(png[p + 4], png[p + 5], png[p + 6], png[p + 7]);
      if (type === 'IDAT' || type === 'IEND') break;
      if (type !== 'IHDR') out.push(png.slice(p, p + 12 + len));
      p += 12 + len;
    }
    return out;
  });
}

/**
 * Encodes an 8-bit frame (1–4 channels, any stride) as PNG. `attach` is codec.ts' metadata
 * attachment (EXIF, ICC, XMP as the options say); it is only called when there is metadata.
 */
export function encodePng(
  vips: Vips,
  frame: Frame,
  opts: OutputOptions,
  source: SourceInfo | undefined,
  attach: (im: VipsImage) => number,
): Uint8Array {
  const { width: w, height: h, channels: c } = frame;
  const row = w * c;
  const meta = keepsMetadata(opts, source) ? metadataChunks(vips, frame, attach) : [];
  const z = pngImageData((y) => frame.data.subarray(y * frame.stride, y * frame.stride + row), row, h, c);
  const zLen = z.length;
  const metaLen = meta.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(8 + 25 + metaLen + 12 + zLen + 12);
  const view = new DataView(out.buffer);
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0);
  let p = 8;
  const chunk = (type: string, len: number, fill: (at: number) => void) => {
    view.setUint32(p, len);
    for (let i = 0; i < 4; i++) out[p + 4 + i] = type.charCodeAt(i);
    fill(p + 8);
    view.setUint32(p + 8 + len, crc32(out, p + 4, p + 8 + len));
    p += 12 + len;
  };
  chunk('IHDR', 13, (at) => {
    view.setUint32(at, w);
    view.setUint32(at + 4, h);
    out[at + 8] = 8;
    out[at + 9] = COLOUR_TYPE[c as 1 | 2 | 3 | 4];
    out[at + 10] = 0; // deflate
    out[at + 11] = 0; // adaptive filtering (None, Sub or Up per row)
    out[at + 12] = 0; // not interlaced
  });
  for (const m of meta) {
    out.set(m, p);
    p += m.length;
  }
  chunk('IDAT', zLen, (at) => out.set(z, at));
  chunk('IEND', 0, () => {});
  return out;
}
