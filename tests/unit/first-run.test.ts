/**
 * What a newcomer's first run leans on in core (issue 13): the default preset, plain names and
 * descriptions with the exact definition kept, the preset menu and recipe name following the
 * steps, skipped files named with the reason, a damaged share link said in words, and "reports
 * only" (images: false) — refused when nothing would be written, and encoding nothing in the
 * engine.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { getOperation, operations } from '../../src/core/catalogue';
import { TesseraError } from '../../src/core/errors';
import { createFrame } from '../../src/core/frame';
import { validateOutput } from '../../src/core/formats';
import { DEFAULT_PRESET, PRESETS, SEED_RECIPE, afterStepEdit, matchingPreset } from '../../src/core/presets';
import { recipeFromHash, recipeToHash } from '../../src/core/recipe-url';
import { checkWritesSomething, resolveSteps, stepReports, validateRecipe, type Recipe } from '../../src/core/recipe';
import { skipReason } from '../../src/core/sniff';
import { frameToImage } from '../../src/engine/codec';
import { processImage } from '../../src/engine/image-task';
import { loadVips, type Vips } from '../../src/engine/vips';
import { combineVideoProgress } from '../../src/jobs/video/progress';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TesseraError);
    return (e as Error).message;
  }
  throw new Error('did not throw');
}

describe('presets for a first run', () => {
  test('the default is Web export, first in the menu; the seed pipeline stays available by its key', () => {
    expect(DEFAULT_PRESET).toBe('web-export');
    expect(Object.keys(PRESETS)[0]).toBe(DEFAULT_PRESET);
    expect(PRESETS.seed).toBe(SEED_RECIPE);
    expect(validateRecipe(PRESETS[DEFAULT_PRESET]).output).toMatchObject({ format: 'webp' });
  });

  test('every preset has a plain name and a one-line description (no library names)', () => {
    for (const [key, p] of Object.entries(PRESETS)) {
      expect(p.description, key).toBeTruthy();
      expect(p.description!.length, key).toBeLessThan(160);
      expect(`${p.name} ${p.description}`, key).not.toMatch(/Pillow|Sobel|Canny|OpenCV|σ/);
    }
  });

  test('every step has a plain label and description; the technical name and definition are kept', () => {
    for (const op of operations()) {
      expect(`${op.label} ${op.description}`, op.name).not.toMatch(/Pillow|Sobel|Canny|OpenCV|CLAHE|Gaussian|reflect|kernel|σ/i);
      expect(op.description.length, op.name).toBeLessThan(160);
      expect(op.definition.length, op.name).toBeGreaterThan(op.description.length);
    }
    expect([getOperation('canny').label, getOperation('canny').aka]).toEqual(['Edge lines', 'Canny edge detector (OpenCV Canny)']);
    expect(getOperation('sobel').aka).toMatch(/Sobel/);
    expect(getOperation('gaussian-blur').definition).toMatch(/^Kernel radius r = ceil\(3σ\)/);
  });
});

describe('the preset menu and the name follow the steps', () => {
  const web = validateRecipe(PRESETS['web-export']);

  test('matchingPreset: by steps (defaults filled in), whatever the name and output', () => {
    expect(matchingPreset(web)).toBe('web-export');
    expect(matchingPreset({ ...web, name: 'Mine', output: { format: 'png' } })).toBe('web-export');
    // Written without the defaults, as a hand-made file would: the same steps.
    expect(matchingPreset({ name: 'x', steps: [{ op: 'auto-orient' }, { op: 'thumbnail' }] })).toBe('thumbnails');
    expect(matchingPreset({ name: 'Edges', steps: PRESETS.edges.steps })).toBe('edges');
    expect(matchingPreset(SEED_RECIPE)).toBe('seed');
    const edited = { ...web, steps: web.steps.map((s) => (s.op === 'resize' ? { ...s, params: { ...s.params, width: 1200 } } : s)) };
    expect(matchingPreset(edited)).toBeUndefined();
    expect(matchingPreset({ ...web, steps: [...web.steps, { op: 'invert', enabled: false }] })).toBeUndefined();
    expect(matchingPreset({ name: 'bad', steps: [{ op: 'nope' }] })).toBeUndefined();
  });

  test('afterStepEdit: a preset left is "(edited)" without its description; back to its steps, its name again', () => {
    const edited: Recipe = { ...web, steps: web.steps.slice(0, 2) };
    const renamed = afterStepEdit(edited);
    expect(renamed.name).toBe('Web export (edited)');
    expect(renamed.description).toBeUndefined();
    expect(afterStepEdit({ ...renamed, steps: web.steps })).toMatchObject({
      name: 'Web export',
      description: PRESETS['web-export'].description,
    });
    // Still the preset's steps: unchanged. A name of one's own: kept, with one's own description.
    expect(afterStepEdit(web)).toEqual({ ...web, description: PRESETS['web-export'].description });
    const mine = { name: 'My photos', description: 'for the blog', steps: web.steps.slice(0, 1) };
    expect(afterStepEdit(mine)).toBe(mine);
    // Edited again while "(edited)": stays so.
    expect(afterStepEdit({ ...renamed, steps: web.steps.slice(0, 1) }).name).toBe('Web export (edited)');
  });
});

describe('skipped files are named with the reason', () => {
  test.each([
    ['holiday/readme.txt', /^not an image or video Tessera reads \(\.txt files are left out\)$/],
    ['IMG_0001.CR2', /^camera RAW file \(\.cr2\): Tessera cannot read RAW yet; export it as JPEG or TIFF/],
    ['raw/DSC_1.nef', /camera RAW file \(\.nef\)/],
    ['a/._IMG_0001.jpg', /^hidden file/],
    ['Makefile', /^no file extension/],
  ])('%s', (path, reason) => expect(skipReason(path)).toMatch(reason));

  test('images and videos are not skipped', () => {
    for (const p of ['a.jpg', 'b/c.PNG', 'd.heic', 'clip.mp4', 'x.webm']) expect(skipReason(p), p).toBeUndefined();
  });
});

describe('a damaged share link', () => {
  const good = recipeToHash(validateRecipe(PRESETS.thumbnails));

  test.each([
    ['cut short in the middle of a character', good.slice(0, good.length - 7)],
    ['bytes that are not text', '#recipe=' + Buffer.from([0xff, 0xfe, 0x81, 0x6a, 0x07]).toString('base64url')],
    ['not base64url', '#recipe=%%%'],
    ['empty', '#recipe='],
  ])('%s: says the link is damaged or incomplete, in words, without the parser’s text', (_why, hash) => {
    const m = message(() => recipeFromHash(hash));
    expect(m).toMatch(/^This shared link is damaged or incomplete, so its recipe cannot be read/);
    expect(m).toMatch(/The recipe you had is unchanged\.$/);
    expect(m).not.toMatch(/JSON|Unexpected|token|\uFFFD/);
  });

  test('a readable recipe that does not validate says what is wrong, with the path', () => {
    const m = message(() => recipeFromHash(recipeToHash({ name: 'x', steps: [{ op: 'sobel', params: { nope: 1 } }] })));
    expect(m).toMatch(/^The recipe in this shared link cannot be used \(\/steps\/0\/params\/nope: "sobel" has no parameter "nope"/);
  });

  test('a whole link still reads back', () => expect(recipeFromHash(good)).toEqual(validateRecipe(PRESETS.thumbnails)));
});

describe('reports only (images: false)', () => {
  const faces = resolveSteps(validateRecipe({ name: 'f', steps: [{ op: 'detect-faces' }] }));
  const plain = resolveSteps(validateRecipe({ name: 'p', steps: [{ op: 'invert' }] }));

  test('steps that report are known from the catalogue', () => {
    expect(stepReports(faces)).toEqual(['faces']);
    expect(stepReports(resolveSteps(validateRecipe({ name: 'r', steps: [{ op: 'detect-faces' }, { op: 'redact-faces' }] })))).toEqual([
      'faces',
    ]);
    expect(stepReports(plain)).toEqual([]);
  });

  test('refused when nothing would be written; fine with a report, or with images on', () => {
    const off = validateOutput({ images: false });
    expect(message(() => checkWritesSomething(plain, off))).toMatch(
      /^\/output\/images: "Write images" is off and no step of the recipe writes a report \(Find faces and Hide faces do\)/,
    );
    expect(() => checkWritesSomething(faces, off)).not.toThrow();
    expect(() => checkWritesSomething(plain, validateOutput({}))).not.toThrow();
    expect(validateOutput({}).images).toBe(true);
    expect(message(() => validateOutput({ images: 'no' }))).toBe('/output/images: must be true or false, got "no"');
  });

  let vips: Vips;
  beforeAll(async () => ({ vips } = await loadVips()));

  test('the engine encodes nothing: empty bytes, no encode time, the size still reported', async () => {
    const f = createFrame(64, 48, 3, new ArrayBuffer(64 * 48 * 3));
    const im = frameToImage(vips, f);
    let png: Uint8Array;
    try {
      png = im.pngsaveBuffer();
    } finally {
      im.delete();
    }
    const req = { file: new Blob([]), name: 'a.png', steps: plain, maxPixels: Infinity };
    const on = await processImage(vips, { ...req, bytes: png.slice().buffer, output: validateOutput({ format: 'png' }) });
    const off = await processImage(vips, { ...req, bytes: png.slice().buffer, output: validateOutput({ format: 'png', images: false }) });
    if (on.kind !== 'done' || off.kind !== 'done') throw new Error('expected whole-image results');
    expect(on.bytes.length).toBeGreaterThan(0);
    expect([off.bytes.length, off.timings.encodeMs, off.width, off.height]).toEqual([0, 0, 64, 48]);
    // A pyramid format too: no frame for the tiles, nothing to write.
    const dzi = await processImage(vips, { ...req, bytes: png.slice().buffer, output: validateOutput({ format: 'dzi', images: false }) });
    expect(dzi.kind).toBe('done');
  });
});

test('video progress in one line: frames summed, rates summed, the latest ETA', () => {
  expect(combineVideoProgress([])).toEqual({ frames: 0, totalFrames: 0, fps: 0 });
  expect(
    combineVideoProgress([
      { path: 'a.mp4', frames: 30, totalFrames: 300, fps: 15, elapsedSeconds: 2, etaSeconds: 18 },
      { path: 'b.mp4', frames: 10, totalFrames: 8, fps: 5, elapsedSeconds: 2 },
      { path: 'c.mp4', frames: 0, totalFrames: 100, fps: 0, elapsedSeconds: 0, etaSeconds: 40 },
    ]),
  ).toEqual({ frames: 40, totalFrames: 410, fps: 20, etaSeconds: 40 });
});
