/**
 * The smallest lossless still the decoders already read: an uncompressed baseline TIFF (one
 * strip, 8-bit, chunky), RGB or gray. Made for a video frame handed to the image preview, so the
 * preview reads it exactly as it reads a photo (no codec between the frame and the steps; writing
 * it is one pass over the pixels, unlike PNG's deflate). RGB drops the alpha: video frames are
 * opaque, and the video job runs colour recipes on RGB too (engine/frame-task.ts); gray is the
 * luma plane the job runs gray-first recipes on.
 */

const ENTRIES = 10;
const IFD_OFFSET = 8;
const IFD_BYTES = 2 + ENTRIES * 12 + 4;
/** BitsPerSample's three values (RGB) follow the directory; gray's one sits inside its entry. */
const BITS_OFFSET = IFD_OFFSET + IFD_BYTES;
const DATA_OFFSET = BITS_OFFSET + 6;

/** The header and directory for a `width`×`height` image of `samples` (1 or 3) 8-bit samples per pixel. */
function tiffFile(width: number, height: number, samples: 1 | 3): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new RangeError(`image size must be positive integers, got ${width}×${height}`);
  const dataBytes = width * height * samples;
  if (DATA_OFFSET + dataBytes > 0xffffffff) throw new RangeError(`${width}×${height} is too large for one TIFF strip`);
  const out = new Uint8Array(DATA_OFFSET + dataBytes);
  const v = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0]); // "II", 42: little-endian TIFF
  v.setUint32(4, IFD_OFFSET, true);
  v.setUint16(IFD_OFFSET, ENTRIES, true);
  let p = IFD_OFFSET + 2;
  const SHORT = 3,
    LONG = 4;
  const entry = (tag: number, type: number, count: number, value: number) => {
    v.setUint16(p, tag, true);
    v.setUint16(p + 2, type, true);
    v.setUint32(p + 4, count, true);
    // A single SHORT sits in the first two bytes of the value field.
    if (type === SHORT && count === 1) v.setUint16(p + 8, value, true);
    else v.setUint32(p + 8, value, true);
    p += 12;
  };
  // In ascending tag order, as TIFF requires.
  entry(256, LONG, 1, width); // ImageWidth
  entry(257, LONG, 1, height); // ImageLength
  entry(258, SHORT, samples, samples === 1 ? 8 : BITS_OFFSET); // BitsPerSample
  entry(259, SHORT, 1, 1); // Compression: none
  entry(262, SHORT, 1, samples === 1 ? 1 : 2); // PhotometricInterpretation: BlackIsZero or RGB
  entry(273, LONG, 1, DATA_OFFSET); // StripOffsets
  entry(277, SHORT, 1, samples); // SamplesPerPixel
  entry(278, LONG, 1, height); // RowsPerStrip: the whole image
  entry(279, LONG, 1, dataBytes); // StripByteCounts
  entry(284, SHORT, 1, 1); // PlanarConfiguration: chunky
  v.setUint32(p, 0, true); // no next directory
  if (samples === 3) for (let i = 0; i < 3; i++) v.setUint16(BITS_OFFSET + 2 * i, 8, true);
  return out;
}

/**
 * `rgba` (width × height × 4, rows packed) as the bytes of an uncompressed RGB TIFF.
 * @throws RangeError when the sizes do not match the pixels, or the file would pass 4 GiB.
 */
export function rgbaToTiff(rgba: Uint8Array, width: number, height: number): Uint8Array<ArrayBuffer> {
  if (rgba.length < width * height * 4) throw new RangeError(`${rgba.length} bytes are too few for ${width}×${height} RGBA`);
  const out = tiffFile(width, height, 3);
  const n = width * height;
  for (let i = 0, s = 0, d = DATA_OFFSET; i < n; i++, s += 4, d += 3) {
    out[d] = rgba[s];
    out[d + 1] = rgba[s + 1];
    out[d + 2] = rgba[s + 2];
  }
  return out;
}

/**
 * A gray plane (`stride` bytes from one row to the next) as the bytes of an uncompressed gray TIFF.
 * @throws RangeError when the sizes do not match the pixels, or the file would pass 4 GiB.
 */
export function grayToTiff(gray: Uint8Array, width: number, height: number, stride = width): Uint8Array<ArrayBuffer> {
  if (stride < width || gray.length < stride * (height - 1) + width)
    throw new RangeError(`${gray.length} bytes are too few for ${width}×${height} gray with rows of ${stride}`);
  const out = tiffFile(width, height, 1);
  for (let y = 0; y < height; y++) out.set(gray.subarray(y * stride, y * stride + width), DATA_OFFSET + y * width);
  return out;
}
