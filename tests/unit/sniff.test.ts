import { describe, expect, test } from 'vitest';
import { TesseraError } from '../../src/core/errors';
import { outputOptions, outputPath } from '../../src/core/formats';
import { heifCoding, isImageName, kindFromName, kindLabel, sniff } from '../../src/core/sniff';

/** Sniffs a whole in-memory file the way the batch does: first 64 and last 64 bytes. */
function sniffBytes(name: string, bytes: Uint8Array) {
  return sniff(name, bytes.length, bytes.subarray(0, 64), bytes.subarray(Math.max(0, bytes.length - 64)));
}

function fileOf(size: number, head: number[], tail: number[] = []): Uint8Array {
  const b = new Uint8Array(size).fill(0x20);
  b.set(head, 0);
  b.set(tail, size - tail.length);
  return b;
}

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const JPEG_HEAD = [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...ascii('JFIF')];
const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PNG_IEND = [0, 0, 0, 0, ...ascii('IEND'), 0xae, 0x42, 0x60, 0x82];

describe('sniff', () => {
  test('empty file', () => {
    expect(sniff('a.jpg', 0, new Uint8Array(0), new Uint8Array(0))).toEqual({ problem: 'empty file (0 bytes)' });
  });

  test('complete JPEG', () => {
    expect(sniffBytes('a.jpg', fileOf(1204, JPEG_HEAD, [0xff, 0xd9]))).toEqual({ kind: 'jpeg' });
  });

  test('JPEG with padding after the end-of-image marker is complete', () => {
    expect(sniffBytes('a.jpg', fileOf(5000, JPEG_HEAD, [0xff, 0xd9, 0, 0, 0, 0, 0, 0]))).toEqual({ kind: 'jpeg' });
  });

  test('truncated JPEG names the byte count with separators', () => {
    const r = sniffBytes('IMG_0001.JPG', fileOf(1204, JPEG_HEAD, [0x12, 0x34]));
    expect(r.kind).toBe('jpeg');
    expect(r.problem).toBe('not a complete JPEG file (truncated at byte 1,204: no end-of-image marker)');
  });

  test('truncated large JPEG', () => {
    const r = sniff('a.jpg', 12_345_678, new Uint8Array(JPEG_HEAD), new Uint8Array(64));
    expect(r.problem).toContain('truncated at byte 12,345,678');
  });

  test('complete PNG', () => {
    expect(sniffBytes('a.png', fileOf(300, PNG_SIG, PNG_IEND))).toEqual({ kind: 'png' });
  });

  test('PNG without IEND is flagged', () => {
    const r = sniffBytes('a.png', fileOf(300, PNG_SIG));
    expect(r.kind).toBe('png');
    expect(r.problem).toBe('not a complete PNG file (truncated at byte 300: no IEND chunk)');
  });

  test('HTML saved as .jpg is named as HTML', () => {
    const html = new TextEncoder().encode('<!DOCTYPE html><html><head><title>404</title></head></html>');
    const r = sniffBytes('photo.jpg', html);
    expect(r.kind).toBeUndefined();
    expect(r.problem).toBe('not a JPEG file: it is an HTML page (starts with 3C 21 44 4F)');
  });

  test('HTML with leading whitespace and lowercase tag', () => {
    const r = sniffBytes('x.png', new TextEncoder().encode('\n  <html lang="en"><body>Forbidden</body></html>'));
    expect(r.problem).toMatch(/^not a PNG file: it is an HTML page/);
  });

  test('SVG, zip and unknown bytes', () => {
    // The bytes say what it is, whatever the name: an SVG is read as one.
    expect(sniffBytes('a.webp', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toEqual({ kind: 'svg' });
    expect(sniffBytes('a.webp', new TextEncoder().encode('<?xml version="1.0"?><svg/>')).problem).toMatch(
      /^not a WebP file: it is XML text .*an SVG image needs the \.svg extension$/,
    );
    expect(sniffBytes('a.tif', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0])).problem).toBe(
      'not a TIFF file: it is a zip archive (starts with 50 4B 03 04)',
    );
    expect(sniffBytes('noext', Uint8Array.from([1, 2, 0xab, 4, 5])).problem).toBe('not an image file: it starts with bytes 01 02 AB 04');
  });

  test.each([
    ['webp', [...ascii('RIFF'), 1, 2, 3, 4, ...ascii('WEBPVP8 ')]],
    ['gif', ascii('GIF89a\x01\x00\x01\x00')],
    ['gif', ascii('GIF87a\x01\x00\x01\x00')],
    ['tiff', [...ascii('II*'), 0, 8, 0, 0, 0]],
    ['tiff', [...ascii('MM'), 0, ...ascii('*'), 0, 0, 0, 8]],
    ['avif', [0, 0, 0, 0x1c, ...ascii('ftypavif'), 0, 0, 0, 0]],
    ['heic', [0, 0, 0, 0x18, ...ascii('ftypmif1'), 0, 0, 0, 0]],
  ])('magic bytes of %s', (kind, head) => {
    expect(sniffBytes('file', fileOf(100, head))).toEqual({ kind });
  });

  // Read by helpers (engine/foreign-decode.ts, libvips side modules): recognised, no problem.
  test.each([
    ['bmp', [...ascii('BM'), 0, 0, 0, 0]],
    ['heic', [0, 0, 0, 0x18, ...ascii('ftypheic'), 0, 0, 0, 0]],
    ['jxl', [0xff, 0x0a, 0, 0]],
    ['ico', [0, 0, 1, 0, 1, 0]],
    ['svg', ascii('<svg xmlns="http://www.w3.org/2000/svg">')],
  ])('magic bytes of %s, read by a helper', (kind, head) => {
    expect(sniffBytes('file', fileOf(100, head))).toEqual({ kind });
  });

  test('an SVG with an XML prolog is known by its name', () => {
    expect(sniffBytes('drawing.svg', fileOf(100, ascii('<?xml version="1.0"?><svg>'))).kind).toBe('svg');
    expect(sniffBytes('notes.xml', fileOf(100, ascii('<?xml version="1.0"?><svg>'))).problem).toMatch(/XML text/);
  });

  test('HEIF coding from the brands: HEVC (libheif-js) or AV1 (libvips)', () => {
    const box = (brands: string) => new Uint8Array([0, 0, 0, 8 + brands.length, ...ascii('ftyp'), ...ascii(brands)]);
    expect(heifCoding(box('heic\0\0\0\0mif1heicmiaf'))).toBe('hevc');
    expect(heifCoding(box('mif1\0\0\0\0mif1heic'))).toBe('hevc');
    expect(heifCoding(box('mif1\0\0\0\0mif1avifmiaf'))).toBe('av1');
    expect(heifCoding(new Uint8Array(ascii('not a heif at all')))).toBeUndefined();
  });
});

describe('names', () => {
  test('isImageName', () => {
    for (const n of ['a.jpg', 'IMG_0001.JPG', 'x.jpeg', 'scan.TIFF', 'p.png', 'c.heif', 'd.jxl', 'e.webp', 'f.avif', 'trip/day.1/a.jpg'])
      expect(isImageName(n), n).toBe(true);
    for (const n of ['notes.txt', 'README', '.hidden.jpg', 'archive.jpg.zip', 'jpg', 'photo.', 'trip/._IMG_0001.jpg', 'a/b/.thumb.png'])
      expect(isImageName(n), n).toBe(false);
  });

  test('kindFromName / kindLabel', () => {
    expect(kindFromName('a.JFIF')).toBe('jpeg');
    expect(kindFromName('a.tif')).toBe('tiff');
    expect(kindFromName('a')).toBeUndefined();
    expect(kindLabel('jxl')).toBe('JPEG XL');
  });
});

describe('formats', () => {
  test.each([
    ['holiday/IMG_001.JPG', 'webp', 'holiday/IMG_001.webp'],
    ['a/b/c/photo.tiff', 'png', 'a/b/c/photo.png'],
    ['photo.png', 'jpeg', 'photo.jpg'],
    ['archive.tar.gz', 'avif', 'archive.tar.avif'],
    ['holiday/README', 'png', 'holiday/README.png'],
    ['noext', 'jpeg', 'noext.jpg'],
    ['folder.v2/noext', 'png', 'folder.v2/noext.png'],
    ['holiday/.hidden', 'png', 'holiday/.hidden.png'],
    ['.hidden', 'webp', '.hidden.webp'],
    ['holiday/.hidden.jpg', 'png', 'holiday/.hidden.png'],
  ] as const)('outputPath(%s, %s) = %s', (input, format, want) => {
    expect(outputPath(input, format)).toBe(want);
  });

  test('outputOptions defaults per format', () => {
    expect(outputOptions()).toMatchObject({
      format: 'png',
      quality: 100,
      compression: 1,
      metadata: 'keep',
      alpha: 'keep',
      background: '#ffffff',
    });
    expect(outputOptions('jpeg')).toMatchObject({ format: 'jpeg', quality: 85, compression: 6 });
    expect(outputOptions('tiff')).toMatchObject({ format: 'tiff', compression: 6 });
    expect(outputOptions('webp', 1, 0)).toMatchObject({ format: 'webp', quality: 1, compression: 0 });
    expect(outputOptions('avif', 100, 9)).toMatchObject({ format: 'avif', quality: 100, compression: 9 });
    expect(outputOptions('gif')).toMatchObject({ format: 'gif' });
  });

  test.each([
    ['bmp', undefined, 6, '/output/format: unknown output format "bmp" (choose png, jpeg, webp, avif, tiff, gif, dzi)'],
    ['jpeg', 0, 6, '/output/quality: must be a whole number 1–100, got 0'],
    ['jpeg', 101, 6, '/output/quality: must be a whole number 1–100, got 101'],
    ['jpeg', 85.5, 6, '/output/quality: must be a whole number 1–100, got 85.5'],
    ['png', undefined, 10, '/output/compression: must be a whole number 0–9, got 10'],
    ['png', undefined, -1, '/output/compression: must be a whole number 0–9, got -1'],
  ])('outputOptions(%s, %s, %s) is rejected', (format, quality, compression, message) => {
    let err: unknown;
    try {
      outputOptions(format, quality, compression);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('invalid-recipe');
    expect((err as TesseraError).message).toBe(message);
  });
});
