/**
 * Faces in video. Detection runs in the workers (in parallel, out of order); tracking runs here,
 * in frame order, as frames leave the reorder window. With redact-faces the recipe is split
 * there: the first worker call runs the steps before it plus detect-faces (same params), tracking
 * follows the faces, and a second worker call redacts the TRACKED boxes (so a face the detector
 * missed for a few frames stays hidden) and runs the rest of the recipe.
 */
import { isFaceStep } from '../../core/catalogue/faces';
import type { FacesReport } from '../../core/faces';
import { FaceTracker, type Box, type Detection, type TrackerOptions } from '../../core/faces-track';
import { IDENTITY, invert, mapBox } from '../../core/geometry';
import { keptBy } from '../../core/regions';
import type { ResolvedStep } from '../../core/recipe';
import type { FrameResult } from '../../engine/api';
import type { FrameDetection, VideoMode } from './types';

/** How a recipe's face steps shape the pipeline. */
export interface FaceRecipe {
  /** The first worker call's steps: the recipe up to redact-faces, which becomes detect-faces with its params; else the whole recipe. */
  firstSteps: ResolvedStep[];
  /** With redact-faces: its params, and the steps after it (the second call). */
  redact?: { params: Record<string, unknown>; restSteps: ResolvedStep[] };
  /** A face step, outside 'decode' mode: frames are tracked in order. */
  tracks: boolean;
  /** The first call's result is the frame the detector saw (a redaction, or detect-faces last): missed faces are then followed by appearance too. */
  seesDetectionFrame: boolean;
}

export function faceRecipe(steps: ResolvedStep[], mode: VideoMode): FaceRecipe {
  const at = steps.findIndex((s) => s.op === 'redact-faces');
  const redact = at < 0 ? undefined : { params: steps[at].params, restSteps: steps.slice(at + 1) };
  // Faces kept visible are followed by the job and dropped here, frame by frame (FrameTracking's
  // `keep`): the workers' face steps must not drop them where they were marked only.
  const noKeep = (s: ResolvedStep): ResolvedStep => (isFaceStep(s.op) && s.params.keep ? { ...s, params: { ...s.params, keep: '' } } : s);
  const first = at < 0 ? steps : [...steps.slice(0, at), { op: 'detect-faces', params: steps[at].params }];
  return {
    firstSteps: mode === 'decode' ? first : first.map(noKeep),
    ...(redact ? { redact } : {}),
    tracks: mode !== 'decode' && (at >= 0 || steps.some((s) => s.op === 'detect-faces')),
    seesDetectionFrame: at >= 0 || steps.at(-1)?.op === 'detect-faces',
  };
}

/** A frame after tracking: its result (redacted, when the recipe redacts) and the analysis' faces. */
export interface TrackedFrame {
  res: FrameResult;
  detections: FrameDetection[];
}

/** The redaction's worker call: `boxes` (whole pixels, in the first result's frame) on `first`, then the rest of the recipe. */
export type Redact = (first: FrameResult, boxes: Box[], index: number) => Promise<FrameResult>;

export class FrameTracking {
  framesWithDetections = 0;
  framesRedacted = 0;
  private readonly tracker: FaceTracker;

  /**
   * `redact` is required when the recipe redacts; `keep(index)` gives the boxes (input pixels) of
   * faces kept visible in frame `index` (the face step's keep regions, followed: region-tracks.ts).
   */
  constructor(
    private readonly recipe: FaceRecipe,
    options: Partial<TrackerOptions> | undefined,
    private readonly redact?: Redact,
    private readonly keep?: (index: number) => Box[],
  ) {
    this.tracker = new FaceTracker(options);
  }

  /** Track IDs handed out. */
  get tracks(): number {
    return this.tracker.created;
  }

  /**
   * Frame `index`'s faces, in frame order: the tracker is updated at once (synchronously) and the
   * redaction call, if any, started; the promise gives the finished frame.
   */
  track(r: FrameResult, index: number): Promise<TrackedFrame> {
    const rep = r.reports?.filter((x) => x.kind === 'faces').pop()?.data as FacesReport | undefined;
    // Tracking runs in the pixels of the frame the detector saw (its appearance model reads
    // them); reports and the analysis are in the input's pixels.
    const W = rep?.frame?.width ?? rep?.width ?? r.width,
      H = rep?.frame?.height ?? rep?.height ?? r.height;
    const fromInput = rep?.frame?.fromInput;
    const toInput = fromInput && invert(fromInput);
    // Faces kept visible here (followed keep regions), in the detection frame's pixels: dropped
    // before tracking, so they get no track and are never hidden.
    const kept = (this.keep?.(index) ?? []).map((k) => (fromInput ? mapBox(fromInput, k, W, H) : k));
    const found: Detection[] = (rep?.faces ?? [])
      .map((f) => ({
        box: fromInput ? mapBox(fromInput, f.box, W, H) : f.box,
        score: f.score,
        ...(f.keypoints ? { keypoints: f.keypoints } : {}),
      }))
      .filter((d) => !keptBy(d.box, kept));
    if (found.length) this.framesWithDetections++;
    // The worker's result is that frame when the recipe stops at the face step (call 1 of a
    // redaction, or detect-faces last): then missed faces are followed by appearance too.
    const pixels =
      this.recipe.seesDetectionFrame && r.width === W && r.height === H
        ? { width: W, height: H, channels: 4, data: new Uint8Array(r.rgba) }
        : undefined;
    const tracked = this.tracker.update(found, pixels);
    const detections: FrameDetection[] = tracked.map((t) => ({
      box: toInput ? mapBox(toInput, t.box, rep.width, rep.height) : t.box,
      score: t.score,
      ...(t.keypoints ? { keypoints: t.keypoints } : {}),
      trackId: t.trackId,
      ...(t.predicted ? { predicted: true as const } : {}),
      ...(t.matched !== undefined ? { matched: t.matched } : {}),
    }));
    if (!this.recipe.redact) return Promise.resolve({ res: r, detections });
    if (!this.redact) throw new Error('a redacting recipe needs the redaction call');
    // Whole pixels covering each tracked box (rounded outward) in the frame the redaction sees.
    const boxes = tracked.map((t) => mapBox(IDENTITY, t.box, W, H, 'outward'));
    if (boxes.length) this.framesRedacted++;
    return this.redact(r, boxes, index).then((res) => ({ res, detections }));
  }
}
