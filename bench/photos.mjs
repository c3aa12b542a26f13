#!/usr/bin/env node
// Real-photograph input sets for the benchmarks, made from the six sample photos that
// @vladmandic/face-api ships (1920 px wide, provisioned into .tmp/face-samples/ by `npm install`):
//
//   small/   100 JPEGs of 512×512: crops of the samples on a grid (real texture, real noise,
//            real JPEG statistics), re-encoded at Q90 with 4:2:0 chroma, as phones and most cameras write them.
//   large/   30 JPEGs of 4000×3000 (12 MP): 2×2 mosaics of the samples, each scaled ×1.04 so the
//            detail stays at camera density, Q90 4:2:0.
//
// Deterministic (the same files every time). wasm-vips in Node does the work.
//
//   node bench/photos.mjs [DIR]     (default .tmp/photos) → prints the two folders
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLES = join(ROOT, '.tmp', 'face-samples');
/** Bumped when the sets change, so older copies are remade. */
const VERSION = 2;

/** Makes (or reuses) the photo sets under `dir`; returns { small, large } folder paths. */
export async function makePhotoSets(dir = join(ROOT, '.tmp', 'photos'), { small = 100, large = 30 } = {}) {
  const smallDir = join(dir, 'small');
  const largeDir = join(dir, 'large');
  /** @param {string} d */
  const count = (d) => (existsSync(d) ? readdirSync(d).filter((n) => n.endsWith('.jpg')).length : 0);
  const stamp = join(dir, `.version-${VERSION}`);
  if (existsSync(stamp) && count(smallDir) === small && count(largeDir) === large) return { small: smallDir, large: largeDir };
  rmSync(smallDir, { recursive: true, force: true });
  rmSync(largeDir, { recursive: true, force: true });
  const names = existsSync(SAMPLES)
    ? readdirSync(SAMPLES)
        .filter((n) => /^sample\d\.jpg$/.test(n))
        .sort()
    : [];
  if (names.length < 4) throw new Error(`sample photos missing in ${SAMPLES}: run npm install (scripts/setup-models.mjs provisions them)`);
  const { default: Vips } = await import('wasm-vips');
  const vips = await Vips({ dynamicLibraries: [], print: () => {}, printErr: () => {} });
  vips.Cache.max(0);
  const photos = names.map((n) => vips.Image.newFromFile(join(SAMPLES, n)));
  try {
    mkdirSync(smallDir, { recursive: true });
    mkdirSync(largeDir, { recursive: true });
    // Small: 512² crops on a grid of stride 256, taken round-robin over the photos.
    const crops = [];
    for (let p = 0; p < photos.length; p++) {
      const im = photos[p];
      for (let y = 0; y + 512 <= im.height; y += 256) for (let x = 0; x + 512 <= im.width; x += 256) crops.push({ p, x, y });
    }
    crops.sort((a, b) => ((a.x + a.y * 7 + a.p * 13) % 17) - ((b.x + b.y * 7 + b.p * 13) % 17) || a.p - b.p || a.y - b.y || a.x - b.x);
    for (let i = 0; i < small; i++) {
      const c = crops[i % crops.length];
      const crop = photos[c.p].extractArea(c.x, c.y, 512, 512);
      try {
        writeFileSync(
          join(smallDir, `photo_${String(i).padStart(3, '0')}.jpg`),
          crop.jpegsaveBuffer({ Q: 90, subsample_mode: 'on', keep: 0 }),
        );
      } finally {
        crop.delete();
      }
    }
    // Large: 2×2 mosaics of 2000×1500 cells (each photo scaled to just cover a cell, cropped at an offset).
    for (let i = 0; i < large; i++) {
      const cells = [];
      const made = [];
      try {
        for (let k = 0; k < 4; k++) {
          const im = photos[(i + k * (1 + (i % 3))) % photos.length];
          const scaled = im.resize(Math.max(2010 / im.width, 1510 / im.height), { kernel: 'lanczos3' });
          made.push(scaled);
          const ox = (i * 37 + k * 11) % Math.max(1, scaled.width - 2000);
          const oy = (i * 23 + k * 17) % Math.max(1, scaled.height - 1500);
          const cell = scaled.extractArea(ox, oy, 2000, 1500);
          made.push(cell);
          cells.push(k % 2 === 1 && i % 2 === 1 ? made[made.push(cell.flip('horizontal')) - 1] : cell);
        }
        const mosaic = vips.Image.arrayjoin(cells, { across: 2 });
        made.push(mosaic);
        writeFileSync(
          join(largeDir, `mosaic_${String(i).padStart(2, '0')}.jpg`),
          mosaic.jpegsaveBuffer({ Q: 90, subsample_mode: 'on', keep: 0 }),
        );
      } finally {
        for (const m of made.reverse()) m.delete();
      }
    }
  } finally {
    for (const p of photos) p.delete();
    vips.shutdown?.();
  }
  writeFileSync(stamp, '');
  return { small: smallDir, large: largeDir };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sets = await makePhotoSets(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(JSON.stringify(sets));
  process.exit(0);
}
