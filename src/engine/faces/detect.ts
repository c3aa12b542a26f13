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
 * tracked in a Scope (core/scope.ts) and deleted when the call ends.
 *
 * - BlazeFace (MediaPipe face_detection_full_range 192×192 / short_range 128×128) through
 *   cv.readNetFromTFLite: letterbox to a centred square, RGB → [−1, 1] NCHW blob, one forward pass
 *   for both outputs, decode against the SSD anchors, sigmoid, weighted NMS, map back.
 * - Cascades (Haar frontalface default / alt2, LBP frontalface improved) with
 *   cv.CascadeClassifier on an equalised gray image; eyes counted with haarcascade_eye.
 */
import { view, type Frame } from '../../core/frame';
import { withScope, type Scope } from '../../core/scope';
import { cvMessage, type CV } from '../opencv';
import { ensureModelFile } from './models';
import {
  BLAZE_INPUT,
  RESCORE_GRID,
  RESCORE_IOU,
  FLAG_SURE,
  blazeCandidates,
  blazePasses,
  cutByTile,
  finishBlaze,
  flagViews,
  iou,
  needsFlag,
  rescoreView,
  unrotateBox,
  unrotatePoint,
  type BlazePass,
  type DetectOptions,
  type DetectorName,
  type Face,
  type RawFace,
  type Rotation,
  type SecondLook,
} from '../../core/faces';

type Mat = InstanceType<CV['Mat']>;
type Deletable = { delete(): void };

/** The parts of cv.dnn used here (not in @techstark/opencv-js's typings). */
interface DnnNet extends Deletable {
  setInput(blob: Mat): void;
  forward2(outs: InstanceType<CV['MatVector']>, names: string[]): void;
}
interface CvDnn {
  readNetFromTFLite(path: string): DnnNet;
  blobFromImage(
    img: Mat,
    scale: number,
    size: InstanceType<CV['Size']>,
    mean: InstanceType<CV['Scalar']>,
    swapRB: boolean,
    crop: boolean,
  ): Mat;
}

// ---------------------------------------------------------------------------------------------
// Per-thread model cache

const modelCache = new WeakMap<object, Map<string, Deletable>>();

async function cachedModel<D extends Deletable>(cv: CV, file: string, create: (path: string) => D): Promise<D> {
  let m = modelCache.get(cv);
  if (!m) modelCache.set(cv, (m = new Map<string, Deletable>()));
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

/** Runs `body` with a Scope whose Mats are deleted after it; OpenCV errors are worded with `what`. */
async function scoped<T>(cv: CV, what: string, body: (keep: Scope['track']) => T | Promise<T>): Promise<T> {
  try {
    return await withScope((scope) => body(scope.track));
  } catch (e) {
    throw new Error(`${what}: ${cvMessage(cv, e)}`);
  }
}

/** The frame as a CV_8UC3 RGB Mat (gray is replicated; alpha is dropped). */
function rgbMat(cv: CV, f: Frame): Mat {
  const { width: w, height: h, channels: ch, stride } = f;
  const m = new cv.Mat(h, w, cv.CV_8UC3);
  const d = m.data;
  for (let y = 0, o = 0; y < h; y++) {
    let s = y * stride;
    if (ch >= 3) {
      for (let x = 0; x < w; x++, s += ch) {
        d[o++] = f.data[s];
        d[o++] = f.data[s + 1];
        d[o++] = f.data[s + 2];
      }
    } else {
      for (let x = 0; x < w; x++, s += ch) d[o++] = d[o++] = d[o++] = f.data[s];
    }
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
}

const BLAZE: Record<'blazeface' | 'blazeface-short', BlazeModel> = {
  // face_detection_full_range.pbtxt: 1 layer, stride 4 (48×48), 1 anchor per cell = 2304.
  blazeface: { file: 'face_detection_full_range.tflite', size: BLAZE_INPUT.blazeface, layers: [[4, 1]] },
  // face_detection_short_range.pbtxt: strides 8, 16, 16, 16 → 16×16×2 + 8×8×6 = 896.
  'blazeface-short': {
    file: 'face_detection_short_range.tflite',
    size: BLAZE_INPUT['blazeface-short'],
    layers: [
      [8, 2],
      [16, 6],
    ],
  },
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

/**
 * One BlazeFace pass over `part`, the RGB pixels of the rectangle `rect` (its size is the part's;
 * its origin where the part's pixels are placed): raw detections above minScore, in those pixels.
 */
function blazePass(
  cv: CV,
  net: DnnNet,
  part: Mat,
  rect: readonly number[],
  model: BlazeModel,
  names: string[],
  minScore: number,
): RawFace[] {
  const dnn = cv as unknown as CvDnn;
  const S = model.size;
  const [rx, ry, w, h] = rect;
  const scale = S / Math.max(w, h);
  const nw = Math.max(1, Math.min(S, Math.round(w * scale)));
  const nh = Math.max(1, Math.min(S, Math.round(h * scale)));
  const padX = Math.floor((S - nw) / 2);
  const padY = Math.floor((S - nh) / 2);
  // This pass's Mats go as soon as the outputs are copied out.
  const { scores, regs } = withScope(({ track: keep }) => {
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
    return { scores: a.data32F.slice(), regs: b.data32F.slice() };
  });
  const anchors = blazeAnchors(model);
  const n = anchors.length / 2;
  if (scores.length !== n || regs.length !== n * 16)
    throw new Error(`unexpected output sizes ${scores.length}, ${regs.length} for ${n} anchors`);
  // Model coordinates (pixels of the S×S square) → image pixels.
  const mx = (v: number) => rx + (v * S - padX) / scale;
  const my = (v: number) => ry + (v * S - padY) / scale;
  // Sigmoid is monotonic: compare logits (clamped as MediaPipe does) against the threshold's logit.
  const minLogit = minScore <= 0 ? -Infinity : minScore >= 1 ? Infinity : Math.log(minScore / (1 - minScore));
  const raw: RawFace[] = [];
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

interface BlazeNet {
  net: DnnNet;
  model: BlazeModel;
  names: string[];
}

async function blazeNet(cv: CV, name: DetectorName): Promise<BlazeNet> {
  if (name !== 'blazeface' && name !== 'blazeface-short') throw new Error(`"${name}" is not a BlazeFace detector`);
  const model = BLAZE[name];
  const dnn = cv as unknown as CvDnn;
  const net = await cachedModel(cv, model.file, (path) => dnn.readNetFromTFLite(path));
  const names = name === 'blazeface' ? ['reshaped_classifier_face_4', 'reshaped_regressor_face_4'] : ['classificators', 'regressors'];
  return { net, model, names };
}

/** cv.rotate's code for a clockwise turn. */
function rotateCode(cv: CV, rot: Rotation): number {
  // Not in @techstark/opencv-js's typings.
  const c = cv as unknown as Record<'ROTATE_90_CLOCKWISE' | 'ROTATE_180' | 'ROTATE_90_COUNTERCLOCKWISE', number>;
  return rot === 90 ? c.ROTATE_90_CLOCKWISE : rot === 180 ? c.ROTATE_180 : c.ROTATE_90_COUNTERCLOCKWISE;
}

/** The Mat turned clockwise by `rot` (the same Mat when upright). */
function turned(cv: CV, m: Mat, rot: Rotation, keep: Scope['track']): Mat {
  if (!rot) return m;
  const r = keep(new cv.Mat());
  cv.rotate(m, r, rotateCode(cv, rot));
  return r;
}

/** A detection in a w×h picture turned by `rot`, placed at (ox, oy) of the image → image pixels. */
function unturn(d: RawFace, rot: Rotation, w: number, h: number, ox: number, oy: number): RawFace {
  const b = unrotateBox(d.box, rot, w, h);
  const kps = d.keypoints.map((k): [number, number] => {
    const [x, y] = unrotatePoint(k, rot, w, h);
    return [x + ox, y + oy];
  });
  return { box: [b[0] + ox, b[1] + oy, b[2], b[3]], score: d.score, keypoints: kps, ...(rot ? { rot } : {}) };
}

/**
 * Raw BlazeFace detections of the given passes over the frame (from `blazePasses`, in that
 * order; a rectangle smaller than the frame is a tile, whose detections cut by an inner tile edge
 * are dropped; a turned pass sees its rectangle turned, its detections turned back). The jobs
 * layer spreads the passes of one large image over every worker and merges them with
 * `blazeCandidates`, exactly as detectFaces does in one worker.
 */
export async function blazeRaw(cv: CV, frame: Frame, opts: DetectOptions, passes: readonly BlazePass[]): Promise<RawFace[]> {
  const { net, model, names } = await blazeNet(cv, opts.detector);
  const name = opts.detector;
  const { width: w, height: h } = frame;
  const out: RawFace[] = [];
  for (const { rect: r, rot } of passes) {
    const [x, y, rw, rh] = r;
    if (x < 0 || y < 0 || rw < 1 || rh < 1 || x + rw > w || y + rh > h)
      throw new Error(`pass [${r.join(', ')}] is outside the ${w}×${h} frame`);
    const tile = rw < w || rh < h;
    // Only the pass's own pixels are converted: a tile task does not copy the whole frame.
    const found = await scoped(cv, `${name}: OpenCV failed`, (keep) => {
      const part = turned(cv, keep(rgbMat(cv, view(frame, x, y, rw, rh))), rot, keep);
      return blazePass(cv, net, part, [0, 0, part.cols, part.rows], model, names, opts.minScore);
    });
    for (const t of found) {
      const d = unturn(t, rot, rw, rh, x, y);
      if (!tile || !cutByTile(d.box, r, w, h)) out.push(d);
    }
  }
  return out;
}

/**
 * The second looks at each candidate (see RESCORE_VIEW in core/faces.ts). BlazeFace's: its
 * canonical view, turned as the pass that found it, in one cell of a RESCORE_GRID² mosaic filling
 * the network input; its score is the best detection's in its cell overlapping it (IoU ≥
 * RESCORE_IOU), or 0. Then, where `needsFlag`, the landmark model's face flag (`faceFlag`) in its
 * upright views (`flagViews`), the best of them (the second asked only when the first is not sure).
 */
export async function blazeRescore(cv: CV, frame: Frame, opts: DetectOptions, cands: readonly RawFace[]): Promise<SecondLook[]> {
  const looks = await blazeLooks(cv, frame, opts, cands);
  const out: SecondLook[] = [];
  for (let i = 0; i < cands.length; i++) {
    const look = looks[i];
    if (!needsFlag(cands[i], look, opts.minScore)) {
      out.push({ look });
      continue;
    }
    let flag = 0;
    for (const v of flagViews(cands[i])) {
      flag = Math.max(flag, await faceFlag(cv, frame, v));
      if (flag >= FLAG_SURE) break;
    }
    out.push({ look, flag: Math.round(flag * 1e4) / 1e4 });
  }
  return out;
}

/** The landmark model (MediaPipe face_landmark.tflite: 192×192 RGB in [0, 1]) and its face-flag output. */
const LANDMARK = { file: 'face_landmark.tflite', size: 192, flag: 'conv2d_31' } as const;

/**
 * The landmark model's face flag (sigmoid of its presence logit) on a view [cx, cy, side, angle]
 * of the frame: the square of that side around (cx, cy), its x axis along (cos, sin) of the
 * angle, resampled to the model's input (black beyond the frame). Only the pixels under the view
 * are converted.
 */
export async function faceFlag(cv: CV, frame: Frame, [cx, cy, side, angle]: readonly number[]): Promise<number> {
  const dnn = cv as unknown as CvDnn;
  const net = await cachedModel(cv, LANDMARK.file, (path) => dnn.readNetFromTFLite(path));
  const { width: w, height: h } = frame;
  const c = Math.cos(angle);
  const sn = Math.sin(angle);
  const half = (side * (Math.abs(c) + Math.abs(sn))) / 2 + 1;
  const x0 = Math.max(0, Math.floor(cx - half));
  const y0 = Math.max(0, Math.floor(cy - half));
  const x1 = Math.min(w, Math.ceil(cx + half));
  const y1 = Math.min(h, Math.ceil(cy + half));
  if (x1 <= x0 || y1 <= y0 || side < 1) return 0;
  const S = LANDMARK.size;
  const f = side / S;
  // Output pixel (u, v) ← part pixel (px + f·(c·u' − s·v'), py + f·(s·u' + c·v')), u' = u − S/2.
  const px = cx - x0;
  const py = cy - y0;
  const logit = await scoped(cv, `${LANDMARK.file}: OpenCV failed`, (keep) => {
    const part = keep(rgbMat(cv, view(frame, x0, y0, x1 - x0, y1 - y0)));
    const m = keep(
      cv.matFromArray(2, 3, cv.CV_64F, [f * c, -f * sn, px - (f * S * (c - sn)) / 2, f * sn, f * c, py - (f * S * (sn + c)) / 2]),
    );
    const up = keep(new cv.Mat());
    cv.warpAffine(part, up, m, new cv.Size(S, S), cv.INTER_LINEAR | cv.WARP_INVERSE_MAP, cv.BORDER_CONSTANT, new cv.Scalar(0, 0, 0, 0));
    const blob = keep(dnn.blobFromImage(up, 1 / 255, new cv.Size(S, S), new cv.Scalar(0, 0, 0, 0), false, false));
    net.setInput(blob);
    const outs = keep(new cv.MatVector());
    net.forward2(outs, [LANDMARK.flag]);
    return keep(outs.get(0)).data32F[0];
  });
  return 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, logit))));
}

/** BlazeFace's second look at each candidate: see blazeRescore. */
async function blazeLooks(cv: CV, frame: Frame, opts: DetectOptions, cands: readonly RawFace[]): Promise<number[]> {
  const { net, model, names } = await blazeNet(cv, opts.detector);
  const { width: w, height: h } = frame;
  const S = model.size;
  const k = RESCORE_GRID;
  const C = Math.floor(S / k);
  const looks: number[] = [];
  for (let g = 0; g < cands.length; g += k * k) {
    const group = cands.slice(g, g + k * k);
    const views = group.map((c) => rescoreView(c.box));
    const found = await scoped(cv, `${opts.detector}: OpenCV failed`, (keep) => {
      const mosaic = keep(new cv.Mat(S, S, cv.CV_8UC3, new cv.Scalar(0, 0, 0, 0)));
      views.forEach(([x0, y0, side], n) => {
        const ix0 = Math.max(0, x0);
        const iy0 = Math.max(0, y0);
        const ix1 = Math.min(w, x0 + side);
        const iy1 = Math.min(h, y0 + side);
        if (ix1 <= ix0 || iy1 <= iy0) return;
        const part = keep(rgbMat(cv, view(frame, ix0, iy0, ix1 - ix0, iy1 - iy0)));
        const sq = keep(new cv.Mat());
        cv.copyMakeBorder(part, sq, iy0 - y0, y0 + side - iy1, ix0 - x0, x0 + side - ix1, cv.BORDER_CONSTANT, new cv.Scalar(0, 0, 0, 0));
        const cell = keep(mosaic.roi(new cv.Rect((n % k) * C, Math.floor(n / k) * C, C, C)));
        cv.resize(turned(cv, sq, group[n].rot ?? 0, keep), cell, new cv.Size(C, C), 0, 0, side > C ? cv.INTER_AREA : cv.INTER_LINEAR);
      });
      return blazePass(cv, net, mosaic, [0, 0, S, S], model, names, 0.05);
    });
    group.forEach((c, n) => {
      const cx = (n % k) * C;
      const cy = Math.floor(n / k) * C;
      const [x0, y0, side] = views[n];
      const f = side / C;
      let best = 0;
      for (const d of found) {
        const mx = d.box[0] + d.box[2] / 2;
        const my = d.box[1] + d.box[3] / 2;
        if (mx < cx || mx >= cx + C || my < cy || my >= cy + C || d.score <= best) continue;
        const inView = unrotateBox([(d.box[0] - cx) * f, (d.box[1] - cy) * f, d.box[2] * f, d.box[3] * f], c.rot ?? 0, side, side);
        if (iou([x0 + inView[0], y0 + inView[1], inView[2], inView[3]], c.box) >= RESCORE_IOU) best = d.score;
      }
      looks.push(best);
    });
  }
  return looks;
}

async function detectBlaze(cv: CV, frame: Frame, opts: DetectOptions): Promise<Face[]> {
  const raw = await blazeRaw(cv, frame, opts, blazePasses(frame.width, frame.height, opts)!);
  const cands = blazeCandidates(raw, opts);
  return finishBlaze(cands, await blazeRescore(cv, frame, opts, cands), frame.width, frame.height, opts);
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
    const minSide = Math.max(20, Math.round(opts.minFaceSize * s));
    (faceC as unknown as { detectMultiScale2(...a: unknown[]): void }).detectMultiScale2(
      work,
      rects,
      counts,
      1.1,
      1,
      0,
      new cv.Size(minSide, minSide),
      new cv.Size(0, 0),
    );
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
      return detectBlaze(cv, frame, opts);
    case 'haar':
    case 'haar-alt2':
    case 'lbp':
      return detectCascade(cv, frame, opts, opts.detector);
    default:
      throw new Error(`unknown face detector "${String(opts.detector)}"`);
  }
}
