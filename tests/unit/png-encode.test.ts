import { beforeAll, describe, expect, test } from 'vitest';
import { inflateSync } from 'node:zlib';
import type { Frame } from '../../src/core/frame';
import { outputOptions, validateOutput } from '../../src/core/formats';
import { decode, decodeSource, encodeOutput } from '../../src/engine/codec';
import { fastPngSupports } from '../../src/engine/png-encode';
import { loadVips, type Vips } from '../../src/engine/vips';

let vips: Vips;
beforeAll(async () => {
  ({ vips } = await loadVips());
});

/** A frame with row padding (stride > width × channels), so the encoder must skip it. */
function padded(w: number, h: number, ch: number): Frame {
  const stride = w * ch + 5;
  const out: Frame = { width: w, height: h, channels: ch, stride, data: new Uint8Array(stride * h) };
  out.data.fill(0xee);
  for (let y = 0; y < h; y++) for (let i = 0; i < w * ch; i++) out.data[y * stride + i] = (i * 7 + y * 13) & 255;
  return out;
}

function chunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out = [];
  for (let p = 8; p < png.length;) {
    const len = v.getUint32(p);
    out.push({ type: String.fromCharCode(...png.subarray(p + 4, p + 8)), data: png.subarray(p + 8, p + 8 + len) });
    p += 12 + len;
  }
  return out;
}

describe('PNG through the native zlib (png-encode.ts)', () => {
  test.each([1, 2, 3, 4])('%i channels with padded rows: vips reads back the same pixels', async (ch) => {
    const f = padded(37, 21, ch);
    const png = await encodeOutput(vips, f, outputOptions('png'));
    const back = decode(vips, png);
    expect([back.width, back.height, back.channels]).toEqual([37, 21, ch]);
    for (let y = 0; y < 21; y++)
      expect(Buffer.from(back.data.subarray(y * 37 * ch, (y + 1) * 37 * ch))).toEqual(
        Buffer.from(f.data.subarray(y * f.stride, y * f.stride + 37 * ch)),
      );
    const types = chunks(png).map((c) => c.type);
    expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
    // Each row starts with its filter: None, Sub or Up.
    const raw = inflateSync(chunks(png)[1].data);
    expect(raw.length).toBe(21 * (37 * ch + 1));
    for (let y = 0; y < 21; y++) expect([0, 1, 2]).toContain(raw[y * (37 * ch + 1)]);
  });

  test.each([
    ['noise (stored blocks win)', 600, 500, 3, (i: number) => (Math.imul(i, 2654435761) >>> 13) & 255],
    ['constant (long runs)', 1200, 700, 1, () => 77],
    ['stripes (many blocks, every filter)', 2000, 300, 4, (i: number) => ((i >> 3) % 7) * 30 + (i % 4)],
    ['one pixel', 1, 1, 1, () => 5],
    ['one row', 999, 1, 2, (i: number) => i & 255],
  ] as const)('round trip: %s', async (_name, w, h, ch, px) => {
    const f: Frame = { width: w, height: h, channels: ch, stride: w * ch, data: new Uint8Array(w * h * ch) };
    for (let i = 0; i < f.data.length; i++) f.data[i] = px(i);
    const png = await encodeOutput(vips, f, outputOptions('png'));
    const back = decode(vips, png);
    expect([back.width, back.height, back.channels]).toEqual([w, h, ch]);
    expect(Buffer.from(back.data).equals(Buffer.from(f.data))).toBe(true);
    // zlib itself agrees (Adler-32, block structure), not only vips' decoder.
    expect(inflateSync(chunks(png)[1].data).length).toBe(h * (w * ch + 1));
  });

  test('kept metadata is what vips writes: eXIf (dimensions rewritten) before the image data', async () => {
    const raw = vips.Image.newFromMemory(new Uint8Array(40 * 30 * 3).fill(90), 40, 30, 3, vips.BandFormat.uchar);
    const im = raw.copy({ interpretation: 'srgb' });
    im.setString('exif-ifd0-Artist', 'PNG test');
    const jpeg = im.jpegsaveBuffer({ Q: 90 });
    im.delete();
    raw.delete();
    const { source } = decodeSource(vips, jpeg);
    expect(source.exif).toBeDefined();
    const f = padded(16, 8, 3);
    const png = await encodeOutput(vips, f, outputOptions('png'), source);
    const types = chunks(png).map((c) => c.type);
    expect(types.indexOf('eXIf')).toBeGreaterThan(0);
    expect(types.indexOf('eXIf')).toBeLessThan(types.indexOf('IDAT'));
    const back = vips.Image.newFromBuffer(png);
    try {
      expect(back.getString('exif-ifd0-Artist')).toMatch(/^PNG test/);
      expect(back.getString('exif-ifd2-PixelXDimension')).toMatch(/^16\b/);
    } finally {
      back.delete();
    }
    const stripped = await encodeOutput(vips, f, validateOutput({ format: 'png', metadata: 'strip' }), source);
    expect(chunks(stripped).map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
  });

  test('options it does not cover go to vips', () => {
    expect(fastPngSupports(outputOptions('png'), 3)).toBe(true);
    expect(fastPngSupports(validateOutput({ format: 'png', compression: 9 }), 3)).toBe(false);
    expect(fastPngSupports(validateOutput({ format: 'png', compression: 6 }), 3)).toBe(false);
    expect(outputOptions('png').compression).toBe(1);
    expect(outputOptions('tiff').compression).toBe(6);
    expect(fastPngSupports(validateOutput({ format: 'png', palette: true }), 3)).toBe(false);
    expect(fastPngSupports(validateOutput({ format: 'png', progressive: true }), 3)).toBe(false);
    expect(fastPngSupports(validateOutput({ format: 'png', alpha: 'flatten' }), 4)).toBe(false);
    expect(fastPngSupports(validateOutput({ format: 'png', alpha: 'flatten' }), 3)).toBe(true);
    expect(fastPngSupports(validateOutput({ format: 'webp' }), 3)).toBe(false);
  });
});
