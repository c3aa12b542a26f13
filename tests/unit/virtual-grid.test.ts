/** The input grid's window arithmetic and its thumbnail cache (core/virtual-grid.ts, core/lru.ts). */
import { describe, expect, test } from 'vitest';
import { gridColumns, gridWindow, moveInGrid, scrollToReveal, type GridGeometry } from '../../src/core/virtual-grid';
import { LruCache } from '../../src/core/lru';
import { jpegScaledSize } from '../../src/core/sniff';

const BASE: GridGeometry = {
  count: 10_000,
  viewportWidth: 370,
  viewportHeight: 300,
  scrollTop: 0,
  minCellWidth: 84,
  cellHeight: 100,
  gap: 6,
  overscanRows: 1,
};

describe('grid window', () => {
  test('columns: as many as fit with their gaps, at least one', () => {
    expect(gridColumns(370, 84, 6)).toBe(4); // 4·84 + 3·6 = 354 ≤ 370
    expect(gridColumns(359, 84, 6)).toBe(4);
    expect(gridColumns(353, 84, 6)).toBe(3);
    expect(gridColumns(20, 84, 6)).toBe(1);
  });

  test('the cells filling the row, and the whole height', () => {
    const w = gridWindow(BASE);
    expect(w.columns).toBe(4);
    expect(w.cellWidth).toBeCloseTo((370 - 18) / 4);
    expect(w.rowStride).toBe(106);
    expect(w.totalHeight).toBe(2500 * 106 - 6);
  });

  test('at the top: the visible rows plus one row of overscan below', () => {
    const w = gridWindow(BASE);
    // 300 px show rows 0–2 (row 2 partly); overscan adds row 3.
    expect([w.first, w.last, w.offsetY]).toEqual([0, 16, 0]);
  });

  test('scrolled: overscan on both sides, the offset at the first rendered row', () => {
    const w = gridWindow({ ...BASE, scrollTop: 106 * 500 + 50 });
    expect(w.first).toBe(499 * 4);
    expect(w.offsetY).toBe(499 * 106);
    expect(w.last).toBe(505 * 4); // rows 500–504 visible (504 partly), 505 overscan
  });

  test('bounded: the window never holds more than (visible rows + 2·overscan + 1) rows, wherever it is', () => {
    const rowsShown = Math.ceil(BASE.viewportHeight / 106) + 2 * BASE.overscanRows + 1;
    for (let top = 0; top < 2500 * 106; top += 997) {
      const w = gridWindow({ ...BASE, scrollTop: top });
      expect(w.last - w.first).toBeLessThanOrEqual(rowsShown * 4);
      expect(w.first).toBeLessThanOrEqual(Math.floor(top / 106) * 4);
    }
  });

  test('at the end: the last cells, also from a scrollTop past the end (the list got shorter)', () => {
    const w = gridWindow({ ...BASE, count: 10, scrollTop: 99_999 });
    expect(w.last).toBe(10);
    expect(w.first).toBe(0); // 3 rows of 4 fit (almost) in 300 px: all of them
    expect(gridWindow({ ...BASE, count: 0 })).toMatchObject({ first: 0, last: 0, totalHeight: 0 });
  });
});

describe('keyboard moves', () => {
  test('left/right by one across rows, up/down by a row, Home/End, pages; clamped', () => {
    expect(moveInGrid(5, 'ArrowRight', 4, 10, 3)).toBe(6);
    expect(moveInGrid(4, 'ArrowLeft', 4, 10, 3)).toBe(3);
    expect(moveInGrid(5, 'ArrowDown', 4, 10, 3)).toBe(9);
    expect(moveInGrid(7, 'ArrowDown', 4, 10, 3)).toBe(9); // no cell below: the last
    expect(moveInGrid(6, 'ArrowUp', 4, 10, 3)).toBe(2);
    expect(moveInGrid(2, 'ArrowUp', 4, 10, 3)).toBe(2); // top row stays
    expect(moveInGrid(0, 'ArrowLeft', 4, 10, 3)).toBe(0);
    expect(moveInGrid(9, 'ArrowRight', 4, 10, 3)).toBe(9);
    expect(moveInGrid(5, 'Home', 4, 10, 3)).toBe(0);
    expect(moveInGrid(5, 'End', 4, 10, 3)).toBe(9);
    expect(moveInGrid(1, 'PageDown', 4, 100, 3)).toBe(13);
    expect(moveInGrid(13, 'PageUp', 4, 100, 3)).toBe(1);
    expect(moveInGrid(5, 'PageUp', 4, 100, 3)).toBe(1);
    expect(moveInGrid(5, 'Enter', 4, 10, 3)).toBeUndefined();
    expect(moveInGrid(0, 'ArrowRight', 4, 0, 3)).toBeUndefined();
  });

  test('scrolling to reveal a cell moves as little as possible', () => {
    // stride 106, cell 100, viewport 300
    expect(scrollToReveal(0, 4, 106, 100, 0, 300)).toBe(0);
    expect(scrollToReveal(8, 4, 106, 100, 0, 300)).toBe(12); // row 2: 212–312, 12 px cut off
    expect(scrollToReveal(12, 4, 106, 100, 0, 300)).toBe(318 + 100 - 300);
    expect(scrollToReveal(4, 4, 106, 100, 500, 300)).toBe(106);
    expect(scrollToReveal(20, 4, 106, 100, 200, 300)).toBe(530 + 100 - 300);
    expect(scrollToReveal(20, 4, 106, 100, 400, 300)).toBe(400);
  });
});

describe('thumbnail cache', () => {
  test('keeps the most recently used, calls back for each one it drops', () => {
    const evicted: string[] = [];
    const c = new LruCache<string, number>(2, (_v, k) => evicted.push(k));
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1); // a is now the most recent
    c.set('c', 3);
    expect(evicted).toEqual(['b']);
    expect(c.has('b')).toBe(false);
    expect(c.size).toBe(2);
    c.set('a', 10); // replaced: the old value is released
    expect(evicted).toEqual(['b', 'a']);
    c.delete('c');
    c.clear();
    expect(evicted).toEqual(['b', 'a', 'c', 'a']);
    expect(c.size).toBe(0);
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});

describe('scaled JPEG decode for thumbnails', () => {
  test('the smallest 1/8, 1/4 or 1/2 size with both sides at least the thumbnail, rounded up as libjpeg does', () => {
    expect(jpegScaledSize(6000, 4000, 176)).toEqual({ width: 750, height: 500 });
    expect(jpegScaledSize(4001, 3001, 176)).toEqual({ width: 501, height: 376 });
    // 700 / 4 = 175 < 176: a quarter is too small, a half it is.
    expect(jpegScaledSize(1000, 700, 176)).toEqual({ width: 500, height: 350 });
    // Tall photos too (the sizes are in stored orientation).
    expect(jpegScaledSize(3000, 6000, 176)).toEqual({ width: 375, height: 750 });
    // Already small: decoded whole.
    expect(jpegScaledSize(300, 200, 176)).toBeUndefined();
  });
});
