// Bundled by bench/gaussian/run.mjs: times the float32 Gaussian (wasm and TypeScript) against the
// previous float64 wasm kernel (compiled from git history), interleaved in one process.
import { readFileSync } from 'node:fs';
import { gaussianBlurPlaneJs, gaussianKernel, gaussianWeightsF32 } from '../../src/engine/kernels/gaussian-blur';
import { gaussianBlurPlaneWasm } from '../../src/engine/kernels/gaussian-wasm';
// Written by run.mjs from git history (the float64 TypeScript kernel) and bundled under this name;
// its signature: old-kernel.d.ts.
import { gaussianBlurPlaneJs as oldJs } from 'bench-gaussian-f64';

interface OldExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  reserve(bytes: number): void;
  blur(
    k: number,
    taps: number,
    src: number,
    dst: number,
    w: number,
    h: number,
    ring: number,
    acc: number,
    pad: number,
    xIndex: number,
    held: number,
  ): void;
}

const oldWasm = process.argv[2];
const old = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(oldWasm)), {
  env: {
    abort: () => {
      throw new Error('abort');
    },
  },
}).exports as unknown as OldExports;
const align8 = (n: number) => (n + 7) & ~7;

/** The previous wrapper (src/engine/kernels/gaussian-wasm.ts before the float32 definition). */
function oldBlur(src: Uint8Array, dst: Uint8Array, w: number, h: number, k: Float64Array): void {
  const taps = k.length,
    r = (taps - 1) >> 1;
  const ringOff = align8(taps * 8);
  const accOff = align8(ringOff + taps * w * 8);
  const padOff = align8(accOff + w * 8);
  const srcOff = align8(padOff + (w + 2 * r + 2) * 8);
  const dstOff = align8(srcOff + w * h);
  const xOff = align8(dstOff + w * h);
  const heldOff = align8(xOff + (w + 2 * r) * 4);
  old.reserve(heldOff + taps * 4);
  const base = old.heapBase();
  new Float64Array(old.memory.buffer, base, taps).set(k);
  new Uint8Array(old.memory.buffer, base + srcOff, w * h).set(src.subarray(0, w * h));
  old.blur(base, taps, base + srcOff, base + dstOff, w, h, base + ringOff, base + accOff, base + padOff, base + xOff, base + heldOff);
  dst.set(new Uint8Array(old.memory.buffer, base + dstOff, w * h));
}

function photoLike(w: number, h: number): Uint8Array {
  const a = new Uint8Array(w * h);
  let s = 12345;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      a[y * w + x] = (128 + 80 * Math.sin(x / 37) * Math.cos(y / 23) + ((s >>> 24) % 24)) & 255;
    }
  return a;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const reps = Number(process.argv[3] ?? 15);
const cases: Array<[number, number, number]> = [
  [512, 512, 2],
  [1920, 1080, 1.5],
  [1920, 1080, 2],
];
const rows: string[] = [];
const wallRows: string[] = [];
for (const [w, h, sigma] of cases) {
  const src = photoLike(w, h);
  const a = new Uint8Array(w * h),
    b = new Uint8Array(w * h),
    c = new Uint8Array(w * h),
    d = new Uint8Array(w * h);
  const k64 = gaussianKernel(sigma),
    k32 = gaussianWeightsF32(sigma);
  const inner = w * h > 1e6 ? 3 : 10;
  const impls: Array<[string, () => void]> = [
    ['old f64x2 wasm', () => oldBlur(src, a, w, h, k64)],
    ['new f32x4 wasm', () => gaussianBlurPlaneWasm(src, b, w, h, k32)],
    ['old f64 TypeScript', () => oldJs(src, d, w, h, sigma)],
    ['new f32 TypeScript', () => gaussianBlurPlaneJs(src, c, w, h, sigma)],
  ];
  const times: number[][] = impls.map(() => []);
  const wall: number[][] = impls.map(() => []);
  for (const [, f] of impls) f(); // warm up
  for (let rep = 0; rep < reps; rep++)
    impls.forEach(([, f], i) => {
      // CPU time of this process, not wall time: the machine is shared, and a descheduled
      // thread's waiting is not the kernel's cost. (Single-threaded code; GC is negligible here.)
      const t0 = process.cpuUsage(),
        w0 = performance.now();
      for (let n = 0; n < inner; n++) f();
      const d = process.cpuUsage(t0);
      times[i].push((d.user + d.system) / 1000 / inner);
      wall[i].push((performance.now() - w0) / inner);
    });
  if (!Buffer.from(b).equals(Buffer.from(c))) throw new Error('wasm and TypeScript differ');
  if (!Buffer.from(a).equals(Buffer.from(d))) throw new Error('old wasm and TypeScript differ');
  let off = 0;
  for (let i = 0; i < a.length; i++) off += a[i] !== b[i] ? 1 : 0;
  const m = times.map(median);
  const mw = wall.map(median);
  wallRows.push(
    `| ${w}×${h} σ${sigma} | ${mw[0].toFixed(2)} | ${mw[1].toFixed(2)} | ${(mw[0] / mw[1]).toFixed(2)}× | ${mw[2].toFixed(1)} | ${mw[3].toFixed(1)} |`,
  );
  rows.push(
    `| ${w}×${h} σ${sigma} | ${m[0].toFixed(2)} | ${m[1].toFixed(2)} | ${(m[0] / m[1]).toFixed(2)}× | ${m[2].toFixed(1)} | ${m[3].toFixed(1)} | ${((off / a.length) * 100).toFixed(4)}% |`,
  );
  console.error(`${w}×${h} σ${sigma}: ` + impls.map(([n], i) => `${n} [${times[i].map((t) => t.toFixed(2)).join(' ')}]`).join('; '));
}
console.log(`medians of ${reps} interleaved repetitions, CPU ms per plane\n`);
console.log('| plane | old f64x2 wasm | new f32x4 wasm | speedup | old f64 TypeScript | new f32 TypeScript | pixels ≠ old |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log('\nthe same, wall-clock ms (noisier on a shared machine)\n');
console.log('| plane | old f64x2 wasm | new f32x4 wasm | speedup | old f64 TypeScript | new f32 TypeScript |');
console.log('|---|---|---|---|---|---|');
for (const r of wallRows) console.log(r);
