/**
 * Selective metadata on real photos (the face-api samples carry GPS): 'no-location' takes GPS
 * out and keeps capture date, camera and copyright; a copyright / artist line is written with
 * any setting; read back with exifr, as other software would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import exifr from 'exifr';
import { beforeAll, describe, expect, test } from 'vitest';
import { validateOutput, type FileFormat, type OutputOptions } from '../../src/core/formats';
import { processImage } from '../../src/engine/image-task';
import { loadVips, type Vips } from '../../src/engine/vips';

let vips: Vips;
beforeAll(async () => {
  ({ vips } = await loadVips());
});

const photo = new Uint8Array(readFileSync(join(__dirname, '../../.tmp/face-samples/sample1.jpg')));

async function encoded(format: FileFormat, o: Partial<OutputOptions>): Promise<Uint8Array> {
  const res = await processImage(vips, {
    file: new Blob([]),
    bytes: photo.slice().buffer,
    name: 'sample1.jpg',
    steps: [],
    output: validateOutput({ format, ...o }),
    maxPixels: Infinity,
  });
  if (res.kind !== 'done') throw new Error('expected done');
  return res.bytes;
}

/** The EXIF tags an independent reader (exifr) finds in a JPEG. */
async function run(format: 'jpeg' | 'png', o: Partial<OutputOptions>): Promise<Record<string, unknown>> {
  const bytes = await encoded(format, o);
  return ((await exifr.parse(Buffer.from(bytes), { gps: true, tiff: true, exif: true })) as Record<string, unknown> | undefined) ?? {};
}

/** EXIF fields as libvips reads them back ("exif-ifd0-Make" → its value), for formats exifr does not read. */
async function vipsFields(format: FileFormat, o: Partial<OutputOptions>): Promise<Record<string, string>> {
  const im = vips.Image.newFromBuffer(await encoded(format, o));
  try {
    const names = im.getFields();
    const out: Record<string, string> = {};
    for (let i = 0; i < names.size(); i++) {
      const n = names.get(i);
      if (n?.startsWith('exif-ifd')) out[n] = im.getString(n).split(' (')[0].trim();
    }
    names.delete();
    return out;
  } finally {
    im.delete();
  }
}

describe('selective metadata', () => {
  test('the sample photo has GPS, a capture date and a camera', async () => {
    const t = (await exifr.parse(Buffer.from(photo), { gps: true })) as Record<string, unknown>;
    expect(t.latitude).toBeTypeOf('number');
    expect(t.Make).toBeTruthy();
  });

  test.each(['jpeg', 'png'] as const)('%s: no-location drops GPS, keeps date and camera, adds the copyright', async (format) => {
    const t = await run(format, { metadata: 'no-location', copyright: '© 2026 Jane Doe', artist: 'Jane Doe' });
    expect(Object.keys(t).filter((k) => /^GPS|latitude|longitude/.test(k))).toEqual([]);
    expect(t.DateTimeOriginal).toBeInstanceOf(Date);
    expect(t.Make).toBeTruthy();
    expect(t.Copyright).toBe('(C) 2026 Jane Doe');
    expect(t.Artist).toBe('Jane Doe');
  });

  test.each(['webp', 'avif', 'jpeg'] as const)('%s, read back by libvips: the same', async (format) => {
    const f = await vipsFields(format, { metadata: 'no-location', copyright: 'Jane' });
    expect(Object.keys(f).filter((k) => k.startsWith('exif-ifd3-'))).toEqual([]);
    expect(f['exif-ifd2-DateTimeOriginal']).toBe('2017:10:31 20:16:18');
    expect(f['exif-ifd0-Make']).toBeTruthy();
    expect(f['exif-ifd0-Copyright']).toBe('Jane');
    expect(Object.keys(await vipsFields(format, { metadata: 'keep' })).some((k) => k.startsWith('exif-ifd3-GPSLatitude'))).toBe(true);
  });

  test('keep keeps GPS; strip writes nothing but the copyright asked for', async () => {
    expect((await run('jpeg', { metadata: 'keep' })).latitude).toBeTypeOf('number');
    const stripped = await run('jpeg', { metadata: 'strip', copyright: 'Jane' });
    expect(stripped.Copyright).toBe('Jane');
    expect(stripped.Make).toBeUndefined();
    expect(stripped.DateTimeOriginal).toBeUndefined();
    expect(stripped.latitude).toBeUndefined();
    expect(await run('jpeg', { metadata: 'strip' })).toEqual({});
  });
});
