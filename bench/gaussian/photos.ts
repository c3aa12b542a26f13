// Bundled by bench/gaussian/run.mjs photos: the float32 Gaussian against the float64 definition on
// real photographs, and the whole seed pipeline (for shared/tools/seed_reference.py).
//   node entry.mjs RAW_DIR OUT_NEW OUT_OLD   (RAW_DIR: <base>.rgb + index.json from run.mjs)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { createFrame, type Frame } from '../../src/core/frame';
import { resolveSteps } from '../../src/core/recipe';
import { SEED_RECIPE } from '../../src/core/presets';
import { gaussianBlurPlane } from '../../src/engine/kernels/gaussian-blur';
import { runSteps } from '../../src/engine/run-steps';
import { gaussianBlurPlaneF64 } from '../../tests/unit/gaussian-f64';

const [rawDir, outNew, outOld] = process.argv.slice(2);
const index = JSON.parse(readFileSync(join(rawDir, 'index.json'), 'utf8')) as Array<{ base: string; w: number; h: number }>;

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(b: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < b.length; i++) c = CRC[(c ^ b[i]) & 255] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type: string, data: Uint8Array): Buffer {
  const t = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4),
    crc = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  crc.writeUInt32BE(crc32(t));
  return Buffer.concat([len, t, crc]);
}
/** 8-bit grayscale PNG. */
function png(gray: Uint8Array, w: number, h: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // depth
  ihdr[9] = 0; // grayscale
  const raw = Buffer.alloc((w + 1) * h);
  for (let y = 0; y < h; y++) raw.set(gray.subarray(y * w, (y + 1) * w), y * (w + 1) + 1);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const packed = (f: Frame): Uint8Array => {
  const out = new Uint8Array(f.width * f.height * f.channels);
  for (let y = 0; y < f.height; y++) out.set(f.data.subarray(y * f.stride, y * f.stride + f.width * f.channels), y * f.width * f.channels);
  return out;
};
const frameOf = (data: Uint8Array, w: number, h: number, ch: number): Frame => {
  const f = createFrame(w, h, ch, new ArrayBuffer(data.length));
  f.data.set(data);
  return f;
};

const steps = resolveSteps(SEED_RECIPE);
const sigmaSeed = steps[1].params.sigma as number;
mkdirSync(outNew, { recursive: true });
mkdirSync(outOld, { recursive: true });
// Gaussian-stage comparison: per σ, pixels compared, pixels off by 1, max |diff|.
const SIGMAS = [0.5, 1, 1.5, 2, 3.3, 7];
const stats = new Map<string, { n: number; off: number; max: number }>();
const tally = (key: string, a: Uint8Array, b: Uint8Array) => {
  const s = stats.get(key) ?? { n: 0, off: 0, max: 0 };
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d) s.off++;
    if (d > s.max) s.max = d;
  }
  s.n += a.length;
  stats.set(key, s);
};
let seedDiff = 0,
  seedMax = 0,
  seedN = 0;
for (const { base, w, h } of index) {
  const rgb = new Uint8Array(readFileSync(join(rawDir, base + '.rgb')));
  // The seed, as the engine runs it (float32 Gaussian), and with the float64 Gaussian instead.
  const { frame } = await runSteps(frameOf(rgb, w, h, 3), steps);
  const seedNew = packed(frame);
  writeFileSync(join(outNew, base + '.png'), png(seedNew, w, h));
  const luma = packed((await runSteps(frameOf(rgb, w, h, 3), steps.slice(0, 1))).frame);
  const b64 = new Uint8Array(w * h);
  gaussianBlurPlaneF64(luma, b64, w, h, sigmaSeed);
  const seedOld = packed((await runSteps(frameOf(b64, w, h, 1), steps.slice(2))).frame);
  writeFileSync(join(outOld, base + '.png'), png(seedOld, w, h));
  for (let i = 0; i < seedNew.length; i++) {
    const d = Math.abs(seedNew[i] - seedOld[i]);
    seedDiff += d;
    if (d > seedMax) seedMax = d;
  }
  seedN += seedNew.length;
  // The Gaussian alone on the luma plane and on R, G, B.
  const planes = [luma, ...[0, 1, 2].map((c) => rgb.filter((_, i) => i % 3 === c))];
  for (const sigma of SIGMAS)
    for (const p of planes) {
      const a = new Uint8Array(w * h),
        b = new Uint8Array(w * h);
      gaussianBlurPlaneF64(p, a, w, h, sigma);
      gaussianBlurPlane(p, b, w, h, sigma);
      tally(`σ${sigma}`, a, b);
    }
}
console.log(`${index.length} images; Gaussian float32 vs float64 on luma, R, G and B planes:`);
console.log('| σ | pixels | off by 1 | fraction | max |diff| |');
console.log('|---|---|---|---|---|');
for (const [k, s] of stats) console.log(`| ${k.slice(1)} | ${s.n} | ${s.off} | ${((s.off / s.n) * 100).toFixed(5)}% | ${s.max} |`);
console.log(`seed output, float32 vs float64 Gaussian: mean |diff| ${(seedDiff / seedN).toFixed(6)}, max ${seedMax}`);
