import { beforeAll, describe, expect, test } from 'vitest';
import { createFrame, view, type Frame } from '../../src/core/frame';
import { outputOptions } from '../../src/core/formats';
import { checkInput, decode, decodeImage, decodeInto, encode, frameToImage, imageToFrame, readHeader } from '../../src/engine/codec';
import { loadVips, type Vips } from '../../src/engine/vips';

let vips: Vips;
beforeAll(async () => {
  ({ vips } = await loadVips());
});

function gradient(w: number, h: number, ch: number): Frame {
  const f = createFrame(w, h, ch, new ArrayBuffer(w * h * ch));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) for (let c = 0; c < ch; c++) f.data[(y * w + x) * ch + c] = (x * 3 + y * 5 + c * 60) & 255;
  return f;
}

describe('codec', () => {
  test.each([1, 2, 3, 4])('PNG round trip is lossless for %i channels', (ch) => {
    const f = gradient(37, 21, ch);
    const png = encode(vips, f, outputOptions('png'));
    expect(Array.from(png.subarray(1, 4), (b) => String.fromCharCode(b)).join('')).toBe('PNG');
    const back = decode(vips, png);
    expect([back.width, back.height, back.channels]).toEqual([37, 21, ch]);
    expect(Buffer.from(back.data).equals(Buffer.from(f.data))).toBe(true);
  });

  test.each(['jpeg', 'webp', 'avif'] as const)('%s encodes and decodes to the same size', (fmt) => {
    const f = gradient(64, 40, 3);
    const bytes = encode(vips, f, outputOptions(fmt, 90));
    const back = decode(vips, bytes);
    expect([back.width, back.height, back.channels]).toEqual([64, 40, 3]);
    let diff = 0;
    for (let i = 0; i < f.data.length; i++) diff += Math.abs(back.data[i] - f.data[i]);
    expect(diff / f.data.length).toBeLessThan(12);
  });

  test('JPEG output flattens alpha onto white', () => {
    const f = createFrame(8, 8, 2, new ArrayBuffer(128));
    for (let i = 0; i < 64; i++) {
      f.data[2 * i] = 0;
      f.data[2 * i + 1] = 0;
    }
    const back = decode(vips, encode(vips, f, outputOptions('jpeg', 95)));
    expect(back.channels).toBe(1);
    expect(back.data[27]).toBeGreaterThan(245);
  });

  test('band-wise decodeInto equals a whole decode, with a stride', () => {
    const f = gradient(300, 700, 3);
    const png = encode(vips, f, outputOptions('png', undefined, 1));
    expect(readHeader(vips, png)).toEqual({ width: 300, height: 700, channels: 3 });
    const dst = createFrame(300, 700, 3);
    decodeInto(vips, png, dst, 64);
    expect(Buffer.from(dst.data).equals(Buffer.from(f.data))).toBe(true);
  });

  test('a 16-bit PNG is normalised to 8 bits', () => {
    const raw = vips.Image.newFromMemory(new Uint16Array(16 * 16 * 3).fill(65535), 16, 16, 3, vips.BandFormat.ushort);
    const im = raw.copy({ interpretation: 'rgb16' });
    const png = im.pngsaveBuffer();
    im.delete();
    raw.delete();
    const back = decode(vips, png);
    expect(back.channels).toBe(3);
    expect(back.data[0]).toBe(255);
  });

  test('truncated and empty inputs are named before decoding', () => {
    const jpg = encode(vips, gradient(64, 64, 3), outputOptions('jpeg', 80));
    const cut = jpg.subarray(0, 1204);
    expect(() => checkInput('b.jpg', cut)).toThrow('not a complete JPEG file (truncated at byte 1,204');
    expect(() => checkInput('z.png', new Uint8Array(0))).toThrow('empty file (0 bytes)');
    expect(() => checkInput('x.png', new TextEncoder().encode('<!DOCTYPE html><html>'))).toThrow(/HTML page/);
    expect(() => checkInput('ok.jpg', jpg)).not.toThrow();
  });

  test("a JPEG whose body is garbage fails with the decoder's reason", () => {
    const bad = new Uint8Array(4096);
    for (let i = 0; i < bad.length; i++) bad[i] = (i * 7919) & 255;
    bad.set([0xff, 0xd8, 0xff, 0xe0], 0);
    bad.set([0xff, 0xd9], bad.length - 2);
    expect(() => checkInput('g.jpg', bad)).not.toThrow();
    expect(() => decode(vips, bad)).toThrow(/^cannot decode: /);
  });

  test('frames with padded rows go to vips and back unchanged', () => {
    const big = gradient(40, 30, 3);
    const v = view(big, 5, 4, 20, 10);
    const im = frameToImage(vips, v);
    try {
      expect([im.width, im.height, im.bands, im.interpretation]).toEqual([20, 10, 3, 'srgb']);
      const back = imageToFrame(im);
      expect(back.stride).toBe(60);
      for (let y = 0; y < 10; y++)
        expect(
          Buffer.from(back.data.subarray(y * 60, y * 60 + 60)).equals(Buffer.from(v.data.subarray(y * v.stride, y * v.stride + 60))),
        ).toBe(true);
    } finally {
      im.delete();
    }
  });

  test('decodeImage returns only the header over maxPixels, except for a thumbnail', () => {
    const png = encode(vips, gradient(64, 32, 3), outputOptions('png'));
    expect(decodeImage(vips, png, { maxPixels: 1000 })).toEqual({ width: 64, height: 32, channels: 3 });
    const t = decodeImage(vips, png, { maxPixels: 1000, thumbnail: 16 });
    expect('frame' in t && [t.frame.width, t.frame.height, t.source.orientation]).toEqual([16, 8, 1]);
  });

  test('decodeInto reports the source metadata', () => {
    const png = encode(vips, gradient(30, 20, 3), outputOptions('png'));
    expect(decodeInto(vips, png, createFrame(30, 20, 3))).toEqual({ orientation: 1 });
  });
});
