/**
 * BlazeFace tiling (src/engine/faces/detect.ts): a face from a sample photo shrunk to ~60 px and
 * placed in a 4000-px canvas is found with tiles and missed by the whole-image pass alone; the
 * nets and classifiers are created once per OpenCV instance and reused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { createFrame, type Frame } from '../../src/core/frame';
import { stepParams } from '../../src/core/catalogue';
import { decode } from '../../src/engine/codec';
import { cachedFaceModels, detectFaces, releaseFaceModels } from '../../src/engine/faces/detect';
import { blazeCandidates, blazePasses, blazeTiles, detectOptions, finishBlaze, iou, type FacesReport } from '../../src/core/faces';
import { validateOutput } from '../../src/core/formats';
import { resolveSteps, validateRecipe } from '../../src/core/recipe';
import { detectFacePasses, finishImage, processImage, rescoreFaces } from '../../src/engine/image-task';
import { shares } from '../../src/jobs/face-split';
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
  let im = vips.Image.newFromMemory(
    photo.data.slice(0, photo.width * photo.height * photo.channels),
    photo.width,
    photo.height,
    photo.channels,
    vips.BandFormat.uchar,
  );
  const small = im.crop(crop[0], crop[1], crop[2], crop[3]).resize(s);
  const bytes = small.writeToMemory();
  im.delete();
  im = small;
  const W = 4000,
    H = 3000,
    c = photo.channels;
  const frame = createFrame(W, H, c, new ArrayBuffer(W * H * c));
  frame.data.fill(128);
  for (let r = 0; r < small.height; r++)
    frame.data.set(bytes.subarray(r * small.width * c, (r + 1) * small.width * c), ((y + r) * W + x) * c);
  im.delete();
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
  let withHits = 0,
    withoutHits = 0,
    falseWith = 0;
  const spots = [
    [1500, 1300],
    [730, 700],
    [3100, 2500],
  ]; // middle; across a tile seam; near a corner
  for (const [x, y] of spots) {
    const { frame, box } = smallFaceCanvas(x, y);
    const withT = await detectFaces(cv, frame, { detector: 'blazeface', minScore: 0.5, minFaceSize: 0, tiles: true });
    const without = await detectFaces(cv, frame, { detector: 'blazeface', minScore: 0.5, minFaceSize: 0, tiles: false });
    const hit = (fs: typeof withT) => fs.some((f) => iou(f.box, box) >= 0.4);
    withHits += +hit(withT);
    withoutHits += +hit(without);
    falseWith += withT.filter((f) => iou(f.box, box) < 0.4).length;
    lines.push(
      `  at ${x},${y} truth ${JSON.stringify(box.map(Math.round))}: tiles ${JSON.stringify(withT.map((f) => [f.box, f.score]))}, no tiles ${JSON.stringify(without.map((f) => [f.box, f.score]))}`,
    );
  }
  console.log(
    `small face (60 px) in 4000×3000: found ${withHits}/${spots.length} with tiles, ${withoutHits}/${spots.length} without, ${falseWith} false with tiles\n${lines.join('\n')}`,
  );
  expect(withHits).toBe(spots.length);
  expect(withoutHits).toBe(0);
  expect(falseWith).toBe(0);
});

test('nets and classifiers are cached per OpenCV instance and released on demand', async () => {
  releaseFaceModels(cv);
  expect(cachedFaceModels(cv)).toBe(0);
  const f = createFrame(320, 240, 3);
  await detectFaces(cv, f, { detector: 'blazeface', minScore: 0.5, minFaceSize: 0 });
  await detectFaces(cv, f, { detector: 'blazeface', minScore: 0.5, minFaceSize: 0 });
  expect(cachedFaceModels(cv)).toBe(1);
  await detectFaces(cv, f, { detector: 'haar', minScore: 0.5, minFaceSize: 0 });
  expect(cachedFaceModels(cv)).toBe(3); // face + eye cascades
  releaseFaceModels(cv);
  expect(cachedFaceModels(cv)).toBe(0);
  expect(await detectFaces(cv, f, { detector: 'blazeface', minScore: 0.5, minFaceSize: 0 })).toEqual([]);
});

test('the passes of one large photo shared out (as over workers) give the same faces, report and output bytes', async () => {
  // Two small faces on the 4000-px canvas, one near a tile seam; a flip before the face step.
  const a = smallFaceCanvas(1500, 1300);
  const b = smallFaceCanvas(730, 700);
  const frame = a.frame;
  const row = frame.width * frame.channels;
  for (let y = 0; y < 140; y++)
    frame.data.set(b.frame.data.subarray((700 + y) * row + 730 * 3, (700 + y) * row + (730 + 120) * 3), (700 + y) * row + 730 * 3);
  const im = vips.Image.newFromMemory(frame.data, frame.width, frame.height, frame.channels, vips.BandFormat.uchar);
  const bytes = im.jpegsaveBuffer({ Q: 95 });
  im.delete();
  const steps = resolveSteps(
    validateRecipe({
      name: 't',
      steps: [{ op: 'flip' }, { op: 'detect-faces' }, { op: 'resize', params: { mode: 'percent', percent: 10 } }],
    }),
  );
  const output = validateOutput({ format: 'png' });
  const req = { file: new Blob([]), name: 'big.jpg', steps, output, maxPixels: Infinity };

  const whole = await processImage(vips, { ...req, bytes: bytes.slice().buffer });
  const split = await processImage(vips, { ...req, bytes: bytes.slice().buffer, splitFaces: true });
  if (whole.kind !== 'done' || split.kind !== 'faces-split')
    throw new Error(`expected done and faces-split, got ${whole.kind} and ${split.kind}`);
  expect(split.split.steps.map((s) => s.op)).toEqual(['detect-faces', 'resize']);
  expect(split.split.frame.buffer).toBeInstanceOf(SharedArrayBuffer);

  const params = stepParams(split.split.steps[0], 'detect-faces', 'redact-faces');
  const passes = blazePasses(split.width, split.height, detectOptions(params))!;
  expect(passes.length).toBeGreaterThan(20);
  // Out of order, as workers finish: the merge must not depend on it.
  const groups = shares(passes, 5);
  const results = await Promise.all([...groups].reverse().map((g) => detectFacePasses(split.split.frame, params, g)));
  const raw = results.reverse().flatMap((r) => r.raw);
  const cands = blazeCandidates(raw, detectOptions(params));
  const { looks } = await rescoreFaces(split.split.frame, params, cands);
  const faces = finishBlaze(cands, looks, split.width, split.height, detectOptions(params));
  const done = await finishImage(vips, { split: split.split, faces, output });
  if (done.kind !== 'done') throw new Error(`expected done, got ${done.kind}`);

  expect(done.reports).toEqual(whole.reports);
  expect(Buffer.from(done.bytes).equals(Buffer.from(whole.bytes))).toBe(true);
  const found = (whole.reports![0].data as FacesReport).faces;
  console.log(
    `shared passes: ${passes.length} passes in ${groups.length} shares → ${found.length} faces ${JSON.stringify(found.map((f) => f.box))}; same as one worker`,
  );
  // In input pixels (the flip is mapped back), on the faces drawn: 60-px faces are near the
  // detector's limit, so which of the two pass 0.5 depends on where the tile seams fall.
  expect(found.length).toBeGreaterThan(0);
  for (const f of found) expect(Math.max(iou(f.box, a.box), iou(f.box, b.box))).toBeGreaterThanOrEqual(0.4);
});

test('no split when it would not help: a small photo, or a cascade detector', async () => {
  const output = validateOutput({ format: 'png' });
  const bytes = readFileSync(join(SAMPLES, 'sample3.jpg'));
  for (const detector of ['blazeface', 'haar']) {
    const steps = resolveSteps(validateRecipe({ name: 't', steps: [{ op: 'detect-faces', params: { detector } }] }));
    const r = await processImage(vips, {
      file: new Blob([]),
      bytes: new Uint8Array(bytes).buffer,
      name: 's.jpg',
      steps,
      output,
      maxPixels: Infinity,
      splitFaces: true,
    });
    expect(r.kind).toBe('done');
  }
  expect(shares([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([
    [1, 2],
    [3, 4, 5],
    [6, 7],
  ]);
  expect(shares([1, 2], 8)).toEqual([[1], [2]]);
});
