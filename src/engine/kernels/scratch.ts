/**
 * Per-thread scratch memory, grown on demand and reused: kernels run thousands of times per
 * batch, and allocating (and zeroing) megabytes each time costs more than the arithmetic.
 */
const f64 = new Map<string, Float64Array>();
const u8 = new Map<string, Uint8Array>();

export function scratchF64(slot: string, length: number): Float64Array {
  let a = f64.get(slot);
  if (!a || a.length < length) f64.set(slot, (a = new Float64Array(Math.max(length, (a?.length ?? 0) * 1.25) | 0)));
  return a;
}

export function scratchU8(slot: string, length: number): Uint8Array {
  let a = u8.get(slot);
  if (!a || a.length < length) u8.set(slot, (a = new Uint8Array(Math.max(length, (a?.length ?? 0) * 1.25) | 0)));
  return a;
}
