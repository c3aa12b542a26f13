// Face fixtures made in the page: a large "group photo" from a real sample photo pasted several
// times at a small scale, so its faces are small (for the small-face tiles and their sharing among
// workers). Used by tests/browser/faces-batch.test.mjs and the faces-workers bench.
import { handFiles } from './harness.mjs';

/** A box [x, y, w, h] in pixels. @typedef {number[]} Box */

/** Hand-labelled in tests/unit/faces-samples.test.ts: sample1's three faces, in its pixels. @type {Box[]} */
export const SAMPLE1_FACES = [
  [413, 370, 195, 200],
  [835, 432, 200, 215],
  [1460, 211, 230, 240],
];

/**
 * Draws `image` (a file path) at `scale` at each of `spots` on a gray width×height canvas and keeps
 * the JPEG in the page as `window[name]`. Returns the expected face boxes (sample1's, moved).
 * @param {import('playwright-core').Page} page
 * @param {{ image: string, name?: 'groupPhoto' | 'benchGroup', width?: number, height?: number, scale?: number, spots?: [number, number][], faces?: Box[] }} opts
 * @returns {Promise<Box[]>}
 */
export async function makeGroupPhoto(
  page,
  {
    image,
    name = 'groupPhoto',
    width = 4000,
    height = 3000,
    scale = 0.4,
    spots = [
      [150, 120],
      [2950, 260],
      [1500, 1300],
      [500, 2300],
    ],
    faces = SAMPLE1_FACES,
  },
) {
  await handFiles(page, '__group-input', image);
  await page.evaluate(
    async ({ name, width, height, scale, spots }) => {
      const file = /** @type {HTMLInputElement} */ (document.getElementById('__group-input')).files?.[0];
      if (!file) throw new Error('no photo was handed to the page');
      const bmp = await createImageBitmap(file);
      const c = new OffscreenCanvas(width, height);
      const g = c.getContext('2d');
      if (!g) throw new Error('no 2D context');
      g.fillStyle = '#8a8f94';
      g.fillRect(0, 0, width, height);
      g.imageSmoothingQuality = 'high';
      for (const [x, y] of spots) g.drawImage(bmp, x, y, bmp.width * scale, bmp.height * scale);
      window[name] = await c.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
    },
    { name, width, height, scale, spots },
  );
  return spots.flatMap(([x, y]) => faces.map((b) => [x + b[0] * scale, y + b[1] * scale, b[2] * scale, b[3] * scale]));
}

/** Intersection over union of two boxes. @param {Box} a @param {Box} b */
export const iou = (a, b) => {
  const x = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const y = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  return (x * y) / (a[2] * a[3] + b[2] * b[3] - x * y);
};
