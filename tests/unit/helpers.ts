/**
 * The unit tests' shared kit: a seeded PRNG, image generators, Frame <-> RefImage conversion,
 * recipe steps with their defaults, running steps on an image, and reading pixels.
 */
import { existsSync, readFileSync } from 'node:fs';
import { defaultParams, getOperation, type Params } from '../../src/core/catalogue';
import { createFrame, view, type Frame } from '../../src/core/frame';
import { frameToImage } from '../../src/engine/codec';
import type { OpContext } from '../../src/engine/ops/context';
import type { ResolvedStep } from '../../src/core/recipe';
import { runSteps } from '../../src/engine/run-steps';
import type { Vips } from '../../src/engine/vips';
import type { RefImage } from './reference';

/** mulberry32: tiny, seeded, reproducible. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomImage(width: number, height: number, channels: number, seed: number): RefImage {
  const rnd = mulberry32(seed);
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * 256);
  return { width, height, channels, data };
}

/** Smooth diagonal/radial gradients per channel plus small noise: what photos look like locally. */
export function photoLikeImage(width: number, height: number, channels: number, seed: number): RefImage {
  const rnd = mulberry32(seed);
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        const gx = width > 1 ? x / (width - 1) : 0;
        const gy = height > 1 ? y / (height - 1) : 0;
        const base = 40 + 170 * (c % 2 === 0 ? gx * 0.7 + gy * 0.3 : 0.5 + 0.5 * Math.sin(3 * gx + 2 * gy + c));
        const noise = Math.floor(rnd() * 7) - 3;
        data[(y * width + x) * channels + c] = Math.max(0, Math.min(255, Math.round(base) + noise));
      }
  return { width, height, channels, data };
}

/** A tightly packed Frame holding a copy of the image (on an ordinary ArrayBuffer). */
export function toFrame(img: RefImage): Frame {
  const f = createFrame(img.width, img.height, img.channels, new ArrayBuffer(img.data.length));
  f.data.set(img.data);
  return f;
}

/** Tightly packed copy of a frame's pixels (honours stride). */
export function fromFrame(f: Frame): RefImage {
  const rowBytes = f.width * f.channels;
  const data = new Uint8Array(f.height * rowBytes);
  for (let y = 0; y < f.height; y++) data.set(f.data.subarray(y * f.stride, y * f.stride + rowBytes), y * rowBytes);
  return { width: f.width, height: f.height, channels: f.channels, data };
}

/**
 * null when a and b are identical; otherwise a short description of the first difference, so a
 * failing assertion says where (and `expect(firstDiff(a, b)).toBeNull()` shows it).
 */
export function firstDiff(a: RefImage, b: RefImage): string | null {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels)
    return `geometry ${a.width}×${a.height}×${a.channels} vs ${b.width}×${b.height}×${b.channels}`;
  if (a.data.length !== b.data.length) return `data length ${a.data.length} vs ${b.data.length}`;
  let count = 0;
  let first = -1;
  for (let i = 0; i < a.data.length; i++)
    if (a.data[i] !== b.data[i]) {
      if (first < 0) first = i;
      count++;
    }
  if (first < 0) return null;
  const px = Math.floor(first / a.channels);
  return `${count} bytes differ; first at x=${px % a.width} y=${Math.floor(px / a.width)} c=${first % a.channels}: ${a.data[first]} vs ${b.data[first]}`;
}

/**
 * Runs a kernel op on an 11×9 view inside a 20×15 random frame, writing into an 11×9 view of a
 * 21×16 frame filled with 7s, and counts bytes outside the destination view that changed.
 * Shared by the strided-view tests of every kernel family.
 */
export async function runOnViews(
  op: (src: Frame, params: Params, ctx: OpContext) => Frame | Promise<Frame>,
  params: Params,
  ch: number,
  outCh: number,
  rnd: () => number,
): Promise<{ src: Frame; dst: Frame; out: Frame; outsideChanged: number }> {
  const big = createFrame(20, 15, ch);
  for (let i = 0; i < big.data.length; i++) big.data[i] = Math.floor(rnd() * 256);
  const bigOut = createFrame(21, 16, outCh);
  bigOut.data.fill(7);
  const src = view(big, 3, 2, 11, 9);
  const dst = view(bigOut, 5, 4, 11, 9);
  // The op writes wherever its context allocates: here, into the strided view.
  const out = await op(src, params, { source: { orientation: 1 }, alloc: () => dst });
  let outsideChanged = 0;
  for (let y = 0; y < 16; y++)
    for (let x = 0; x < 21; x++)
      if (!(x >= 5 && x < 16 && y >= 4 && y < 13))
        for (let c = 0; c < outCh; c++) if (bigOut.data[(y * 21 + x) * outCh + c] !== 7) outsideChanged++;
  return { src, dst, out, outsideChanged };
}

/** A lossless PNG of `f` whose EXIF says orientation `o`. */
export function pngWithOrientation(vips: Vips, f: Frame, o: number): Uint8Array {
  const im = frameToImage(vips, f);
  try {
    im.setInt('orientation', o);
    return im.pngsaveBuffer({ keep: 1 });
  } finally {
    im.delete();
  }
}

/** A step as a validated recipe holds it: the operation's defaults, then `params`. */
export function step(op: string, params: Params = {}): ResolvedStep {
  const spec = getOperation(op);
  if (!spec) throw new Error(`no operation "${op}" in the catalogue`);
  return { op, params: { ...defaultParams(spec), ...params } };
}

/** Runs steps (or one op with its defaults and `params`) over an image, as the engine would. */
export async function runOnImage(img: RefImage, steps: readonly ResolvedStep[] | string, params: Params = {}): Promise<RefImage> {
  const { frame } = await runSteps(toFrame(img), typeof steps === 'string' ? [step(steps, params)] : steps);
  return fromFrame(frame);
}

/** The channel values of one pixel (honours stride). */
export function px(f: Frame, x: number, y: number): number[] {
  const i = y * f.stride + x * f.channels;
  return Array.from(f.data.subarray(i, i + f.channels));
}

/** An ICC profile from Debian's colord-data (.ci/run installs it); throws, never skips, when missing. */
export function colordProfile(name: string): Uint8Array {
  const path = `/usr/share/color/icc/colord/${name}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: apt-get install colord-data (.ci/run does)`);
  return new Uint8Array(readFileSync(path));
}
