/**
 * PNG encoding with the browser's native zlib (CompressionStream 'deflate') instead of
 * wasm-vips' zlib compiled to WebAssembly: the same filter choice as vips (none), the same
 * deflate level (6, zlib's default, which CompressionStream uses), about twice as fast here.
 * Pixels and metadata are what vips would write: when metadata is kept, vips itself writes the
 * PNG of a same-sized black image (cheap: stored blocks) and its metadata chunks — eXIf with the
 * dimensions it rewrites, iCCP, iTXt XMP, pHYs — are spliced in front of our image data.
 * Options this path does not cover (palette, interlace, levels other than 6) go to vips.
 */
import type { Frame } from '../core/frame';
import type { OutputOptions } from '../core/formats';
import type { SourceInfo } from './ops/context';
import type { Vips, VipsImage } from './vips';

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

/** The zlib stream of `data` from the browser's native zlib (level 6). */
async function deflate(data: Uint8Array): Promise<Uint8Array[]> {
  const cs = new CompressionStream('deflate');
  const writer = cs.writable.getWriter();
  void writer.write(data as Uint8Array<ArrayBuffer>);
  void writer.close();
  const parts: Uint8Array[] = [];
  const reader = cs.readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return parts;
}

const COLOUR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

/** Whether encodePng can write these options (else vips does). */
export function fastPngSupports(opts: OutputOptions, channels: number): boolean {
  return (
    typeof CompressionStream !== 'undefined' && opts.format === 'png' && opts.compression === 6 && !opts.palette && !opts.progressive &&
    // Flattening alpha is vips' job.
    !((channels === 2 || channels === 4) && opts.alpha === 'flatten')
  );
}

/**
 * Metadata chunks vips writes between IHDR and IDAT for this frame and options, taken from the
 * PNG it writes for a black image of the same size; `attach` puts the metadata on an image.
 */
function metadataChunks(vips: Vips, frame: Frame, attach: (im: VipsImage) => number): Uint8Array[] {
  const made: VipsImage[] = [];
  try {
    const black = vips.Image.black(frame.width, frame.height, { bands: frame.channels });
    made.push(black);
    const u8 = black.cast('uchar');
    made.push(u8);
    const im = u8.copy({ interpretation: frame.channels >= 3 ? 'srgb' : 'b-w' });
    made.push(im);
    const keep = attach(im);
    const png = im.pngsaveBuffer({ compression: 0, keep });
    const out: Uint8Array[] = [];
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    for (let p = 8; p + 12 <= png.length; ) {
      const len = view.getUint32(p);
      const type = String.fromCharCode(png[p + 4], png[p + 5], png[p + 6], png[p + 7]);
      if (type === 'IDAT' || type === 'IEND') break;
      if (type !== 'IHDR') out.push(png.slice(p, p + 12 + len));
      p += 12 + len;
    }
    return out;
  } finally {
    for (const im of made.reverse()) im.delete();
  }
}

/**
 * Encodes an 8-bit frame (1–4 channels, any stride) as PNG. `attach` is codec.ts' metadata
 * attachment (EXIF, ICC, XMP as the options say); it is only called when there is metadata.
 */
export async function encodePng(vips: Vips, frame: Frame, opts: OutputOptions, source: SourceInfo | undefined, attach: (im: VipsImage) => number): Promise<Uint8Array> {
  const { width: w, height: h, channels: c } = frame;
  const row = w * c;
  // Filter type 0 (none) before every row: the choice vips makes.
  const raw = new Uint8Array((row + 1) * h);
  for (let y = 0; y < h; y++) raw.set(frame.data.subarray(y * frame.stride, y * frame.stride + row), y * (row + 1) + 1);
  const hasMeta = opts.metadata === 'keep' && !!source && (!!source.exif || !!source.icc || !!source.xmp || source.orientation !== 1);
  const meta = hasMeta ? metadataChunks(vips, frame, attach) : [];
  const z = await deflate(raw);
  const zLen = z.reduce((n, p) => n + p.length, 0);
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
    out[at + 11] = 0; // adaptive filtering (here: every row type 0)
    out[at + 12] = 0; // not interlaced
  });
  for (const m of meta) {
    out.set(m, p);
    p += m.length;
  }
  chunk('IDAT', zLen, (at) => {
    for (const part of z) {
      out.set(part, at);
      at += part.length;
    }
  });
  chunk('IEND', 0, () => {});
  return out;
}
