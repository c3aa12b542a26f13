/**
 * Face detection and redaction (engine 'opencv', src/engine/ops/faces.ts over
 * src/engine/faces/). Both need the whole image: global. Models come from public/models/,
 * provisioned by `npm install` (scripts/setup-models.mjs).
 */
import { regionsParam, same } from './helpers';
import { defineOp, type ParamSpec } from './types';

export const FACE_DETECTORS = ['blazeface', 'blazeface-short', 'haar', 'haar-alt2', 'lbp'] as const;

const DETECT_PARAMS = {
  detector: {
    type: 'enum',
    label: 'Detector',
    options: FACE_DETECTORS,
    default: 'blazeface',
    help: 'blazeface: neural, full range (faces up to ~5 m). blazeface-short: neural, close-up selfies. haar / haar-alt2 / lbp: classical cascades.',
  },
  minScore: { type: 'number', label: 'Minimum confidence', min: 0, max: 1, default: 0.5, step: 0.05 },
  minFaceSize: {
    type: 'integer',
    label: 'Smallest face',
    min: 0,
    max: 4096,
    default: 0,
    unit: 'px',
    help: 'The smallest face to find. BlazeFace then also looks at finer tiles, enlarged, until faces this small are seen clearly (down to ~10 px; up to 160 tiles, so slower, and on very large photos the finest tiles are coarser); smaller faces are ignored. 0: the standard search (small images enlarged, tiles on large photos).',
  },
  tiles: {
    type: 'boolean',
    label: 'Small faces (tiles)',
    default: true,
    help: 'BlazeFace: on images much larger than the network input (long side > 1920 px full-range, 1280 short-range), also look on overlapping 4×-input tiles, so small faces in large photos are found. Slower on big images.',
  },
  keep: regionsParam(
    'Faces to leave visible',
    'Boxes of faces that are not to be found or hidden (a poster, a face on a screen, a false face), as Hide regions marks them: JSON [{"id": "poster", "box": [x, y, width, height], "frame": 0}]. In a video each is followed, so one mark keeps that face out through the clip.',
  ),
  rotated: {
    type: 'boolean',
    label: 'Turned faces',
    default: false,
    help: 'BlazeFace: also look at the image turned by 90°, 180° and 270° (people lying down, photos whose orientation was lost). Four times the work.',
  },
} as const satisfies Record<string, ParamSpec>;

/** How a redaction hides a region: the same for faces and for marked regions, photos and video. */
export const REDACT_PARAMS = {
  effect: {
    type: 'enum',
    label: 'Effect',
    options: ['blur', 'pixelate', 'fill', 'picture'],
    optionLabels: { blur: 'Blur', pixelate: 'Mosaic', fill: 'Solid colour', picture: 'Picture' },
    default: 'blur',
  },
  picture: {
    type: 'image',
    label: 'Picture',
    help: 'A PNG with transparency (an emoji, a logo), JPEG or WebP, stretched over each face',
    default: '',
    valueName: 'FILE',
    visibleWhen: { param: 'effect', in: ['picture'] },
  },
  shape: {
    type: 'enum',
    label: 'Shape',
    options: ['ellipse', 'rectangle'],
    default: 'ellipse',
    help: 'An ellipse inside the face box with its margin (faces are oval), or the whole box.',
  },
  feather: {
    type: 'number',
    label: 'Soft edge',
    min: 0,
    max: 100,
    default: 15,
    step: 1,
    unit: '%',
    help: "How much of the shape's outer part fades smoothly into the picture (0: a hard edge).",
  },
  strength: {
    type: 'number',
    label: 'Blur strength',
    min: 1,
    max: 100,
    default: 50,
    step: 1,
    unit: '%',
    help: "Gaussian σ = strength % × the face box's larger side / 4.",
    visibleWhen: { param: 'effect', in: ['blur'] },
  },
  blocks: {
    type: 'integer',
    label: 'Blocks across',
    min: 2,
    max: 64,
    default: 6,
    help: "Pixelation cells across the face box's larger side.",
    visibleWhen: { param: 'effect', in: ['pixelate'] },
  },
  color: { type: 'color', label: 'Fill colour', default: '#000000', visibleWhen: { param: 'effect', in: ['fill'] } },
  margin: {
    type: 'number',
    label: 'Margin',
    min: 0,
    max: 100,
    default: 20,
    step: 1,
    unit: '%',
    help: "Added on every side, as % of the box's width (left/right) and height (top/bottom).",
  },
} as const satisfies Record<string, ParamSpec>;

/** The exact definition of how REDACT_PARAMS hide a box. */
export const REDACTION =
  "Each box grows by margin % of its width on the left and right and of its height at the top and bottom, clipped to the image. blur: cv.GaussianBlur of the colour channels with σ = strength/100 × max(w, h)/4 (kernel 2·ceil(3σ)+1), computed on the region padded by the kernel radius (so edges blend with real neighbours, BORDER_REPLICATE at the image edge) — for speed that padded region is shrunk by k = σ/2 (INTER_AREA, k capped at a quarter of its sides), blurred with σ/k and enlarged back (INTER_LINEAR) — written back inside the box only. pixelate: the box is cut into square cells of side ceil(max(w, h)/blocks) from its top-left corner; each cell becomes the rounded mean of its pixels. fill: the colour. picture: the chosen image, read by libvips (sRGB, RGBA straight alpha, at most 512 px on its long side, by thumbnail), is stretched over the region by area resampling (core/resample.ts areaResize, rounded half up) and put over it with its alpha a quantised to k = round(256 × a / 255), each colour value (o·(256 − k) + p·k + 128) >> 8 (gray frames take the picture's Rec. 601 luma); without a picture chosen the step fails rather than leave faces visible. The effect is then kept by a mask over the region: shape ellipse (inscribed in the region) or rectangle; a pixel's weight is, for the ellipse, with d = its centre's distance from the region's centre over the semi-axes, 1 for d ≤ 1 − f, 0 for d ≥ 1 and smoothstep((1 − d)/f) between, f = feather/100; for the rectangle smoothstep(e/f), e = the distance to the nearest edge over the shorter semi-axis (1 with f = 0); weights are quantised to k = round(256 × weight) and each colour value becomes (o·(256 − k) + e·k + 128) >> 8 — the original where k = 0. Alpha and everything outside the masks are unchanged.";

const DETECTION =
  "BlazeFace (MediaPipe face_detection_full_range.tflite 192×192, or short_range 128×128) through cv.readNetFromTFLite: each pass scales its rectangle so the long side fits the input (INTER_AREA when shrinking, INTER_LINEAR when enlarging small images and tiles), centred on a black square, scaled to [−1, 1] (blobFromImage 1/127.5, mean 127.5, RGB, NCHW); one forward pass gives 2304 (896) regressors and scores; boxes and 6 keypoints decode as value/size + anchor centre (full: 48×48 anchors at stride 4; short: 16×16×2 at stride 8 + 8×8×6 at stride 16), score = sigmoid; mapped back to image pixels. Passes: the whole image; with tiles on and the long side > 2.5 × (4 × input) px, square tiles of 4 × input (768 / 512 px) overlapping by 25 %, evenly spread; with minFaceSize m > 0 and a long side L with 16·L/input > m, instead levels of tiles each a quarter the side of the level above, geometric with a ratio ≤ 4 down to input·m/16 px, overlapping by ratio/12 + 5 %, at most 160 tiles (the finest side grown by 10 % steps until they fit); with rotated on, every pass also on its rectangle turned 90°, 180° and 270° (cv.rotate), detections turned back. Tile detections within 1 % of an inner tile edge are dropped; all passes go through MediaPipe's weighted NMS (IoU > 0.3 merges, score-weighted mean box and keypoints). Calibration: each candidate (the best 64 of score ≥ minScore) is looked at again in a square 4 × its long side around it (black beyond the image), turned as found, in one cell of a 2×2 mosaic of the input (24-px faces for every candidate); look = the best score in its cell of a box overlapping it by IoU ≥ 0.3 (0 when none). A candidate whose look is below 0.75 and that could still reach minScore — from an upright pass only when its long side is ≥ 16 px — is also shown to MediaPipe's face landmark model (face_landmark.tflite, 192×192 RGB in [0, 1], cv.warpAffine INTER_LINEAR of a square 1.5 × its long side around its centre, black beyond the image, turned upright by the line from its right to its left eye, and if that flag is below 0.4 and the pass's turn differs by more than 10°, also turned back as its pass was; flag = sigmoid of its face-presence output, the best of those views). Its score is pass × min(1, 0.5 + look) × (look ≥ 0.75 or not asked ? 1 : min(1, 0.6 + flag)); a face covering > 50 % of a better face's box (or covered by it) is dropped. Boxes are rounded and clipped. Cascades (haarcascade_frontalface_default / alt2, lbpcascade_frontalface_improved): gray (COLOR_RGB2GRAY), shrunk so the long side is ≤ 1024 px, equalizeHist, detectMultiScale2(scale 1.1, minNeighbors 1, min size max(20, minFaceSize)); score n/(n+5) for n merged windows, halved when haarcascade_eye finds no eye in the face's upper 60 %. Faces below minScore or with max(w, h) < minFaceSize are dropped, and so are faces covered more than half (of the face's area) by a box of keep (regions JSON as Hide regions takes it, in the input's pixels; in video each keep region is followed by the object tracker, so it holds through the clip).";

export const FACE_OPS = [
  defineOp({
    name: 'detect-faces',
    label: 'Find faces',
    description:
      'Finds the faces and lists where they are (<photo>.faces.json beside each output, faces.csv for all); the picture is unchanged.',
    aka: 'face detection (BlazeFace or Haar/LBP cascades)',
    category: 'cv',
    reports: 'faces',
    reportOnly: true,
    params: DETECT_PARAMS,
    engine: 'opencv',
    locality: 'global',
    halo: () => 0,
    outChannels: same,
    definition: `${DETECTION} Output: the input frame unchanged; report 'faces' = {width, height, faces: [{box: [x, y, w, h], score, keypoints?: [[x, y]×6] (right eye, left eye, nose, mouth, right ear, left ear), eyes?, detector}]} in the input image's pixels (the file's stored pixels): when earlier steps resized, cropped, rotated, flipped or oriented the image, boxes are mapped back (bounding box of the mapped corners, rounded), keypoints too (left/right swapped through a mirror), and frame = {width, height, fromInput: [a, b, c, d, e, f]} describes the frame the detector saw (x' = a·x + b·y + c, y' = d·x + e·y + f). In a batch with several workers, the BlazeFace passes of a large image are shared among them; the faces are the same.`,
  }),
  defineOp({
    name: 'redact-faces',
    label: 'Hide faces',
    description:
      'Finds the faces and hides them: blurred, as a mosaic, covered in a colour or a picture (an emoji), in an ellipse or box with a soft edge and a margin.',
    aka: 'face redaction',
    category: 'cv',
    reports: 'faces',
    params: { ...DETECT_PARAMS, ...REDACT_PARAMS },
    engine: 'opencv',
    locality: 'global',
    halo: () => 0,
    outChannels: same,
    definition: `${DETECTION} ${REDACTION} The image's report 'faces' (as detect-faces) lists the faces found.`,
  }),
];

/** Whether a step is a face step (Find faces, Hide faces). */
export const isFaceStep = (op: string): boolean => FACE_OPS.some((o) => o.name === op);
