/**
 * Face detectors over frames, in OpenCV.js (functions of frame + options; model files are
 * written into OpenCV's file system once per thread, see models.ts).
 *
 * Lifetime: the BlazeFace nets (cv.dnn) and the cascade classifiers are created on first use and
 * then cached per thread (per OpenCV instance: one per worker, one in Node), one object per model
 * file — creating them costs more than a detection. They live until `releaseFaceModels(cv)` (or
 * the end of the worker); nothing else holds them, so the cache never grows beyond the five model
 * files. Reusing one object across calls is safe because each detection uses it synchronously
 * (no await between setInput and forward, or inside detectMultiScale). Every Mat made per call is
 * deleted in `finally`.
 *
 * - BlazeFace (MediaPipe face_detection_full_range 192×192 / short_range 128×128) through
 *   cv.readNetFromTFLite: letterbox to a centred square, RGB → [−1, 1] NCHW blob, one forward pass
 *   for both outputs, decode against the SSD anchors, sigmoid, weighted NMS, map back.
 * - Cascades (Haar frontalface default / alt2, LBP frontalface improved) with
 *   cv.CascadeClassifier on an equalised gray image; eyes counted with haarcascade_eye.
 */
import type { Frame } from '../../core/frame';
import { cvMessage, type CV } from '../opencv';
import { ensureModelFile } from './models';
import { iou, type DetectOptions, type DetectorName, type Face } from './types';

type Mat = InstanceType<CV['Mat']>;
type Deletable = { delete(): void };

/** The parts of cv.dnn used here (not in @techstark/opencv-js's typings). */
interface DnnNet extends Deletable {
  setInput(blob: Mat): void;
  forward2(outs: InstanceType<CV['MatVector']>, names: string[]): void;
}
interface CvDnn {
  readNetFromTFLite(path: string): DnnNet;
  blobFromImage(img: Mat, scale: number, size: InstanceType<CV['Size']>, mean: InstanceType<CV['Scalar']>, swapRB: boolean, crop: boolean): Mat;
}

// ---------------------------------------------------------------------------------------------
// Per-thread model cache

const modelCache = new WeakMap<object, Map<string, Deletable>>();

async function cachedModel<D extends Deletable>(cv: CV, file: string, create: (path: string) => D): Promise<D> {
  let m = modelCache.get(cv);
  if (!m) modelCache.set(cv, (m = new Map()));
  const hit = m.get(file);
  if (hit) return hit as D;
  const path = await ensureModelFile(cv, file);
  const again = m.get(file); // another call may have created it while the file was being read
  if (again) return again as D;
  let made: D;
  try {
    made = create(path);
  } catch (e) {
    throw new Error(`${file}: ${cvMessage(cv, e)}`);
  }
  m.set(file, made);
  return made;
}

/** Deletes the cached nets and classifiers of this OpenCV instance (they are re-created on next use). */
export function releaseFaceModels(cv: CV): void {
  const m = modelCache.get(cv);
  if (!m) return;
  for (const d of m.values()) d.delete();
  m.clear();
}

/** Number of cached models for this OpenCV instance (tests). */
export function cachedFaceModels(cv: CV): number {
  return modelCache.get(cv)?.size ?? 0;
}

async function scoped<T>(cv: CV, what: string, body: (keep: <D extends Deletable>(d: D) => D) => T | Promise<T>): Promise<T> {
  const owned: Deletable[] = [];
  try {
    return await body((d) => {
      owned.push(d);
      return d;
    });
  } catch (e) {
    throw new Error(`${what}: ${cvMessage(cv, e)}`);
  } finally {
    for (let i = owned.length - 1; i >= 0; i--) owned[i].delete();
  }
}

/** The frame as a CV_8UC3 RGB Mat (gray is replicated; alpha is dropped). */
function rgbMat(cv: CV, f: Frame): Mat {
  const { width: w, height: h, channels: ch, stride } = f;
  const m = new cv.Mat(h, w, cv.CV_8UC3);
  const d = m.data;
  for (let y = 0, o = 0; y < h; y++) {
    let s = y * stride;
    if (ch >= 3) for (let x = 0; x < w; x++, s += ch) (d[o++] = f.data[s]), (d[o++] = f.data[s + 1]), (d[o++] = f.data[s + 2]);
    else for (let x = 0; x < w; x++, s += ch) d[o++] = d[o++] = d[o++] = f.data[s];
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// BlazeFace

interface BlazeModel {
  file: string;
  size: number;
  /** [stride, anchors per cell] of the merged SSD layers (MediaPipe's SsdAnchorsCalculator). */
  layers: [number, number][];
  /** MediaPipe's min_suppression_threshold for the weighted NMS. */
  nmsIou: number;
}

const BLAZE: Record<'blazeface' | 'blazeface-short', BlazeModel> = {
  // face_detection_full_range.pbtxt: 1 layer, stride 4 (48×48), 1 anchor per cell = 2304.
  blazeface: { file: 'face_detection_full_range.tflite', size: 192, layers: [[4, 1]], nmsIou: 0.3 },
  // face_detection_short_range.pbtxt: strides 8, 16, 16, 16 → 16×16×2 + 8×8×6 = 896.
  'blazeface-short': { file: 'face_detection_short_range.tflite', size: 128, layers: [[8, 2], [16, 6]], nmsIou: 0.3 },
};

const anchorCache = new Map<string, Float32Array>();

/** Anchor centres (x, y) in [0, 1], fixed size 1 — order: layer, row, column, anchor. */
export function blazeAnchors(model: BlazeModel): Float32Array {
  let a = anchorCache.get(model.file);
  if (a) return a;
  const list: number[] = [];
  for (const [stride, per] of model.layers) {
    const n = Math.ceil(model.size / stride);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) for (let k = 0; k < per; k++) list.push((x + 0.5) / n, (y + 0.5) / n);
  }
  a = Float32Array.from(list);
  anchorCache.set(model.file, a);
  return a;
}

interface Raw {
  box: [number, number, number, number];
  score: number;
  keypoints: [number, number][];
}

/**
 * MediaPipe's weighted NMS: take the best remaining detection, gather every remaining one that
 * overlaps it by more than `thresh` IoU, and replace the group by its score-weighted mean box and
 * keypoints (keeping the best score).
 */
export function weightedNms(dets: Raw[], thresh: number): Raw[] {
  const rest = [...dets].sort((a, b) => b.score - a.score);
  const out: Raw[] = [];
  while (rest.length) {
    const top = rest[0];
    const group: Raw[] = [];
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
      box: box.map((v) => v / wsum) as Raw['box'],
      score: top.score,
      keypoints: kps.map(([x, y]) => [x / wsum, y / wsum]),
    });
  }
  return out;
}

/**
 * Tiling for small faces in large photos: besides the whole image, BlazeFace also runs on square
 * tiles of TILE_FACTOR × its input size (768 px for full-range, 512 for short-range, so a tile is
 * shrunk 4× instead of L/192×) overlapping by TILE_OVERLAP, when the image's long side exceeds
 * TILE_MIN_FACTOR × the tile (each pass is one ~100 ms forward in OpenCV.js, so 1920-px photos, whose faces the
 * whole-image pass already sees, are not tiled). Detections cut by an inner tile edge are dropped (the overlap, or the
 * whole-image pass, holds the whole face); all passes are merged with the weighted NMS.
 */
export const TILE_FACTOR = 4;
export const TILE_OVERLAP = 0.25;
export const TILE_MIN_FACTOR = 2.5;

/** Tile rectangles [x, y, side, side] (clipped to the image) for a w×h image and tile side t. */
export function blazeTiles(w: number, h: number, t: number): [number, number, number, number][] {
  if (Math.max(w, h) <= t * TILE_MIN_FACTOR) return [];
  const starts = (len: number): number[] => {
    if (len <= t) return [0];
    const n = Math.ceil((len - t) / (t * (1 - TILE_OVERLAP))) + 1;
    return Array.from({ length: n }, (_, i) => Math.round((i * (len - t)) / (n - 1)));
  };
  const out: [number, number, number, number][] = [];
  for (const y of starts(h)) for (const x of starts(w)) out.push([x, y, Math.min(t, w - x), Math.min(t, h - y)]);
  return out;
}

/** One BlazeFace pass over `rect` of the RGB image: raw detections above minScore, in image pixels. */
function blazePass(cv: CV, net: DnnNet, rgb: Mat, rect: readonly number[], model: BlazeModel, names: string[], minScore: number): Raw[] {
  const dnn = cv as unknown as CvDnn;
  const S = model.size;
  const [rx, ry, w, h] = rect;
  const scale = S / Math.max(w, h);
  const nw = Math.max(1, Math.min(S, Math.round(w * scale)));
  const nh = Math.max(1, Math.min(S, Math.round(h * scale)));
  const padX = Math.floor((S - nw) / 2);
  const padY = Math.floor((S - nh) / 2);
  const owned: Deletable[] = [];
  const keep = <D extends Deletable>(d: D): D => (owned.push(d), d);
  let scores: Float32Array, regs: Float32Array;
  try {
    const whole = rx === 0 && ry === 0 && w === rgb.cols && h === rgb.rows;
    const part = whole ? rgb : keep(rgb.roi(new cv.Rect(rx, ry, w, h)));
    const small = keep(new cv.Mat());
    cv.resize(part, small, new cv.Size(nw, nh), 0, 0, scale < 1 ? cv.INTER_AREA : cv.INTER_LINEAR);
    const square = keep(new cv.Mat());
    cv.copyMakeBorder(small, square, padY, S - nh - padY, padX, S - nw - padX, cv.BORDER_CONSTANT, new cv.Scalar(0, 0, 0, 0));
    const blob = keep(dnn.blobFromImage(square, 1 / 127.5, new cv.Size(S, S), new cv.Scalar(127.5, 127.5, 127.5, 0), false, false));
    net.setInput(blob);
    const outs = keep(new cv.MatVector());
    net.forward2(outs, names);
    const a = keep(outs.get(0));
    const b = keep(outs.get(1));
    scores = a.data32F.slice();
    regs = b.data32F.slice();
  } finally {
    for (let i = owned.length - 1; i >= 0; i--) owned[i].delete();
  }
  const anchors = blazeAnchors(model);
  const n = anchors.length / 2;
  if (scores.length !== n || regs.length !== n * 16) throw new Error(`unexpected output sizes ${scores.length}, ${regs.length} for ${n} anchors`);
  // Model coordinates (pixels of the S×S square) → image pixels.
  const mx = (v: number) => rx + (v * S - padX) / scale;
  const my = (v: number) => ry + (v * S - padY) / scale;
  // Sigmoid is monotonic: compare logits (clamped as MediaPipe does) against the threshold's logit.
  const minLogit = minScore <= 0 ? -Infinity : minScore >= 1 ? Infinity : Math.log(minScore / (1 - minScore));
  const raw: Raw[] = [];
  for (let i = 0; i < n; i++) {
    const logit = Math.max(-100, Math.min(100, scores[i]));
    if (logit < minLogit) continue;
    const score = 1 / (1 + Math.exp(-logit));
    if (score < minScore) continue;
    const r = i * 16;
    const ax = anchors[2 * i];
    const ay = anchors[2 * i + 1];
    const cx = regs[r] / S + ax;
    const cy = regs[r + 1] / S + ay;
    const bw = regs[r + 2] / S;
    const bh = regs[r + 3] / S;
    const keypoints: [number, number][] = [];
    for (let k = 0; k < 6; k++) keypoints.push([mx(regs[r + 4 + 2 * k] / S + ax), my(regs[r + 5 + 2 * k] / S + ay)]);
    raw.push({ box: [mx(cx - bw / 2), my(cy - bh / 2), (bw * S) / scale, (bh * S) / scale], score, keypoints });
  }
  return raw;
}

/** True when the box crosses (or touches, within 1 % of the tile) an edge of the tile that is not an image edge. */
function cutByTile(b: Raw['box'], t: readonly number[], w: number, h: number): boolean {
  const m = 0.01 * Math.max(t[2], t[3]);
  return (t[0] > 0 && b[0] < t[0] + m) || (t[1] > 0 && b[1] < t[1] + m) ||
    (t[0] + t[2] < w && b[0] + b[2] > t[0] + t[2] - m) || (t[1] + t[3] < h && b[1] + b[3] > t[1] + t[3] - m);
}

async function detectBlaze(cv: CV, frame: Frame, opts: DetectOptions, name: 'blazeface' | 'blazeface-short'): Promise<Face[]> {
  const model = BLAZE[name];
  const dnn = cv as unknown as CvDnn;
  const net = await cachedModel(cv, model.file, (path) => dnn.readNetFromTFLite(path));
  const names = name === 'blazeface' ? ['reshaped_classifier_face_4', 'reshaped_regressor_face_4'] : ['classificators', 'regressors'];
  const { width: w, height: h } = frame;
  const raw = await scoped(cv, `${name}: OpenCV failed`, (keep) => {
    const rgb = keep(rgbMat(cv, frame));
    const all = blazePass(cv, net, rgb, [0, 0, w, h], model, names, opts.minScore);
    if (opts.tiles ?? true)
      for (const t of blazeTiles(w, h, model.size * TILE_FACTOR))
        for (const d of blazePass(cv, net, rgb, t, model, names, opts.minScore)) if (!cutByTile(d.box, t, w, h)) all.push(d);
    return all;
  });
  return weightedNms(raw, model.nmsIou)
    .map((d) => ({ ...clip(d.box, w, h, d), detector: name }))
    .filter((f) => f.box[2] > 0 && f.box[3] > 0 && Math.max(f.box[2], f.box[3]) >= opts.minSize);
}

/** Rounds the box to whole pixels inside the image; keypoints to 0.1 px. */
function clip(b: Raw['box'], w: number, h: number, d: Raw): Omit<Face, 'detector'> {
  const x0 = Math.max(0, Math.round(b[0]));
  const y0 = Math.max(0, Math.round(b[1]));
  const x1 = Math.min(w, Math.round(b[0] + b[2]));
  const y1 = Math.min(h, Math.round(b[1] + b[3]));
  const r1 = (v: number) => Math.round(v * 10) / 10;
  return { box: [x0, y0, x1 - x0, y1 - y0], score: Math.round(d.score * 1e4) / 1e4, keypoints: d.keypoints.map(([x, y]) => [r1(x), r1(y)]) };
}

// ---------------------------------------------------------------------------------------------
// Cascades

const CASCADES: Record<'haar' | 'haar-alt2' | 'lbp', string> = {
  haar: 'haarcascade_frontalface_default.xml',
  'haar-alt2': 'haarcascade_frontalface_alt2.xml',
  lbp: 'lbpcascade_frontalface_improved.xml',
};
const EYE_CASCADE = 'haarcascade_eye.xml';

/**
 * Cascades run on a copy whose longer side is at most this many pixels (faces in the sample
 * photos are 150–300 px at 1920 px; 20 px is the cascade's own window): time stays bounded on
 * large photos. Smaller faces need tiling (not done yet).
 */
export const CASCADE_MAX_SIDE = 1024;

/**
 * Cascade confidence from the number n of raw detections merged into a face: n / (n + 5), so 0.5
 * ⇔ OpenCV's customary minNeighbors = 5; halved when the eye cascade finds no eye in the face
 * (on the sample photos nearly every false box — window blinds, hair — had no eye).
 */
export const cascadeScore = (n: number): number => n / (n + 5);

function loadCascade(cv: CV, path: string): InstanceType<CV['CascadeClassifier']> {
  const c = new cv.CascadeClassifier();
  if (!c.load(path)) {
    c.delete();
    throw new Error(`could not load ${path}`);
  }
  return c;
}

async function detectCascade(cv: CV, frame: Frame, opts: DetectOptions, name: 'haar' | 'haar-alt2' | 'lbp'): Promise<Face[]> {
  const faceC = await cachedModel(cv, CASCADES[name], (path) => loadCascade(cv, path));
  const eyeC = await cachedModel(cv, EYE_CASCADE, (path) => loadCascade(cv, path));
  const { width: w, height: h } = frame;
  const s = Math.min(1, CASCADE_MAX_SIDE / Math.max(w, h));
  return scoped(cv, `${name}: OpenCV failed`, (keep) => {
    const rgb = keep(rgbMat(cv, frame));
    const gray = keep(new cv.Mat());
    cv.cvtColor(rgb, gray, cv.COLOR_RGB2GRAY);
    let work = gray;
    if (s < 1) {
      work = keep(new cv.Mat());
      cv.resize(gray, work, new cv.Size(Math.max(1, Math.round(w * s)), Math.max(1, Math.round(h * s))), 0, 0, cv.INTER_AREA);
    }
    cv.equalizeHist(work, work);
    const rects = keep(new cv.RectVector());
    const counts = keep(new cv.IntVector());
    const minSide = Math.max(20, Math.round(opts.minSize * s));
    (faceC as unknown as { detectMultiScale2(...a: unknown[]): void }).detectMultiScale2(work, rects, counts, 1.1, 1, 0, new cv.Size(minSide, minSide), new cv.Size(0, 0));
    const faces: Face[] = [];
    for (let i = 0; i < rects.size(); i++) {
      const r = rects.get(i);
      const n = counts.get(i);
      if (cascadeScore(n) < opts.minScore) continue;
      // Eyes: upper 60 % of the face.
      const roi = keep(work.roi(new cv.Rect(r.x, r.y, r.width, Math.max(1, Math.round(r.height * 0.6)))));
      const eyes = keep(new cv.RectVector());
      const e = Math.max(5, Math.round(r.width / 8));
      eyeC.detectMultiScale(roi, eyes, 1.1, 3, 0, new cv.Size(e, e), new cv.Size(Math.round(r.width / 2), Math.round(r.width / 2)));
      const score = cascadeScore(n) * (eyes.size() > 0 ? 1 : 0.5);
      if (score < opts.minScore) continue;
      const x0 = Math.round(r.x / s);
      const y0 = Math.round(r.y / s);
      faces.push({
        box: [x0, y0, Math.min(w, Math.round((r.x + r.width) / s)) - x0, Math.min(h, Math.round((r.y + r.height) / s)) - y0],
        score: Math.round(score * 1e4) / 1e4,
        eyes: eyes.size(),
        detector: name,
      });
    }
    return faces.sort((a, b) => b.score - a.score);
  });
}

// ---------------------------------------------------------------------------------------------

export const DETECTORS: readonly DetectorName[] = ['blazeface', 'blazeface-short', 'haar', 'haar-alt2', 'lbp'];

/** Faces in the frame, best first, in the frame's pixels. */
export async function detectFaces(cv: CV, frame: Frame, opts: DetectOptions): Promise<Face[]> {
  switch (opts.detector) {
    case 'blazeface':
    case 'blazeface-short':
      return detectBlaze(cv, frame, opts, opts.detector);
    case 'haar':
    case 'haar-alt2':
    case 'lbp':
      return detectCascade(cv, frame, opts, opts.detector);
    default:
      throw new Error(`unknown face detector "${String(opts.detector)}"`);
  }
}
