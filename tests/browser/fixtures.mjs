// Test images made in Node with wasm-vips: photo-like scenes (smooth gradients, shapes, mild
// noise) so that compression and rounding behave as on real photos, in exact channel modes.
import Vips from 'wasm-vips';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** @type {Promise<import('../../src/engine/vips').Vips> | undefined} */
let vipsPromise;
/** One wasm-vips instance for the fixtures (no side modules: no HEIF, JXL or SVG). */
export function vips() {
  vipsPromise ??= Vips({ dynamicLibraries: [] }).then((v) => (v.Cache.max(0), v));
  return vipsPromise;
}

/** mulberry32: tiny, seeded, reproducible; floats in [0, 1). @param {number} seed */
export function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Photo-like pixels, `channels` interleaved. @param {number} w @param {number} h @param {number} channels @param {number} seed */
export function scene(w, h, channels, seed) {
  const rnd = mulberry32(seed);
  const px = new Uint8Array(w * h * channels);
  const cx = rnd() * w,
    cy = rnd() * h,
    r = (0.2 + rnd() * 0.3) * Math.min(w, h);
  const tint = [rnd() * 255, rnd() * 255, rnd() * 255];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inside = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
      for (let c = 0; c < channels; c++) {
        let v;
        if (channels === 4 && c === 3) v = inside ? 255 : 96 + ((x * 255) / w) * 0.5;
        else v = (inside ? tint[c] : ((x + y * (c + 1)) * 255) / (w + h * (c + 1))) + (rnd() - 0.5) * 12 + 20 * Math.sin(x / 9 + c);
        px[(y * w + x) * channels + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return px;
}

/**
 * @param {Uint8Array} pixels @param {number} w @param {number} h @param {number} channels
 * @param {'png' | 'jpeg'} format
 */
export async function encode(pixels, w, h, channels, format, quality = 90) {
  const v = await vips();
  const raw = v.Image.newFromMemory(pixels, w, h, channels, v.BandFormat.uchar);
  const im = raw.copy({ interpretation: channels >= 3 ? 'srgb' : 'b-w' });
  try {
    return format === 'png' ? im.pngsaveBuffer({ compression: 1 }) : im.jpegsaveBuffer({ Q: quality });
  } finally {
    im.delete();
    raw.delete();
  }
}

/**
 * A file to make: an image, a JPEG cut short ('truncated') or an empty file.
 * @typedef {{ path: string, w: number, h: number, channels: number, format: 'png' | 'jpeg' | 'truncated' }} ImageSpec
 * @typedef {ImageSpec | { path: string, format: 'empty' }} Spec
 */

/**
 * Writes `specs` ({ path, w, h, channels, format }) under a fresh temp folder and returns it
 * with the list. `format: 'truncated'` cuts a JPEG short; `format: 'empty'` writes 0 bytes.
 * @template {Spec} S
 * @param {S[]} specs
 * @returns {Promise<{ dir: string, files: (S & { size: number })[] }>}
 */
export async function makeFolder(specs, seed = 1) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-fixture-'));
  /** @type {(S & { size: number })[]} */
  const files = [];
  for (const [i, s] of specs.entries()) {
    let bytes;
    if (s.format === 'empty') bytes = new Uint8Array(0);
    else {
      const px = scene(s.w, s.h, s.channels, seed * 1000 + i);
      bytes = await encode(px, s.w, s.h, s.channels, s.format === 'truncated' ? 'jpeg' : s.format);
      if (s.format === 'truncated') bytes = bytes.subarray(0, Math.floor(bytes.length / 2));
    }
    const p = join(dir, s.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, bytes);
    files.push({ ...s, size: bytes.length });
  }
  return { dir, files };
}

/**
 * A 24-bit bottom-up BMP, as Windows Paint writes one: W×H, `pixel(x, y)` gives [r, g, b].
 * @param {number} W @param {number} H @param {(x: number, y: number) => number[]} pixel
 */
export function encodeBmp(W, H, pixel) {
  const row = Math.ceil((W * 3) / 4) * 4;
  const b = Buffer.alloc(54 + row * H);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(W, 18);
  b.writeInt32LE(H, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  b.writeUInt32LE(row * H, 34);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const [r, g, bl] = pixel(x, y);
      const at = 54 + (H - 1 - y) * row + x * 3;
      b[at] = bl;
      b[at + 1] = g;
      b[at + 2] = r;
    }
  return b;
}

/**
 * A multi-page TIFF as scanners and fax software write one: uncompressed 8-bit RGB pages, each
 * its own size, one directory per page chained in order (PageNumber set). `pages[k].pixel(x, y)`
 * gives page k's [r, g, b].
 * @param {{ width: number, height: number, pixel: (x: number, y: number) => number[] }[]} pages
 */
export function encodeTiffPages(pages) {
  const ENTRIES = 11;
  const ifdBytes = 2 + ENTRIES * 12 + 4 + 6; // directory, then BitsPerSample's three values
  const sizes = pages.map((p) => ifdBytes + p.width * p.height * 3);
  const b = Buffer.alloc(8 + sizes.reduce((a, n) => a + n, 0));
  b.write('II', 0, 'latin1');
  b.writeUInt16LE(42, 2);
  let at = 8;
  b.writeUInt32LE(at, 4);
  pages.forEach((pg, k) => {
    const data = at + ifdBytes;
    const bits = at + 2 + ENTRIES * 12 + 4;
    let p = at;
    b.writeUInt16LE(ENTRIES, p);
    p += 2;
    /** @param {number} tag @param {number} type @param {number} count @param {number} value @param {number} [value2] */
    const entry = (tag, type, count, value, value2) => {
      b.writeUInt16LE(tag, p);
      b.writeUInt16LE(type, p + 2);
      b.writeUInt32LE(count, p + 4);
      if (type === 3 && count <= 2) {
        b.writeUInt16LE(value, p + 8);
        b.writeUInt16LE(value2 ?? 0, p + 10);
      } else b.writeUInt32LE(value, p + 8);
      p += 12;
    };
    entry(254, 4, 1, 2); // NewSubfileType: a page of a multi-page document
    entry(256, 4, 1, pg.width);
    entry(257, 4, 1, pg.height);
    entry(258, 3, 3, bits);
    entry(259, 3, 1, 1); // no compression
    entry(262, 3, 1, 2); // RGB
    entry(273, 4, 1, data);
    entry(277, 3, 1, 3);
    entry(278, 4, 1, pg.height);
    entry(279, 4, 1, pg.width * pg.height * 3);
    entry(297, 3, 2, k, pages.length); // PageNumber: this page, of how many
    const next = at + sizes[k];
    b.writeUInt32LE(k + 1 < pages.length ? next : 0, p);
    for (let i = 0; i < 3; i++) b.writeUInt16LE(8, bits + 2 * i);
    for (let y = 0; y < pg.height; y++) for (let x = 0; x < pg.width; x++) b.set(pg.pixel(x, y), data + (y * pg.width + x) * 3);
    at = next;
  });
  return b;
}

/** Raw 8-bit pixels of an image file, by Debian's vips (libvips-tools). @param {string} path */
export async function vipsRaw(path) {
  const to = `${path}.raw`;
  execFileSync('vips', ['rawsave', path, to]);
  return readFile(to);
}

/** Width, height and bands of an image file, by Debian's vipsheader. @param {string} path */
export function vipsHeader(path) {
  const [w, h, b] = ['width', 'height', 'bands'].map((f) => Number(execFileSync('vipsheader', ['-f', f, path]).toString()));
  return { width: w, height: h, bands: b };
}

/**
 * Decodes an image file's bytes to 8-bit RGB pixels with wasm-vips (fails on any other band count).
 * @param {Uint8Array} bytes
 */
export async function rgbPixels(bytes) {
  const v = await vips();
  const im = v.Image.newFromBuffer(bytes);
  try {
    if (im.bands !== 3) throw new Error(`expected 3 bands, got ${im.bands}`);
    return { width: im.width, height: im.height, data: /** @type {Uint8Array} */ (im.writeToMemory()) };
  } finally {
    im.delete();
  }
}
