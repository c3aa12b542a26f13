/**
 * PNG image data from wasm/src/png.ts: per-row None/Sub/Up filters (libpng's heuristic) and a
 * run-length deflate (zlib's Z_RLE strategy, dynamic Huffman). ~5 KB, compiled at install.
 */
import { WASM_BASE64 } from '../../../wasm/build/png-wasm';
import { lazyModule, type KernelModule } from './wasm-module';

interface PngExports extends KernelModule {
  encodeIdat(src: number, row: number, h: number, bpp: number, filt: number, dst: number): number;
}

const png = lazyModule<PngExports>(WASM_BASE64);

export function wasmPngAvailable(): boolean {
  return png.get() !== null;
}

/**
 * The zlib stream for an IDAT of h rows of `row` bytes (bpp bytes per pixel) read from `rowAt(y)`
 * (a view of that row). Returns a copy outside the module's memory.
 */
export function pngImageData(rowAt: (y: number) => Uint8Array, row: number, h: number, bpp: number): Uint8Array {
  const m = png.get();
  if (!m) throw new Error('WebAssembly SIMD is not available');
  const n = row * h;
  const filtBytes = (row + 1) * h;
  // Worst case: every block stored (5 bytes per 65,535-byte piece, and a dynamic block is kept only
  // when no larger than that estimate + 5), the zlib header and Adler-32; generous slack.
  const dstBytes = filtBytes + 16 * (Math.ceil(filtBytes / 65535) + 2) + 1024;
  const align = (x: number) => (x + 15) & ~15;
  const srcOff = 0,
    filtOff = align(n),
    dstOff = align(filtOff + filtBytes);
  m.reserve(dstOff + dstBytes);
  const base = m.heapBase();
  const mem = new Uint8Array(m.memory.buffer);
  for (let y = 0; y < h; y++) mem.set(rowAt(y).subarray(0, row), base + srcOff + y * row);
  const len = m.encodeIdat(base + srcOff, row, h, bpp, base + filtOff, base + dstOff);
  if (len > dstBytes) throw new Error(`PNG encoder overran its buffer (${len} > ${dstBytes} bytes)`);
  return new Uint8Array(m.memory.buffer, base + dstOff, len).slice();
}
