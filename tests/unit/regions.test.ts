/**
 * Marked regions (core/regions.ts) and the redact-regions step on photos (engine/ops/regions.ts):
 * parsing with errors that name the region, marks by frame and by time, held-still tracks, the
 * tracks report, and the step's pixels — exactly the mapped box, everything else unchanged.
 */
import { describe, expect, test } from 'vitest';
import { createFrame, type Frame } from '../../src/core/frame';
import { operations, regionsParamOf } from '../../src/core/catalogue';
import { resolveSteps, validateRecipe } from '../../src/core/recipe';
import { boxesByFrame, clipRegion, parseRegions, regionMarks, stillTracks, tracksReport } from '../../src/core/regions';
import { runSteps } from '../../src/engine/run-steps';
import { photoLikeImage, toFrame } from './helpers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadVips } from '../../src/engine/vips';
import { decode } from '../../src/engine/codec';

const W = 160,
  H = 120;

function photo(): Frame {
  return toFrame(photoLikeImage(W, H, 3, 7));
}

function steps(params: Record<string, unknown>, before: unknown[] = []) {
  return resolveSteps(validateRecipe({ name: 't', steps: [...before, { op: 'redact-regions', params }] }));
}

/** Pixels of `a` that differ from `b`, as the set of their positions. */
function changed(a: Frame, b: Frame): Set<number> {
  const out = new Set<number>();
  for (let y = 0; y < a.height; y++)
    for (let x = 0; x < a.width; x++)
      for (let c = 0; c < a.channels; c++)
        if (a.data[y * a.stride + x * a.channels + c] !== b.data[y * b.stride + x * b.channels + c]) {
          out.add(y * a.width + x);
          break;
        }
  return out;
}

describe('parseRegions', () => {
  test('reads ids, boxes, frames and times; regions without an id are each their own object', () => {
    const r = parseRegions(
      JSON.stringify([
        { id: 'plate', box: [10, 20, 30, 12], frame: 4 },
        { id: 'plate', box: [12, 21, 30, 12], time: 1.5 },
        { box: [0, 0, 5, 5] },
        { box: [1, 1, 5, 5] },
      ]),
    );
    expect(r).toEqual([
      { id: 'plate', box: [10, 20, 30, 12], frame: 4 },
      { id: 'plate', box: [12, 21, 30, 12], time: 1.5 },
      { id: 'region-3', box: [0, 0, 5, 5] },
      { id: 'region-4', box: [1, 1, 5, 5] },
    ]);
    expect(parseRegions('  ')).toEqual([]);
  });

  test.each([
    ['{', /not JSON/],
    ['{"box": [1, 2, 3, 4]}', /a list of regions/],
    ['[{"box": [1, 2, 3]}]', /^\[0\]\.box: must be \[x, y, width, height\]/],
    ['[{"box": [1, 2, 3, 4]}, {"box": [1, 2, 0, 4]}]', /^\[1\]\.box: width and height must be more than 0/],
    ['[{"box": [1, 2, 3, 4], "frame": 1, "time": 2}]', /^\[0\]: give frame or time, not both/],
    ['[{"box": [1, 2, 3, 4], "frame": 1.5}]', /^\[0\]\.frame: must be a frame number/],
    ['[{"box": [1, 2, 3, 4], "time": -1}]', /^\[0\]\.time: must be a time in seconds/],
    ['[{"box": [1, 2, 3, 4], "size": 2}]', /^\[0\]\.size: unknown field/],
    ['[{"id": "a", "box": [1, 2, 3, 4]}, {"id": "a", "box": [5, 2, 3, 4], "frame": 0}]', /^\[1\]: "a" is marked twice in the same frame/],
  ])('%s is refused: %s', (text, message) => {
    expect(() => parseRegions(text)).toThrow(message);
  });

  test('the recipe validator refuses bad regions, naming the step and the region', () => {
    expect(() => steps({ regions: '[{"box": [1, 2, 3]}]' })).toThrow(/^\/steps\/0\/params\/regions: \[0\]\.box: must be/);
    expect(steps({ regions: '[{"box": [1, 2, 3, 4]}]' })[0].params.regions).toBe('[{"box": [1, 2, 3, 4]}]');
  });

  test('clipRegion rounds outward and clips; a box wholly outside is an error naming it', () => {
    expect(clipRegion({ id: 'a', box: [-5.5, 10.2, 20, 5.1] }, 100, 100)).toEqual([0, 10, 15, 6]);
    expect(clipRegion({ id: 'a', box: [90, 90, 30, 30] }, 100, 100)).toEqual([90, 90, 10, 10]);
    expect(() => clipRegion({ id: 'badge', box: [120, 5, 10, 10] }, 100, 100)).toThrow(
      'region "badge" [120, 5, 10, 10] lies outside the 100×100 picture',
    );
  });
});

describe('the catalogue names the params of marked regions', () => {
  test('Hide regions marks regions to hide, the face steps faces to keep; no other op has such a param', () => {
    const withMarks = Object.fromEntries(operations().flatMap((o) => (regionsParamOf(o.name) ? [[o.name, regionsParamOf(o.name)]] : [])));
    expect(withMarks).toEqual({ 'redact-regions': 'regions', 'detect-faces': 'keep', 'redact-faces': 'keep' });
  });
});

describe('marks and tracks', () => {
  const times = [0, 0.04, 0.08, 0.12, 0.16];

  test('a time becomes the nearest frame; marks outside the clip are errors naming them', () => {
    const m = regionMarks(
      parseRegions('[{"id": "a", "box": [1, 1, 4, 4], "time": 0.09}, {"id": "b", "box": [1, 1, 4, 4], "frame": 4}]'),
      times,
    );
    expect(m.map((x) => [x.id, x.frame])).toEqual([
      ['a', 2],
      ['b', 4],
    ]);
    expect(() => regionMarks(parseRegions('[{"id": "b", "box": [1, 1, 4, 4], "frame": 5}]'), times)).toThrow(
      'region "b" in frame 5: the video has 5 frames (0–4)',
    );
    expect(() => regionMarks(parseRegions('[{"id": "c", "box": [1, 1, 4, 4], "time": 3}]'), times)).toThrow(
      /region "c" at 3 s is outside the video's frames \(0\.000–0\.160 s\)/,
    );
    // Two times that land on one frame.
    expect(() =>
      regionMarks(parseRegions('[{"id": "d", "box": [1, 1, 4, 4], "time": 0.04}, {"id": "d", "box": [2, 1, 4, 4], "time": 0.05}]'), times),
    ).toThrow('region "d" is marked twice in frame 1');
  });

  test('held still: each frame has the latest mark at or before it (the first before the first)', () => {
    const marks = regionMarks(
      parseRegions('[{"id": "a", "box": [1, 1, 4, 4], "frame": 1}, {"id": "a", "box": [9, 9, 4, 4], "frame": 3}]'),
      times,
    );
    const [t] = stillTracks(marks, 5);
    expect(t.frames.map((p) => p.box[0])).toEqual([1, 1, 1, 9, 9]);
    const byFrame = boxesByFrame(stillTracks(marks, 5), 5);
    expect(byFrame[4]).toEqual([[9, 9, 4, 4]]);
  });

  test('the report lists every object of every step, its marks, the frames hidden and lost, with times; kept faces say keep', () => {
    const marks = [{ id: 'a', frame: 0, box: [1, 2, 3, 4] as [number, number, number, number] }];
    // A face step's kept face with the same id: its marks are its own, not the first step's.
    const keepMarks = [{ id: 'a', frame: 1, box: [30, 30, 5, 5] as [number, number, number, number] }];
    const r = tracksReport(
      [
        {
          marks,
          tracks: [
            {
              id: 'a',
              frames: [
                { frame: 0, box: [1, 2, 3, 4], confidence: 1 },
                { frame: 1, box: [2, 2, 3, 4], confidence: 0.81234 },
                { frame: 2, box: [3, 2, 3, 4], confidence: 0.2, lost: true },
              ],
            },
          ],
        },
        { marks: keepMarks, keep: true, tracks: [{ id: 'a', frames: [{ frame: 1, box: [30, 30, 5, 5], confidence: 1 }] }] },
      ],
      times,
      { width: 64, height: 48 },
      true,
    );
    expect(r).toEqual({
      width: 64,
      height: 48,
      frames: 5,
      tracked: true,
      objects: [
        {
          id: 'a',
          marks: [{ frame: 0, box: [1, 2, 3, 4] }],
          hidden: 3,
          lost: 1,
          frames: [
            { frame: 0, time: 0, box: [1, 2, 3, 4], confidence: 1 },
            { frame: 1, time: 0.04, box: [2, 2, 3, 4], confidence: 0.812 },
            { frame: 2, time: 0.08, box: [3, 2, 3, 4], confidence: 0.2, lost: true },
          ],
        },
        {
          id: 'a',
          marks: [{ frame: 1, box: [30, 30, 5, 5] }],
          keep: true,
          hidden: 1,
          lost: 0,
          frames: [{ frame: 1, time: 0.04, box: [30, 30, 5, 5], confidence: 1 }],
        },
      ],
    });
  });
});

describe('redact-regions on a photo', () => {
  test('fill: exactly the boxes (with their margin) become the colour, every other pixel is unchanged', async () => {
    const src = photo();
    const regions = JSON.stringify([{ box: [10, 20, 30, 40] }, { id: 'b', box: [100, 50, 20, 10], frame: 3 }]);
    const { frame } = await runSteps(src, steps({ regions, effect: 'fill', color: '#ff00ff', margin: 0 }));
    const diff = changed(frame, src);
    let inside = 0;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const inBox = (x >= 10 && x < 40 && y >= 20 && y < 60) || (x >= 100 && x < 120 && y >= 50 && y < 60);
        const i = y * frame.stride + x * 3;
        if (inBox) {
          inside++;
          expect([frame.data[i], frame.data[i + 1], frame.data[i + 2]]).toEqual([255, 0, 255]);
        } else expect(diff.has(y * W + x), `pixel ${x},${y}`).toBe(false);
      }
    expect(inside).toBe(30 * 40 + 20 * 10);
  });

  test('the default margin (10 %) grows the box; a blur changes only pixels inside it', async () => {
    const src = photo();
    const { frame } = await runSteps(src, steps({ regions: '[{"box": [40, 30, 50, 40]}]' }));
    const diff = changed(frame, src);
    expect(diff.size).toBeGreaterThan(50 * 40 * 0.5);
    for (const p of diff) {
      const x = p % W,
        y = Math.floor(p / W);
      expect(x >= 35 && x < 95 && y >= 26 && y < 74, `pixel ${x},${y} is outside the box with its margin`).toBe(true);
    }
  });

  test('boxes are in the input pixels: after a half-size resize the box is mapped', async () => {
    const src = photo();
    const before = [{ op: 'resize', params: { mode: 'percent', percent: 50 } }];
    const { frame } = await runSteps(
      src,
      steps({ regions: '[{"box": [20, 40, 60, 40]}]', effect: 'fill', margin: 0, color: '#00ff00' }, before),
    );
    const plain = await runSteps(src, resolveSteps(validateRecipe({ name: 't', steps: before })));
    const diff = changed(frame, plain.frame);
    expect(diff.size).toBe(30 * 20);
    for (const p of diff) {
      const x = p % frame.width,
        y = Math.floor(p / frame.width);
      expect(x >= 10 && x < 40 && y >= 20 && y < 40).toBe(true);
    }
  });

  test("a video frame's tracked boxes replace the step's own", async () => {
    const src = photo();
    const { frame } = await runSteps(src, steps({ regions: '[{"box": [0, 0, 10, 10]}]', effect: 'fill', margin: 0 }), undefined, {
      regions: [[[50, 50, 4, 6]]],
    });
    const diff = changed(frame, src);
    expect(diff.size).toBe(24);
    expect(diff.has(0)).toBe(false);
  });

  test('a region outside the photo fails with a message naming it', async () => {
    const f = createFrame(40, 30, 3, new ArrayBuffer(40 * 30 * 3));
    await expect(runSteps(f, steps({ regions: '[{"id": "plate", "box": [50, 5, 10, 10]}]' }))).rejects.toThrow(
      'region "plate" [50, 5, 10, 10] lies outside the 40×30 picture',
    );
  });
});

describe('faces kept visible (keep) on a photo', () => {
  test('the face a keep box covers is neither reported nor hidden; the others are', async () => {
    const { vips } = await loadVips();
    const photo = decode(vips, new Uint8Array(readFileSync(join('.tmp', 'face-samples', 'sample3.jpg'))));
    const find = resolveSteps(validateRecipe({ name: 't', steps: [{ op: 'detect-faces' }] }));
    const all = (await runSteps(photo, find)).reports.at(-1)?.data as { faces: { box: number[] }[] };
    expect(all.faces.length).toBeGreaterThanOrEqual(2);
    const kept = all.faces[0].box;
    const keep = JSON.stringify([{ id: 'poster', box: [kept[0] - 4, kept[1] - 4, kept[2] + 8, kept[3] + 8] }]);
    const hide = resolveSteps(
      validateRecipe({
        name: 't',
        steps: [{ op: 'redact-faces', params: { effect: 'fill', color: '#ff00ff', margin: 0, shape: 'rectangle', feather: 0, keep } }],
      }),
    );
    const { frame, reports } = await runSteps(photo, hide);
    const rep = reports.at(-1)?.data as { faces: { box: number[] }[] };
    expect(rep.faces.length).toBe(all.faces.length - 1);
    expect(rep.faces.some((f) => f.box.join() === kept.join())).toBe(false);
    const diff = changed(frame, photo);
    // No pixel of the kept face changed; every other face is filled.
    for (let y = kept[1]; y < kept[1] + kept[3]; y++)
      for (let x = kept[0]; x < kept[0] + kept[2]; x++) expect(diff.has(y * photo.width + x)).toBe(false);
    for (const f of rep.faces) {
      const [x, y, w, h] = f.box;
      const i = Math.round(y + h / 2) * frame.stride + Math.round(x + w / 2) * frame.channels;
      expect([frame.data[i], frame.data[i + 1], frame.data[i + 2]]).toEqual([255, 0, 255]);
    }
  });
});
