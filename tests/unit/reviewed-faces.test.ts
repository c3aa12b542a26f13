/** Reviewed faces (src/core/reviewed-faces.ts): the sidecar's parsing and the review's edits. */
import { expect, test } from 'vitest';
import {
  addFace,
  dropFace,
  inputOfSidecar,
  moveFace,
  parseReviewed,
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
