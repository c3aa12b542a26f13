/**
 * core/dzi.ts: Deep Zoom's level sizes (awkward sizes included), the tile grid with its overlap at
 * the edges, the descriptor and paths, and the 2×2 box filter against a naive reference.
 */
import { describe, expect, test } from 'vitest';
import {
  dziDescriptor,
  dziFolder,
  dziLevels,
  dziMaxLevel,
  dziOverviewLevel,
  dziTileCount,
  dziTilePath,
  halve,
  tileGrid,
  tileRect,
  tileSpan,
} from '../../src/core/dzi';
import { view } from '../../src/core/frame';
import { firstDiff, fromFrame, randomImage, toFrame } from './helpers';
import type { RefImage } from './reference';

const sizes = (w: number, h: number) => dziLevels(w, h).map((s) => `${s.width}×${s.height}`);

describe('levels', () => {
  test('1×1 is one level, 0', () => {
    expect(dziMaxLevel(1, 1)).toBe(0);
    expect(sizes(1, 1)).toEqual(['1×1']);
  });

  test('255×1: nine levels down to 1×1, the height never below 1', () => {
    expect(dziMaxLevel(255, 1)).toBe(8);
    expect(sizes(255, 1)).toEqual(['1×1', '2×1', '4×1', '8×1', '16×1', '32×1', '64×1', '128×1', '255×1']);
  });

  test('powers of two and one past them', () => {
    expect([dziMaxLevel(256, 256), dziMaxLevel(257, 3), dziMaxLevel(2, 1), dziMaxLevel(3, 1), dziMaxLevel(1, 4096)]).toEqual([
      8, 9, 1, 2, 12,
    ]);
  });

  test('40000×25000 (1 GP): level 16, each level ⌈n / 2^k⌉', () => {
    expect(dziMaxLevel(40000, 25000)).toBe(16);
    expect(sizes(40000, 25000)).toEqual([
      '1×1',
      '2×1',
      '3×2',
      '5×4',
      '10×7',
      '20×13',
      '40×25',
      '79×49',
      '157×98',
      '313×196',
      '625×391',
      '1250×782',
      '2500×1563',
      '5000×3125',
      '10000×6250',
      '20000×12500',
      '40000×25000',
    ]);
  });

  test.each([
    [1, 1],
    [255, 1],
    [1, 700],
    [1000, 700],
    [40000, 25000],
    [65537, 3],
  ])('%i×%i: halving each level with ⌈n / 2⌉ gives the next one down', (w, h) => {
    const levels = dziLevels(w, h);
    expect(levels[levels.length - 1]).toEqual({ width: w, height: h });
    expect(levels[0]).toEqual({ width: 1, height: 1 });
    for (let l = levels.length - 1; l > 0; l--)
      expect(levels[l - 1]).toEqual({ width: Math.ceil(levels[l].width / 2), height: Math.ceil(levels[l].height / 2) });
  });

  test('sizes that are not positive integers are refused', () => {
    expect(() => dziLevels(0, 5)).toThrow(RangeError);
    expect(() => dziMaxLevel(2.5, 5)).toThrow(RangeError);
  });
});

describe('tiles', () => {
  test('1000×700 at 254 + 1: 4 × 3 tiles, overlap on inner sides only, cut at the edges', () => {
    const level = { width: 1000, height: 700 };
    expect(tileGrid(level, 254)).toEqual({ cols: 4, rows: 3 });
    expect(tileRect(0, 0, level, 254, 1)).toEqual({ x: 0, y: 0, width: 255, height: 255 });
    expect(tileRect(1, 0, level, 254, 1)).toEqual({ x: 253, y: 0, width: 256, height: 255 });
    expect(tileRect(1, 1, level, 254, 1)).toEqual({ x: 253, y: 253, width: 256, height: 256 });
    expect(tileRect(3, 2, level, 254, 1)).toEqual({ x: 761, y: 507, width: 239, height: 193 });
  });

  test('a level smaller than a tile is one tile of its own size, no overlap', () => {
    expect(tileGrid({ width: 3, height: 2 }, 254)).toEqual({ cols: 1, rows: 1 });
    expect(tileRect(0, 0, { width: 3, height: 2 }, 254, 1)).toEqual({ x: 0, y: 0, width: 3, height: 2 });
  });

  test('a length of exactly n tiles: the last tile has overlap before it only', () => {
    expect(tileSpan(1, 254, 1, 508)).toEqual([253, 508]);
    expect(tileSpan(0, 254, 1, 508)).toEqual([0, 255]);
    // One pixel more starts a tile of one own pixel plus the overlap before it.
    expect(tileSpan(2, 254, 1, 509)).toEqual([507, 509]);
  });

  test.each([
    [1000, 254, 1],
    [255, 254, 1],
    [256, 254, 0],
    [777, 64, 8],
    [1, 254, 1],
  ])('length %i, tiles %i, overlap %i: tiles cover it, each neighbour repeated by the overlap', (length, ts, ov) => {
    const n = Math.ceil(length / ts);
    const covered = new Uint8Array(length);
    for (let i = 0; i < n; i++) {
      const [a, b] = tileSpan(i, ts, ov, length);
      expect(a).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThanOrEqual(length);
      for (let x = a; x < b; x++) covered[x]++;
    }
    // Every pixel at least once; a pixel is in two tiles only within `overlap` of a tile boundary.
    for (let x = 0; x < length; x++) {
      const nearBoundary = [...Array(n - 1).keys()].some((i) => Math.abs(x - (i + 1) * ts + 0.5) < ov);
      expect(covered[x], `x=${x}`).toBe(nearBoundary ? 2 : 1);
    }
  });

  test('the overview: the highest level that is one tile', () => {
    expect(dziOverviewLevel(1000, 700, 254)).toBe(8); // 250×175
    expect(dziOverviewLevel(254, 100, 254)).toBe(8); // the image itself
    expect(dziOverviewLevel(255, 1, 254)).toBe(7);
    expect(dziOverviewLevel(1, 1, 254)).toBe(0);
  });

  test('tile count over all levels', () => {
    expect(dziTileCount(1, 1, 254)).toBe(1);
    // 1000×700: level 10 has 4×3, level 9 (500×350) 2×2, then one each for levels 0–8.
    expect(dziTileCount(1000, 700, 254)).toBe(12 + 4 + 9);
  });
});

describe('descriptor and paths', () => {
  test('the .dzi XML', () => {
    expect(dziDescriptor({ width: 1000, height: 700, tileSize: 254, overlap: 1, format: 'jpg' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" TileSize="254" Overlap="1" Format="jpg">\n' +
        '  <Size Width="1000" Height="700"/>\n' +
        '</Image>\n',
    );
  });

  test('tiles live in <name>_files/<level>/<col>_<row>.<ext>', () => {
    expect(dziFolder('trip/big.dzi')).toBe('trip/big_files');
    expect(dziTilePath('trip/big.dzi', 10, 3, 2, 'png')).toBe('trip/big_files/10/3_2.png');
  });
});

/** The 2×2 mean of what exists of each block, in floating point, rounded half up. */
function naiveHalve(img: RefImage): RefImage {
  const w = Math.ceil(img.width / 2),
    h = Math.ceil(img.height / 2),
    c = img.channels;
  const data = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let k = 0; k < c; k++) {
        let sum = 0,
          n = 0;
        for (let dy = 0; dy < 2; dy++)
          for (let dx = 0; dx < 2; dx++) {
            const sx = 2 * x + dx,
              sy = 2 * y + dy;
            if (sx < img.width && sy < img.height) {
              sum += img.data[(sy * img.width + sx) * c + k];
              n++;
            }
          }
        data[(y * w + x) * c + k] = Math.floor(sum / n + 0.5);
      }
  return { width: w, height: h, channels: c, data };
}

describe('2×2 box downsample', () => {
  test.each([
    [1, 1],
    [2, 2],
    [3, 5],
    [7, 1],
    [1, 7],
    [64, 33],
    [255, 3],
  ])('%i×%i, 1–4 channels: equals the naive mean rounded half up', (w, h) => {
    for (let c = 1; c <= 4; c++) {
      const img = randomImage(w, h, c, w * 31 + h * 7 + c);
      const got = fromFrame(halve(toFrame(img)));
      expect(firstDiff(got, naiveHalve(img)), `${c} channels`).toBeNull();
    }
  });

  test('ties round up: (1, 2, 2, 1) → 2, (1, 2) at the edge → 2, (0, 1, 1, 1) → 1', () => {
    const img: RefImage = { width: 3, height: 2, channels: 1, data: Uint8Array.from([1, 2, 1, 2, 1, 2]) };
    expect(Array.from(halve(toFrame(img)).data)).toEqual([2, 2]);
    const quarter: RefImage = { width: 2, height: 2, channels: 1, data: Uint8Array.from([0, 1, 1, 1]) };
    expect(Array.from(halve(toFrame(quarter)).data)).toEqual([1]);
    const full: RefImage = { width: 2, height: 2, channels: 1, data: Uint8Array.from([255, 255, 255, 255]) };
    expect(Array.from(halve(toFrame(full)).data)).toEqual([255]);
  });

  test('reads a strided view as its own pixels', () => {
    const big = toFrame(randomImage(20, 15, 3, 5));
    const sub = view(big, 3, 2, 11, 9);
    expect(firstDiff(fromFrame(halve(sub)), naiveHalve(fromFrame(sub)))).toBeNull();
  });
});
