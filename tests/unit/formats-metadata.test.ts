/**
 * Metadata: EXIF, ICC and XMP from the input are copied to the output with metadata 'keep' (the
 * orientation updated to 1 after auto-orient; an ICC profile that no longer matches is dropped)
 * and none is written with 'strip'. Inputs are made with vips in Node.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { createFrame, describe as describeFrame, type Frame } from '../../src/core/frame';
import { validateOutput, type FileFormat } from '../../src/core/formats';
import type { ResolvedStep } from '../../src/core/recipe';
import { decodeSource, frameToImage } from '../../src/engine/codec';
import { decodeFileInto, encodeFrame, processImage } from '../../src/engine/image-task';
import { loadVips, type Vips } from '../../src/engine/vips';
import { step } from './helpers';

let vips: Vips;
let srgbIcc: Uint8Array;
let cmykJpeg: Uint8Array;
beforeAll(async () => {
  ({ vips } = await loadVips());
  const f = frame(8, 8);
  const im = frameToImage(vips, f);
  const tagged = im.iccTransform('srgb');
  const cmyk = im.iccTransform('cmyk');
  try {
    srgbIcc = tagged.getBlob('icc-profile-data').slice();
    cmykJpeg = cmyk.jpegsaveBuffer({ Q: 90 });
  } finally {
    cmyk.delete();
    tagged.delete();
    im.delete();
  }
});

const XMP =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Tessera test</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>';

function frame(w: number, h: number): Frame {
  const f = createFrame(w, h, 3, new ArrayBuffer(w * h * 3));
  for (let i = 0; i < f.data.length; i++) f.data[i] = (i * 5) & 255;
  return f;
}

/** A 40×30 JPEG with EXIF (orientation 6, Artist), an sRGB ICC profile and XMP. */
function taggedJpeg(): Uint8Array {
  const im = frameToImage(vips, frame(40, 30));
  try {
    im.setInt('orientation', 6);
    im.setString('exif-ifd0-Artist', 'Tessera test');
    im.setBlob('icc-profile-data', srgbIcc);
    im.setBlob('xmp-data', new TextEncoder().encode(XMP));
    return im.jpegsaveBuffer({ Q: 90 });
  } finally {
    im.delete();
  }
}

interface Found {
  exif: boolean;
  icc: boolean;
  xmp: boolean;
  orientation: number;
  artist: string;
  width: number;
  height: number;
}

function found(bytes: Uint8Array): Found {
  const im = vips.Image.newFromBuffer(bytes);
  try {
    return {
      exif: im.getTypeof('exif-data') !== 0,
      icc: im.getTypeof('icc-profile-data') !== 0,
      xmp: im.getTypeof('xmp-data') !== 0,
      orientation: im.getTypeof('orientation') ? im.getInt('orientation') : 1,
      artist: im.getTypeof('exif-ifd0-Artist') ? im.getString('exif-ifd0-Artist').split(' (')[0] : '',
      width: im.width,
      height: im.height,
    };
  } finally {
    im.delete();
  }
}

async function run(input: Uint8Array, format: FileFormat, metadata: 'keep' | 'strip', steps: ResolvedStep[] = []): Promise<Uint8Array> {
  const res = await processImage(vips, {
    file: new Blob([]),
    bytes: input.slice().buffer,
    name: 'in.jpg',
    steps,
    output: validateOutput({ format, metadata }),
    maxPixels: Infinity,
  });
  if (res.kind !== 'done') throw new Error('expected done');
  return res.bytes;
}

// What each format can carry (TIFF has ICC, XMP and an orientation tag but no EXIF block; GIF
// none; AVIF turns the orientation into a transform property that decoders apply).
const CARRIES: Record<FileFormat, { exif: boolean; icc: boolean; xmp: boolean; orientation: boolean }> = {
  jpeg: { exif: true, icc: true, xmp: true, orientation: true },
  png: { exif: true, icc: true, xmp: true, orientation: true },
  webp: { exif: true, icc: true, xmp: true, orientation: true },
  avif: { exif: true, icc: true, xmp: true, orientation: false },
  tiff: { exif: false, icc: true, xmp: true, orientation: true },
  gif: { exif: false, icc: false, xmp: false, orientation: false },
};

describe('the input', () => {
  test('carries EXIF, ICC, XMP and orientation 6, and decode reports them', () => {
    const input = taggedJpeg();
    expect(found(input)).toMatchObject({ exif: true, icc: true, xmp: true, orientation: 6, artist: 'Tessera test' });
    const { source } = decodeSource(vips, input);
    expect(source.orientation).toBe(6);
    expect(source.exif!.length).toBeGreaterThan(20);
    expect(Buffer.from(source.icc!).equals(Buffer.from(srgbIcc))).toBe(true);
    expect(new TextDecoder().decode(source.xmp)).toContain('Tessera test');
  });
});

describe.each(Object.keys(CARRIES) as FileFormat[])('%s', (format) => {
  test('metadata keep copies what the format can carry', async () => {
    const c = CARRIES[format];
    const got = found(await run(taggedJpeg(), format, 'keep'));
    expect({ exif: got.exif, icc: got.icc, xmp: got.xmp }).toEqual({ exif: c.exif, icc: c.icc, xmp: c.xmp });
    if (c.exif) expect(got.artist).toBe('Tessera test');
    if (c.orientation) expect(got.orientation).toBe(6);
    // libheif stores the orientation as an irot/imir transform, which its decoder applies.
    expect([got.width, got.height]).toEqual(format === 'avif' ? [30, 40] : [40, 30]);
  });

  test('metadata strip writes none', async () => {
    const got = found(await run(taggedJpeg(), format, 'strip'));
    expect({ exif: got.exif, icc: got.icc, xmp: got.xmp, orientation: got.orientation }).toEqual({
      exif: false,
      icc: false,
      xmp: false,
      orientation: 1,
    });
  });
});

describe('metadata and processing', () => {
  test('after auto-orient the kept EXIF says orientation 1 (other tags kept)', async () => {
    for (const steps of [[step('auto-orient')], [step('flip'), step('auto-orient')]]) {
      const got = found(await run(taggedJpeg(), 'jpeg', 'keep', steps));
      expect(got).toMatchObject({ exif: true, icc: true, xmp: true, orientation: 1, artist: 'Tessera test', width: 30, height: 40 });
    }
  });

  test('a leading thumbnail keeps metadata, and the orientation unless auto-oriented', async () => {
    expect(found(await run(taggedJpeg(), 'webp', 'keep', [{ op: 'thumbnail', params: { size: 20 } }]))).toMatchObject({
      exif: true,
      icc: true,
      orientation: 6,
      width: 20,
      height: 15,
    });
    expect(found(await run(taggedJpeg(), 'webp', 'keep', [step('auto-orient'), { op: 'thumbnail', params: { size: 20 } }]))).toMatchObject({
      exif: true,
      icc: true,
      orientation: 1,
      width: 15,
      height: 20,
    });
  });

  test('an RGB profile is dropped when the output is gray; EXIF stays', async () => {
    const got = found(await run(taggedJpeg(), 'png', 'keep', [step('grayscale')]));
    expect({ icc: got.icc, exif: got.exif, xmp: got.xmp }).toEqual({ icc: false, exif: true, xmp: true });
  });

  test('a CMYK profile is not attached to the sRGB pixels it was converted to', async () => {
    expect(found(cmykJpeg).icc).toBe(true);
    const got = found(await run(cmykJpeg, 'jpeg', 'keep'));
    expect(got.icc).toBe(false);
  });

  test('an input without metadata gets none added with keep', async () => {
    const im = frameToImage(vips, frame(10, 10));
    let png: Uint8Array;
    try {
      png = im.pngsaveBuffer({ keep: 0 });
    } finally {
      im.delete();
    }
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      expect(found(await run(png, format, 'keep')), format).toMatchObject({ exif: false, icc: false, xmp: false });
    }
  });

  test('the tiled path carries metadata from decodeInto to encodeFrame', async () => {
    const input = taggedJpeg();
    const dst = createFrame(40, 30, 3);
    const { source } = await decodeFileInto(vips, new Blob([input.slice()]), 'in.jpg', describeFrame(dst));
    expect(source.orientation).toBe(6);
    const kept = found((await encodeFrame(vips, describeFrame(dst), validateOutput({ format: 'jpeg' }), source)).bytes);
    expect(kept).toMatchObject({ exif: true, icc: true, xmp: true, orientation: 6, artist: 'Tessera test' });
    const stripped = found(
      (await encodeFrame(vips, describeFrame(dst), validateOutput({ format: 'jpeg', metadata: 'strip' }), source)).bytes,
    );
    expect(stripped).toMatchObject({ exif: false, icc: false, xmp: false });
  });
});
