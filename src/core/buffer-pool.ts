/**
 * Reuses SharedArrayBuffers by size class so a batch of thousands of images does not allocate
 * (and zero) a fresh multi-megabyte buffer per tile or frame. Classes are powers of √2 above
 * 64 KiB, which bounds waste at ~41% while letting near-equal sizes share buffers.
 */
export interface BufferPoolStats {
  hits: number;
  misses: number;
  hitRate: number;
  pooledBuffers: number;
  pooledBytes: number;
  outstanding: number;
}

const MIN_CLASS = 64 * 1024;

/** The size of class `steps`, rounded up to a multiple of 4096. Strictly increasing. */
function classBytes(steps: number): number {
  return Math.ceil((MIN_CLASS * Math.pow(2, steps / 2)) / 4096) * 4096;
}

/**
 * The smallest class ≥ bytes. The log2 estimate only picks a starting point; the final choice
 * compares integers, so every class maps to itself (release() relies on that: rounding a class up
 * to 4096 must not push it into the next one) and no class falls short of the request.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= MIN_CLASS) return MIN_CLASS;
  let steps = Math.max(1, Math.floor(2 * Math.log2(bytes / MIN_CLASS)) - 1);
  while (classBytes(steps) < bytes) steps++;
  return classBytes(steps);
}

export class BufferPool {
  private free = new Map<number, SharedArrayBuffer[]>();
  private hits = 0;
  private misses = 0;
  private outstanding = 0;
  private pooledBytes = 0;

  /** @param maxPooledBytes idle bytes kept for reuse; beyond this, released buffers are dropped. */
  constructor(private readonly maxPooledBytes = 512 * 1024 * 1024) {}

  acquire(bytes: number): SharedArrayBuffer {
    const cls = sizeClass(bytes);
    const list = this.free.get(cls);
    this.outstanding++;
    const reused = list?.pop();
    if (reused) {
      this.hits++;
      this.pooledBytes -= cls;
      return reused;
    }
    this.misses++;
    return new SharedArrayBuffer(cls);
  }

  release(buf: SharedArrayBuffer): void {
    const cls = buf.byteLength;
    if (cls !== sizeClass(cls)) throw new RangeError(`buffer of ${cls} bytes did not come from this pool`);
    this.outstanding--;
    if (this.pooledBytes + cls > this.maxPooledBytes) return;
    let list = this.free.get(cls);
    if (!list) this.free.set(cls, (list = []));
    list.push(buf);
    this.pooledBytes += cls;
  }

  /** Drops idle buffers (e.g. when a batch ends) so their memory can be reclaimed. */
  trim(): void {
    this.free.clear();
    this.pooledBytes = 0;
  }

  stats(): BufferPoolStats {
    let pooledBuffers = 0;
    for (const l of this.free.values()) pooledBuffers += l.length;
    const total = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      hitRate: total ? this.hits / total : 0,
      pooledBuffers,
      pooledBytes: this.pooledBytes,
      outstanding: this.outstanding,
    };
  }
}
