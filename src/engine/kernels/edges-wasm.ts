/**
 * Sobel magnitude and SHARPEN compiled from wasm/src/edges.ts (SIMD, 8 pixels at a time),
 * bit-identical to the TypeScript kernels; used where the platform has WebAssembly SIMD.
 */
import { WASM_BASE64 } from '../../../wasm/build/edges-wasm';
import { lazyModule, type KernelModule } from './wasm-module';

interface EdgesExports extends KernelModule {
  filter3x3(kind: number, src: number, dst: number, w: number, h: number, step: number): void;
}

const edges = lazyModule<EdgesExports>(WASM_BASE64);

export function wasmEdgesAvailable(): boolean {
  return edges.get() !== null;
}

/** `step`: bytes between horizontal neighbours (1 for a plane, the channel count for packed interleaved pixels). */
function run(kind: 0 | 1, src: Uint8Array, dst: Uint8Array, w: number, h: number, step = 1): void {
  const m = edges.get();
  if (!m) throw new Error('WebAssembly SIMD is not available');
  const n = w * h * step;
  m.reserve(2 * n + 16);
  const base = m.heapBase();
  new Uint8Array(m.memory.buffer, base, n).set(src.subarray(0, n));
  m.filter3x3(kind, base, base + n, w, h, step);
  dst.set(new Uint8Array(m.memory.buffer, base + n, n));
}

export const sobelPlaneWasm = (src: Uint8Array, dst: Uint8Array, w: number, h: number): void => run(0, src, dst, w, h);
export const sharpenPlaneWasm = (src: Uint8Array, dst: Uint8Array, w: number, h: number): void => run(1, src, dst, w, h);

/**
 * Every channel of packed interleaved pixels at once (no split into planes: the split and the
 * merge cost more than the filter). Alpha is filtered too; the caller restores it.
 */
export const sobelInterleavedWasm = (src: Uint8Array, dst: Uint8Array, w: number, h: number, ch: number): void =>
  run(0, src, dst, w, h, ch);
export const sharpenInterleavedWasm = (src: Uint8Array, dst: Uint8Array, w: number, h: number, ch: number): void =>
  run(1, src, dst, w, h, ch);
