/**
 * The Gaussian blur kernel compiled from wasm/src/gauss.ts (AssemblyScript, SIMD f64x2). It is
 * bit-identical to the TypeScript kernel (tests compare them) and is used when the bench shows
 * it faster and the platform has WebAssembly SIMD; otherwise the TypeScript kernel runs.
 * The module is ~1 KB, embedded by a generated module (scripts/build-wasm.mjs) and compiled
 * synchronously once per thread.
 */
import { WASM_BASE64 } from '../../../wasm/build/gauss-wasm';
import { lazyModule, type KernelModule } from './wasm-module';

interface GaussExports extends KernelModule {
  blur(k: number, taps: number, src: number, dst: number, w: number, h: number, ring: number, acc: number, pad: number, xIndex: number, held: number): void;
}

const gauss = lazyModule<GaussExports>(WASM_BASE64);
const instance = () => gauss.get();

export function wasmGaussianAvailable(): boolean {
  return instance() !== null;
}

const align8 = (n: number) => (n + 7) & ~7;

export function gaussianBlurPlaneWasm(src: Uint8Array, dst: Uint8Array, w: number, h: number, k: Float64Array): void {
  const g = instance();
  if (!g) throw new Error('WebAssembly SIMD is not available');
  const taps = k.length, r = (taps - 1) >> 1;
  // Layout after the heap base: k | ring | acc | pad | src | dst | xIndex | held
  const kOff = 0;
  const ringOff = align8(kOff + taps * 8);
  const accOff = align8(ringOff + taps * w * 8);
  const padOff = align8(accOff + w * 8);
  const srcOff = align8(padOff + (w + 2 * r + 2) * 8);
  const dstOff = align8(srcOff + w * h);
  const xOff = align8(dstOff + w * h);
  const heldOff = align8(xOff + (w + 2 * r) * 4);
  const total = heldOff + taps * 4;
  g.reserve(total);
  const base = g.heapBase();
  const mem = g.memory.buffer;
  new Float64Array(mem, base + kOff, taps).set(k);
  new Uint8Array(mem, base + srcOff, w * h).set(src.subarray(0, w * h));
  g.blur(base + kOff, taps, base + srcOff, base + dstOff, w, h, base + ringOff, base + accOff, base + padOff, base + xOff, base + heldOff);
  dst.set(new Uint8Array(g.memory.buffer, base + dstOff, w * h));
}
