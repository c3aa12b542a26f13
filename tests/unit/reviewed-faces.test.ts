/** Reviewed faces (src/core/reviewed-faces.ts): the sidecar's parsing and the review's edits. */
import { expect, test } from 'vitest';
import {
  addFace,
  centredBox,
  dropFace,
  inputOfSidecar,
  keyStep,
  MIN_KEY_SIDE,
  moveFace,
  nudgeBox,
  parseReviewed,
  resizeBox,
  reviewedAsFaces,
  reviewedJson,
  sidecarOf,
  startReview,
} from '../../src/core/reviewed-faces';

const report = {
  width: 400,
  height: 300,
  faces: [
    { box: [10, 10, 50, 60] as [number, number, number, number], score: 0.9, detector: 'blazeface' as const },
    { box: [200, 40, 40, 40] as [number, number, number, number], score: 0.55, detector: 'blazeface' as const },
  ],
};

test('sidecar names', () => {
  expect(sidecarOf('party/a.jpg')).toBe('party/a.jpg.faces.json');
  expect(inputOfSidecar('party/a.jpg.faces.json')).toBe('party/a.jpg');
  expect(inputOfSidecar('party/a.jpg.json')).toBeUndefined();
  expect(inputOfSidecar('.faces.json')).toBeUndefined();
});

test('review: drop a false box, draw a missed one, adjust one; the sidecar round-trips', () => {
  let r = startReview(report);
  r = dropFace(r, 1);
  r = addFace(r, [350, 250, 80, 80]); // clipped to the photo
  r = moveFace(r, 0, [12.4, 8.6, 48, 64]);
  expect(r.faces).toEqual([{ box: [12, 9, 48, 64] }, { box: [350, 250, 50, 50] }]);
  expect(parseReviewed(reviewedJson(r), 'a.jpg.faces.json')).toEqual(r);
  expect(() => dropFace(r, 2)).toThrow(/no face 2/);
  expect(() => addFace(r, [500, 10, 10, 10])).toThrow(/outside the 400×300 photo/);
});

test('a detection report nobody reviewed is not used; malformed sidecars say what is wrong, naming the file', () => {
  expect(parseReviewed(JSON.stringify(report), 'a.jpg.faces.json')).toBeUndefined();
  expect(() => parseReviewed('{oops', 'a.jpg.faces.json')).toThrow(/^a\.jpg\.faces\.json: not JSON/);
  expect(() => parseReviewed('[]', 'b.faces.json')).toThrow(/b\.faces\.json: expected an object/);
  expect(() => parseReviewed('{"reviewed": true, "width": 0, "height": 5, "faces": []}', 'c')).toThrow(/c: width and height/);
  expect(() => parseReviewed('{"reviewed": true, "width": 9, "height": 5, "faces": [{"box": [1, 2, "x", 4]}]}', 'd')).toThrow(
    /d: faces\[0\]\.box must be/,
  );
});

test('reviewed boxes become the redaction faces only on the photo they were reviewed on', () => {
  const r = startReview(report);
  expect(reviewedAsFaces(r, 400, 300, 'blazeface', 'a.jpg.faces.json').map((f) => [f.box, f.score])).toEqual([
    [[10, 10, 50, 60], 0.9],
    [[200, 40, 40, 40], 0.55],
  ]);
  expect(() => reviewedAsFaces(r, 800, 600, 'blazeface', 'a.jpg.faces.json')).toThrow(
    /a\.jpg\.faces\.json was reviewed on a 400×300 photo; this one is 800×600/,
  );
});

test('keyboard step: 1 % of the longer side, 10 % with Shift, never below a pixel', () => {
  expect(keyStep({ width: 1920, height: 1280 })).toBe(19);
  expect(keyStep({ width: 1920, height: 1280 }, true)).toBe(192);
  expect(keyStep({ width: 300, height: 4000 })).toBe(40); // portrait: the height is the longer side
  expect(keyStep({ width: 40, height: 30 })).toBe(1);
  expect(keyStep({ width: 4, height: 3 }, true)).toBe(1);
});

test('keyboard add: a square a quarter of the shorter side, centred in whole pixels, kept as is by addFace', () => {
  expect(centredBox({ width: 1920, height: 1280 })).toEqual([800, 480, 320, 320]);
  expect(centredBox({ width: 401, height: 301 })).toEqual([163, 113, 75, 75]); // 75.25 → 75; (401 − 75) / 2 = 163
  expect(centredBox({ width: 3, height: 2 })).toEqual([1, 1, 1, 1]); // (3 − 1) / 2 = 1; (2 − 1) / 2 = 0.5 → 1
  const r = startReview(report);
  const added = addFace(r, centredBox(r));
  expect(added.faces.at(-1)).toEqual({ box: [163, 113, 75, 75] });
});

test('keyboard move: by the step at the same size, stopping at each edge of the photo', () => {
  const size = { width: 400, height: 300 };
  expect(nudgeBox([100, 100, 50, 60], 4, -4, size)).toEqual([104, 96, 50, 60]);
  // Stops flush with the edge, whatever is left of the step.
  expect(nudgeBox([3, 100, 50, 60], -4, 0, size)).toEqual([0, 100, 50, 60]);
  expect(nudgeBox([100, 2, 50, 60], 0, -40, size)).toEqual([100, 0, 50, 60]);
  expect(nudgeBox([348, 100, 50, 60], 4, 0, size)).toEqual([350, 100, 50, 60]);
  expect(nudgeBox([100, 238, 50, 60], 0, 40, size)).toEqual([100, 240, 50, 60]);
  // Already at the corner: nothing changes (the element says so rather than moving).
  expect(nudgeBox([350, 240, 50, 60], 4, 4, size)).toEqual([350, 240, 50, 60]);
  // A detector's box overhanging the edge is first clipped to what it hides, then moved.
  expect(nudgeBox([-10, 280, 50, 40], 4, 0, size)).toEqual([4, 280, 40, 20]);
  expect(() => nudgeBox([500, 10, 20, 20], 1, 0, size)).toThrow(/outside the 400×300 photo/);
});

test('keyboard resize: the top-left corner stays; grows to the edge, shrinks to the minimum side', () => {
  const size = { width: 400, height: 300 };
  expect(resizeBox([100, 100, 50, 60], 4, -4, size)).toEqual([100, 100, 54, 56]);
  expect(resizeBox([100, 100, 50, 60], 400, 400, size)).toEqual([100, 100, 300, 200]);
  expect(resizeBox([100, 100, 50, 60], -45, -100, size)).toEqual([100, 100, MIN_KEY_SIDE, MIN_KEY_SIDE]);
  // Smaller than the minimum already (drawn by pointer): a shrink leaves it, a grow still grows it.
  expect(resizeBox([100, 100, 3, 5], -4, -4, size)).toEqual([100, 100, 3, 5]);
  expect(resizeBox([100, 100, 3, 5], 4, 0, size)).toEqual([100, 100, 7, 5]);
  // A photo smaller than the minimum: the box can still fill it and is never pushed outside.
  expect(resizeBox([0, 0, 2, 2], 10, 10, { width: 5, height: 4 })).toEqual([0, 0, 5, 4]);
  expect(resizeBox([0, 0, 5, 4], -10, -10, { width: 5, height: 4 })).toEqual([0, 0, 5, 4]);
});

test('keyboard edits go through moveFace: the new box replaces the old one, score dropped, other faces kept', () => {
  const r = startReview(report);
  const step = keyStep(r); // 4 on 400 × 300
  let next = moveFace(r, 1, nudgeBox(r.faces[1].box, step, 0, r));
  next = moveFace(next, 1, resizeBox(next.faces[1].box, 0, -step * 10, next));
  expect(next.faces).toEqual([r.faces[0], { box: [204, 40, 40, MIN_KEY_SIDE] }]);
});
