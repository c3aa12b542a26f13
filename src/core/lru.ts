/**
 * A small least-recently-used map with a cap and an eviction callback: the input grid keeps at
 * most N decoded thumbnails and closes each ImageBitmap it drops (the callback), so scrolling
 * through 10,000 files does not keep 10,000 bitmaps alive.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  /** `onEvict`: called with each entry pushed out by the cap, or removed by `delete`/`clear`. */
  constructor(
    readonly capacity: number,
    private readonly onEvict?: (value: V, key: K) => void,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`LruCache capacity must be at least 1, got ${capacity}`);
  }

  get size(): number {
    return this.map.size;
  }

  /** The value, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    if (!this.map.has(key)) return undefined;
    const v = this.map.get(key) as V;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Stores `value` as the most recently used; the least recently used go beyond the cap. */
  set(key: K, value: V): void {
    const old = this.map.get(key);
    if (this.map.has(key)) {
      this.map.delete(key);
      if (old !== value) this.onEvict?.(old as V, key);
    }
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const [k, v] = this.map.entries().next().value as [K, V];
      this.map.delete(k);
      this.onEvict?.(v, k);
    }
  }

  delete(key: K): void {
    if (!this.map.has(key)) return;
    const v = this.map.get(key) as V;
    this.map.delete(key);
    this.onEvict?.(v, key);
  }

  clear(): void {
    const entries = [...this.map];
    this.map.clear();
    for (const [k, v] of entries) this.onEvict?.(v, k);
  }
}
