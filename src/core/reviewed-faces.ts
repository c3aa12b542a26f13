/**
 * Reviewed faces: the boxes a person checked (dropped the false ones, drew the missed ones,
 * adjusted the rest), kept in the photo's `<input>.faces.json` sidecar with `reviewed: true`. A
 * redaction of that photo then hides exactly those boxes and runs no detector. The sidecar is the
 * detection report (core/faces.ts FacesReport: boxes in the input's stored pixels) plus the flag,
 * so a report written by detect-faces can be reviewed in place.
 */
import type { Face, FacesReport } from './faces';

export type Box = [number, number, number, number];

/** What a reviewed sidecar holds. */
export interface ReviewedFaces {
  reviewed: true;
  /** The input's size: the boxes are in its pixels. */
  width: number;
  height: number;
  faces: { box: Box; score?: number }[];
}

/** The sidecar of an input: `party/a.jpg` → `party/a.jpg.faces.json`. */
export const SIDECAR_SUFFIX = '.faces.json';
export const sidecarOf = (inputPath: string): string => inputPath + SIDECAR_SUFFIX;

/** The input a sidecar path belongs to, or undefined when it is not a faces sidecar. */
export function inputOfSidecar(path: string): string | undefined {
  return path.endsWith(SIDECAR_SUFFIX) && path.length > SIDECAR_SUFFIX.length ? path.slice(0, -SIDECAR_SUFFIX.length) : undefined;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The reviewed faces of a sidecar's text, or undefined when it is a detection report nobody
 * reviewed (no `reviewed: true`). Malformed content throws, naming the file and what is wrong.
 */
export function parseReviewed(text: string, file: string): ReviewedFaces | undefined {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new Error(`${file}: expected an object with width, height and faces`);
  const o = j as Record<string, unknown>;
  if (o.reviewed !== true) return undefined;
  if (!isNum(o.width) || !isNum(o.height) || o.width < 1 || o.height < 1)
    throw new Error(`${file}: width and height must be the photo's size in pixels`);
  if (!Array.isArray(o.faces)) throw new Error(`${file}: faces must be a list of {box: [x, y, w, h]}`);
  const faces = o.faces.map((f: unknown, i): { box: Box; score?: number } => {
    const b = (f as { box?: unknown } | null)?.box;
    if (!Array.isArray(b) || b.length !== 4 || !b.every(isNum))
      throw new Error(`${file}: faces[${i}].box must be [x, y, width, height] in pixels`);
    return checkBox(b as Box, o.width as number, o.height as number, `${file}: faces[${i}].box`);
  });
  return { reviewed: true, width: o.width, height: o.height, faces };
}

/** The box clipped to the photo; an empty or wholly outside box is an error (`what` names it). */
function checkBox(b: Box, w: number, h: number, what: string): { box: Box } {
  const x0 = Math.max(0, Math.round(b[0])),
    y0 = Math.max(0, Math.round(b[1]));
  const x1 = Math.min(w, Math.round(b[0] + b[2])),
    y1 = Math.min(h, Math.round(b[1] + b[3]));
  if (x1 <= x0 || y1 <= y0) throw new Error(`${what} [${b.join(', ')}] is empty or outside the ${w}×${h} photo`);
  return { box: [x0, y0, x1 - x0, y1 - y0] };
}

/** A detection report to review: its boxes (with scores), marked reviewed. */
export function startReview(report: Pick<FacesReport, 'width' | 'height' | 'faces'>): ReviewedFaces {
  return {
    reviewed: true,
    width: report.width,
    height: report.height,
    faces: report.faces.map((f) => ({ box: [...f.box] as Box, score: f.score })),
  };
}

/** Without face `i` (a false box). */
export function dropFace(r: ReviewedFaces, i: number): ReviewedFaces {
  if (!(i >= 0 && i < r.faces.length)) throw new RangeError(`no face ${i} (there are ${r.faces.length})`);
  return { ...r, faces: r.faces.filter((_, k) => k !== i) };
}

/** With a face drawn by hand (clipped to the photo; no score: a person placed it). */
export function addFace(r: ReviewedFaces, box: Box): ReviewedFaces {
  return { ...r, faces: [...r.faces, checkBox(box, r.width, r.height, 'the new box')] };
}

/** Face `i` moved or resized to `box` (clipped; its score dropped: it is now the person's box). */
export function moveFace(r: ReviewedFaces, i: number, box: Box): ReviewedFaces {
  if (!(i >= 0 && i < r.faces.length)) throw new RangeError(`no face ${i} (there are ${r.faces.length})`);
  const moved = checkBox(box, r.width, r.height, `face ${i}`);
  return { ...r, faces: r.faces.map((f, k) => (k === i ? moved : f)) };
}

/** A photo's size in its stored pixels, which every box is in. */
export type PhotoSize = Pick<ReviewedFaces, 'width' | 'height'>;

/**
 * The keyboard's step on a photo: 1 % of its longer side, or 10 % when `large` (Shift), at least
 * 1 px. Relative to the photo, not the screen, so a press means the same on a phone and a 4K
 * monitor, and about 100 presses (10 large ones) cross the photo whatever its resolution.
 */
export function keyStep(size: PhotoSize, large = false): number {
  return Math.max(1, Math.round(Math.max(size.width, size.height) * (large ? 0.1 : 0.01)));
}

/**
 * The smallest side a keyboard shrink leaves (px; less when the photo itself is smaller). Smaller
 * boxes hide next to nothing and vanish under their own outline on screen, so shrinking stops
 * here instead of letting repeated presses make the box unfindable.
 */
export const MIN_KEY_SIDE = 8;

/**
 * A new box for the keyboard to place: a square a quarter of the photo's shorter side (a face
 * size in a typical group photo, big enough to see at once), centred, in whole pixels.
 */
export function centredBox(size: PhotoSize): Box {
  const side = Math.max(1, Math.round(Math.min(size.width, size.height) / 4));
  return [Math.round((size.width - side) / 2), Math.round((size.height - side) / 2), side, side];
}

/**
 * The box as the photo holds it: clipped to the photo (a detector's box may overhang an edge;
 * only the inside is ever hidden, so the keyboard edits start from that). Wholly outside throws.
 */
function clipped(box: Box, size: PhotoSize): Box {
  const x0 = Math.max(0, box[0]),
    y0 = Math.max(0, box[1]);
  const x1 = Math.min(size.width, box[0] + box[2]),
    y1 = Math.min(size.height, box[1] + box[3]);
  if (!(x1 > x0 && y1 > y0)) throw new RangeError(`box [${box.join(', ')}] is outside the ${size.width}×${size.height} photo`);
  return [x0, y0, x1 - x0, y1 - y0];
}

/**
 * `box` moved by (`dx`, `dy`) pixels at its size, stopped at the photo's edges: a move never
 * pushes part of the box out (which would silently shrink what is hidden).
 */
export function nudgeBox(box: Box, dx: number, dy: number, size: PhotoSize): Box {
  const [x, y, w, h] = clipped(box, size);
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v));
  return [clamp(x + dx, size.width - w), clamp(y + dy, size.height - h), w, h];
}

/**
 * `box` with its width grown by `dw` and its height by `dh` pixels (negative shrinks). The
 * top-left corner stays, as with the pointer's corner handle, so the two ways of resizing agree.
 * A side stops at the photo's edge when growing and at {@link MIN_KEY_SIDE} when shrinking; a box
 * already smaller than that is never grown by a shrink.
 */
export function resizeBox(box: Box, dw: number, dh: number, size: PhotoSize): Box {
  const [x, y, w, h] = clipped(box, size);
  const side = (v: number, d: number, room: number) => Math.min(room, Math.max(Math.min(v, MIN_KEY_SIDE), v + d));
  return [x, y, side(w, dw, size.width - x), side(h, dh, size.height - y)];
}

/** The sidecar's text. */
export const reviewedJson = (r: ReviewedFaces): string => JSON.stringify(r, null, 1) + '\n';

/**
 * The reviewed boxes as faces for a redaction, checked against the photo they are applied to (a
 * sidecar reviewed on another version of the photo would hide the wrong places).
 */
export function reviewedAsFaces(r: ReviewedFaces, width: number, height: number, detector: Face['detector'], file: string): Face[] {
  if (r.width !== width || r.height !== height)
    throw new Error(`${file} was reviewed on a ${r.width}×${r.height} photo; this one is ${width}×${height}: review it again`);
  return r.faces.map((f) => ({ box: [...f.box] as Box, score: f.score ?? 1, detector }));
}
