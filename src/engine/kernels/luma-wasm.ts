/** RGB → luma compiled from wasm/src/luma.ts (SIMD), bit-identical to the TypeScript loop. */
import { WASM_BASE64 } from '../../../wasm/build/luma-wasm';
import { lazyModule, type KernelModule } from './wasm-module';

interface LumaExports extends KernelModule {
  rgbToLuma(src: number, dst: number, n: number): void;
}

const luma = lazyModule<LumaExports>(WASM_BASE64);

export function wasmLumaAvailable(): boolean {
  return luma.get() !== null;
}

/** `src`: n packed RGB pixels; `dst`: n bytes. */
export function rgbToLumaWasm(src: Uint8Array, dst: Uint8Array, n: number): void {
  const m = luma.get();
  if (!m) throw new Error('WebAssembly SIMD is not available');
  const inBytes = n * 3;
  const dstOff = (inBytes + 16 + 15) & ~15; // the SIMD loop reads up to 4 bytes past the input
  m.reserve(dstOff + n);
  const base = m.heapBase();
  new Uint8Array(m.memory.buffer, base, inBytes).set(src.subarray(0, inBytes));
  m.rgbToLuma(base, base + dstOff, n);
  dst.set(new Uint8Array(m.memory.buffer, base + dstOff, n));
}
