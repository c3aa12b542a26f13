/** Reflect-101 index (…2 1 | 0 1 2 … n-1 | n-2 …), repeated for kernels wider than the image. */
export function reflect101(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n - 2;
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}
