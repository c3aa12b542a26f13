// Shared by Tessera's kernel modules: the caller lays its buffers out after the heap base and
// asks for enough memory first; and the border rule every kernel uses.

export function heapBase(): usize {
  return __heap_base;
}

/** Grows memory so that `bytes` fit after the heap base. */
export function reserve(bytes: usize): void {
  const need = <i32>((__heap_base + bytes + 0xffff) >>> 16);
  const have = memory.size();
  if (need > have) memory.grow(need - have);
}

/** The first byte after a module's own `scratch` bytes at the start of the heap (16-aligned). */
export function heapBaseAfter(scratch: usize): usize {
  return (__heap_base + scratch + 15) & ~15;
}

/** Grows memory so that `bytes` fit after heapBaseAfter(scratch). */
export function reserveAfter(scratch: usize, bytes: usize): void {
  const need = <i32>((heapBaseAfter(scratch) + bytes + 0xffff) >>> 16);
  const have = memory.size();
  if (need > have) memory.grow(need - have);
}

/** Reflect-101 index (…2 1 | 0 1 2 … n-1 | n-2 …), repeated for kernels wider than the image. */
// @ts-ignore: decorator
@inline export function reflect101(i: i32, n: i32): i32 {
  if (n == 1) return 0;
  const period = 2 * n - 2;
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}
