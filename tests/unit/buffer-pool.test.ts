import { describe, expect, test } from 'vitest';
import { BufferPool, sizeClass } from '../../src/core/buffer-pool';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('sizeClass', () => {
  test('small requests share the 64 KiB class', () => {
    expect(sizeClass(0)).toBe(64 * KiB);
    expect(sizeClass(1)).toBe(64 * KiB);
    expect(sizeClass(64 * KiB)).toBe(64 * KiB);
  });

  test('classes step by √2, rounded up to 4096', () => {
    expect(sizeClass(64 * KiB + 1)).toBe(94208); // 65536·√2 = 92681.9 -> 94208
    expect(sizeClass(94208)).toBe(94208);
    expect(sizeClass(94209)).toBe(128 * KiB);
    expect(sizeClass(128 * KiB)).toBe(128 * KiB);
    expect(sizeClass(128 * KiB + 1)).toBe(188416);
    expect(sizeClass(1 * MiB)).toBe(1 * MiB);
    expect(sizeClass(1 * MiB + 1)).toBe(1486848);
  });

  test('every class maps to itself (so its buffers can be released)', () => {
    let c = 64 * KiB;
    for (let i = 0; i < 40; i++) {
      expect(sizeClass(c)).toBe(c);
      c = sizeClass(c + 1);
    }
  });

  test('never smaller than requested, monotonic, waste under √2', () => {
    let prev = 0;
    const sizes: number[] = [];
    for (let b = 1; b < 64 * MiB; b = Math.ceil(b * 1.013) + 1) sizes.push(b, b + 1, b + 4095);
    sizes.push(2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 32 + 2, 2 ** 33 + 1, 3 * 2 ** 31);
    sizes.sort((a, b) => a - b);
    for (const b of sizes) {
      const c = sizeClass(b);
      expect(c).toBeGreaterThanOrEqual(b);
      expect(c).toBeGreaterThanOrEqual(prev);
      expect(c % 4096).toBe(0);
      if (b > 64 * KiB) expect(c / b).toBeLessThan(Math.SQRT2 + 0.05);
      prev = c;
    }
  });
});

describe('BufferPool', () => {
  test('release then acquire of the same size reuses the same buffer and counts a hit', () => {
    const pool = new BufferPool();
    const a = pool.acquire(100 * KiB);
    expect(a).toBeInstanceOf(SharedArrayBuffer);
    expect(a.byteLength).toBe(sizeClass(100 * KiB));
    expect(pool.stats()).toMatchObject({ hits: 0, misses: 1, outstanding: 1, pooledBuffers: 0, pooledBytes: 0 });
    pool.release(a);
    expect(pool.stats()).toMatchObject({ outstanding: 0, pooledBuffers: 1, pooledBytes: a.byteLength });
    const b = pool.acquire(100 * KiB);
    expect(b).toBe(a);
    expect(pool.stats()).toMatchObject({ hits: 1, misses: 1, hitRate: 0.5, outstanding: 1, pooledBuffers: 0, pooledBytes: 0 });
  });

  test('different sizes in the same class share buffers', () => {
    const pool = new BufferPool();
    const a = pool.acquire(130 * KiB);
    pool.release(a);
    const b = pool.acquire(150 * KiB);
    expect(b).toBe(a);
    expect(b.byteLength).toBe(188416);
    expect(pool.stats().hits).toBe(1);
  });

  test('buffers of every class can be released (odd √2 steps included)', () => {
    const pool = new BufferPool();
    for (const bytes of [64 * KiB + 1, 100 * KiB, 300 * KiB, 1 * MiB + 1, 3 * MiB]) {
      const buf = pool.acquire(bytes);
      expect(() => pool.release(buf)).not.toThrow();
      expect(pool.acquire(bytes)).toBe(buf);
    }
    expect(pool.stats()).toMatchObject({ hits: 5, misses: 5, outstanding: 5 });
  });

  test('a new class misses even when other classes are pooled', () => {
    const pool = new BufferPool();
    pool.release(pool.acquire(10 * KiB));
    const big = pool.acquire(1 * MiB);
    expect(big.byteLength).toBe(1 * MiB);
    expect(pool.stats()).toMatchObject({ hits: 0, misses: 2, pooledBuffers: 1, pooledBytes: 64 * KiB, outstanding: 1 });
  });

  test('hitRate over many acquisitions', () => {
    const pool = new BufferPool();
    expect(pool.stats().hitRate).toBe(0);
    for (let i = 0; i < 4; i++) pool.release(pool.acquire(200 * KiB));
    // 1 miss, then 3 hits.
    expect(pool.stats()).toMatchObject({ hits: 3, misses: 1, hitRate: 0.75, outstanding: 0, pooledBuffers: 1 });
  });

  test('outstanding counts buffers handed out and not yet returned', () => {
    const pool = new BufferPool();
    const held = [pool.acquire(1), pool.acquire(1), pool.acquire(500 * KiB)];
    expect(pool.stats().outstanding).toBe(3);
    expect(new Set(held).size).toBe(3);
    pool.release(held[0]);
    expect(pool.stats().outstanding).toBe(2);
  });

  test('maxPooledBytes caps idle memory; extra releases are dropped', () => {
    const pool = new BufferPool(2 * 64 * KiB);
    const bufs = [pool.acquire(1), pool.acquire(1), pool.acquire(1)];
    for (const b of bufs) pool.release(b);
    expect(pool.stats()).toMatchObject({ pooledBuffers: 2, pooledBytes: 128 * KiB, outstanding: 0 });
    // A class bigger than the cap is never pooled.
    pool.release(pool.acquire(1 * MiB));
    expect(pool.stats()).toMatchObject({ pooledBuffers: 2, pooledBytes: 128 * KiB });
    // The two pooled ones come back, the third is new.
    const again = [pool.acquire(1), pool.acquire(1), pool.acquire(1)];
    expect(again.filter((b) => bufs.includes(b))).toHaveLength(2);
  });

  test('maxPooledBytes 0 pools nothing', () => {
    const pool = new BufferPool(0);
    const a = pool.acquire(1);
    pool.release(a);
    expect(pool.acquire(1)).not.toBe(a);
    expect(pool.stats()).toMatchObject({ hits: 0, misses: 2, pooledBuffers: 0 });
  });

  test('trim drops idle buffers', () => {
    const pool = new BufferPool();
    const a = pool.acquire(1);
    const b = pool.acquire(200 * KiB);
    pool.release(a);
    pool.release(b);
    expect(pool.stats().pooledBytes).toBe(64 * KiB + 262144);
    pool.trim();
    expect(pool.stats()).toMatchObject({ pooledBuffers: 0, pooledBytes: 0 });
    expect(pool.acquire(1)).not.toBe(a);
    expect(pool.stats().misses).toBe(3);
  });

  test('releasing a buffer of a non-class size throws and changes nothing', () => {
    const pool = new BufferPool();
    pool.acquire(1);
    expect(() => pool.release(new SharedArrayBuffer(1000))).toThrow(RangeError);
    expect(() => pool.release(new SharedArrayBuffer(100 * KiB))).toThrow(/buffer of 102400 bytes did not come from this pool/);
    expect(pool.stats()).toMatchObject({ outstanding: 1, pooledBuffers: 0, pooledBytes: 0 });
  });
});
