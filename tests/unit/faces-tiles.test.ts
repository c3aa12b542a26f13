/**
 * BlazeFace tiling (src/engine/faces/detect.ts): a face from a sample photo shrunk to ~60 px and
 * placed in a 4000-px canvas is found with tiles and missed by the whole-image pass alone; the
 * nets and classifiers are created once per OpenCV instance and reused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { createFrame, type Frame } from '../../src/core/frame';
import { decode } from '../../src/engine/codec';
import { blazeTiles, cachedFaceModels, detectFaces, releaseFaceModels } from '../../src/engine/faces/detect';
import { iou } from '../../src/engine/faces/types';
import { loadOpenCV, type CV } from '../../src/engine/opencv';
import { loadVips, type Vips } from '../../src/engine/vips';

const SAMPLES = join(process.cwd(), '.tmp', 'face-samples');
let vips: Vips;
let cv: CV;
let photo: Frame;

beforeAll(async () => {
  const f = join(SAMPLES, 'sample3.jpg');
  if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm install\` (scripts/setup-models.mjs)`);
  ({ vips } = await loadVips());
  ({ cv } = await loadOpenCV());
  photo = decode(vips, new Uint8Array(readFileSync(f)));
});

/** sample3's middle face [1079, 211, 227, 298] with some context, scaled so the face is ~60 px wide, placed at (x, y) on a 4000×3000 gray canvas. */
function smallFaceCanvas(x: number, y: number): { frame: Frame; box: number[] } {
  const crop = [1000, 120, 400, 480];
  const s = 60 / 227;
  const cw = Math.round(crop[2] * s), ch = Math.round(crop[3] * s);
  let im = vips.Image.newFromMemory(photo.data.slice(0, photo.width * photo.height * photo.channels), photo.width, photo.height, photo.channels, vips.BandFormat.uchar);
  const small = im.crop(crop[0], crop[1], crop[2], crop[3]).resize(s);
  const bytes = small.writeToMemory();
  im.delete();
  im = small;
  const W = 4000, H = 3000, c = photo.channels;
  const frame = createFrame(W, H, c, new ArrayBuffer(W * H * c));
  frame.data.fill(128);
  for (let r = 0; r < small.height; r++) frame.data.set(bytes.subarray(r * small.width * c, (r + 1) * small.width * c), ((y + r) * W + x) * c);
  im.delete();
  void cw, ch;
  return { frame, box: [x + (1079 - crop[0]) * s, y + (211 - crop[1]) * s, 227 * s, 298 * s] };
}

test('tile grid: none up to 2.5 tiles, overlapping tiles covering a 4000-px image', () => {
  expect(blazeTiles(1920, 1280, 768)).toEqual([]);
  const t = blazeTiles(4000, 3000, 768);
  expect(t.length).toBeGreaterThan(20);
  for (const r of t) expect(r[0] + r[2] <= 4000 && r[1] + r[3] <= 3000).toBe(true);
  expect(Math.max(...t.map((r) => r[0] + r[2]))).toBe(4000);
  expect(Math.max(...t.map((r) => r[1] + r[3]))).toBe(3000);
});

test('a 60-px face in a 4000-px canvas: found with tiles, missed without', async () => {
  const lines: string[] = [];
  let withHits = 0, withoutHits = 0, falseWith = 0;
  const spots = [[1500, 1300], [730, 700], [3100, 2500]]; // middle; across a tile seam; near a corner
  for (const [x, y] of spots) {
    const { frame, box } = smallFaceCanvas(x, y);
    const withT = await detectFaces(cv, frame, { detector: 'blazeface', minScore: 0.5, minSize: 20, tiles: true });
    const without = await detectFaces(cv, frame, { detector: 'blazeface', minScore: 0.5, minSize: 20, tiles: false });
    const hit = (fs: typeof withT) => fs.some((f) => iou(f.box, box) >= 0.4);
    withHits += +hit(withT);
    withoutHits += +hit(without);
    falseWith += withT.filter((f) => iou(f.box, box) < 0.4).length;
    lines.push(`  at ${x},${y} truth ${JSON.stringify(box.map(Math.round))}: tiles ${JSON.stringify(withT.map((f) => [f.box, f.score]))}, no tiles ${JSON.stringify(without.map((f) => [f.box, f.score]))}`);
  }
  console.log(`small face (60 px) in 4000×3000: found ${withHits}/${spots.length} with tiles, ${withoutHits}/${spots.length} without, ${falseWith} false with tiles\n${lines.join('\n')}`);
  expect(withHits).toBe(spots.length);
  expect(withoutHits).toBe(0);
  expect(falseWith).toBe(0);
});

test('nets and classifiers are cached per OpenCV instance and released on demand', async () => {
  releaseFaceModels(cv);
  expect(cachedFaceModels(cv)).toBe(0);
  const f = createFrame(320, 240, 3);
  await detectFaces(cv, f, { detector: 'blazeface', minScore: 0.5, minSize: 20 });
  await detectFaces(cv, f, { detector: 'blazeface', minScore: 0.5, minSize: 20 });
  expect(cachedFaceModels(cv)).toBe(1);
  await detectFaces(cv, f, { detector: 'haar', minScore: 0.5, minSize: 20 });
  expect(cachedFaceModels(cv)).toBe(3); // face + eye cascades
  releaseFaceModels(cv);
  expect(cachedFaceModels(cv)).toBe(0);
  expect(await detectFaces(cv, f, { detector: 'blazeface', minScore: 0.5, minSize: 20 })).toEqual([]);
});
