/**
 * What a person reads when libvips fails: its own words, never "[object WebAssembly.Exception]",
 * and never another file's warnings left in libvips' error buffer.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { messageOf, TesseraError } from '../../src/core/errors';
import { sniff } from '../../src/core/sniff';
import { decodeSource, encode } from '../../src/engine/codec';
import { createFrame } from '../../src/core/frame';
import { outputOptions } from '../../src/core/formats';
import { loadVips, vipsMessage, type Vips } from '../../src/engine/vips';

let vips: Vips;
beforeAll(async () => {
  ({ vips } = await loadVips());
});

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

function jpeg(): Uint8Array {
  const w = 64,
    h = 48;
  const rgb = new Uint8Array(w * h * 3).map((_, i) => (i * 13) & 255);
  const im = vips.Image.newFromMemory(rgb, w, h, 3, vips.BandFormat.uchar);
  try {
    return im.jpegsaveBuffer({ Q: 90 }).slice();
  } finally {
    im.delete();
  }
}

describe('vipsMessage', () => {
  test('reads the text of a real wasm-vips exception: specific lines, each once, no class prefix', () => {
    const e = thrown(() => vips.Image.newFromBuffer(new Uint8Array(16)));
    expect(String(e)).toBe('[object WebAssembly.Exception]'); // what users used to see
    expect(vipsMessage(e)).toBe('buffer is not in a known format');
    expect(messageOf(e)).toContain('buffer is not in a known format');
  });

  test('keeps up to three distinct lines and drops the generic wrapper', () => {
    const e = {
      message: [
        'vips::Error',
        'unable to call VipsForeignLoadJpegBuffer\nVipsJpeg: premature end of JPEG image\nVipsJpeg: JPEG datastream contains no image\nVipsJpeg: premature end of JPEG image\n',
      ],
    };
    expect(vipsMessage(e)).toBe('premature end of JPEG image; JPEG datastream contains no image');
    expect(vipsMessage(new Error('VipsForeignLoad: buffer is not in a known format'))).toBe('buffer is not in a known format');
    expect(
      vipsMessage(new Error('unable to call VipsForeignLoadTiffBuffer\ntiff2vips: Read error at scanline 9; got 0 bytes, expected 1200')),
    ).toBe('Read error at scanline 9; got 0 bytes, expected 1200');
    expect(vipsMessage(new Error('gifload_buffer: Invalid frame data'))).toBe('Invalid frame data');
    expect(vipsMessage(new Error('unable to write to memory\n'))).toBe('the image data is damaged (decoding stopped part-way)');
  });

  test('a wrapper line alone is put in words', () => {
    expect(vipsMessage({ message: ['vips::Error', 'unable to call VipsForeignLoadPngBuffer\n'] })).toBe(
      "the PNG data is damaged (libvips' PNG loader stopped without a reason)",
    );
    expect(vipsMessage({ message: ['vips::Error', 'unable to call VipsForeignSaveGifBuffer\n'] })).toBe(
      "libvips' GIF writer failed without a reason",
    );
  });
});

describe('decode and encode errors', () => {
  test('a damaged JPEG says what libjpeg said', () => {
    const bytes = jpeg();
    bytes.fill(0, 20, 200); // quantisation tables and frame header gone; SOI and EOI intact
    const e = thrown(() => decodeSource(vips, bytes));
    expect(e).toBeInstanceOf(TesseraError);
    expect((e as TesseraError).code).toBe('decode-failed');
    expect((e as TesseraError).message).toMatch(/^cannot decode: [A-Za-z]/);
    expect((e as TesseraError).message).not.toMatch(/object|Exception/);
  });

  test('a failure does not quote the warnings of earlier calls that succeeded', () => {
    // A JPEG cut short inside its entropy data (but with its end marker) decodes: libjpeg warns
    // and fills in grey, leaving "Corrupt JPEG data" in libvips' error buffer.
    const j = jpeg();
    const cut = new Uint8Array([...j.subarray(0, Math.floor(j.length * 0.6)), 0xff, 0xd9]);
    expect(decodeSource(vips, cut).frame.width).toBe(64);
    const e = thrown(() => decodeSource(vips, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Uint8Array(40)])));
    expect((e as Error).message).not.toMatch(/JPEG/);
    expect((e as Error).message).toMatch(/^cannot decode: /);
  });

  test('an encoder failure names the format and what vips said', () => {
    const huge = createFrame(70000, 1, 3); // WebP's limit is 16383 px a side
    const e = thrown(() => encode(vips, huge, outputOptions('webp')));
    expect((e as TesseraError).code).toBe('encode-failed');
    expect((e as Error).message).toMatch(/^cannot encode WEBP: [a-z]/i);
    expect((e as Error).message).not.toMatch(/object|Exception/);
  });
});

describe('formats Tessera recognises but cannot read yet', () => {
  const head = (bytes: number[]) => new Uint8Array([...bytes, ...new Uint8Array(64 - bytes.length)]);
  const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
  const box = (brands: string) => [0, 0, 0, 8 + brands.length, ...ascii('ftyp'), ...ascii(brands)];

  test('BMP, JPEG XL and HEIC have no problem before decoding: helpers read them', () => {
    expect(sniff('scan.bmp', 100, head(ascii('BM')), new Uint8Array(0)).problem).toBeUndefined();
    expect(sniff('x.jxl', 100, head([0xff, 0x0a]), new Uint8Array(0)).problem).toBeUndefined();
    expect(sniff('IMG_0001.HEIC', 900, head(box('heic\0\0\0\0mif1heicmiaf')), new Uint8Array(0))).toEqual({ kind: 'heic' });
  });
});
