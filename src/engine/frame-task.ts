/**
 * One video or camera frame through a recipe, inside an engine worker (worker.ts delegates its
 * processFrame here and transfers the result's buffers). Free of Comlink, like image-task.ts.
 *
 * Two kinds of input:
 * - RGBA in shared memory (camera, face recipes, decoders that give RGB): alpha dropped for opaque
 *   frames, the recipe run, the result expanded back to RGBA;
 * - the decoder's own 4:2:0 planes (`opts.yuv`, I420 or NV12 as `VideoFrame.copyTo` laid them
 *   out): converted once here, in the worker, instead of on the main thread.
 *   - A recipe that starts with grayscale takes its luma straight from the planes (yuv.ts:
 *     the same 601 luma as from RGB, through the stream's matrix and range), skipping the RGB
 *     frame altogether.
 *   - A colour recipe made only of plane-wise ops (blur, Sobel, tone curves…) runs on R, G and B
 *     as three separate gray planes: no interleaving per step.
 *   - Other colour recipes get one interleaved RGB frame.
 * With `output: 'i420'` an even-sized gray or RGB result goes back as I420 in the stream's range
 * and matrix (gray: U = V = 128), ready for `new VideoFrame(buffer, { format: 'I420', transfer })`:
 * the encoder then converts nothing, and 1.5 bytes per pixel cross the thread boundary, not 4.
 */
import { fromDesc, type Frame, type FrameDesc } from '../core/frame';
import { getOperation, operations } from '../core/catalogue';
import { validateParams, type ResolvedStep } from '../core/recipe';
import type { FrameOptions, FrameResult } from './api';
import { runSteps, type StepTiming } from './run-steps';
import { scratchU8 } from './kernels/scratch';
import { loadOpenCV } from './opencv';
import { redactBoxes } from './faces/redact-boxes';
import { redactPicture } from './faces/redact-picture';
import { channelMeans, dropAlpha, mergePlanes, splitRgba, toRgba } from './rgba';
import { grayToI420, i420Size, rgbToI420, yuvCoefficients, yuvToLuma, yuvToRgb, type YuvCoefficients } from './yuv';

/** The first channel of an interleaved frame as a gray frame (video: an RGBA-expanded gray frame). */
function firstPlane(f: Frame, dst: Uint8Array): Frame {
  for (let y = 0, o = 0; y < f.height; y++) for (let x = 0, i = y * f.stride; x < f.width; x++, i += f.channels) dst[o++] = f.data[i];
  return { width: f.width, height: f.height, channels: 1, stride: f.width, data: dst.subarray(0, f.width * f.height) };
}

function copyFrame(f: Frame, dst: Uint8Array): Frame {
  const n = f.stride * (f.height - 1) + f.width * f.channels;
  dst.set(f.data.subarray(0, n));
  return { ...f, data: dst.subarray(0, n) };
}

/** The catalogue's plane-wise ops (`planeWise`): on R, G and B as three gray frames, the same bytes as on RGB. */
export const PLANE_WISE_OPS: ReadonlySet<string> = new Set(
  operations()
    .filter((op) => op.planeWise)
    .map((op) => op.name),
);

export function planeWise(steps: readonly ResolvedStep[]): boolean {
  return steps.every((s) => PLANE_WISE_OPS.has(s.op));
}

/** The buffers of a result that go back transferred, not copied. */
export function frameTransferables(r: FrameResult): ArrayBuffer[] {
  return [r.rgba, ...(r.i420 ? [r.i420] : [])];
}

export async function processFrameTask(src: FrameDesc, steps: ResolvedStep[], opts: FrameOptions = {}, idleMs = 0): Promise<FrameResult> {
  if (opts.yuv) return yuvFrame(src, steps, opts, idleMs);
  let input = fromDesc(src);
  const t0 = performance.now();
  if (opts.opaque && input.channels === 4 && !opts.redact && steps.length > 0 && planeWise(steps))
    return rgbaPlanes(input, steps, opts, idleMs);
  if (opts.redact?.channels === 1 && input.channels === 4) input = firstPlane(input, scratchU8('frame-gray', input.width * input.height));
  else if (opts.opaque && input.channels === 4) input = dropAlpha(input, scratchU8('frame-rgb', input.width * input.height * 3));
  const inMs = performance.now() - t0;
  const pre: StepTiming[] = [];
  if (opts.redact) {
    const t0 = performance.now();
    // In place: copy first unless dropAlpha/firstPlane already made a private copy.
    if (input.data.buffer === fromDesc(src).data.buffer) input = copyFrame(input, scratchU8('frame-copy', input.stride * input.height));
    // The redact-faces step's params, checked (and typed) against its specs as they cross from the job.
    const params = validateParams(getOperation('redact-faces'), opts.redact.params, '/redact/params');
    const cv = params.effect === 'blur' ? (await loadOpenCV('Hide faces')).cv : undefined;
    const pic = params.effect === 'picture' ? await redactPicture(params.picture) : undefined;
    redactBoxes(input, opts.redact.boxes, params, cv, pic);
    pre.push({ op: 'redact-faces', ms: performance.now() - t0 });
  }
  const { frame, timings, reports } = await runSteps(input, steps, undefined, { regions: opts.regions });
  const means = opts.measure ? channelMeans(frame) : [];
  const o0 = performance.now();
  const rgba = toRgba(frame).buffer as ArrayBuffer;
  const outMs = performance.now() - o0;
  return {
    width: frame.width,
    height: frame.height,
    rgba,
    steps: [...pre, ...timings],
    means,
    channels: frame.channels,
    reports,
    inMs,
    outMs,
    idleMs,
    path: 'rgba',
  };
}

const EMPTY = () => new ArrayBuffer(0);

interface PlanesRun {
  planes: Uint8Array[];
  width: number;
  height: number;
  timings: StepTiming[];
}

/** Each plane through the whole (plane-wise) recipe, results kept in this thread's scratch. */
async function runPlanes(planes: Uint8Array[], w: number, h: number, steps: ResolvedStep[]): Promise<PlanesRun> {
  const totals = new Map<string, number>();
  let width = w,
    height = h;
  const outs: Uint8Array[] = [];
  for (const [i, p] of planes.entries()) {
    const { frame, timings } = await runSteps({ width: w, height: h, channels: 1, stride: w, data: p.subarray(0, w * h) }, steps);
    for (const t of timings) totals.set(t.op, (totals.get(t.op) ?? 0) + t.ms);
    width = frame.width;
    height = frame.height;
    // The result views runSteps' scratch: keep it before the next plane runs.
    const keep = scratchU8(`out-${i}`, width * height);
    if (frame.stride === width) keep.set(frame.data.subarray(0, width * height));
    else for (let y = 0; y < height; y++) keep.set(frame.data.subarray(y * frame.stride, y * frame.stride + width), y * width);
    outs.push(keep);
  }
  return { planes: outs, width, height, timings: [...totals].map(([op, ms]) => ({ op, ms })) };
}

/** Three result planes → I420 (with `k`, even sizes) or opaque RGBA. */
function planesResult(
  run: PlanesRun,
  opts: FrameOptions,
  k: YuvCoefficients | undefined,
  inMs: number,
  idleMs: number,
  path: FrameResult['path'],
): FrameResult {
  const { width: w, height: h, planes } = run;
  const n = w * h;
  const o0 = performance.now();
  const means = opts.measure
    ? planes.map((p) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += p[i];
        return s / n;
      })
    : [];
  let rgba: ArrayBuffer, i420: ArrayBuffer | undefined;
  if (k && w % 2 === 0 && h % 2 === 0) {
    i420 = new ArrayBuffer(i420Size(w, h));
    rgbToI420({ r: planes[0], g: planes[1], b: planes[2], offsets: [0, 0, 0], step: 1, stride: w }, w, h, k, new Uint8Array(i420));
    rgba = EMPTY();
  } else {
    rgba = new ArrayBuffer(n * 4);
    mergePlanes(planes[0], planes[1], planes[2], n, new Uint32Array(rgba));
  }
  return { width: w, height: h, rgba, i420, steps: run.timings, means, channels: 3, inMs, outMs: performance.now() - o0, idleMs, path };
}

/** Opaque RGBA (a video frame) with a plane-wise recipe: split once, run R, G, B apart, merge once. */
async function rgbaPlanes(input: Frame, steps: ResolvedStep[], opts: FrameOptions, idleMs: number): Promise<FrameResult> {
  const t0 = performance.now();
  const { width: w, height: h } = input;
  const n = w * h;
  const r = scratchU8('in-r', n),
    g = scratchU8('in-g', n),
    b = scratchU8('in-b', n);
  splitRgba(input, r, g, b);
  const inMs = performance.now() - t0;
  const res = await runPlanes([r, g, b], w, h, steps);
  return planesResult(res, opts, undefined, inMs, idleMs, 'rgba-planes');
}

async function yuvFrame(src: FrameDesc, steps: ResolvedStep[], opts: FrameOptions, idleMs: number): Promise<FrameResult> {
  const yuv = opts.yuv!;
  const { width: w, height: h } = src;
  const bytes = new Uint8Array(src.buffer);
  const k = yuvCoefficients(yuv.matrix, yuv.fullRange);
  const planes = { bytes, layout: yuv.layout, nv12: yuv.format === 'NV12' };
  const wantI420 = opts.output === 'i420';
  const t0 = performance.now();

  // Gray first: luma straight from the planes; the grayscale step itself is then a no-op.
  if (steps[0]?.op === 'grayscale') {
    const gray = yuvToLuma(planes, w, h, k, scratchU8('yuv-gray', w * h));
    const inMs = performance.now() - t0;
    const { frame, timings, reports } = await runSteps(gray, steps.slice(1), undefined, { regions: opts.regions });
    return finish(frame, [{ op: 'grayscale', ms: inMs }, ...timings], reports, 0, opts, k, wantI420, idleMs, 'yuv-gray');
  }

  const n = w * h;
  if (planeWise(steps)) {
    // R, G, B as three gray planes, each through the whole recipe.
    const r = scratchU8('in-r', n),
      g = scratchU8('in-g', n),
      b = scratchU8('in-b', n);
    yuvToRgb(planes, w, h, k, { r, g, b, offsets: [0, 0, 0], step: 1, stride: w });
    const inMs = performance.now() - t0;
    const res = await runPlanes([r, g, b], w, h, steps);
    return planesResult(res, opts, wantI420 ? k : undefined, inMs, idleMs, 'yuv-planes');
  }

  // Any other colour recipe: one interleaved RGB frame.
  const rgb = scratchU8('yuv-rgb', n * 3);
  yuvToRgb(planes, w, h, k, { r: rgb, g: rgb, b: rgb, offsets: [0, 1, 2], step: 3, stride: w * 3 });
  const inMs = performance.now() - t0;
  const { frame, timings, reports } = await runSteps(
    { width: w, height: h, channels: 3, stride: w * 3, data: rgb.subarray(0, n * 3) },
    steps,
    undefined,
    { regions: opts.regions },
  );
  return finish(frame, timings, reports, inMs, opts, k, wantI420, idleMs, 'yuv-rgb');
}

function finish(
  frame: Frame,
  steps: StepTiming[],
  reports: FrameResult['reports'],
  inMs: number,
  opts: FrameOptions,
  k: ReturnType<typeof yuvCoefficients>,
  wantI420: boolean,
  idleMs: number,
  path: FrameResult['path'],
): FrameResult {
  const means = opts.measure ? channelMeans(frame) : [];
  const o0 = performance.now();
  const even = frame.width % 2 === 0 && frame.height % 2 === 0;
  let rgba: ArrayBuffer, i420: ArrayBuffer | undefined;
  if (wantI420 && even && frame.channels === 1) {
    i420 = new ArrayBuffer(i420Size(frame.width, frame.height));
    grayToI420(frame, k, new Uint8Array(i420));
    rgba = EMPTY();
  } else if (wantI420 && even && frame.channels === 3) {
    i420 = new ArrayBuffer(i420Size(frame.width, frame.height));
    rgbToI420(
      { r: frame.data, g: frame.data, b: frame.data, offsets: [0, 1, 2], step: 3, stride: frame.stride },
      frame.width,
      frame.height,
      k,
      new Uint8Array(i420),
    );
    rgba = EMPTY();
  } else rgba = toRgba(frame).buffer as ArrayBuffer;
  return {
    width: frame.width,
    height: frame.height,
    rgba,
    i420,
    steps,
    means,
    channels: frame.channels,
    reports,
    inMs,
    outMs: performance.now() - o0,
    idleMs,
    path,
  };
}
