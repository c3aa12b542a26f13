/**
 * Face results and the parts of detection that are plain arithmetic: box overlap, MediaPipe's
 * weighted non-maximum suppression, the BlazeFace tile plan for small faces, and turning merged
 * raw detections into rounded, clipped faces. Pure (no OpenCV), so the engine (one worker) and the
 * jobs layer (tiles of one image spread over every worker) compute exactly the same faces.
 */
import type { OpParams } from './catalogue';
import type { FACE_DETECTORS } from './catalogue/faces';
import { mapBox, mapPoint, type Geometry, invert, isIdentity, type Affine } from './geometry';

export type DetectorName = (typeof FACE_DETECTORS)[number];

export interface Face {
  /** [x, y, width, height] in whole pixels. */
  box: [number, number, number, number];
  /** Confidence 0–1 (BlazeFace: sigmoid of the classifier; cascades: n / (n + 5) for n merged neighbours, halved when no eye is found). */
  score: number;
  /** BlazeFace: right eye, left eye, nose tip, mouth, right ear, left ear (subject's sides). */
  keypoints?: [number, number][];
  /** Cascades: eyes found in the upper part of the face by the eye cascade. */
  eyes?: number;
  detector: DetectorName;
}

export interface DetectOptions {
  detector: DetectorName;
  /** Faces below this score are dropped. */
  minScore: number;
  /**
   * The smallest face to find, in pixels (its larger side). BlazeFace adds finer tile passes,
   * upscaled to the network input, until faces this small are seen at a size the model finds;
   * cascades search down to it. Smaller faces are dropped. 0: the standard passes (the whole
   * image, small images upscaled to the input, tiles on large photos), nothing dropped.
   */
  minFaceSize: number;
  /**
   * BlazeFace only: also detect on overlapping tiles when the image is much larger than the
   * network input, so small faces in large photos are found (default true).
   */
  tiles?: boolean;
  /** BlazeFace only: also search the image turned by 90°, 180° and 270° (default false). */
  rotated?: boolean;
}

export const DEFAULT_DETECT: DetectOptions = { detector: 'blazeface', minScore: 0.5, minFaceSize: 0, tiles: true, rotated: false };

/** The params every face step has (detect-faces, redact-faces), typed from their specs. */
export type FaceParams = OpParams<'detect-faces' | 'redact-faces'>;

/** The detector options of a face step's (validated) params. */
export function detectOptions(p: FaceParams): DetectOptions {
  return { detector: p.detector, minScore: p.minScore, minFaceSize: p.minFaceSize, tiles: p.tiles, rotated: p.rotated };
}

/** What a face step reports ('faces'); see the detect-faces definition in the catalogue. */
export interface FacesReport {
  /** The input image's size; boxes and keypoints are in its pixels. */
  width: number;
  height: number;
  faces: Face[];
  /**
   * Only when an earlier step changed the geometry (resize, crop, rotate, flip, orientation…): the
   * frame the detector saw, and the map from input coordinates to that frame's
   * (x' = a·x + b·y + c, y' = d·x + e·y + f for [a, b, c, d, e, f]).
   */
  frame?: { width: number; height: number; fromInput: Affine };
  /** The boxes are a person's reviewed ones (core/reviewed-faces.ts), not a detector's. */
  reviewed?: true;
}

export function iou(a: readonly number[], b: readonly number[]): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/** A detection before merging: float box and keypoints in image pixels. */
export interface RawFace {
  box: [number, number, number, number];
  score: number;
  keypoints: [number, number][];
  /** The turn of the image the pass saw (rotated search), clockwise; 0 or absent: upright. */
  rot?: Rotation;
}

/** Clockwise quarter turns the rotated search looks at. */
export type Rotation = 0 | 90 | 180 | 270;

/**
 * A point of a picture turned clockwise by `rot` (the turned picture's pixels, continuous
 * coordinates) → the same point in the picture before turning, whose size is w×h.
 */
export function unrotatePoint(p: readonly number[], rot: Rotation, w: number, h: number): [number, number] {
  const [x, y] = p;
  switch (rot) {
    case 90:
      return [y, h - x];
    case 180:
      return [w - x, h - y];
    case 270:
      return [w - y, x];
    default:
      return [x, y];
  }
}

/** A box of a picture turned clockwise by `rot` → the box in the picture before turning (w×h). */
export function unrotateBox(b: readonly number[], rot: Rotation, w: number, h: number): [number, number, number, number] {
  const [ax, ay] = unrotatePoint([b[0], b[1]], rot, w, h);
  const [bx, by] = unrotatePoint([b[0] + b[2], b[1] + b[3]], rot, w, h);
  return [Math.min(ax, bx), Math.min(ay, by), Math.abs(bx - ax), Math.abs(by - ay)];
}

/** The size of a w×h picture turned by `rot`. */
export const rotatedSize = (w: number, h: number, rot: Rotation): [number, number] => (rot === 90 || rot === 270 ? [h, w] : [w, h]);

/**
 * MediaPipe's weighted NMS: take the best remaining detection, gather every remaining one that
 * overlaps it by more than `thresh` IoU, and replace the group by its score-weighted mean box and
 * keypoints (keeping the best score). Ties keep input order (stable sort), so the same raw list in
 * the same order gives the same faces in any thread.
 */
export function weightedNms(dets: readonly RawFace[], thresh: number): RawFace[] {
  const rest = [...dets].sort((a, b) => b.score - a.score);
  const out: RawFace[] = [];
  while (rest.length) {
    const top = rest[0];
    const group: RawFace[] = [];
    for (let i = rest.length - 1; i >= 0; i--) if (iou(top.box, rest[i].box) > thresh || i === 0) group.push(rest.splice(i, 1)[0]);
    let wsum = 0;
    const box = [0, 0, 0, 0];
    const kps = top.keypoints.map(() => [0, 0]);
    for (const g of group) {
      wsum += g.score;
      for (let j = 0; j < 4; j++) box[j] += g.box[j] * g.score;
      g.keypoints.forEach((k, j) => ((kps[j][0] += k[0] * g.score), (kps[j][1] += k[1] * g.score)));
    }
    out.push({
      box: box.map((v) => v / wsum) as RawFace['box'],
      score: top.score,
      keypoints: kps.map(([x, y]) => [x / wsum, y / wsum]),
      ...(top.rot ? { rot: top.rot } : {}),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// BlazeFace passes: the whole image, plus tiles for small faces

/** Network input side of each BlazeFace model (full range 192, short range 128). */
export const BLAZE_INPUT: Readonly<Record<'blazeface' | 'blazeface-short', number>> = { blazeface: 192, 'blazeface-short': 128 };

/** MediaPipe's min_suppression_threshold for the weighted NMS (both models). */
export const BLAZE_NMS_IOU = 0.3;

/**
 * Tiling for small faces in large photos: besides the whole image, BlazeFace also runs on square
 * tiles of TILE_FACTOR × its input size (768 px for full-range, 512 for short-range, so a tile is
 * shrunk 4× instead of L/192×) overlapping by TILE_OVERLAP, when the image's long side exceeds
 * TILE_MIN_FACTOR × the tile (each pass is one ~100 ms forward in OpenCV.js, so 1920-px photos,
 * whose faces the whole-image pass already sees, are not tiled). Detections cut by an inner tile
 * edge are dropped (the overlap, or the whole-image pass, holds the whole face); all passes are
 * merged with the weighted NMS.
 */
export const TILE_FACTOR = 4;
export const TILE_OVERLAP = 0.25;
export const TILE_MIN_FACTOR = 2.5;

export type Rect4 = [number, number, number, number];

/** One BlazeFace pass: a rectangle of the image (whole or a tile), seen turned by `rot`. */
export interface BlazePass {
  rect: Rect4;
  rot: Rotation;
}

/**
 * Square tiles [x, y, side, side] (clipped to the image) of side t covering a w×h image, evenly
 * spread with at least `overlap` × t shared between neighbours. The standard plan (no `always`)
 * tiles only images whose long side exceeds TILE_MIN_FACTOR × t.
 */
export function blazeTiles(w: number, h: number, t: number, overlap = TILE_OVERLAP, always = false): Rect4[] {
  if (always ? Math.max(w, h) <= t : Math.max(w, h) <= t * TILE_MIN_FACTOR) return [];
  const starts = (len: number): number[] => {
    if (len <= t) return [0];
    const n = Math.ceil((len - t) / (t * (1 - overlap))) + 1;
    return Array.from({ length: n }, (_, i) => Math.round((i * (len - t)) / (n - 1)));
  };
  const out: Rect4[] = [];
  for (const y of starts(h)) for (const x of starts(w)) out.push([x, y, Math.min(t, w - x), Math.min(t, h - y)]);
  return out;
}

/**
 * The smallest face, in pixels of the network input, that passes rely on (measured: faces of
 * 11–14 px in a 128-px thumbnail, 16–21 px once upscaled to the 192-px input, score 0.6–0.9).
 */
export const BLAZE_MIN_FACE = 16;

/** A level is added only when the one above is this much too coarse (a 128-px thumbnail's whole pass sees 10-px faces well enough). */
export const LEVEL_SLACK = 1.25;

/**
 * Tiles for a minimum face size: levels of square tiles below the whole image, their sides
 * shrinking geometrically by a ratio r ≤ 4 down to the side at which a face of `minFaceSize` px
 * covers BLAZE_MIN_FACE px of the input (tiles smaller than the input are upscaled to it). Each
 * level is responsible for the faces the level above is too coarse for, up to
 * BLAZE_MIN_FACE / S × the level above's side = r / 12 of its own tile (full range); neighbours
 * share that much plus 5 %, so each such face lies whole in some tile.
 */
export function minFaceTiles(w: number, h: number, S: number, minFaceSize: number): Rect4[] {
  const L = Math.max(w, h);
  const plan = (tMin: number): Rect4[] => {
    if (L <= tMin * LEVEL_SLACK) return [];
    const levels = Math.ceil(Math.log(L / tMin) / Math.log(4) - 1e-9);
    const ratio = (L / tMin) ** (1 / levels);
    const overlap = Math.min(0.5, (ratio * BLAZE_MIN_FACE) / S + 0.05);
    const out: Rect4[] = [];
    for (let k = 1; k <= levels; k++) out.push(...blazeTiles(w, h, Math.round(L / ratio ** k), overlap, true));
    return out;
  };
  // Within the budget: on a very large photo the finest level is coarsened until it fits.
  for (let tMin = Math.max(8, (S * minFaceSize) / BLAZE_MIN_FACE); ; tMin *= 1.1) {
    const tiles = plan(tMin);
    if (tiles.length <= MAX_TILE_PASSES) return tiles;
  }
}

/**
 * At most this many tiles per orientation for a minFaceSize (~25 s in OpenCV.js at ~150 ms a
 * pass): a 12-px face is searched in a 1000-px image, a 6000-px photo gets faces down to ~60 px.
 */
export const MAX_TILE_PASSES = 160;

const isBlaze = (d: DetectorName): d is 'blazeface' | 'blazeface-short' => d === 'blazeface' || d === 'blazeface-short';

/**
 * Every BlazeFace pass for a w×h frame: the whole frame first, then the tiles (with tiles on: the
 * standard plan, or the levels a minFaceSize needs when the whole pass cannot see faces that
 * small), each upright and, with `rotated`, also turned by 90°, 180° and 270°. Undefined for the
 * cascades (one pass, not split).
 */
export function blazePasses(w: number, h: number, opts: DetectOptions): BlazePass[] | undefined {
  if (!isBlaze(opts.detector)) return undefined;
  const S = BLAZE_INPUT[opts.detector];
  const whole: Rect4 = [0, 0, w, h];
  const m = opts.minFaceSize;
  const needFiner = m > 0 && (BLAZE_MIN_FACE * Math.max(w, h)) / S > m * LEVEL_SLACK;
  const tiles = !(opts.tiles ?? true) ? [] : needFiner ? minFaceTiles(w, h, S, m) : blazeTiles(w, h, S * TILE_FACTOR);
  const rots: Rotation[] = opts.rotated ? [0, 90, 180, 270] : [0];
  return rots.flatMap((rot) => [whole, ...tiles].map((rect) => ({ rect, rot })));
}

/** True when the box crosses (or touches, within 1 % of the tile) an edge of the tile that is not an image edge. */
export function cutByTile(b: readonly number[], t: readonly number[], w: number, h: number): boolean {
  const m = 0.01 * Math.max(t[2], t[3]);
  return (
    (t[0] > 0 && b[0] < t[0] + m) ||
    (t[1] > 0 && b[1] < t[1] + m) ||
    (t[0] + t[2] < w && b[0] + b[2] > t[0] + t[2] - m) ||
    (t[1] + t[3] < h && b[1] + b[3] > t[1] + t[3] - m)
  );
}

/** Rounds the box to whole pixels inside the image; keypoints to 0.1 px. */
function clip(d: RawFace, w: number, h: number): Omit<Face, 'detector'> {
  const b = d.box;
  const x0 = Math.max(0, Math.round(b[0]));
  const y0 = Math.max(0, Math.round(b[1]));
  const x1 = Math.min(w, Math.round(b[0] + b[2]));
  const y1 = Math.min(h, Math.round(b[1] + b[3]));
  const r1 = (v: number) => Math.round(v * 10) / 10;
  return {
    box: [x0, y0, x1 - x0, y1 - y0],
    score: Math.round(d.score * 1e4) / 1e4,
    keypoints: d.keypoints.map(([x, y]) => [r1(x), r1(y)]),
  };
}

/**
 * Score calibration. A pass's score depends on the pass: the same face scores differently in the
 * whole image and in a tile that shows it four times larger, and tiles, which show textures
 * (chocolates, a starfish, a hand) at a size the model expects faces, add false boxes with
 * confident scores. So every merged candidate gets a second look in one canonical view: a square
 * RESCORE_VIEW times its side, turned as the pass that found it, in one cell of a 2×2 mosaic of
 * the network input (RESCORE_GRID² candidates per forward pass), where every face has the same
 * size (input / RESCORE_GRID / RESCORE_VIEW = 24 px of the 192-px input) whatever its size and
 * pass. The face's score is its pass score lowered by how little that look confirms it
 * (`calibratedScore`): false boxes, which the look does not confirm, fall to about half their
 * score whichever pass made them, so one threshold works. Candidates below
 * minScore cannot reach it and are not looked at; at most RESCORE_MAX (the best) are, which bounds
 * the extra time at RESCORE_MAX / 4 forward passes (one, for a photo of up to four people) — a
 * crowd of more faces than that loses the rest, so it is set above any group photo's count.
 *
 * The look is the same model again, and textures that fool it in one view can fool it in the
 * other (looks of 0.5–0.69 on a coffee cup's rim, a tile of the astronaut's suit). So a candidate
 * whose look is not sure (< LOOK_SURE: no false face of the evaluation set looked that sure, half
 * the real ones did) is also asked a second model: MediaPipe's face landmark network, whose face
 * flag (sigmoid of its presence output) on the candidate's upright view (FLAG_VIEW × its side,
 * turned by its eyes, or as its pass was) is ~1 on faces and ~0 on textures — a different network
 * trained on other data, so its mistakes are not BlazeFace's. Its flag lowers the score as the
 * look does (`calibratedScore`).
 */
export const RESCORE_VIEW = 4;
export const RESCORE_GRID = 2;
export const RESCORE_MAX = 64;
/** A second look's detection belongs to the candidate when they overlap by this IoU. */
export const RESCORE_IOU = 0.3;

/**
 * The raw detections of all passes of a frame (in pass order; each ≥ minScore) → the candidates
 * for a second look: weighted NMS, at most RESCORE_MAX, best first.
 */
export function blazeCandidates(raw: readonly RawFace[], opts: DetectOptions): RawFace[] {
  return weightedNms(raw, BLAZE_NMS_IOU)
    .filter((d) => d.score >= opts.minScore)
    .slice(0, RESCORE_MAX);
}

/** The square a candidate is looked at again in, [x, y, side] in image pixels (may pass the edges). */
export function rescoreView(box: readonly number[]): [number, number, number] {
  const side = Math.max(1, Math.round(Math.max(box[2], box[3]) * RESCORE_VIEW));
  return [Math.round(box[0] + box[2] / 2 - side / 2), Math.round(box[1] + box[3] / 2 - side / 2), side];
}

/**
 * The calibrated score: the pass's score times min(1, 0.5 + the look's), and, for a look below
 * LOOK_SURE, times min(1, 0.6 + the face flag). A look of 0.5 or more (what faces get: 0.37–0.94
 * on the evaluation set's faces, the lowest on a turned, shadowed one) confirms it fully; no look
 * halves it (most false faces' looks: 0–0.34). A flag of 0.4 or more confirms fully (frontal and
 * three-quarter faces: ~1; profiles: 0–0.4, which the look then carries; faces under FLAG_MIN_SIDE are not asked);
 * no flag keeps 60 %. Both only lower: at 24 px a 6-block mosaic of a face still reads as a face,
 * so raising scores would re-find faces already hidden. `flag` undefined: not asked (a sure look,
 * or a candidate its look already drops below minScore).
 */
export const calibratedScore = (pass: number, look: number, flag?: number): number =>
  pass * Math.min(1, LOOK_TRUST + look) * (look >= LOOK_SURE || flag === undefined ? 1 : Math.min(1, FLAG_TRUST + flag));

/** The share of a pass's score a candidate keeps with nothing seen in its second look. */
export const LOOK_TRUST = 0.5;
/** A second look this sure confirms a candidate alone (no false face of the evaluation set reached 0.69). */
export const LOOK_SURE = 0.75;
/** The share a candidate keeps when the landmark model sees no face in it. */
export const FLAG_TRUST = 0.6;
/** The landmark model's view of a candidate: a square of this many times its long side (MediaPipe's own ROI scale). */
export const FLAG_VIEW = 1.5;
/** A flag this high confirms fully: the other orientation need not be asked. */
export const FLAG_SURE = 1 - FLAG_TRUST;

/** A candidate's second looks: the detector's (`look`) and, when asked, the landmark model's face flag. */
export interface SecondLook {
  look: number;
  flag?: number;
}

/**
 * Below this long side (px) the landmark model's 192-px view of a face is a blur: real faces of
 * 10–15 px in thumbnails got flags of 0.01–0.43, no better than textures, so an upright pass's
 * smaller candidates are not asked. A turned pass's are, at any size: the turned search, four
 * views of every tile, is where textures pass for small faces (every small false face of the
 * evaluation set whose look was 0.5–0.69 came from a turned pass), and a face lying down at
 * under 16 px is rare — so there the flag's 40 % cut is the safer mistake.
 */
export const FLAG_MIN_SIDE = 16;

/**
 * Whether the landmark model is asked about a candidate: its look not sure, that look still
 * keeping it at minScore, and (from an upright pass) large enough for the model to see.
 */
export const needsFlag = (c: RawFace, look: number, minScore: number): boolean =>
  look < LOOK_SURE && calibratedScore(c.score, look) >= minScore && (!!c.rot || Math.max(c.box[2], c.box[3]) >= FLAG_MIN_SIDE);

/**
 * The views the landmark model sees a candidate in, as [cx, cy, side, angle]: a square of
 * FLAG_VIEW × its long side around its centre, turned by `angle` (radians; the view's x axis runs
 * along (cos, sin) in the image) so the face is upright — by its eyes (right to left eye), then as
 * its pass was turned (−rot) when that differs by more than 10°.
 */
export function flagViews(c: RawFace): [number, number, number, number][] {
  const cx = c.box[0] + c.box[2] / 2;
  const cy = c.box[1] + c.box[3] / 2;
  const side = FLAG_VIEW * Math.max(c.box[2], c.box[3]);
  const byPass = (-(c.rot ?? 0) * Math.PI) / 180;
  const [r, l] = c.keypoints;
  if (!r || !l) return [[cx, cy, side, byPass]];
  const byEyes = Math.atan2(l[1] - r[1], l[0] - r[0]);
  const apart = Math.abs(Math.atan2(Math.sin(byEyes - byPass), Math.cos(byEyes - byPass)));
  return apart > Math.PI / 18
    ? [
        [cx, cy, side, byEyes],
        [cx, cy, side, byPass],
      ]
    : [[cx, cy, side, byEyes]];
}

/**
 * Candidates and their second looks' scores → faces: calibrated score, below minScore dropped,
 * rounded and clipped, empty and small (max side < minFaceSize) boxes dropped, duplicates of a
 * better face dropped, best first.
 */
export function finishBlaze(cands: readonly RawFace[], looks: readonly SecondLook[], w: number, h: number, opts: DetectOptions): Face[] {
  if (looks.length !== cands.length) throw new Error(`${looks.length} second looks for ${cands.length} candidates`);
  const detector = opts.detector;
  const kept: Face[] = [];
  for (const { rot: _rot, ...d } of cands
    .map((c, i) => ({ ...c, score: calibratedScore(c.score, looks[i].look, looks[i].flag) }))
    .filter((d) => d.score >= opts.minScore)
    .sort((a, b) => b.score - a.score)) {
    const f: Face = { ...clip(d, w, h), detector };
    if (f.box[2] <= 0 || f.box[3] <= 0 || Math.max(f.box[2], f.box[3]) < opts.minFaceSize) continue;
    // A coarse pass and a fine one can box the same small face apart enough to escape the NMS.
    if (kept.some((k) => overlapOfSmaller(k.box, f.box) > DUPLICATE_OVERLAP)) continue;
    kept.push(f);
  }
  return kept;
}

/** A face covering more than this share of a better face's box, or covered by it, is the same face. */
export const DUPLICATE_OVERLAP = 0.5;

/** Intersection over the smaller box's area. */
export function overlapOfSmaller(a: readonly number[], b: readonly number[]): number {
  const ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const m = Math.min(a[2] * a[3], b[2] * b[3]);
  return m > 0 ? (ix * iy) / m : 0;
}

// ---------------------------------------------------------------------------------------------
// Reports in input pixels

/**
 * The 'faces' report for faces found in a w×h frame whose geometry is `g` (undefined: the frame
 * is the input): boxes mapped to the input's pixels (bounding box of the mapped corners, rounded),
 * keypoints mapped to 0.1 px (left/right pairs swapped when the map mirrors).
 */
export function facesReport(faces: readonly Face[], w: number, h: number, g: Geometry | undefined): FacesReport {
  if (!g || (isIdentity(g.toInput) && g.inputWidth === w && g.inputHeight === h)) return { width: w, height: h, faces: [...faces] };
  const m = g.toInput;
  // Through a mirror the detector's "right eye" is the subject's left: swap the sided pairs back.
  const mirrored = m[0] * m[4] - m[1] * m[3] < 0;
  const sided = (k: [number, number][]) => (mirrored && k.length === 6 ? [k[1], k[0], k[2], k[3], k[5], k[4]] : k);
  return {
    width: g.inputWidth,
    height: g.inputHeight,
    faces: faces.map((f) => ({
      ...f,
      box: mapBox(m, f.box, g.inputWidth, g.inputHeight),
      ...(f.keypoints ? { keypoints: sided(f.keypoints.map((p) => mapPoint(m, p))) } : {}),
    })),
    frame: { width: w, height: h, fromInput: invert(m) },
  };
}

// ---------------------------------------------------------------------------------------------
// One table for a batch

const KEYPOINT_NAMES = ['right_eye', 'left_eye', 'nose', 'mouth', 'right_ear', 'left_ear'];

const csvField = (v: string | number): string => (typeof v === 'string' && /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));

/**
 * Every face of a batch as CSV, one row per face (a file with no face gets one row with the face
 * columns empty, so every processed file is listed), sorted by path: file, image size, face index,
 * box, score, detector, eyes (cascades), and the six keypoints (BlazeFace), in input pixels.
 */
export function facesCsv(rows: readonly { path: string; report: FacesReport }[]): string {
  const header = [
    'file',
    'width',
    'height',
    'face',
    'x',
    'y',
    'w',
    'h',
    'score',
    'detector',
    'eyes',
    ...KEYPOINT_NAMES.flatMap((k) => [`${k}_x`, `${k}_y`]),
  ];
  const lines = [header.join(',')];
  const sorted = [...rows].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const { path, report } of sorted) {
    const head: (number | string)[] = [path, report.width, report.height];
    if (!report.faces.length) lines.push([...head, ...new Array<string>(header.length - 3).fill('')].map(csvField).join(','));
    report.faces.forEach((f, i) => {
      const kps = KEYPOINT_NAMES.flatMap((_, k): (number | string)[] =>
        f.keypoints?.[k] ? [f.keypoints[k][0], f.keypoints[k][1]] : ['', ''],
      );
      lines.push([...head, i + 1, ...f.box, f.score, f.detector, f.eyes ?? '', ...kps].map(csvField).join(','));
    });
  }
  return lines.join('\n') + '\n';
}
