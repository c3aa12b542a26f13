import { describe, expect, test } from 'vitest';
import { createFrame } from '../../src/core/frame';
import {
  boxShrink,
  boxShrinkRows,
  cacheBytes,
  fitFactor,
  haloWindow,
  isGiant,
  overviewRect,
  overviewSize,
  regionAround,
  scaleLabel,
  stripToTiles,
  tileGrid,
  tileReads,
  type TileGrid,
} from '../../src/core/giant';
import { mulberry32 } from './helpers';

/** An image's pixels stored through stripToTiles into a byte array, the way the cache file holds them. */
function storeByStrips(g: TileGrid, pixels: Uint8Array): Uint8Array {
  const file = new Uint8Array(cacheBytes(g));
  const scratch = new Uint8Array(g.tile * g.tile * g.channels);
  const rowBytes = g.width * g.channels;
  for (let y = 0; y < g.height; y += g.tile) {
    const rows = Math.min(g.tile, g.height - y);
    stripToTiles(g, pixels.subarray(y * rowBytes, (y + rows) * rowBytes), y, rows, scratch, (bytes, at) => file.set(bytes, at));
  }
  return file;
}

/** The region read back from the stored bytes through tileReads. */
function readBack(g: TileGrid, file: Uint8Array, r: { x: number; y: number; width: number; height: number }): Uint8Array {
  const c = g.channels;
  const out = new Uint8Array(r.width * r.height * c);
  for (const rd of tileReads(g, r)) {
    const chunk = file.subarray(rd.at, rd.at + rd.length);
    for (let row = 0; row < rd.rows; row++) {
      const s = row * g.tile * c + rd.col * c;
      out.set(chunk.subarray(s, s + rd.cols * c), ((rd.dy + row) * r.width + rd.dx) * c);
    }
  }
  return out;
}

function crop(pixels: Uint8Array, W: number, c: number, r: { x: number; y: number; width: number; height: number }): Uint8Array {
  const out = new Uint8Array(r.width * r.height * c);
  for (let y = 0; y < r.height; y++)
    out.set(pixels.subarray(((r.y + y) * W + r.x) * c, ((r.y + y) * W + r.x + r.width) * c), y * r.width * c);
  return out;
}

describe('giant images: the arithmetic', () => {
  test('giant above 40 MP', () => {
    expect(isGiant(8000, 5000)).toBe(false);
    expect(isGiant(8001, 5000)).toBe(true);
  });

  test("the overview is vips' 1/8 shrink-on-load, partial blocks dropped", () => {
    expect(overviewSize(40000, 25000)).toEqual({ width: 5000, height: 3125 });
    expect(overviewSize(12001, 8399)).toEqual({ width: 1500, height: 1049 });
    expect(overviewSize(5, 7)).toEqual({ width: 1, height: 1 });
  });

  test.each([
    [1, 100, 60, 16],
    [3, 97, 71, 16],
    [4, 33, 33, 8],
    [2, 5, 300, 32],
  ])('strips stored as tiles read back as any region (%i channels, %i×%i, tile %i)', (c, W, H, t) => {
    const g = tileGrid(W, H, c, t);
    const rnd = mulberry32(W * H + c);
    const pixels = Uint8Array.from({ length: W * H * c }, () => Math.floor(rnd() * 256));
    const file = storeByStrips(g, pixels);
    for (let i = 0; i < 40; i++) {
      const x = Math.floor(rnd() * W),
        y = Math.floor(rnd() * H);
      const r = { x, y, width: 1 + Math.floor(rnd() * (W - x)), height: 1 + Math.floor(rnd() * (H - y)) };
      expect(readBack(g, file, r)).toEqual(crop(pixels, W, c, r));
    }
    expect(readBack(g, file, { x: 0, y: 0, width: W, height: H })).toEqual(pixels);
  });

  test('one read per tile touched, each within its tile', () => {
    const g = tileGrid(1000, 700, 3, 256);
    const reads = tileReads(g, { x: 250, y: 100, width: 300, height: 10 });
    expect(reads.map((r) => [r.rows, r.col, r.cols, r.dx])).toEqual([
      [10, 250, 6, 0],
      [10, 0, 256, 6],
      [10, 0, 38, 262],
    ]);
    const two = tileReads(g, { x: 250, y: 250, width: 300, height: 20 });
    expect(two).toHaveLength(6);
    for (const r of two) expect(r.length).toBe(r.rows * 256 * 3);
    expect(() => tileReads(g, { x: 900, y: 0, width: 101, height: 1 })).toThrow(/not inside/);
  });

  test('a strip must start on a tile row', () => {
    const g = tileGrid(64, 64, 1, 16);
    expect(() => stripToTiles(g, new Uint8Array(64 * 16), 8, 16, new Uint8Array(256), () => {})).toThrow(/tile row/);
  });

  test('fit factor and scale labels', () => {
    expect(fitFactor(5000, 3125, 1_000_000)).toBe(4);
    expect(fitFactor(800, 600, 1_000_000)).toBe(1);
    expect(scaleLabel(1250 / 40000)).toBe('1/32');
    expect(scaleLabel(1)).toBe('100%');
  });

  test('box shrink: means of k×k blocks, partial blocks at the edges', () => {
    const f = createFrame(5, 3, 1, new ArrayBuffer(15));
    f.data.set([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28]);
    const s = boxShrink(f, 2);
    expect([s.width, s.height]).toEqual([3, 2]);
    // (0+2+10+12)/4 = 6, (4+6+14+16)/4 = 10, (8+18)/2 = 13; (20+22)/2 = 21, (24+26)/2 = 25, 28
    expect([...s.data]).toEqual([6, 10, 13, 21, 25, 28]);
    const rgb = createFrame(4, 4, 3, new ArrayBuffer(48));
    rgb.data.fill(7);
    expect([...boxShrink(rgb, 4).data]).toEqual([7, 7, 7]);
  });

  test('box shrink row by row, in any pieces, is the whole shrink', () => {
    const rnd = mulberry32(5);
    const f = createFrame(37, 29, 3, new ArrayBuffer(37 * 29 * 3));
    for (let i = 0; i < f.data.length; i++) f.data[i] = Math.floor(rnd() * 256);
    const whole = boxShrink(f, 4);
    const out = createFrame(whole.width, whole.height, 3, new ArrayBuffer(whole.data.length));
    for (const [a, b] of [
      [0, 2],
      [2, 3],
      [3, 8],
    ])
      boxShrinkRows(f, 4, out, a, b);
    expect([...out.data]).toEqual([...whole.data]);
  });

  test('regions stay inside the image; halo windows are clipped', () => {
    expect(regionAround(10, 10, 100, 50, 1000, 800)).toEqual({ x: 0, y: 0, width: 100, height: 50 });
    expect(regionAround(990, 790, 100, 50, 1000, 800)).toEqual({ x: 900, y: 750, width: 100, height: 50 });
    expect(regionAround(500, 400, 2000, 50, 1000, 800)).toEqual({ x: 0, y: 375, width: 1000, height: 50 });
    expect(haloWindow({ x: 0, y: 5, width: 10, height: 10 }, 3, 12, 100)).toEqual({ x: 0, y: 2, width: 12, height: 16 });
  });

  test('overview rectangles round outward and stay inside', () => {
    expect(overviewRect({ x: 12, y: 9, width: 20, height: 7 }, 1 / 8, 1 / 8, 100, 100)).toEqual({ x: 1, y: 1, width: 3, height: 1 });
    expect(overviewRect({ x: 792, y: 0, width: 8, height: 8 }, 1 / 8, 1 / 8, 100, 100)).toEqual({ x: 99, y: 0, width: 1, height: 1 });
  });
});
