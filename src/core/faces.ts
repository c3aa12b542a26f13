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
  /** Faces whose larger side is below this many pixels are dropped (and cascades do not look for them). */
  minSize: number;
  /**
   * BlazeFace only: also detect on overlapping tiles when the image is much larger than the
   * network input, so small faces in large photos are found (default true).
   */
  tiles?: boolean;
}

export const DEFAULT_DETECT: DetectOptions = { detector: 'blazeface', minScore: 0.5, minSize: 20, tiles: true };

/** The params every face step has (detect-faces, redact-faces), typed from their specs. */
export type FaceParams = OpParams<'detect-faces' | 'redact-faces'>;

/** The detector options of a face step's (validated) params. */
export function detectOptions(p: FaceParams): DetectOptions {
  return { detector: p.detector, minScore: p.minScore, minSize: p.minSize, tiles: p.tiles };
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
}

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

/** Tile rectangles [x, y, side, side] (clipped to the image) for a w×h image and tile side t. */
export function blazeTiles(w: number, h: number, t: number): Rect4[] {
  if (Math.max(w, h) <= t * TILE_MIN_FACTOR) return [];
  const starts = (len: number): number[] => {
    if (len <= t) return [0];
    const n = Math.ceil((len - t) / (t * (1 - TILE_OVERLAP))) + 1;
    return Array.from({ length: n }, (_, i) => Math.round((i * (len - t)) / (n - 1)));
  };
  const out: Rect4[] = [];
  for (const y of starts(h)) for (const x of starts(w)) out.push([x, y, Math.min(t, w - x), Math.min(t, h - y)]);
  return out;
}

const isBlaze = (d: DetectorName): d is 'blazeface' | 'blazeface-short' => d === 'blazeface' || d === 'blazeface-short';

/**
 * Every BlazeFace pass for a w×h frame: the whole frame first, then the tiles (with tiles on).
 * Undefined for the cascades (one pass, not split).
 */
export function blazePasses(w: number, h: number, opts: DetectOptions): Rect4[] | undefined {
  if (!isBlaze(opts.detector)) return undefined;
  const whole: Rect4 = [0, 0, w, h];
  return (opts.tiles ?? true) ? [whole, ...blazeTiles(w, h, BLAZE_INPUT[opts.detector] * TILE_FACTOR)] : [whole];
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
 * The raw detections of all passes of a w×h frame (in pass order) → faces: weighted NMS, rounded
 * and clipped, empty and small (max side < minSize) boxes dropped, best first.
 */
export function mergeBlaze(raw: readonly RawFace[], w: number, h: number, opts: DetectOptions): Face[] {
  const detector = opts.detector;
  return weightedNms(raw, BLAZE_NMS_IOU)
    .map((d) => ({ ...clip(d, w, h), detector }))
    .filter((f) => f.box[2] > 0 && f.box[3] > 0 && Math.max(f.box[2], f.box[3]) >= opts.minSize);
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
