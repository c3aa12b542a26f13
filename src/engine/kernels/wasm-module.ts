/**
 * Instantiates one of Tessera's own small WebAssembly modules (wasm/src, embedded as base64 by
 * scripts/build-wasm.mjs), synchronously and once per thread. Returns null where WebAssembly or
 * its SIMD extension is missing, so callers fall back to their TypeScript kernels.
 */
export interface KernelModule {
  memory: WebAssembly.Memory;
  heapBase(): number;
  reserve(bytes: number): void;
}

export function instantiate<T extends KernelModule>(base64: string): T | null {
  try {
    const bin = atob(base64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      env: {
        abort: () => {
          throw new Error('Tessera wasm kernel aborted');
        },
      },
    });
    return inst.exports as unknown as T;
  } catch {
    return null;
  }
}

/** Lazily instantiated module: `get()` returns the exports or null (no SIMD). */
export function lazyModule<T extends KernelModule>(base64: string): { get(): T | null } {
  let cached: T | null | undefined;
  return { get: () => (cached === undefined ? (cached = instantiate<T>(base64)) : cached) };
}
