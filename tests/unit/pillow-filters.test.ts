/**
 * The Pillow filter set, intensity and unsharp mask against a plain, independent reference
 * written from Pillow's algorithm (libImaging/Filter.c): every pixel evaluated in float32 in
 * Pillow's order with Math.fround — no integer shortcut — and reflect-101 borders.
 */
import { describe, expect, test } from 'vitest';
import { ENGINE_OPS } from '../../src/engine/run-steps';
import { firstDiff, fromFrame, mulberry32, photoLikeImage, randomImage, runOnImage, runOnViews } from './helpers';
import { clip255, reflect101, refGaussianBlur, refSharpen, roundHalfEvenFloat, type RefImage } from './reference';

/** PIL/ImageFilter.py filterargs, copied literally: (size, scale, offset, kernel). */
const PIL_FILTERS: Record<string, [number, number, number, number[]]> = {
  blur: [5, 16, 0, [1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]],
  contour: [3, 1, 255, [-1, -1, -1, -1, 8, -1, -1, -1, -1]],
  detail: [3, 6, 0, [0, -1, 0, -1, 10, -1, 0, -1, 0]],
  'edge-enhance': [3, 2, 0, [-1, -1, -1, -1, 10, -1, -1, -1, -1]],
  'edge-enhance-more': [3, 1, 0, [-1, -1, -1, -1, 9, -1, -1, -1, -1]],
  emboss: [3, 1, 128, [-1, 0, 0, 0, 1, 0, 0, 0, 0]],
  'find-edges': [3, 1, 0, [-1, -1, -1, -1, 8, -1, -1, -1, -1]],
  smooth: [3, 13, 0, [1, 1, 1, 1, 5, 1, 1, 1, 1]],
  'smooth-more': [5, 100, 0, [1, 1, 1, 1, 1, 1, 5, 5, 5, 1, 1, 5, 44, 5, 1, 1, 5, 5, 5, 1, 1, 1, 1, 1, 1]],
};

/**
 * Pillow, per pixel: ss = f32(offset + 0.5); for kernel row j (applied to image row y + r − j),
 * ss += f32(Σ_i f32(p · f32(k/scale))) summed left to right; byte = trunc(clamp(ss, 0, 255)).
 */
function refPillowFilter(img: RefImage, name: string): RefImage {
  const [size, scale, offset, k] = PIL_FILTERS[name];
  const fr = Math.fround;
  const wts = k.map((v) => fr(v / scale));
  const r = (size - 1) / 2;
  const { width: w, height: h, channels: ch } = img;
  const colours = ch === 2 || ch === 4 ? ch - 1 : ch;
  const out = img.data.slice();
  const at = (x: number, y: number, c: number) => img.data[(reflect101(y, h) * w + reflect101(x, w)) * ch + c];
  for (let c = 0; c < colours; c++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let ss = fr(offset + 0.5);
        for (let j = 0; j < size; j++) {
          let row = 0;
          for (let i = 0; i < size; i++) {
            const term = fr(at(x + i - r, y + r - j, c) * wts[j * size + i]);
            row = i === 0 ? term : fr(row + term);
          }
          ss = fr(ss + row);
        }
        out[(y * w + x) * ch + c] = ss <= 0 ? 0 : ss >= 255 ? 255 : Math.trunc(ss);
      }
  return { width: w, height: h, channels: ch, data: out };
}

function refBlend(input: RefImage, filtered: RefImage, t: number): RefImage {
  const { channels: ch } = input;
  const colours = ch === 2 || ch === 4 ? ch - 1 : ch;
  const data = filtered.data.slice();
  for (let i = 0; i < data.length; i++)
    if (i % ch < colours) data[i] = roundHalfEvenFloat(input.data[i] + (filtered.data[i] - input.data[i]) * t);
  return { ...input, data };
}

/** Runs one op with its defaults filled in (as a validated recipe would). */
const engine = (img: RefImage, op: string, params: Record<string, number> = {}) => runOnImage(img, op, params);

const SIZES: ReadonlyArray<[number, number]> = [
  [1, 1],
  [1, 7],
  [7, 1],
  [2, 2],
  [3, 2],
  [4, 5],
  [13, 5],
  [64, 48],
  [101, 67],
];

describe.each(Object.keys(PIL_FILTERS))('%s equals the float32 Pillow reference', (name) => {
  let seed = name.length * 1000;
  for (const [w, h] of SIZES)
    for (const ch of [1, 2, 3, 4])
      test(`${w}×${h}×${ch} random`, async () => {
        const img = randomImage(w, h, ch, seed++);
        expect(firstDiff(await engine(img, name), refPillowFilter(img, name))).toBeNull();
      });

  test('photo-like 160×120×3', async () => {
    const img = photoLikeImage(160, 120, 3, 77);
    expect(firstDiff(await engine(img, name), refPillowFilter(img, name))).toBeNull();
  });
});

describe('exact .5 ties decided by Pillow’s float32 arithmetic', () => {
  // On random data about a sixth of DETAIL's unclipped pixels are exact ties S ≡ 3 (mod 6), and
  // Pillow's float32 rounds a good share of those down: half-up alone would miss them.
  test.each(['detail', 'smooth-more'])('%s: many ties, some rounded down by Pillow, all matched', async (name) => {
    const img = randomImage(200, 150, 1, 4242);
    const [size, scale, offset, k] = PIL_FILTERS[name];
    const r = (size - 1) / 2;
    let ties = 0,
      down = 0;
    const want = refPillowFilter(img, name);
    for (let y = 0; y < img.height; y++)
      for (let x = 0; x < img.width; x++) {
        let s = offset * scale;
        for (let j = 0; j < size; j++)
          for (let i = 0; i < size; i++)
            s += k[j * size + i] * img.data[reflect101(y + r - j, img.height) * img.width + reflect101(x + i - r, img.width)];
        const q = Math.floor(s / scale);
        if (2 * (s - q * scale) === scale && q >= 0 && q < 255) {
          ties++;
          if (want.data[y * img.width + x] === q) down++;
        }
      }
    expect(ties).toBeGreaterThan(name === 'detail' ? 2000 : 200);
    expect(down).toBeGreaterThan(0);
    expect(down).toBeLessThan(ties);
    expect(firstDiff(await engine(img, name), want)).toBeNull();
  });
});

describe('hand-checked Pillow kernels', () => {
  test('emboss: out = 128 + p(x, y) − p(x−1, y+1) (Pillow applies its first row below)', async () => {
    // A 5×5 gray field of 100 with one 160 at (1, 3): it is the lower-left neighbour of (2, 2).
    const data = new Uint8Array(25).fill(100);
    data[3 * 5 + 1] = 160;
    const got = await engine({ width: 5, height: 5, channels: 1, data }, 'emboss');
    expect(got.data[2 * 5 + 2]).toBe(128 - 60);
    expect(got.data[3 * 5 + 1]).toBe(128 + 60);
    expect(got.data[1 * 5 + 1]).toBe(128);
  });

  test('edge-enhance: ties (S/2 = x.5) round up, as Pillow', async () => {
    // Centre 101, neighbours all 100: (1010 − 800) / 2 = 105 exactly; centre 100 with one
    // neighbour 101: (1000 − 801) / 2 = 99.5 -> 100.
    const flat = new Uint8Array(9).fill(100);
    flat[4] = 101;
    expect((await engine({ width: 3, height: 3, channels: 1, data: flat }, 'edge-enhance')).data[4]).toBe(105);
    const tie = new Uint8Array(9).fill(100);
    tie[0] = 101;
    expect((await engine({ width: 3, height: 3, channels: 1, data: tie }, 'edge-enhance')).data[4]).toBe(100);
  });

  test('contour of a constant image is white, find-edges black, blurs the constant', async () => {
    const img: RefImage = { width: 9, height: 7, channels: 2, data: new Uint8Array(126).fill(137) };
    expect(new Set((await engine(img, 'contour')).data.filter((_, i) => i % 2 === 0))).toEqual(new Set([255]));
    expect(new Set((await engine(img, 'find-edges')).data.filter((_, i) => i % 2 === 0))).toEqual(new Set([0]));
    for (const op of ['blur', 'smooth', 'smooth-more', 'detail', 'edge-enhance', 'edge-enhance-more', 'sharpen'])
      expect(new Set((await engine(img, op)).data), op).toEqual(new Set([137]));
  });
});

describe('intensity', () => {
  const ops = [...Object.keys(PIL_FILTERS), 'sharpen'];

  test.each(ops)('%s: 0 is the identity, 1 the filter, 0.5 the rounded blend', async (op) => {
    const img = photoLikeImage(37, 23, 4, 9);
    const full = op === 'sharpen' ? refSharpen(img) : refPillowFilter(img, op);
    expect(firstDiff(await engine(img, op, { intensity: 0 }), img)).toBeNull();
    expect(firstDiff(await engine(img, op, { intensity: 1 }), full)).toBeNull();
    expect(firstDiff(await engine(img, op), full)).toBeNull();
    for (const t of [0.5, 0.25, 0.8])
      expect(firstDiff(await engine(img, op, { intensity: t }), refBlend(img, full, t)), `t=${t}`).toBeNull();
  });

  test('0.5 blend ties go to even', async () => {
    // Contour of a constant image is 255 everywhere. v = 10, f = 255: 10 + 245·0.5 = 132.5 -> 132.
    const img: RefImage = { width: 3, height: 1, channels: 1, data: Uint8Array.from([10, 10, 10]) };
    const got = await engine(img, 'contour', { intensity: 0.5 });
    expect(Array.from(got.data)).toEqual([132, 132, 132]);
    const odd: RefImage = { width: 1, height: 1, channels: 1, data: Uint8Array.from([12]) };
    // 12 + 243·0.5 = 133.5 -> 134 (even).
    expect(Array.from((await engine(odd, 'contour', { intensity: 0.5 })).data)).toEqual([134]);
  });

  test('sharpen at intensity 1 is byte-identical to the seed definition', async () => {
    for (const ch of [1, 2, 3, 4]) {
      const img = randomImage(57, 31, ch, 300 + ch);
      expect(firstDiff(await engine(img, 'sharpen', { intensity: 1 }), refSharpen(img))).toBeNull();
    }
  });
});

function refUnsharp(img: RefImage, sigma: number, amount: number, threshold: number): RefImage {
  const blurred = refGaussianBlur(img, sigma);
  const ch = img.channels;
  const colours = ch === 2 || ch === 4 ? ch - 1 : ch;
  const data = img.data.slice();
  for (let i = 0; i < data.length; i++) {
    if (i % ch >= colours) continue;
    const d = img.data[i] - blurred.data[i];
    data[i] = Math.abs(d) >= threshold ? clip255(roundHalfEvenFloat(img.data[i] + amount * d)) : img.data[i];
  }
  return { ...img, data };
}

describe('unsharp-mask', () => {
  const cases = [
    { sigma: 1, amount: 1, threshold: 0 },
    { sigma: 0.5, amount: 2.5, threshold: 0 },
    { sigma: 2.2, amount: 0.7, threshold: 6 },
    { sigma: 0.1, amount: 5, threshold: 0 },
  ];
  test.each(cases)('equals v + amount·(v − gaussian) %o', async (p) => {
    for (const ch of [1, 3, 4]) {
      const img = photoLikeImage(45, 33, ch, 17 + ch);
      expect(firstDiff(await engine(img, 'unsharp-mask', p), refUnsharp(img, p.sigma, p.amount, p.threshold))).toBeNull();
      const rnd = randomImage(19, 11, ch, 5 + ch);
      expect(firstDiff(await engine(rnd, 'unsharp-mask', p), refUnsharp(rnd, p.sigma, p.amount, p.threshold))).toBeNull();
    }
  });

  test('amount 0, or a threshold above every difference, is the identity', async () => {
    const img = photoLikeImage(30, 20, 3, 3);
    expect(firstDiff(await engine(img, 'unsharp-mask', { sigma: 1.5, amount: 0, threshold: 0 }), img)).toBeNull();
    expect(firstDiff(await engine(img, 'unsharp-mask', { sigma: 1.5, amount: 3, threshold: 255 }), img)).toBeNull();
  });

  test('hand-checked: a step edge overshoots on both sides', async () => {
    const row = [50, 50, 50, 50, 200, 200, 200, 200];
    const got = await engine({ width: 8, height: 1, channels: 1, data: Uint8Array.from(row) }, 'unsharp-mask', {
      sigma: 1,
      amount: 1,
      threshold: 0,
    });
    expect(got.data[3]).toBeLessThan(50);
    expect(got.data[4]).toBeGreaterThan(200);
    expect(got.data[0]).toBe(50);
  });
});

describe('new filter ops on strided views', () => {
  test('read and write sub-rectangles of larger frames correctly', async () => {
    const rnd = mulberry32(5);
    const steps: Array<[string, Record<string, number>]> = [
      ...Object.keys(PIL_FILTERS).map((n): [string, Record<string, number>] => [n, { intensity: 0.6 }]),
      ['unsharp-mask', { sigma: 1.2, amount: 1.5, threshold: 3 }],
    ];
    for (const [op, params] of steps)
      for (const ch of [1, 3, 4]) {
        const { src, dst, outsideChanged } = await runOnViews(ENGINE_OPS.kernel[op], params, ch, ch, rnd);
        expect(firstDiff(fromFrame(dst), await engine(fromFrame(src), op, params)), `${op} ch=${ch}`).toBeNull();
        expect(outsideChanged).toBe(0);
      }
  });
});
