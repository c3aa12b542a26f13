/**
 * The OpenCV.js operations against goldens made by Debian's OpenCV (python3-opencv) with the same
 * parameters and colour conversions: see scripts/goldens/opencv_goldens.py, which writes
 * tests/goldens/opencv/ and its manifest.json. OpenCV.js here is 4.12 (scalar wasm build);
 * the goldens come from 4.6 on x86-64 with SIMD, so float results may round differently:
 * each op's tolerance is in TOLERANCE below, with what was measured when it was set.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { defaultParams, getOperation, type Params } from '../../src/core/catalogue';
import { blit, createFrame, view, type Frame } from '../../src/core/frame';
import { validateRecipe, resolveSteps } from '../../src/core/recipe';
import { TesseraError } from '../../src/core/errors';
import { decode } from '../../src/engine/codec';
import { ENGINE_OPS, runSteps } from '../../src/engine/run-steps';
import { loadVips, type Vips } from '../../src/engine/vips';
import { fromFrame } from './helpers';

const DIR = join(__dirname, '..', 'goldens', 'opencv');

interface Golden {
  golden: string;
  op: string;
  input: string;
  params: Params;
}

/**
 * maxDiff: largest |ours − golden| allowed per channel value; maxDifferingFraction: share of
 * values allowed to differ at all. Canny is an edge map (0/255): a differing pixel is a whole
 * edge pixel moved, so it would get a pixel-count budget rather than a value tolerance.
 *
 * Measured when set (OpenCV.js 4.12.0 scalar wasm vs Debian 12 OpenCV 4.6.0, x86-64 with
 * AVX2 dispatch): all 16 goldens are byte-identical, including bilateral's and CLAHE's float
 * paths and the fixed-point YCrCb round trip. So every op is held to exact equality. Should a
 * future OpenCV.js drift, reasonable relaxations would be ±1 for bilateral/CLAHE/equalize and
 * ≤ 0.5 % of pixels for Canny — but check why first.
 */
const TOLERANCE: Record<string, { maxDiff: number; maxDifferingFraction: number }> = {
  median: { maxDiff: 0, maxDifferingFraction: 0 },
  bilateral: { maxDiff: 0, maxDifferingFraction: 0 },
  canny: { maxDiff: 0, maxDifferingFraction: 0 },
  equalize: { maxDiff: 0, maxDifferingFraction: 0 },
  clahe: { maxDiff: 0, maxDifferingFraction: 0 },
};

function expectClose(got: Frame, want: Frame, op: string, what: string): void {
  const s = compare(got, want);
  const tol = TOLERANCE[op];
  const msg = `${what}: max |Δ| ${s.maxDiff}, ${s.differing}/${s.total} values differ`;
  expect(s.maxDiff, msg).toBeLessThanOrEqual(tol.maxDiff);
  expect(s.differing / s.total, msg).toBeLessThanOrEqual(tol.maxDifferingFraction);
}

const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { goldens: Golden[] };

let vips: Vips;
const decoded = new Map<string, Frame>();
function load(rel: string): Frame {
  let f = decoded.get(rel);
  if (!f) decoded.set(rel, (f = decode(vips, new Uint8Array(readFileSync(join(DIR, rel))))));
  return f;
}

beforeAll(async () => {
  ({ vips } = await loadVips());
});

/** Runs one validated step and returns a packed copy (runSteps' result views scratch memory). */
async function run(src: Frame, op: string, params: Params = {}): Promise<Frame> {
  const [step] = resolveSteps(validateRecipe({ name: 't', steps: [{ op, params }] }));
  const { frame } = await runSteps(src, [step]);
  const copy = createFrame(frame.width, frame.height, frame.channels, new ArrayBuffer(frame.width * frame.height * frame.channels));
  blit(frame, 0, 0, frame.width, frame.height, copy, 0, 0);
  return copy;
}

function compare(a: Frame, b: Frame): { maxDiff: number; differing: number; total: number } {
  expect([a.width, a.height, a.channels]).toEqual([b.width, b.height, b.channels]);
  const x = fromFrame(a).data;
  const y = fromFrame(b).data;
  let maxDiff = 0;
  let differing = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - y[i]);
    if (d) differing++;
    if (d > maxDiff) maxDiff = d;
  }
  return { maxDiff, differing, total: x.length };
}

/** An RGBA / gray+alpha copy of `f` with a patterned alpha channel. */
function withAlpha(f: Frame): Frame {
  const ch = f.channels + 1;
  const out = createFrame(f.width, f.height, ch, new ArrayBuffer(f.width * f.height * ch));
  for (let p = 0; p < f.width * f.height; p++) {
    for (let c = 0; c < f.channels; c++) out.data[p * ch + c] = f.data[p * f.channels + c];
    out.data[p * ch + ch - 1] = (p * 37 + 11) & 255;
  }
  return out;
}

function splitAlpha(f: Frame): { colour: Frame; alpha: Uint8Array } {
  const n = f.channels - 1;
  const colour = createFrame(f.width, f.height, n, new ArrayBuffer(f.width * f.height * n));
  const alpha = new Uint8Array(f.width * f.height);
  for (let p = 0; p < f.width * f.height; p++) {
    for (let c = 0; c < n; c++) colour.data[p * n + c] = f.data[p * f.channels + c];
    alpha[p] = f.data[p * f.channels + n];
  }
  return { colour, alpha };
}

/** The same pixels inside a larger buffer: stride ≠ width × channels, non-zero offset. */
function strided(f: Frame): Frame {
  const big = createFrame(f.width + 5, f.height + 3, f.channels, new ArrayBuffer((f.width + 5) * (f.height + 3) * f.channels));
  big.data.fill(99);
  blit(f, 0, 0, f.width, f.height, big, 3, 2);
  return view(big, 3, 2, f.width, f.height);
}

describe('OpenCV ops match Debian OpenCV goldens', () => {
  const cases = manifest.goldens.map((g) => [g.golden, g] as const);

  test('the manifest covers every OpenCV op, and goldens are not the input', () => {
    expect(new Set(manifest.goldens.map((g) => g.op))).toEqual(new Set(['median', 'bilateral', 'canny', 'equalize', 'clahe']));
    for (const g of manifest.goldens) {
      expect(getOperation(g.op)?.engine).toBe('opencv');
      const src = load(g.input);
      const want = load(g.golden);
      if (src.channels === want.channels) expect(compare(src, want).differing, g.golden).toBeGreaterThan(0);
    }
  });

  test.each(cases)('%s', async (_name, g) => {
    expectClose(await run(load(g.input), g.op, g.params), load(g.golden), g.op, g.golden);
  });

  test.each(cases)('%s with alpha: colour as the golden, alpha unchanged', async (_name, g) => {
    const src = withAlpha(load(g.input));
    const got = await run(src, g.op, g.params);
    expect(got.channels).toBe(getOperation(g.op)!.outChannels(src.channels));
    const { colour, alpha } = splitAlpha(got);
    expectClose(colour, load(g.golden), g.op, `${g.golden} (alpha)`);
    expect(Buffer.from(alpha).equals(Buffer.from(splitAlpha(src).alpha))).toBe(true);
  });

  test.each(cases)('%s from a strided view equals the packed run', async (_name, g) => {
    const src = load(g.input);
    const packed = await run(src, g.op, g.params);
    const fromView = await run(strided(src), g.op, g.params);
    expect(compare(fromView, packed).differing).toBe(0);
    const fromAlphaView = await run(strided(withAlpha(src)), g.op, g.params);
    expect(compare(fromAlphaView, await run(withAlpha(src), g.op, g.params)).differing).toBe(0);
  });
});

describe('OpenCV op details', () => {
  test('canny with low > high swaps them (as OpenCV does)', async () => {
    const src = load('inputs/rgb.png');
    const swapped = await run(src, 'canny', { low: 200, high: 100 });
    expect(compare(swapped, await run(src, 'canny', { low: 100, high: 200 })).differing).toBe(0);
    expectClose(swapped, load('canny-default-rgb.png'), 'canny', 'swapped thresholds');
  });

  test('canny outputs 0/255 only, one channel (two with alpha)', async () => {
    const src = load('inputs/rgb.png');
    const out = await run(src, 'canny', { low: 20, high: 60 });
    expect(out.channels).toBe(1);
    expect(new Set(out.data)).toEqual(new Set([0, 255]));
    expect((await run(withAlpha(src), 'canny')).channels).toBe(2);
    expect((await run(withAlpha(load('inputs/gray.png')), 'canny')).channels).toBe(2);
  });

  test('bilateral halo follows OpenCV: radius max(1, floor(d/2))', () => {
    const spec = getOperation('bilateral');
    const halo = (d: number) => spec.halo({ ...defaultParams(spec), diameter: d });
    expect([1, 2, 3, 4, 5, 9, 24, 25].map(halo)).toEqual([1, 1, 1, 2, 2, 4, 12, 12]);
    expect(getOperation('median').halo({ radius: 7 })).toBe(7);
  });

  test.each([
    ['median', { radius: 0 }, 'radius'],
    ['median', { radius: 1.5 }, 'radius'],
    ['median', { radius: 11 }, 'radius'],
    ['median', { ksize: 3 }, 'ksize'],
    ['bilateral', { diameter: 26 }, 'diameter'],
    ['bilateral', { diameter: 0 }, 'diameter'],
    ['bilateral', { sigmaColor: 0.5 }, 'sigmaColor'],
    ['bilateral', { sigmaSpace: 201 }, 'sigmaSpace'],
    ['canny', { low: -1 }, 'low'],
    ['canny', { high: 1001 }, 'high'],
    ['canny', { high: '200' }, 'high'],
    ['equalize', { strength: 1 }, 'strength'],
    ['clahe', { clipLimit: 0 }, 'clipLimit'],
    ['clahe', { tiles: 33 }, 'tiles'],
    ['clahe', { tiles: 2.5 }, 'tiles'],
  ] as const)('%s rejects %j', (op, params, key) => {
    let err: unknown;
    try {
      validateRecipe({ name: 't', steps: [{ op, params }] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).path).toBe(`/steps/0/params/${key}`);
  });

  test('an OpenCV exception becomes an Error with its text', async () => {
    const { OPENCV_OPS } = await import('../../src/engine/ops/opencv');
    const src = load('inputs/rgb.png');
    const ctx = {
      alloc: (w: number, h: number, c: number) => createFrame(w, h, c, new ArrayBuffer(w * h * c)),
      source: { orientation: 1 },
    };
    // Bypasses validation on purpose: ksize −1 makes medianBlur throw.
    await expect(Promise.resolve().then(() => OPENCV_OPS.median(src, { radius: -1 }, ctx))).rejects.toThrow(
      /^median: OpenCV failed: .*ksize/,
    );
  });

  test('no Mat is leaked: the wasm heap does not grow over repeated runs (errors included)', async () => {
    const { OPENCV_OPS } = await import('../../src/engine/ops/opencv');
    const { loadOpenCV } = await import('../../src/engine/opencv');
    const { cv } = await loadOpenCV();
    const heap = () => (cv as unknown as { HEAPU8: Uint8Array }).HEAPU8.length;
    const w = 700;
    const big = createFrame(w, w, 4, new ArrayBuffer(w * w * 4));
    for (let i = 0; i < big.data.length; i++) big.data[i] = (i * 7919) % 251;
    const ctx = {
      alloc: (x: number, y: number, c: number) => createFrame(x, y, c, new ArrayBuffer(x * y * c)),
      source: { orientation: 1 },
    };
    const steps: [string, Params][] = [
      ['median', { radius: 2 }],
      ['bilateral', { diameter: 3, sigmaColor: 20, sigmaSpace: 5 }],
      ['canny', { low: 50, high: 100 }],
      ['equalize', {}],
      ['clahe', { clipLimit: 2, tiles: 8 }],
    ];
    const once = async () => {
      for (const [op, p] of steps) await ENGINE_OPS.opencv[op](big, p, ctx);
      await expect(Promise.resolve().then(() => OPENCV_OPS.median(big, { radius: -1 }, ctx))).rejects.toThrow();
    };
    await once();
    const before = heap();
    // Each round allocates ≥ 6 MB of Mats; 25 leaked rounds would need > 150 MB.
    for (let i = 0; i < 25; i++) await once();
    expect(heap()).toBe(before);
  });
});
