/**
 * JPEG YCbCr → RGB: the SIMD WebAssembly conversion equals the TypeScript one (kernels/ycc.ts)
 * on every chroma layout, odd sizes and extreme values; and the TypeScript one follows libjpeg's
 * arithmetic on hand-checked samples. (That both equal libjpeg-turbo's own decode is checked in
 * the browser, tests/browser/native-codecs.test.mjs, where the decoder's planes exist.)
 */
import { describe, expect, test } from 'vitest';
import { createFrame } from '../../src/core/frame';
import { fancyUpsamples, yccToRgb, type PlaneLayout, type Subsampling } from '../../src/engine/kernels/ycc';
import { wasmYccAvailable, yccToRgbWasm } from '../../src/engine/kernels/ycc-wasm';
import { mulberry32 } from './helpers';

function planes(w: number, h: number, sub: Subsampling, seed: number, extreme = false) {
  const cw = Math.ceil(w / sub.h),
    ch = Math.ceil(h / sub.v);
  // Padded strides, as decoders may give.
  const ys = w + 3,
    cs = cw + 5;
  const size = ys * h + 2 * cs * ch;
  const buf = new Uint8Array(size);
  const rnd = mulberry32(seed);
  for (let i = 0; i < size; i++) buf[i] = extreme ? (rnd() < 0.5 ? 0 : 255) : Math.floor(rnd() * 256);
  const layout: PlaneLayout[] = [
    { offset: 0, stride: ys },
    { offset: ys * h, stride: cs },
    { offset: ys * h + cs * ch, stride: cs },
  ];
  return { buf, layout, size };
}

const SUBS: [string, Subsampling][] = [
  ['4:2:0', { h: 2, v: 2 }],
  ['4:2:2', { h: 2, v: 1 }],
  ['4:4:4', { h: 1, v: 1 }],
];

describe('YCbCr → RGB', () => {
  test('WebAssembly SIMD is available in Node', () => expect(wasmYccAvailable()).toBe(true));

  test('chroma 2 samples wide or less is not fancy-upsampled by libjpeg (callers use vips)', () => {
    expect(fancyUpsamples(4, { h: 2, v: 2 })).toBe(false);
    expect(fancyUpsamples(5, { h: 2, v: 1 })).toBe(true);
    expect(fancyUpsamples(1, { h: 1, v: 1 })).toBe(true);
  });

  for (const [label, sub] of SUBS) {
    const sizes = [
      [5, 3],
      [16, 1],
      [17, 9],
      [33, 31],
      [517, 389],
      [1, 7],
    ].filter(([w]) => fancyUpsamples(w, sub));
    test.each(sizes)(`${label} %i×%i: wasm ≡ TypeScript`, async (w, h) => {
      for (const extreme of [false, true]) {
        const { buf, layout, size } = planes(w, h, sub, w * 31 + h, extreme);
        const ref = createFrame(w, h, 3);
        yccToRgb(buf, layout, w, h, sub, ref);
        const got = await yccToRgbWasm(size, w, h, sub, (dst) => {
          dst.set(buf);
          return Promise.resolve(layout);
        });
        expect(Buffer.from(got.data).equals(Buffer.from(ref.data))).toBe(true);
      }
    });
  }

  test('libjpeg arithmetic on hand-checked pixels (4:4:4)', () => {
    // Y, Cb, Cr → R, G, B per jdcolor.c, worked by hand: (128,128,128) → gray; (0,255,255) →
    // R (91881·127 + 32768) >> 16 = 178, G −134 → 0, B 225; (255,0,0) → 76, 390 → 255, 28.
    const buf = new Uint8Array([128, 0, 255, 76, 128, 255, 0, 85, 128, 255, 0, 255]);
    const layout: PlaneLayout[] = [
      { offset: 0, stride: 4 },
      { offset: 4, stride: 4 },
      { offset: 8, stride: 4 },
    ];
    const out = createFrame(4, 1, 3);
    yccToRgb(buf, layout, 4, 1, { h: 1, v: 1 }, out);
    // (76, 85, 255), JFIF's pure red: R = 76 + 178 = 254, G = 76 + (−4941264 >> 16 = −76) = 0, B = 76 − 76 = 0.
    expect(Array.from(out.data)).toEqual([128, 128, 128, 178, 0, 225, 76, 255, 28, 254, 0, 0]);
  });
});

describe('jpegSize (frame header, no decode)', () => {
  test('baseline and progressive JPEGs; garbage gives undefined', async () => {
    const { loadVips } = await import('../../src/engine/vips');
    const { jpegSize } = await import('../../src/engine/browser-jpeg');
    const { vips } = await loadVips();
    const raw = vips.Image.newFromMemory(new Uint8Array(77 * 33 * 3).fill(120), 77, 33, 3, vips.BandFormat.uchar);
    try {
      expect(jpegSize(raw.jpegsaveBuffer({ Q: 80 }))).toEqual({ width: 77, height: 33 });
      expect(jpegSize(raw.jpegsaveBuffer({ Q: 80, interlace: true }))).toEqual({ width: 77, height: 33 });
    } finally {
      raw.delete();
    }
    expect(jpegSize(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 2, 1, 2, 3, 4, 5, 6]))).toBeUndefined();
    expect(jpegSize(new Uint8Array(40))).toBeUndefined();
  });
});
