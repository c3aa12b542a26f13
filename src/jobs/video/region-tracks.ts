/**
 * Regions in video (the redact-regions step): before the frames are processed, the range is read
 * once more as small gray copies, each marked object is followed through them forwards and
 * backwards (core/object-track.ts), and every frame then hides the boxes tracked there.
 *
 * Why a pass of its own: tracking runs backwards from a mark too (an object marked at 0:12 is
 * hidden from the first frame it appears in), which the pipeline's one forward pass cannot do;
 * and tracking on the main thread is cheap (~4 ms per object per 1080p frame) next to the
 * recipe. The gray copies are the decoder's luma plane (or luma of RGBA frames), area-averaged so
 * the long side is ≤ 640 px: 230 KB per 1080p frame. Longer clips are shrunk further so all the
 * copies stay under GRAY_BUDGET (a 10-minute 30-fps clip tracks at 320×180).
 */
import { isFaceStep } from '../../core/catalogue/faces';
import { TesseraError, cancelled, messageOf, toError } from '../../core/errors';
import { grayFactor, toGray, trackObjectsAsync, type GrayFrame, type ObjectMark, type ObjectTrack } from '../../core/object-track';
import type { ResolvedStep } from '../../core/recipe';
import {
  boxesByFrame,
  clipRegion,
  parseRegions,
  regionMarks,
  stillTracks,
  tracksReport,
  type Box,
  type TracksReport,
} from '../../core/regions';
import { openVideo, type OpenedVideo } from '../../io/media';
import type { VideoOptions } from '../../core/video-options';
import { Demux } from './demux';
import { Flow } from './flow';
import { frameRange, type FrameRange } from './range';
import { emptyTimings, type FrameCount } from './types';

/** Bytes all of a clip's gray copies may take. */
export const GRAY_BUDGET = 1 << 30;

/** The op whose boxes are tracked. */
export const REGIONS_OP = 'redact-regions';

/** Where the recipe's redact-regions steps are (indexes into `steps`). */
export function regionSteps(steps: readonly ResolvedStep[]): number[] {
  return steps.flatMap((s, i) => (s.op === REGIONS_OP ? [i] : []));
}

/** A face step's faces kept visible (its `keep` regions, non-empty): followed like regions. */
function keepSteps(steps: readonly ResolvedStep[]): number[] {
  return steps.flatMap((s, i) => (isFaceStep(s.op) && String(s.params.keep ?? '').trim() ? [i] : []));
}

/** Whether the recipe has regions to follow through a video: Hide regions steps, or faces kept visible. */
export function hasRegions(steps: readonly ResolvedStep[]): boolean {
  return regionSteps(steps).length > 0 || keepSteps(steps).length > 0;
}

export interface RegionTracks {
  /** `boxes[frame][k]`: the boxes the k-th redact-regions step hides in that frame (input pixels). */
  boxes: Box[][][];
  /** `keep[frame]`: the boxes of faces kept visible in that frame (every face step's keep regions, followed). */
  keep: Box[][];
  /** `<input>.tracks.json`. */
  report: TracksReport;
  /** Frames read in the pass. */
  frames: number;
  /** Main thread: reading the gray copies (decode + copy), and tracking. */
  readMs: number;
  trackMs: number;
  /** The gray copies' size (the tracker's resolution). */
  grayWidth: number;
  grayHeight: number;
}

export interface RegionPassOptions {
  video: OpenedVideo;
  range: FrameRange;
  start: number;
  steps: readonly ResolvedStep[];
  frames: FrameCount;
  signal?: AbortSignal;
  /** The frames the job keeps (an animation's sampler), by output timestamp; default every frame. */
  keep?: (timestampUs: number) => boolean;
  /** How far following the objects is: frames looked at of about `total` (after the frames are read). */
  onTrackProgress?: (done: number, total: number) => void;
}

/** Reads the range, follows every redact-regions step's objects, and gives each frame's boxes; undefined without such a step. */
export async function trackRegions(o: RegionPassOptions): Promise<RegionTracks | undefined> {
  const hide = regionSteps(o.steps);
  const keeps = keepSteps(o.steps);
  if (!hide.length && !keeps.length) return undefined;
  const { video: v } = o;
  const at = [...hide, ...keeps];
  const specs = at.map((i, k) => {
    const p = o.steps[i].params;
    const isKeep = k >= hide.length;
    const what = isKeep ? `Faces to leave visible (step ${i + 1})` : `Hide regions (step ${i + 1})`;
    let regions;
    try {
      regions = parseRegions(String((isKeep ? p.keep : p.regions) ?? ''));
    } catch (e) {
      throw new TesseraError('bad-param', `${what}: ${messageOf(e)}`);
    }
    if (!regions.length) throw new TesseraError('bad-param', `${what} has no regions: mark at least one box`);
    // Marks in the video's pixels, clipped to it (one wholly outside is an error naming it).
    return {
      what,
      keep: isKeep,
      track: isKeep || p.track !== false,
      regions: regions.map((r) => ({ ...r, box: clipRegion(r, v.width, v.height) })),
    };
  });
  const needGray = specs.some((s) => s.track);
  let factor = grayFactor(v.width, v.height);
  const estimate = Math.max(1, o.range.totalFrames);
  while (needGray && Math.ceil(v.width / factor) * Math.ceil(v.height / factor) * estimate > GRAY_BUDGET) factor++;
  const r0 = performance.now();
  const { grays, times } = await readGray(o, needGray ? factor : 0);
  const readMs = performance.now() - r0;
  if (!times.length) throw new TesseraError('bad-input', 'no frames in the chosen range to track regions in');
  const t0 = performance.now();
  const source = { length: grays.length, scale: 1 / factor, frame: (i: number) => grays[i] };
  const n = times.length;
  // Every step's marks are checked before any is followed: a bad one fails at once.
  const allMarks = specs.map((s) => {
    try {
      return regionMarks(s.regions, times);
    } catch (e) {
      throw new TesseraError('bad-param', `${s.what}: ${messageOf(e)}`);
    }
  });
  // Progress over all steps' objects followed: each object is followed through about n frames.
  const work = specs.map((s, k) => (s.track ? new Set(allMarks[k].map((m) => m.id)).size * n : 0));
  const total = work.reduce((a, b) => a + b, 0);
  let before = 0;
  const perStep: { tracks: ObjectTrack[]; marks: ObjectMark[]; keep: boolean }[] = [];
  for (let k = 0; k < specs.length; k++) {
    const s = specs[k];
    const marks = allMarks[k];
    const tracks = s.track
      ? await trackObjectsAsync(
          source,
          marks,
          {},
          {
            ...(o.signal ? { signal: o.signal } : {}),
            onProgress: (done) => o.onTrackProgress?.(before + done, total),
          },
        )
      : stillTracks(marks, n);
    before += work[k];
    perStep.push({ marks, keep: s.keep, tracks });
  }
  const trackMs = performance.now() - t0;
  const byStep = perStep.map((s) => boxesByFrame(s.tracks, n));
  const boxes = Array.from({ length: n }, (_, f) => byStep.slice(0, hide.length).map((b) => b[f]));
  const keep = Array.from({ length: n }, (_, f) => byStep.slice(hide.length).flatMap((b) => b[f]));
  const size = { width: v.width, height: v.height };
  const report = tracksReport(
    perStep,
    times,
    size,
    specs.every((s) => s.track),
  );
  return {
    boxes,
    keep,
    report,
    frames: n,
    readMs,
    trackMs,
    grayWidth: grays[0]?.width ?? 0,
    grayHeight: grays[0]?.height ?? 0,
  };
}

/**
 * The range's kept frames, decoded once more: their input times (seconds) and, with `factor` > 0,
 * gray copies shrunk by it. Frames are copied one at a time into one scratch buffer and closed at once.
 */
async function readGray(o: RegionPassOptions, factor: number): Promise<{ grays: GrayFrame[]; times: number[] }> {
  const flow = new Flow();
  const onAbort = () => flow.fail(cancelled());
  o.signal?.addEventListener('abort', onAbort);
  const grays: GrayFrame[] = [];
  const times: number[] = [];
  const queue: VideoFrame[] = [];
  let scratch: Uint8Array = new Uint8Array(0);
  let ended = false;
  const demux = new Demux({
    video: o.video,
    range: o.range,
    start: o.start,
    flow,
    timings: emptyTimings(),
    frames: o.frames,
    full: () => queue.length >= 3,
    onFrame: (frame, _i, timestampUs) => {
      if (o.keep && !o.keep(timestampUs)) {
        frame.close();
        o.frames.closed++;
        return;
      }
      queue.push(frame);
      flow.notify();
    },
  });
  const close = (f: VideoFrame) => {
    f.close();
    o.frames.closed++;
  };
  const consume = (async () => {
    for (;;) {
      await flow.whileBlocked(() => !queue.length && !ended);
      if (flow.failure || !queue.length) return;
      const frame = queue.shift() as VideoFrame;
      try {
        times.push(frame.timestamp / 1e6);
        if (factor > 0) {
          const g = await grayOf(frame, factor, scratch);
          scratch = g.scratch;
          grays.push(g.gray);
        }
      } catch (e) {
        flow.fail(
          new TesseraError('decode-failed', `cannot read the pixels of frame ${times.length - 1} to track regions (${messageOf(e)})`),
        );
      } finally {
        close(frame);
        flow.notify();
      }
    }
  })();
  try {
    await demux.run();
  } finally {
    ended = true;
    flow.notify();
    await consume;
    for (const f of queue.splice(0)) close(f);
    demux.close();
    o.signal?.removeEventListener('abort', onAbort);
  }
  if (flow.failure) throw toError(flow.failure);
  return { grays, times };
}

/** The frame's luma, shrunk by `factor`: the Y plane of 4:2:0/4:2:2/4:4:4 frames, else luma of its RGBA. */
async function grayOf(frame: VideoFrame, factor: number, scratch: Uint8Array): Promise<{ gray: GrayFrame; scratch: Uint8Array }> {
  const rect = frame.visibleRect;
  const w = rect?.width ?? frame.codedWidth,
    h = rect?.height ?? frame.codedHeight;
  // 8-bit planar formats only: 10/12-bit ones (I420P10…) have 16-bit samples, read through RGBA.
  const planar = /^(I420|I420A|I422|I444|NV12)$/.test(frame.format ?? '');
  const bytes = planar ? frame.allocationSize() : w * h * 4;
  if (scratch.length < bytes) scratch = new Uint8Array(bytes);
  const layout = await frame.copyTo(scratch.subarray(0, bytes), planar ? {} : { format: 'RGBA' });
  const gray = planar
    ? toGray(scratch.subarray(layout[0].offset), w, h, 1, factor, layout[0].stride)
    : toGray(scratch, w, h, 4, factor, w * 4);
  return { gray, scratch };
}

/**
 * The studio's Follow: the tracks of a redact-regions step's `regions` (its JSON) through the
 * video `file` in the range `options` choose, exactly as the batch makes them (one more read of
 * the range, tracking on this thread in slices that leave it responsive); `onProgress` says how
 * far the following is, `signal` stops it.
 */
export async function followRegions(
  file: Blob,
  name: string,
  regions: string,
  options: Pick<VideoOptions, 'start' | 'end'>,
  track = true,
  signal?: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<TracksReport> {
  const v = await openVideo(file, name);
  try {
    const r = await trackRegions({
      video: v,
      range: frameRange(options, v),
      start: options.start,
      steps: [{ op: REGIONS_OP, params: { regions, track } }],
      frames: { opened: 0, closed: 0 },
      ...(signal ? { signal } : {}),
      ...(onProgress ? { onTrackProgress: onProgress } : {}),
    });
    if (!r) throw new Error('followRegions: no regions step');
    return r.report;
  } finally {
    v.input.dispose();
  }
}
