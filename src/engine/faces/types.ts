/** Face detection results and options (engine layer; see detect.ts). */

export type DetectorName = 'blazeface' | 'blazeface-short' | 'haar' | 'haar-alt2' | 'lbp';

export interface Face {
  /** [x, y, width, height] in the pixels of the frame given to the detector. */
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
   * network input, so small faces in large photos are found (default true; see detect.ts).
   */
  tiles?: boolean;
}

export const DEFAULT_DETECT: DetectOptions = { detector: 'blazeface', minScore: 0.5, minSize: 20, tiles: true };

export function iou(a: readonly number[], b: readonly number[]): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}
