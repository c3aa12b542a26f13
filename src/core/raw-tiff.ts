/**
 * The smallest lossless still the decoders already read: an uncompressed baseline TIFF (one
 * strip, 8-bit RGB, chunky). Made for a video frame handed to the image preview, so the preview
 * reads it exactly as it reads a photo (no codec between the frame and the steps; writing it is
 * one pass over the pixels, unlike PNG's deflate). Alpha is dropped: video frames are opaque, and
 * the video job runs colour recipes on RGB too (engine/frame-task.ts).
 */

/** Tags of the one image file directory, in the ascending order TIFF requires. */
const ENTRIES = 10;
const IFD_OFFSET = 8;
const IFD_BYTES = 2 + ENTRIES * 12 + 4;
const BITS_OFFSET = IFD_OFFSET + IFD_BYTES;
const DATA_OFFSET = BITS_OFFSET + 6;

/**
 * `rgba` (width × height × 4, rows packed) as the bytes of an uncompressed RGB TIFF.
 * @throws RangeError when the sizes do not match the pixels, or the file would pass 4 GiB.
 */
export function rgbaToTiff(rgba: Uint8Array, width: number, height: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new RangeError(`image size must be positive integers, got ${width}×${height}`);
  if (rgba.length < width * height * 4) throw new RangeError(`${rgba.length} bytes are too few for ${width}×${height} RGBA`);
  const dataBytes = width * height * 3;
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
  entry(256, LONG, 1, width); // ImageWidth
  entry(257, LONG, 1, height); // ImageLength
  entry(258, SHORT, 3, BITS_OFFSET); // BitsPerSample: 8, 8, 8 (stored after the directory)
  entry(259, SHORT, 1, 1); // Compression: none
  entry(262, SHORT, 1, 2); // PhotometricInterpretation: RGB
  entry(273, LONG, 1, DATA_OFFSET); // StripOffsets
  entry(277, SHORT, 1, 3); // SamplesPerPixel
  entry(278, LONG, 1, height); // RowsPerStrip: the whole image
  entry(279, LONG, 1, dataBytes); // StripByteCounts
  entry(284, SHORT, 1, 1); // PlanarConfiguration: chunky
  v.setUint32(p, 0, true); // no next directory
  for (let i = 0; i < 3; i++) v.setUint16(BITS_OFFSET + 2 * i, 8, true);
  const n = width * height;
  for (let i = 0, s = 0, d = DATA_OFFSET; i < n; i++, s += 4, d += 3) {
    out[d] = rgba[s];
    out[d + 1] = rgba[s + 1];
    out[d + 2] = rgba[s + 2];
  }
  return out;
}
