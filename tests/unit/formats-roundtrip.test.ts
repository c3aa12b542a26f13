/**
 * Every output format and option: round trips (size, channels), the options visible in the
 * written file (progressive, subsampling, palette, lossless, compression), and alpha handling.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { createFrame, type Frame } from '../../src/core/frame';
import { validateOutput, type FileFormat, type OutputOptions } from '../../src/core/formats';
import { backgroundFor, decode, encode } from '../../src/engine/codec';
import { loadVips, type Vips } from '../../src/engine/vips';
import { mulberry32 } from './helpers';

let vips: Vips;
beforeAll(async () => {
  ({ vips } = await loadVips());
});

/** Smooth colour with mild noise and a varying alpha: compresses like a photo. */
function image(w: number, h: number, ch: number, seed = 1): Frame {
  const rnd = mulberry32(seed);
  const f = createFrame(w, h, ch, new ArrayBuffer(w * h * ch));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < ch; c++) {
        const alpha = (ch === 2 && c === 1) || (ch === 4 && c === 3);
        f.data[(y * w + x) * ch + c] = alpha ? 128 + (((x * 127) / w) | 0) : Math.min(255, Math.floor(30 + x + y + c * 40 + rnd() * 6));
      }
  return f;
}

function out(format: FileFormat, extra: Partial<OutputOptions> = {}): OutputOptions {
  return validateOutput({ format, ...extra });
}

/** Opens encoded bytes with vips and hands the image to `fn`, deleting it after. */
function inspect<T>(bytes: Uint8Array, fn: (im: InstanceType<Vips['Image']>) => T): T {
  const im = vips.Image.newFromBuffer(bytes);
  try {
    return fn(im);
  } finally {
    im.delete();
  }
}

function maxDiff(a: Frame, b: Frame): number {
  let d = 0;
  for (let i = 0; i < a.data.length; i++) d = Math.max(d, Math.abs(a.data[i] - b.data[i]));
  return d;
}

function meanDiff(a: Frame, b: Frame, channels = a.channels): number {
  let d = 0,
    n = 0;
  for (let i = 0; i < a.width * a.height; i++)
    for (let c = 0; c < channels; c++, n++) d += Math.abs(a.data[i * a.channels + c] - b.data[i * b.channels + c]);
  return d / n;
}

// Channels each format gives back for 1, 2, 3, 4 channels in (decoded and normalised).
const CHANNELS: Record<FileFormat, [number, number, number, number]> = {
  png: [1, 2, 3, 4],
  tiff: [1, 2, 3, 4],
  jpeg: [1, 1, 3, 3], // alpha flattened
  webp: [3, 4, 3, 4], // WebP is always RGB(A)
  avif: [3, 4, 3, 4], // so is AVIF as libheif writes it
  gif: [0, 0, 0, 0], // RGB, or RGBA when the file has a transparent index (vips decides by content)
};

describe.each(Object.keys(CHANNELS) as FileFormat[])('%s', (format) => {
  test.each([1, 2, 3, 4])('round trip keeps the size (%i channels in)', (ch) => {
    const f = image(67, 45, ch, ch);
    const bytes = encode(vips, f, out(format));
    const back = decode(vips, bytes);
    expect([back.width, back.height]).toEqual([67, 45]);
    if (format === 'gif') expect([3, 4]).toContain(back.channels);
    else expect(back.channels).toBe(CHANNELS[format][ch - 1]);
    if (format === 'png' || format === 'tiff') expect(maxDiff(back, f)).toBe(0);
    else if (ch === 3 || (ch === 4 && format !== 'jpeg')) expect(meanDiff(back, f, 3)).toBeLessThan(format === 'gif' ? 8 : 4);
  });
});

describe('JPEG options', () => {
  test('progressive shows as vips "interlaced"; baseline does not', () => {
    const f = image(64, 48, 3);
    expect(
      inspect(encode(vips, f, out('jpeg', { progressive: true })), (im) => im.getTypeof('interlaced') && im.getInt('interlaced')),
    ).toBe(1);
    expect(inspect(encode(vips, f, out('jpeg')), (im) => im.getTypeof('interlaced'))).toBe(0);
  });

  test('subsampling 4:2:0 / 4:4:4 / auto (4:4:4 from quality 90)', () => {
    const f = image(64, 48, 3);
    const sub = (o: Partial<OutputOptions>) => inspect(encode(vips, f, out('jpeg', o)), (im) => im.getString('jpeg-chroma-subsample'));
    expect(sub({ subsampling: '4:2:0', quality: 95 })).toBe('4:2:0');
    expect(sub({ subsampling: '4:4:4', quality: 50 })).toBe('4:4:4');
    expect(sub({ subsampling: 'auto', quality: 80 })).toBe('4:2:0');
    expect(sub({ subsampling: 'auto', quality: 95 })).toBe('4:4:4');
  });

  test('quality changes the size', () => {
    const f = image(128, 96, 3);
    expect(encode(vips, f, out('jpeg', { quality: 30 })).length).toBeLessThan(encode(vips, f, out('jpeg', { quality: 95 })).length);
  });
});

describe('PNG options', () => {
  test('palette: smaller, 8-bit palette, close to the original', () => {
    const f = image(128, 96, 3);
    const full = encode(vips, f, out('png'));
    const pal = encode(vips, f, out('png', { palette: true }));
    expect(pal.length).toBeLessThan(full.length);
    expect(inspect(pal, (im) => [im.getTypeof('palette') ? im.getInt('palette') : 0, im.getInt('bits-per-sample')])).toEqual([1, 8]);
    expect(inspect(full, (im) => im.getTypeof('palette'))).toBe(0);
    expect(meanDiff(decode(vips, pal), f)).toBeLessThan(4);
  });

  test('palette keeps alpha', () => {
    const back = decode(vips, encode(vips, image(40, 30, 4), out('png', { palette: true })));
    expect(back.channels).toBe(4);
  });

  test('interlace (Adam7) and compression levels', () => {
    const f = image(128, 96, 3);
    expect(inspect(encode(vips, f, out('png', { progressive: true })), (im) => im.getInt('interlaced'))).toBe(1);
    expect(encode(vips, f, out('png', { compression: 0 })).length).toBeGreaterThan(encode(vips, f, out('png', { compression: 9 })).length);
  });
});

describe('WebP and AVIF options', () => {
  test('WebP lossless is exact; lossy is not; effort 0 and 9 both work', () => {
    const f = image(64, 48, 4);
    expect(maxDiff(decode(vips, encode(vips, f, out('webp', { lossless: true }))), f)).toBe(0);
    expect(maxDiff(decode(vips, encode(vips, f, out('webp', { quality: 50 }))), f)).toBeGreaterThan(0);
    for (const effort of [0, 9]) expect(decode(vips, encode(vips, f, out('webp', { effort }))).width).toBe(64);
  });

  test('AVIF lossless is exact; quality changes the size; effort 0 works', () => {
    const f = image(64, 48, 3);
    expect(maxDiff(decode(vips, encode(vips, f, out('avif', { lossless: true }))), f)).toBe(0);
    expect(encode(vips, f, out('avif', { quality: 20 })).length).toBeLessThan(encode(vips, f, out('avif', { quality: 90 })).length);
    expect(decode(vips, encode(vips, f, out('avif', { effort: 0, subsampling: '4:4:4' }))).width).toBe(64);
  });
});

describe('TIFF and GIF options', () => {
  test('TIFF: deflate by default, compression 0 writes it uncompressed; both lossless', () => {
    const f = image(128, 96, 3);
    const deflate = encode(vips, f, out('tiff'));
    const none = encode(vips, f, out('tiff', { compression: 0 }));
    expect(none.length).toBeGreaterThan(128 * 96 * 3);
    expect(deflate.length).toBeLessThan(none.length);
    expect(maxDiff(decode(vips, deflate), f)).toBe(0);
    expect(maxDiff(decode(vips, none), f)).toBe(0);
  });

  test('GIF: palette image, interlace option, binary transparency kept', () => {
    const f = createFrame(20, 10, 4, new ArrayBuffer(800));
    for (let i = 0; i < 200; i++) f.data.set(i % 20 < 10 ? [255, 0, 0, 255] : [0, 0, 255, 0], i * 4);
    const gif = encode(vips, f, out('gif', { progressive: true }));
    expect(String.fromCharCode(...gif.subarray(0, 6))).toBe('GIF89a');
    const back = decode(vips, gif);
    expect(Array.from(back.data.subarray(0, 4))).toEqual([255, 0, 0, 255]);
    expect(back.data[15 * 4 + 3]).toBe(0);
    const flat = decode(vips, encode(vips, f, out('gif', { alpha: 'flatten', background: '#00ff00' })));
    expect(Array.from(flat.data.subarray(15 * 4, 15 * 4 + 4))).toEqual([0, 255, 0, 255]);
  });
});

describe('alpha', () => {
  /** Left half opaque red, right half fully transparent. */
  function halfTransparent(ch: 2 | 4): Frame {
    const f = createFrame(16, 8, ch, new ArrayBuffer(16 * 8 * ch));
    for (let i = 0; i < 128; i++)
      f.data.set(ch === 4 ? (i % 16 < 8 ? [255, 0, 0, 255] : [255, 0, 0, 0]) : i % 16 < 8 ? [200, 255] : [200, 0], i * ch);
    return f;
  }

  test.each(['png', 'webp', 'tiff', 'avif'] as const)('%s: flatten composites onto the background', (format) => {
    const back = decode(vips, encode(vips, halfTransparent(4), out(format, { alpha: 'flatten', background: '#2040ff', lossless: true })));
    expect(back.channels).toBe(3);
    expect(Array.from(back.data.subarray(0, 3))).toEqual([255, 0, 0]);
    expect(Array.from(back.data.subarray(12 * 3, 12 * 3 + 3))).toEqual([0x20, 0x40, 0xff]);
  });

  test("gray + alpha flattens onto the background's luma", () => {
    const back = decode(vips, encode(vips, halfTransparent(2), out('png', { alpha: 'flatten', background: '#2040ff' })));
    expect(back.channels).toBe(1);
    expect(back.data[0]).toBe(200);
    expect(back.data[12]).toBe(backgroundFor('#2040ff', 1)[0]);
    expect(backgroundFor('#2040ff', 1)).toEqual([Math.round((299 * 0x20 + 587 * 0x40 + 114 * 0xff) / 1000)]);
  });

  test('keep leaves alpha in formats that have it', () => {
    for (const format of ['png', 'webp', 'tiff', 'avif'] as const) {
      const back = decode(vips, encode(vips, halfTransparent(4), out(format, { lossless: true })));
      expect(back.channels, format).toBe(4);
      expect(back.data[12 * 4 + 3], format).toBe(0);
    }
  });

  test('JPEG always flattens, onto the chosen background', () => {
    const back = decode(vips, encode(vips, halfTransparent(4), out('jpeg', { quality: 100, background: '#000000' })));
    expect(back.channels).toBe(3);
    expect(back.data[12 * 3]).toBeLessThan(8);
    expect(back.data[0]).toBeGreaterThan(245);
  });
});
