/**
 * detect-faces / redact-faces as recipe steps: synthetic negatives give no faces, redaction changes
 * the pixels inside each (grown) face box and nothing well outside, reports flow from ctx.report
 * through runSteps, and runBatch writes `<input path>.faces.json` beside the output.
 * Needs the models and sample photos from `npm install` (fails, never skips, without them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { createFrame, type Frame } from '../../src/core/frame';
import { reportPath } from '../../src/core/reports';
import { resolveSteps, validateRecipe } from '../../src/core/recipe';
import type { EngineApi } from '../../src/engine/api';
import { decode } from '../../src/engine/codec';
import { detectFaces } from '../../src/engine/faces/detect';
import { processImage } from '../../src/engine/image-task';
import { preview } from '../../src/engine/true-preview';
import { redactRegion } from '../../src/engine/ops/faces';
import { iou, type FacesReport } from '../../src/core/faces';
import { mapBox } from '../../src/core/geometry';
import { maskWeights } from '../../src/core/redact-mask';
import { validateOutput } from '../../src/core/formats';
import { loadOpenCV, type CV } from '../../src/engine/opencv';
import { runSteps } from '../../src/engine/run-steps';
import { loadVips, type Vips } from '../../src/engine/vips';
import { MemorySink } from '../../src/io/sinks';
import { runBatch } from '../../src/jobs/batch';
import { WorkerPool } from '../../src/pool/pool';
import { mulberry32 } from './helpers';

const SAMPLES = join(process.cwd(), '.tmp', 'face-samples');
const MODELS = join(process.cwd(), 'public', 'models');
let vips: Vips;
let cv: CV;
let photo: Frame;
let photoBytes: Uint8Array;

beforeAll(async () => {
  for (const f of [join(SAMPLES, 'sample3.jpg'), join(MODELS, 'face_detection_full_range.tflite'), join(MODELS, 'haarcascade_eye.xml')])
    if (!existsSync(f))
      throw new Error(`${f} is missing: run \`npm install\` (scripts/setup-models.mjs provisions the face models and sample photos)`);
  ({ vips } = await loadVips());
  ({ cv } = await loadOpenCV());
  photoBytes = new Uint8Array(readFileSync(join(SAMPLES, 'sample3.jpg')));
  photo = decode(vips, photoBytes);
});

function synth(w: number, h: number, f: (x: number, y: number, c: number) => number): Frame {
  const fr = createFrame(w, h, 3, new ArrayBuffer(w * h * 3));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) fr.data[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(f(x, y, c))));
  return fr;
}

const NEGATIVES: Record<string, () => Frame> = {
  'horizontal gradient': () => synth(640, 480, (x) => (x / 639) * 255),
  'radial gradient': () => synth(640, 480, (x, y, c) => 255 - Math.hypot(x - 320, y - 240) * 0.6 + c * 10),
  'uniform noise': () => {
    const r = mulberry32(7);
    return synth(640, 480, () => r() * 256);
  },
  checkerboard: () => synth(640, 480, (x, y) => (((x >> 4) + (y >> 4)) & 1 ? 230 : 25)),
  'sine texture': () => synth(640, 480, (x, y, c) => 128 + 60 * Math.sin(x / 7 + c) + 50 * Math.cos(y / 11 - x / 23)),
  'blinds (stripes)': () => synth(640, 480, (_x, y) => (y % 24 < 16 ? 235 : 90)),
  blobs: () => synth(640, 480, (x, y) => 128 + 100 * Math.sin(x / 40) * Math.sin(y / 35) * Math.cos((x + y) / 90)),
};

describe('synthetic negatives give no faces', () => {
  for (const detector of ['blazeface', 'blazeface-short', 'haar', 'haar-alt2', 'lbp'] as const) {
    test(detector, async () => {
      const found: string[] = [];
      for (const [name, make] of Object.entries(NEGATIVES)) {
        const faces = await detectFaces(cv, make(), { detector, minScore: 0.5, minFaceSize: 0 });
        if (faces.length) found.push(`${name}: ${JSON.stringify(faces.map((f) => [f.box, f.score]))}`);
      }
      expect(found).toEqual([]);
    });
  }
});

describe('detect-faces step', () => {
  test('returns the frame unchanged and reports faces through runSteps', async () => {
    const steps = resolveSteps(validateRecipe({ name: 't', steps: [{ op: 'detect-faces' }] }));
    const before = Buffer.from(photo.data.subarray(0, photo.width * photo.height * photo.channels));
    const { frame, reports } = await runSteps(photo, steps);
    expect(Buffer.from(frame.data.subarray(0, frame.width * frame.height * frame.channels)).equals(before)).toBe(true);
    expect(reports).toHaveLength(1);
    expect(reports[0].op).toBe('detect-faces');
    expect(reports[0].kind).toBe('faces');
    const rep = reports[0].data as FacesReport;
    expect([rep.width, rep.height]).toEqual([photo.width, photo.height]);
    expect(rep.faces).toHaveLength(3);
    for (const f of rep.faces) {
      expect(f.score).toBeGreaterThanOrEqual(0.5);
      expect(f.keypoints).toHaveLength(6);
      // Keypoints (eyes, nose, mouth) lie inside their box.
      for (const [x, y] of f.keypoints!.slice(0, 4)) {
        expect(x).toBeGreaterThanOrEqual(f.box[0]);
        expect(x).toBeLessThanOrEqual(f.box[0] + f.box[2]);
        expect(y).toBeGreaterThanOrEqual(f.box[1]);
        expect(y).toBeLessThanOrEqual(f.box[1] + f.box[3]);
      }
    }
  });

  test('minSize drops faces smaller than it; haar reports eye counts', async () => {
    expect(await detectFaces(cv, photo, { detector: 'blazeface', minScore: 0.5, minFaceSize: 400 })).toEqual([]);
    const haar = await detectFaces(cv, photo, { detector: 'haar', minScore: 0.5, minFaceSize: 0 });
    expect(haar.length).toBeGreaterThan(0);
    for (const f of haar) expect(f.eyes).toBeGreaterThan(0);
  });
});

describe('redact-faces step', () => {
  for (const effect of ['blur', 'pixelate', 'fill'] as const) {
    test(`${effect}: pixels inside each face change, pixels well outside do not`, async () => {
      const margin = 20;
      const steps = resolveSteps(
        validateRecipe({ name: 't', steps: [{ op: 'redact-faces', params: { effect, margin, color: '#ff00ff' } }] }),
      );
      const { frame, reports } = await runSteps(photo, steps);
      const faces = (reports[0].data as FacesReport).faces;
      expect(faces).toHaveLength(3);
      const W = photo.width,
        H = photo.height,
        ch = photo.channels;
      const inside = new Uint8Array(W * H);
      const near = new Uint8Array(W * H);
      for (const f of faces) {
        const r = redactRegion(f.box, margin, W, H);
        for (let y = r[1]; y < r[3]; y++) for (let x = r[0]; x < r[2]; x++) inside[y * W + x] = 1;
        // "Well outside": more than 2 px beyond the redacted region.
        for (let y = Math.max(0, r[1] - 2); y < Math.min(H, r[3] + 2); y++)
          for (let x = Math.max(0, r[0] - 2); x < Math.min(W, r[2] + 2); x++) near[y * W + x] = 1;
      }
      let changedOutside = 0,
        inN = 0,
        changedInside = 0,
        magenta = 0;
      for (let p = 0; p < W * H; p++) {
        let diff = 0;
        for (let c = 0; c < ch; c++) diff += Math.abs(frame.data[p * ch + c] - photo.data[p * ch + c]);
        if (!near[p] && diff) changedOutside++;
        if (inside[p]) {
          inN++;
          if (diff) changedInside++;
          if (frame.data[p * ch] === 255 && frame.data[p * ch + 1] === 0 && frame.data[p * ch + 2] === 255) magenta++;
        }
      }
      expect(changedOutside).toBe(0);
      // Blur and pixelate leave a few pixels equal by chance; the share changed shows the effect.
      // The default mask is a feathered ellipse: the region's corners stay as they were.
      expect(changedInside / inN, `${changedInside}/${inN} changed`).toBeGreaterThan(effect === 'fill' ? 0.6 : 0.5);
      if (effect === 'fill') {
        // Fully inside the mask (weight 256): the colour exactly; weight 0: the original exactly.
        let full = 0,
          fullMagenta = 0,
          zero = 0,
          zeroSame = 0;
        for (const f of faces) {
          const r = redactRegion(f.box, margin, W, H);
          const k = maskWeights(r, 'ellipse', 15);
          for (let y = r[1]; y < r[3]; y++)
            for (let x = r[0]; x < r[2]; x++) {
              const w = k[(y - r[1]) * (r[2] - r[0]) + (x - r[0])];
              const p = (y * W + x) * ch;
              if (w === 256) {
                full++;
                if (frame.data[p] === 255 && frame.data[p + 1] === 0 && frame.data[p + 2] === 255) fullMagenta++;
              } else if (w === 0) {
                zero++;
                if ([0, 1, 2].every((c) => frame.data[p + c] === photo.data[p + c])) zeroSame++;
              }
            }
        }
        expect(fullMagenta).toBe(full);
        expect(full).toBeGreaterThan(0);
        expect(zeroSame).toBe(zero);
        expect(zero).toBeGreaterThan(0);
        expect(magenta).toBeGreaterThanOrEqual(full);
      }
      if (effect === 'pixelate') {
        // Each cell is one colour: inside the first face, pixels equal their cell's first pixel.
        const r = redactRegion(faces[0].box, margin, W, H);
        const cell = Math.ceil(Math.max(r[2] - r[0], r[3] - r[1]) / 6);
        for (let y = r[1]; y < r[3]; y += 7)
          for (let x = r[0]; x < r[2]; x += 5) {
            const cx = r[0] + Math.floor((x - r[0]) / cell) * cell,
              cy = r[1] + Math.floor((y - r[1]) / cell) * cell;
            // Where the feathered ellipse keeps the whole effect, at the pixel and its cell's first.
            const k = maskWeights(r, 'ellipse', 15);
            const at = (px: number, py: number) => k[(py - r[1]) * (r[2] - r[0]) + (px - r[0])];
            if (at(x, y) !== 256 || at(cx, cy) !== 256) continue;
            for (let c = 0; c < 3; c++) expect(frame.data[(y * W + x) * ch + c]).toBe(frame.data[(cy * W + cx) * ch + c]);
          }
      }
      // After redaction the detector no longer finds those faces.
      const copy = createFrame(W, H, ch, new ArrayBuffer(W * H * ch));
      copy.data.set(frame.data.subarray(0, W * H * ch));
      const again = await detectFaces(cv, copy, { detector: 'blazeface', minScore: 0.5, minFaceSize: 0 });
      expect(again.length, JSON.stringify(again)).toBe(0);
    });
  }

  test('keeps alpha and works on gray', async () => {
    const g = createFrame(photo.width, photo.height, 2, new ArrayBuffer(photo.width * photo.height * 2));
    for (let p = 0; p < photo.width * photo.height; p++) {
      g.data[2 * p] = photo.data[3 * p + 1];
      g.data[2 * p + 1] = p & 255;
    }
    const steps = resolveSteps(validateRecipe({ name: 't', steps: [{ op: 'redact-faces', params: { effect: 'pixelate' } }] }));
    const { frame } = await runSteps(g, steps);
    expect(frame.channels).toBe(2);
    let changed = 0,
      alphaChanged = 0;
    for (let p = 0; p < photo.width * photo.height; p++) {
      if (frame.data[2 * p + 1] !== (p & 255)) alphaChanged++;
      if (frame.data[2 * p] !== g.data[2 * p]) changed++;
    }
    expect(alphaChanged).toBe(0);
    expect(changed).toBeGreaterThan(10_000);
  });
});

describe('runBatch writes <input path>.faces.json', () => {
  test('reportPath', () => {
    expect(reportPath('a/b.jpg', 'faces')).toBe('a/b.jpg.faces.json');
    expect(reportPath('a.b/c', 'faces')).toBe('a.b/c.faces.json');
  });

  test('a batch with detect-faces writes the boxes beside each output', async () => {
    // An in-process "worker": the same processImage the engine worker runs.
    const api = {
      start: () => Promise.resolve({}),
      processImage: (req: Parameters<EngineApi['processImage']>[0]) => processImage(vips, req),
    } as unknown as EngineApi;
    const pool = new WorkerPool(() => ({ api, terminate() {}, onCrash() {} }), 1);
    const sink = new MemorySink();
    const blank = vips.Image.black(320, 240, { bands: 3 }).add(90).cast(vips.BandFormat.uchar);
    const blankPng = blank.writeToBuffer('.png');
    blank.delete();
    const input = [
      { path: 'party/sample3.jpg', file: () => Promise.resolve(new Blob([photoBytes as Uint8Array<ArrayBuffer>])) },
      { path: 'wall.png', file: () => Promise.resolve(new Blob([blankPng as Uint8Array<ArrayBuffer>])) },
    ];
    const summary = await runBatch({
      input,
      output: sink,
      pool: pool as never,
      recipe: { name: 'faces', steps: [{ op: 'detect-faces', params: { detector: 'blazeface', minScore: 0.5 } }] },
      format: { format: 'jpeg' },
    });
    pool.dispose();
    expect(summary.errors).toEqual([]);
    expect([...sink.files.keys()].sort()).toEqual([
      'faces.csv',
      'party/sample3.jpg',
      'party/sample3.jpg.faces.json',
      'wall.jpg',
      'wall.png.faces.json',
    ]);
    const json = JSON.parse(new TextDecoder().decode(sink.files.get('party/sample3.jpg.faces.json'))) as FacesReport;
    expect([json.width, json.height]).toEqual([1920, 1350]);
    expect(json.faces).toHaveLength(3);
    expect(json.faces[0].box).toHaveLength(4);
    expect(json.faces[0].keypoints).toHaveLength(6);
    expect(JSON.parse(new TextDecoder().decode(sink.files.get('wall.png.faces.json')))).toEqual({ width: 320, height: 240, faces: [] });
    const r = summary.results.find((x) => x.path === 'party/sample3.jpg')!;
    expect(r.reports).toEqual(['party/sample3.jpg.faces.json']);
    // One table for the batch: a row per face, and the face-less file listed with empty face columns.
    expect(summary.facesTable).toBe('faces.csv');
    const rows = new TextDecoder()
      .decode(sink.files.get('faces.csv'))
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(rows[0].length).toBe(11 + 12);
    expect(rows.slice(1).map((x) => x.slice(0, 4))).toEqual([
      ['party/sample3.jpg', '1920', '1350', '1'],
      ['party/sample3.jpg', '1920', '1350', '2'],
      ['party/sample3.jpg', '1920', '1350', '3'],
      ['wall.png', '320', '240', ''],
    ]);
    expect(rows.slice(1, 4).map((x) => x.slice(4, 8).map(Number))).toEqual(json.faces.map((f) => f.box));
    expect(rows[1].slice(11).every((v) => v !== '' && Number.isFinite(Number(v)))).toBe(true);
  });
});

describe("face reports are in the input image's pixels whatever came before", () => {
  const detect = async (steps: object[], source?: Parameters<typeof runSteps>[2]) => {
    const { reports, frame } = await runSteps(photo, resolveSteps(validateRecipe({ name: 't', steps })), source);
    return { rep: reports.find((r) => r.kind === 'faces')!.data as FacesReport, frame };
  };

  test.each([
    ['resize 50 %', [{ op: 'resize', params: { mode: 'percent', percent: 50 } }]],
    [
      'rotate 90, resize 80 %, rotate −90',
      [
        { op: 'rotate', params: { angle: 90 } },
        { op: 'resize', params: { mode: 'percent', percent: 80 } },
        { op: 'rotate', params: { angle: -90 } },
      ],
    ],
    ['crop box, flip', [{ op: 'crop', params: { mode: 'box', x: 450, y: 150, width: 1350, height: 700 } }, { op: 'flip' }]],
    [
      'rotate 12, thumbnail',
      [
        { op: 'rotate', params: { angle: 12 } },
        { op: 'thumbnail', params: { size: 1200 } },
      ],
    ],
  ] as [string, { op: string; params?: Record<string, unknown> }[]][])('%s', async (_name, pre) => {
    const plain = (await detect([{ op: 'detect-faces' }])).rep;
    const { rep } = await detect([...pre, { op: 'detect-faces' }, { op: 'resize', params: { mode: 'percent', percent: 30 } }]);
    expect([rep.width, rep.height]).toEqual([photo.width, photo.height]);
    expect(rep.frame, 'the frame the detector saw is described').toBeDefined();
    expect(rep.faces.length).toBe(plain.faces.length);
    for (const f of rep.faces) {
      const best = Math.max(...plain.faces.map((p) => iou(p.box, f.box)));
      // Detection on a resampled frame moves boxes by a few pixels; rotations enlarge them (bounding box of a turned box).
      expect(best, `${JSON.stringify(f.box)} vs ${JSON.stringify(plain.faces.map((p) => p.box))}`).toBeGreaterThan(
        pre[0].op === 'rotate' && pre[0].params?.angle === 12 ? 0.6 : 0.8,
      );
      const p = plain.faces.find((q) => iou(q.box, f.box) === best)!;
      // Keypoints also map back: eyes within a tenth of the face of the unmoved detection's.
      for (let k = 0; k < 2; k++)
        expect(Math.hypot(f.keypoints![k][0] - p.keypoints![k][0], f.keypoints![k][1] - p.keypoints![k][1])).toBeLessThan(0.1 * p.box[2]);
    }
    // And `frame.fromInput` takes the input boxes to the detector's frame, inside it.
    for (const b of rep.faces.map((f) => mapBox(rep.frame!.fromInput, f.box, rep.frame!.width, rep.frame!.height, 'outward'))) {
      expect(b[0] + b[2]).toBeLessThanOrEqual(rep.frame!.width);
      expect(b[1] + b[3]).toBeLessThanOrEqual(rep.frame!.height);
      expect(b[2] * b[3]).toBeGreaterThan(0);
    }
  });

  test('no geometry step: no frame description, boxes as detected', async () => {
    const { rep } = await detect([{ op: 'grayscale' }, { op: 'detect-faces' }]);
    expect(rep.frame).toBeUndefined();
    expect([rep.width, rep.height]).toEqual([photo.width, photo.height]);
  });

  test('an EXIF-rotated photo auto-oriented while decoding: boxes in the stored pixels', async () => {
    // sample3 stored turned 90° anticlockwise with orientation 6 (viewers turn it back clockwise).
    const im = vips.Image.newFromBuffer(photoBytes);
    const turned = im.rot('d270');
    turned.setInt('orientation', 6);
    const bytes = turned.jpegsaveBuffer({ Q: 95, keep: 1 });
    im.delete();
    turned.delete();
    const res = await processImage(vips, {
      file: new Blob([]),
      bytes: bytes.slice().buffer,
      name: 'turned.jpg',
      maxPixels: Infinity,
      steps: resolveSteps(validateRecipe({ name: 't', steps: [{ op: 'auto-orient' }, { op: 'detect-faces' }] })),
      output: validateOutput({ format: 'png' }),
    });
    if (res.kind !== 'done') throw new Error('expected done');
    const rep = res.reports!.find((r) => r.kind === 'faces')!.data as FacesReport;
    // Stored: photo.height wide, photo.width high; a stored (x, y) is upright (W − y, x)… so compare in stored pixels.
    expect([rep.width, rep.height]).toEqual([photo.height, photo.width]);
    const plain = (await detect([{ op: 'detect-faces' }])).rep;
    const W = photo.width;
    // Upright box [x, y, w, h] → stored (rot 270 of the upright image): [y, W − x − w, h, w].
    const expected = plain.faces.map((f) => [f.box[1], W - f.box[0] - f.box[2], f.box[3], f.box[2]]);
    expect(rep.faces).toHaveLength(expected.length);
    for (const f of rep.faces) expect(Math.max(...expected.map((e) => iou(e, f.box)))).toBeGreaterThan(0.85);
  });
});

describe('the live preview draws faces on the result, whatever the steps after them do', () => {
  const previewFaces = async (steps: object[]) => {
    const r = await preview(vips, {
      file: new Blob([photoBytes as Uint8Array<ArrayBuffer>]),
      key: 'sample3',
      // Fit in a viewport larger than the photo: the whole output at 100%.
      view: { zoom: 'fit', viewport: { width: 4000, height: 4000 } },
      steps: resolveSteps(validateRecipe({ name: 't', steps })),
    });
    return { faces: r.faces!.map((f) => f.box), w: r.afterWidth, h: r.afterHeight };
  };

  test('detect, then resize 50 % and flip: boxes are where the faces are in the result', async () => {
    const plain = await previewFaces([{ op: 'detect-faces' }]);
    const moved = await previewFaces([{ op: 'detect-faces' }, { op: 'resize', params: { mode: 'percent', percent: 50 } }, { op: 'flip' }]);
    expect([moved.w, moved.h]).toEqual([960, 675]);
    // In the result, a face at [x, y, w, h] of the photo is at [960 − (x + w)/2, y/2, w/2, h/2].
    const expected = plain.faces.map((b) => [960 - (b[0] + b[2]) / 2, b[1] / 2, b[2] / 2, b[3] / 2]);
    expect(moved.faces).toHaveLength(expected.length);
    for (const b of moved.faces) expect(Math.max(...expected.map((e) => iou(e, b)))).toBeGreaterThan(0.95);
  });
});
