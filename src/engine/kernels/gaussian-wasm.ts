/**
 * The Gaussian blur kernel compiled from wasm/src/gauss.ts (AssemblyScript, SIMD f32x4). It is
 * bit-identical to the TypeScript kernel (tests compare them) and runs wherever the platform has
 * WebAssembly SIMD; otherwise the TypeScript kernel runs. The module is ~1.5 KB, embedded by a
 * generated module (scripts/build-wasm.mjs) and compiled synchronously once per thread.
 */
import { WASM_BASE64 } from '../../../wasm/build/gauss-wasm';
import { lazyModule, type KernelModule } from './wasm-module';

interface GaussExports extends KernelModule {
  blur(
    kv: number,
    ks: number,
    r: number,
    src: number,
    dst: number,
    w: number,
    h: number,
    ring: number,
    stride: number,
    rows: number,
    held: number,
    pad: number,
    xIndex: number,
  ): void;
}

const gauss = lazyModule<GaussExports>(WASM_BASE64);
const instance = () => gauss.get();

export function wasmGaussianAvailable(): boolean {
  return instance() !== null;
}

const align16 = (n: number) => (n + 15) & ~15;

/** `k`: the definition's f32 weights k_0 … k_r (outermost first, centre last). */
export function gaussianBlurPlaneWasm(src: Uint8Array, dst: Uint8Array, w: number, h: number, k: Float32Array): void {
  const g = instance();
  if (!g) throw new Error('WebAssembly SIMD is not available');
  const r = k.length - 1;
  if (r === 0) {
    dst.set(src.subarray(0, w * h));
    return;
  }
  const taps = 2 * r + 1;
  const stride = (w + 3) & ~3;
  // Layout after the heap base: kv | ks | ring | pad | rows | held | xIndex | src | dst
  const kvOff = 0;
  const ksOff = align16(kvOff + (r + 1) * 16);
  const ringOff = align16(ksOff + (r + 1) * 4);
  const padOff = align16(ringOff + taps * stride * 4);
  const rowsOff = align16(padOff + (w + 2 * r) * 4);
  const heldOff = align16(rowsOff + taps * 4);
  const xOff = align16(heldOff + taps * 4);
  const srcOff = align16(xOff + (w + 2 * r) * 4);
  const dstOff = align16(srcOff + w * h + 16);
  const total = dstOff + w * h + 16;
  g.reserve(total);
  const base = g.heapBase();
  const mem = g.memory.buffer;
  const kv = new Float32Array(mem, base + kvOff, (r + 1) * 4);
  for (let j = 0; j <= r; j++) kv.fill(k[j], j * 4, j * 4 + 4);
  new Float32Array(mem, base + ksOff, r + 1).set(k);
  new Uint8Array(mem, base + srcOff, w * h).set(src.subarray(0, w * h));
  g.blur(
    base + kvOff,
    base + ksOff,
    r,
    base + srcOff,
    base + dstOff,
    w,
    h,
    base + ringOff,
    stride,
    base + rowsOff,
    base + heldOff,
    base + padOff,
    base + xOff,
  );
  dst.set(new Uint8Array(g.memory.buffer, base + dstOff, w * h));
}
