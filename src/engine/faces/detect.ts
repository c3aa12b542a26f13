/**
 * Face detectors over frames, in OpenCV.js (pure functions of frame + options; model files are
 * written into OpenCV's file system once per thread, see models.ts). Every Mat, net and
 * classifier made here is deleted in `finally`.
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

async function detectBlaze(cv: CV, frame: Frame, opts: DetectOptions, name: 'blazeface' | 'blazeface-short'): Promise<Face[]> {
  const model = BLAZE[name];
  const path = await ensureModelFile(cv, model.file);
  const dnn = cv as unknown as CvDnn;
  const S = model.size;
  const { width: w, height: h } = frame;
  const scale = S / Math.max(w, h);
  const nw = Math.max(1, Math.min(S, Math.round(w * scale)));
  const nh = Math.max(1, Math.min(S, Math.round(h * scale)));
  const padX = Math.floor((S - nw) / 2);
  const padY = Math.floor((S - nh) / 2);
  const { scores, regs } = await scoped(cv, `${name}: OpenCV failed`, (keep) => {
    const rgb = keep(rgbMat(cv, frame));
    const small = keep(new cv.Mat());
    cv.resize(rgb, small, new cv.Size(nw, nh), 0, 0, scale < 1 ? cv.INTER_AREA : cv.INTER_LINEAR);
    const square = keep(new cv.Mat());
    cv.copyMakeBorder(small, square, padY, S - nh - padY, padX, S - nw - padX, cv.BORDER_CONSTANT, new cv.Scalar(0, 0, 0, 0));
    const blob = keep(dnn.blobFromImage(square, 1 / 127.5, new cv.Size(S, S), new cv.Scalar(127.5, 127.5, 127.5, 0), false, false));
    const net = keep(dnn.readNetFromTFLite(path));
    net.setInput(blob);
    const outs = keep(new cv.MatVector());
    const names = name === 'blazeface' ? ['reshaped_classifier_face_4', 'reshaped_regressor_face_4'] : ['classificators', 'regressors'];
    net.forward2(outs, names);
    const a = keep(outs.get(0));
    const b = keep(outs.get(1));
    return { scores: Float32Array.from(a.data32F), regs: Float32Array.from(b.data32F) };
  });
  const anchors = blazeAnchors(model);
  const n = anchors.length / 2;
  if (scores.length !== n || regs.length !== n * 16) throw new Error(`${name}: unexpected output sizes ${scores.length}, ${regs.length} for ${n} anchors`);
  // Model coordinates (pixels of the S×S square) → input pixels.
  const mx = (v: number) => (v * S - padX) / scale;
  const my = (v: number) => (v * S - padY) / scale;
  const raw: Raw[] = [];
  for (let i = 0; i < n; i++) {
    const score = 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, scores[i]))));
    if (score < opts.minScore) continue;
    const r = i * 16;
    const ax = anchors[2 * i];
    const ay = anchors[2 * i + 1];
    const cx = regs[r] / S + ax;
    const cy = regs[r + 1] / S + ay;
    const bw = regs[r + 2] / S;
    const bh = regs[r + 3] / S;
    const x0 = mx(cx - bw / 2);
    const y0 = my(cy - bh / 2);
    const keypoints: [number, number][] = [];
    for (let k = 0; k < 6; k++) keypoints.push([mx(regs[r + 4 + 2 * k] / S + ax), my(regs[r + 5 + 2 * k] / S + ay)]);
    raw.push({ box: [x0, y0, bw * S / scale, bh * S / scale], score, keypoints });
  }
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

async function detectCascade(cv: CV, frame: Frame, opts: DetectOptions, name: 'haar' | 'haar-alt2' | 'lbp'): Promise<Face[]> {
  const facePath = await ensureModelFile(cv, CASCADES[name]);
  const eyePath = await ensureModelFile(cv, EYE_CASCADE);
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
    const faceC = keep(new cv.CascadeClassifier());
    if (!faceC.load(facePath)) throw new Error(`could not load ${facePath}`);
    const eyeC = keep(new cv.CascadeClassifier());
    if (!eyeC.load(eyePath)) throw new Error(`could not load ${eyePath}`);
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
