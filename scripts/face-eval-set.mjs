// Builds the labelled face evaluation set in .tmp/face-eval/ (nothing of it is committed): real
// photographs that npm packages and Debian packages ship, plus thumbnails, turned copies and a
// collage generated from them with their boxes mapped. See docs/FACE-EVAL.md for what is in it
// and why; `npm run eval-faces` builds it when missing and evaluates on it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Photos inside npm tarballs: package → { path in the tarball → [name in the set, face boxes
 * [x, y, w, h] drawn by hand on a 3× zoom, or [] for a face-free photo] }.
 * @type {Record<string, Record<string, [string, number[][]]>>}
 */
export const NPM_PHOTOS = {
  'exif-js@2.3.0': {
    // A group: children, two adults in profile and three-quarter view, faces 20–40 px, a black dog.
    'package/example/Bush-dog.jpg': [
      'group-bush-dog.jpg',
      [
        [37, 33, 40, 38],
        [166, 50, 30, 30],
        [147, 27, 21, 28],
        [212, 0, 31, 28],
        [196, 72, 38, 38],
        [272, 28, 38, 38],
        [333, 14, 33, 38],
        [360, 33, 31, 36],
      ],
    ],
    'package/example/Bloated-Hero.jpg': ['none-chocolates-hands.jpg', []],
    'package/example/DSCN0614_small.jpg': ['none-mountain.jpg', []],
  },
  'exif@0.6.0': {
    'package/test/evil1.jpg': ['none-cards.jpg', []],
    'package/test/short-ascii-MM.jpg': ['none-flower.jpg', []],
    'package/test/short-ascii-II.jpg': ['none-hand-4208.jpg', []],
    'package/test/sony-alpha-6000.jpg': ['none-paris-night-6000.jpg', []],
    'package/test/test1.jpg': ['none-car-thumb1.jpg', []],
    'package/test/test2.jpg': ['none-car-thumb2.jpg', []],
    'package/test/test3.jpg': ['none-car-thumb3.jpg', []],
  },
  'exif-parser@0.1.12': {
    'package/test/starfish.jpg': ['none-starfish-hands.jpg', []],
  },
};

/**
 * Photos of Debian packages (opencv-doc, python3-skimage): path → [name, boxes]. Animals are hard negatives.
 * @type {Record<string, [string, number[][]]>}
 */
export const DEBIAN_PHOTOS = {
  '/usr/share/doc/opencv-doc/examples/data/baboon.jpg': ['animal-mandrill.jpg', []],
  '/usr/share/doc/opencv-doc/examples/data/squirrel_cls.jpg': ['animal-squirrel.jpg', []],
  '/usr/lib/python3/dist-packages/skimage/data/chelsea.png': ['animal-cat.png', []],
  '/usr/lib/python3/dist-packages/skimage/data/horse.png': ['animal-horse.png', []],
  '/usr/lib/python3/dist-packages/skimage/data/coffee.png': ['none-coffee.png', []],
  '/usr/lib/python3/dist-packages/skimage/data/rocket.jpg': ['none-rocket.jpg', []],
  '/usr/lib/python3/dist-packages/skimage/data/astronaut.png': ['face-astronaut.png', [[173, 66, 106, 110]]],
  '/usr/lib/python3/dist-packages/skimage/data/camera.png': ['face-cameraman.png', [[205, 122, 69, 72]]],
};

/** The generated images: thumbnails (long side), turns (clockwise degrees) and one collage. */
export const THUMBNAILS = [
  ...[1, 2, 3, 4, 5, 6].map((i) => /** @type {[string, number]} */ ([`sample${i}.jpg`, 128])),
  ...[1, 3, 5].map((i) => /** @type {[string, number]} */ ([`sample${i}.jpg`, 256])),
];
export const TURNS = /** @type {const} */ ([
  ['sample1.jpg', 90],
  ['sample4.jpg', 180],
  ['sample6.jpg', 270],
  ['face-astronaut.png', 90],
  ['group-bush-dog.jpg', 270],
]);

/**
 * A box of a W×H picture after turning it clockwise by `deg` (the picture's size becomes H×W for
 * 90 and 270).
 * @param {number[]} b @param {number} deg @param {number} W @param {number} H
 */
export function turnBox(b, deg, W, H) {
  const [x, y, w, h] = b;
  if (deg === 90) return [H - y - h, x, h, w];
  if (deg === 180) return [W - x - w, H - y - h, w, h];
  if (deg === 270) return [y, W - x - w, h, w];
  return [x, y, w, h];
}

/**
 * @param {string} pkg @param {string[]} members @param {string} dest
 * @returns {string} the folder the members were extracted into
 */
function extractNpm(pkg, members, dest) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const pack = spawnSync(npm, ['pack', pkg, '--pack-destination', dest, '--silent'], { encoding: 'utf8' });
  const tgz = readdirSync(dest).find((n) => n.endsWith('.tgz'));
  if (pack.status !== 0 || !tgz)
    throw new Error(`could not download ${pkg} with npm pack: ${pack.stderr || pack.error?.message || 'no tarball'}`);
  const tar = spawnSync('tar', ['-xzf', join(dest, tgz), '-C', dest, ...members], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`could not extract ${members.join(', ')} from ${tgz}: ${tar.stderr || tar.error?.message}`);
  return dest;
}

/**
 * Builds the set into `dir` (photos, generated images and truth.json); returns the truth and the
 * Debian photos that were not there (their packages are not installed).
 * @param {typeof import('wasm-vips')} vips libvips (wasm-vips)
 * @param {string} dir
 * @param {Record<string, number[][]>} samples the sample photos' boxes (scripts/eval-faces.mjs sampleTruth)
 * @param {string} samplesDir where the sample photos are (.tmp/face-samples, provisioned by npm install)
 * @param {(s: string) => void} [log]
 */
export function buildFaceEvalSet(vips, dir, samples, samplesDir, log = console.error) {
  mkdirSync(dir, { recursive: true });
  /** @type {Record<string, number[][]>} */
  const truth = {};
  /** @param {string} name @param {Uint8Array} bytes @param {number[][]} boxes */
  const put = (name, bytes, boxes) => {
    writeFileSync(join(dir, name), bytes);
    truth[name] = boxes;
  };
  for (const [name, boxes] of Object.entries(samples)) put(name, readFileSync(join(samplesDir, name)), boxes);
  for (const [pkg, files] of Object.entries(NPM_PHOTOS)) {
    const tmp = mkdtempSync(join(tmpdir(), 'tessera-face-eval-'));
    try {
      extractNpm(pkg, Object.keys(files), tmp);
      for (const [member, [name, boxes]] of Object.entries(files)) put(name, readFileSync(join(tmp, member)), boxes);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const missing = [];
  for (const [path, [name, boxes]] of Object.entries(DEBIAN_PHOTOS)) {
    if (existsSync(path)) put(name, readFileSync(path), boxes);
    else missing.push(path);
  }
  if (missing.length)
    log(
      `face-eval: ${missing.length} photos of Debian packages are missing (apt-get install opencv-doc python3-skimage): ${missing.join(', ')}`,
    );

  /** @param {string} name */
  const open = (name) => vips.Image.newFromBuffer(readFileSync(join(dir, name)));
  /** @param {import('wasm-vips').Image} im */
  const png = (im) => im.writeToBuffer('.png');
  for (const [src, side] of THUMBNAILS) {
    const im = open(src);
    try {
      const s = side / Math.max(im.width, im.height);
      const small = im.resize(s);
      try {
        put(
          `thumb${side}-${src.replace(/\.\w+$/, '.png')}`,
          png(small),
          truth[src].map((b) => b.map((v) => v * s)),
        );
      } finally {
        small.delete();
      }
    } finally {
      im.delete();
    }
  }
  for (const [src, deg] of TURNS) {
    if (!truth[src]) continue; // a Debian photo that is not there
    const im = open(src);
    try {
      const t = im.rot(/** @type {'d90' | 'd180' | 'd270'} */ (`d${deg}`));
      try {
        put(
          `turned${deg}-${src.replace(/\.\w+$/, '.png')}`,
          png(t),
          truth[src].map((b) => turnBox(b, deg, im.width, im.height)),
        );
      } finally {
        t.delete();
      }
    } finally {
      im.delete();
    }
  }
  // A collage: the six group photos at 400 px wide on grey, 3 × 2 — many small faces in one
  // medium-size image (faces of 32–48 px in 1260 × 700).
  const cellW = 420,
    cellH = 350;
  let canvas = vips.Image.black(cellW * 3, cellH * 2, { bands: 3 })
    .add(128)
    .cast('uchar');
  /** @type {number[][]} */
  const boxes = [];
  Object.keys(samples).forEach((src, i) => {
    const im = open(src);
    const s = 400 / im.width;
    const small = im.resize(s);
    const x0 = (i % 3) * cellW + 10,
      y0 = Math.floor(i / 3) * cellH + 10;
    const next = canvas.insert(small, x0, y0);
    canvas.delete();
    canvas = next;
    for (const b of truth[src]) boxes.push([x0 + b[0] * s, y0 + b[1] * s, b[2] * s, b[3] * s]);
    small.delete();
    im.delete();
  });
  put('collage-groups.png', png(canvas), boxes);
  canvas.delete();
  const rounded = Object.fromEntries(Object.entries(truth).map(([k, bs]) => [k, bs.map((b) => b.map((v) => Math.round(v * 10) / 10))]));
  writeFileSync(join(dir, 'truth.json'), JSON.stringify(rounded, null, 1) + '\n');
  return { truth: rounded, missing };
}
