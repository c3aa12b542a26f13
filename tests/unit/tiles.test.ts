/**
 * Tile planning, and the claim it exists for: running a chain on each tile's window (core + halo)
 * and keeping the core gives exactly the bytes of the untiled run.
 */
import { describe, expect, test } from 'vitest';
import { blit, createFrame, type Frame } from '../../src/core/frame';
import { SEED_RECIPE } from '../../src/core/presets';
import { chainHalo, outputChannels, resolveSteps, type ResolvedStep } from '../../src/core/recipe';
import { coreOffset, planTiles, tileSizeFor, type Rect } from '../../src/core/tiles';
import { runSteps } from '../../src/engine/run-steps';
import { firstDiff, fromFrame, photoLikeImage, randomImage, toFrame } from './helpers';
import type { RefImage } from './reference';

/** Runs `steps` tile by tile with the given halo and stitches the cores. */
async function runTiled(img: RefImage, steps: readonly ResolvedStep[], tw: number, th: number, halo = chainHalo(steps)): Promise<RefImage> {
  const src = toFrame(img);
  const outCh = outputChannels(steps, img.channels);
  const out = createFrame(img.width, img.height, outCh, new ArrayBuffer(img.width * img.height * outCh));
  const plan = planTiles(img.width, img.height, tw, th, halo);
  for (const t of plan.tiles) {
    const win: Frame = createFrame(
      t.window.width,
      t.window.height,
      img.channels,
      new ArrayBuffer(t.window.width * t.window.height * img.channels),
    );
    blit(src, t.window.x, t.window.y, t.window.width, t.window.height, win, 0, 0);
    const { frame } = await runSteps(win, steps);
    const o = coreOffset(t);
    blit(frame, o.x, o.y, t.core.width, t.core.height, out, t.core.x, t.core.y);
  }
  return fromFrame(out);
}

async function runWhole(img: RefImage, steps: readonly ResolvedStep[]): Promise<RefImage> {
  return fromFrame((await runSteps(toFrame(img), steps)).frame);
}

const SEED = resolveSteps(SEED_RECIPE);

const CHAINS: ReadonlyArray<[string, ResolvedStep[]]> = [
  ['grayscale', [{ op: 'grayscale', params: {} }]],
  ['gaussian-blur σ0.5', [{ op: 'gaussian-blur', params: { sigma: 0.5 } }]],
  ['gaussian-blur σ2', [{ op: 'gaussian-blur', params: { sigma: 2 } }]],
  ['gaussian-blur σ3.3', [{ op: 'gaussian-blur', params: { sigma: 3.3 } }]],
  ['sobel', [{ op: 'sobel', params: {} }]],
  ['sharpen', [{ op: 'sharpen', params: {} }]],
  ['brightness ×1.2', [{ op: 'brightness', params: { factor: 1.2 } }]],
  ['seed chain', SEED],
  [
    'sharpen ×3 then sobel',
    [
      { op: 'sharpen', params: {} },
      { op: 'sharpen', params: {} },
      { op: 'sharpen', params: {} },
      { op: 'sobel', params: {} },
    ],
  ],
];

/** [width, height, tileWidth, tileHeight] */
const LAYOUTS: ReadonlyArray<[number, number, number, number]> = [
  [65, 33, 16, 16], // last column and last row 1 px
  [65, 33, 32, 32], // last column 1 px, last row 1 px
  [65, 33, 64, 8], // 1 px edge column, tall image of short tiles
  [17, 9, 1, 1], // tile size 1
  [30, 20, 64, 64], // image smaller than one tile
  [1, 1, 16, 16],
  [1, 23, 4, 4], // 1×N
  [23, 1, 4, 4], // N×1
  [40, 26, 7, 5], // odd, non-square tiles
];

describe('planTiles', () => {
  test('cores partition the image and windows are core + halo, clipped', () => {
    for (const [w, h, tw, th] of LAYOUTS)
      for (const halo of [0, 1, 3, 8, 40]) {
        const plan = planTiles(w, h, tw, th, halo);
        expect(plan).toMatchObject({ width: w, height: h, tileWidth: tw, tileHeight: th, halo });
        expect(plan.tiles.length).toBe(Math.ceil(w / tw) * Math.ceil(h / th));
        const covered = new Uint8Array(w * h);
        plan.tiles.forEach((t, i) => {
          expect(t.index).toBe(i);
          for (let y = t.core.y; y < t.core.y + t.core.height; y++)
            for (let x = t.core.x; x < t.core.x + t.core.width; x++) covered[y * w + x]++;
          const x0 = Math.max(0, t.core.x - halo);
          const y0 = Math.max(0, t.core.y - halo);
          const x1 = Math.min(w, t.core.x + t.core.width + halo);
          const y1 = Math.min(h, t.core.y + t.core.height + halo);
          expect(t.window).toEqual<Rect>({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
          expect(coreOffset(t)).toEqual({ x: t.core.x - x0, y: t.core.y - y0 });
        });
        expect(covered.every((c) => c === 1)).toBe(true);
      }
  });

  test('65×33 with 32 px tiles: concrete geometry of the 1 px edge tiles', () => {
    const plan = planTiles(65, 33, 32, 32, 8);
    expect(plan.tiles.length).toBe(6);
    expect(plan.tiles.map((t) => t.core.width)).toEqual([32, 32, 1, 32, 32, 1]);
    expect(plan.tiles.map((t) => t.core.height)).toEqual([32, 32, 32, 1, 1, 1]);
    const corner = plan.tiles[5];
    expect(corner.core).toEqual({ x: 64, y: 32, width: 1, height: 1 });
    expect(corner.window).toEqual({ x: 56, y: 24, width: 9, height: 9 });
    expect(coreOffset(corner)).toEqual({ x: 8, y: 8 });
    expect(plan.tiles[0].window).toEqual({ x: 0, y: 0, width: 40, height: 33 });
  });

  test('rejects non-positive or fractional sizes and negative halos', () => {
    expect(() => planTiles(0, 10, 4, 4, 0)).toThrow(/width must be a positive integer, got 0/);
    expect(() => planTiles(10, 10, 4.5, 4, 0)).toThrow(/tileWidth must be a positive integer, got 4.5/);
    expect(() => planTiles(10, 10, 4, 0, 0)).toThrow(RangeError);
    expect(() => planTiles(10, 10, 4, 4, -1)).toThrow(/halo must be a non-negative integer, got -1/);
  });
});

describe('tileSizeFor', () => {
  test('side of the window budget minus both halos, at least 16', () => {
    expect(tileSizeFor(1024 * 1024, 8)).toBe(1008);
    expect(tileSizeFor(4_000_000, 0)).toBe(2000);
    expect(tileSizeFor(1_000_000, 10)).toBe(980);
    expect(tileSizeFor(1000, 0)).toBe(31);
    expect(tileSizeFor(100, 8)).toBe(16);
    expect(tileSizeFor(0, 0)).toBe(16);
  });

  test('window of the chosen size stays within the budget when the budget allows', () => {
    for (const budget of [10_000, 65_536, 1 << 20, 3_000_000])
      for (const halo of [0, 1, 8, 20]) {
        const t = tileSizeFor(budget, halo);
        expect((t + 2 * halo) ** 2).toBeLessThanOrEqual(budget);
      }
  });
});

describe('tiled ≡ untiled, byte for byte', () => {
  for (const [name, steps] of CHAINS)
    describe(name, () => {
      for (const [w, h, tw, th] of LAYOUTS)
        for (const ch of name === 'seed chain' ? [1, 2, 3, 4] : [1, 4])
          test(`${w}×${h}×${ch}, tiles ${tw}×${th}, halo ${chainHalo(steps)}`, async () => {
            const img = (w * h >= 400 ? photoLikeImage : randomImage)(w, h, ch, w * 1000 + h * 10 + ch);
            const whole = await runWhole(img, steps);
            const tiled = await runTiled(img, steps, tw, th);
            expect(firstDiff(tiled, whole)).toBeNull();
          });
    });

  test('seed chain on random noise with 1 px edge tiles', async () => {
    const img = randomImage(65, 33, 3, 4242);
    for (const t of [1, 2, 3, 9, 16, 32, 64])
      expect(firstDiff(await runTiled(img, SEED, t, t), await runWhole(img, SEED)), `tile ${t}`).toBeNull();
  });

  test('control: a halo one short of the chain radius does change bytes', async () => {
    const img = randomImage(65, 33, 1, 7);
    const blur: ResolvedStep[] = [{ op: 'gaussian-blur', params: { sigma: 2 } }];
    expect(chainHalo(blur)).toBe(6);
    expect(firstDiff(await runTiled(img, blur, 16, 16, 5), await runWhole(img, blur))).not.toBeNull();
    expect(chainHalo(SEED)).toBe(8);
    expect(firstDiff(await runTiled(img, SEED, 16, 16, 7), await runWhole(img, SEED))).not.toBeNull();
  });
});
