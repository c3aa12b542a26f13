/**
 * HEIC metadata: the EXIF block and XMP of a HEIF file's primary image, read from its boxes
 * (core/heif-meta.ts), checked on files Debian's heif-enc (libheif) makes from JPEGs whose EXIF
 * wasm-vips wrote; and the orientation rewrite that keeps a decoded HEIC from being turned twice.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import exifr from 'exifr';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exifOrientation, exifWithOrientation, heifMetadata } from '../../src/core/heif-meta';
import { createFrame } from '../../src/core/frame';
import { frameToImage } from '../../src/engine/codec';
import { loadVips, type Vips } from '../../src/engine/vips';
import { colordProfile } from './helpers';

let vips: Vips;
const dir = mkdtempSync(join(tmpdir(), 'tessera-heif-meta-'));

/** A JPEG with camera EXIF (make, model, capture date, GPS, `orientation`), by wasm-vips. */
function cameraJpeg(orientation: number): Uint8Array {
  const f = createFrame(24, 16, 3, new ArrayBuffer(24 * 16 * 3));
  f.data.fill(128);
  const base = frameToImage(vips, f);
  const loaded = vips.Image.newFromBuffer(base.jpegsaveBuffer({ Q: 90 }));
  const im = loaded.copy();
  try {
    im.setString('exif-ifd0-Make', 'TestCam');
    im.setString('exif-ifd0-Model', 'Model 7');
    im.setString('exif-ifd2-DateTimeOriginal', '2021:05:06 07:08:09');
    im.setString('exif-ifd3-GPSLatitudeRef', 'N');
    im.setString('exif-ifd3-GPSLatitude', '48/1 51/1 24/1');
    im.setInt('orientation', orientation);
    return im.jpegsaveBuffer({ Q: 90 });
  } finally {
    for (const x of [im, loaded, base]) x.delete();
  }
}

/** heif-enc's HEIC of `jpeg`. */
function heic(jpeg: Uint8Array, name: string): Uint8Array {
  writeFileSync(join(dir, `${name}.jpg`), jpeg);
  execFileSync('heif-enc', ['-q', '80', join(dir, `${name}.jpg`), '-o', join(dir, `${name}.heic`)]);
  return new Uint8Array(readFileSync(join(dir, `${name}.heic`)));
}

beforeAll(async () => {
  ({ vips } = await loadVips());
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('heifMetadata', () => {
  test('finds the EXIF block of the primary image: make, model, capture date and GPS as the JPEG had them', async () => {
    const m = heifMetadata(heic(cameraJpeg(1), 'camera'));
    expect(m.exif).toBeDefined();
    expect(new TextDecoder().decode(m.exif!.subarray(0, 6))).toBe('Exif\0\0');
    const tags = (await exifr.parse(Buffer.from(m.exif!.subarray(6)), { tiff: true, exif: true, gps: true })) as Record<string, unknown>;
    expect(tags.Make).toBe('TestCam');
    expect(tags.Model).toBe('Model 7');
    expect((tags.DateTimeOriginal as Date).toISOString()).toBe('2021-05-06T07:08:09.000Z');
    expect(tags.GPSLatitude).toEqual([48, 51, 24]);
  });

  test("the primary image's ICC profile (colr 'prof'), byte for byte", () => {
    const adobe = colordProfile('AdobeRGB1998.icc');
    const f = createFrame(16, 16, 3, new ArrayBuffer(16 * 16 * 3));
    f.data.fill(90);
    const im = frameToImage(vips, f);
    let jpeg: Uint8Array;
    try {
      im.setBlob('icc-profile-data', adobe);
      jpeg = im.jpegsaveBuffer({ Q: 90 });
    } finally {
      im.delete();
    }
    const m = heifMetadata(heic(jpeg, 'adobe'));
    expect(m.icc).toEqual(new Uint8Array(adobe));
    expect(heifMetadata(heic(cameraJpeg(1), 'no-profile')).icc).toBeUndefined();
  });

  test('a file without metadata, a JPEG, a truncated HEIC: nothing, and no throw', () => {
    const plain = join(dir, 'plain.png');
    execFileSync('vips', ['black', plain, '8', '8']);
    execFileSync('heif-enc', ['-q', '50', plain, '-o', join(dir, 'plain.heic')]);
    expect(heifMetadata(new Uint8Array(readFileSync(join(dir, 'plain.heic'))))).toEqual({});
    expect(heifMetadata(cameraJpeg(1))).toEqual({});
    const whole = heic(cameraJpeg(1), 'cut');
    expect(() => heifMetadata(whole.subarray(0, 200))).not.toThrow();
  });
});

describe('exifWithOrientation', () => {
  test('rewrites IFD0 Orientation in a copy, in either byte order', () => {
    const exif = vips.Image.newFromBuffer(cameraJpeg(6));
    try {
      const block = exif.getBlob('exif-data').slice();
      expect(exifOrientation(block)).toBe(6);
      const upright = exifWithOrientation(block, 1);
      expect(exifOrientation(upright)).toBe(1);
      expect(exifOrientation(block)).toBe(6); // the original is untouched
      expect(upright.length).toBe(block.length);
    } finally {
      exif.delete();
    }
    // Big-endian, by hand: "MM", 42, IFD0 at 8 with one entry Orientation = 8.
    const mm = new Uint8Array([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(exifOrientation(mm)).toBe(8);
    expect(exifOrientation(exifWithOrientation(mm, 1))).toBe(1);
  });

  test('a block without the tag is returned as it is', () => {
    const none = new Uint8Array([0x49, 0x49, 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(exifWithOrientation(none, 1)).toBe(none);
  });
});
