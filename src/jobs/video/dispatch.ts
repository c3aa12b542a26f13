/**
 * Frame dispatch: each decoded frame's pixels are copied once into pooled shared memory — the
 * decoder's own 4:2:0 planes, or RGBA converted by copyTo — and the VideoFrame is closed at once;
 * the frame then runs through the recipe (its first part, with face redaction) in a worker,
 * several frames at a time and finishing in any order. A redaction's second worker call (the
 * tracked boxes, then the rest of the recipe) is made here too.
 */
import { transfer } from 'comlink';
import type { BufferPool } from '../../core/buffer-pool';
import { TesseraError, messageOf } from '../../core/errors';
import type { Box } from '../../core/faces-track';
import type { FacesReport } from '../../core/faces';
import { isIdentity, mapBox } from '../../core/geometry';
import type { ResolvedStep } from '../../core/recipe';
import type { FrameOptions, FrameResult, YuvInput } from '../../engine/api';
import type { EnginePool } from '../../pool/engine-pool';
import { Priority, type PriorityLevel } from '../../pool/pool';
import type { Flow } from './flow';
import { addStepTimes, type FrameCount, type ProcessedFrame, type VideoMode, type VideoTimings } from './types';

/**
 * Whether frames of this pixel format are copied in the decoder's own planes (8-bit 4:2:0): for
 * recipes that start with grayscale under 'auto', or any recipe with 'yuv'. Never for face
 * recipes (the tracker reads the detection frame's RGBA) nor in 'decode' mode.
 */
export function copiesPlanes(
  format: string | null,
  o: { mode: VideoMode; tracks: boolean; pixels?: 'auto' | 'rgba' | 'yuv'; grayFirst: boolean },
): boolean {
  return (
    o.mode !== 'decode' &&
    !o.tracks &&
    (format === 'I420' || format === 'NV12') &&
    (o.pixels === 'yuv' || (o.pixels !== 'rgba' && o.grayFirst))
  );
}

/** A decoded frame's pixels in shared memory (the VideoFrame itself is closed). */
interface CopiedFrame {
  sab: SharedArrayBuffer;
  width: number;
  height: number;
  /** No alpha in the decoder's format (I420, NV12): the worker drops it first. */
  opaque: boolean;
  /** Planar copies: the planes' layout, matrix and range. */
  yuv?: YuvInput;
  color?: VideoColorSpaceInit;
}

export interface DispatchOptions {
  pool: EnginePool;
  buffers: BufferPool;
  /** For labels. */
  name: string;
  priority?: PriorityLevel;
  signal?: AbortSignal;
  mode: VideoMode;
  /** The first call's steps (FaceRecipe.firstSteps). */
  steps: ResolvedStep[];
  /** With redact-faces: the second call's params and steps. */
  redact?: { params: Record<string, unknown>; restSteps: ResolvedStep[] };
  /**
   * With redact-regions steps: frame `index`'s boxes for each of them (region-tracks.ts), split
   * between the first call (`first`: its steps' share) and the redaction's second call (`rest`).
   */
  regions?: (index: number) => { first: Box[][]; rest: Box[][] };
  /** Per-frame means for the analysis export (measured by the call that finishes the frame). */
  analysis: boolean;
  /** See copiesPlanes. */
  planes: (format: string | null) => boolean;
  flow: Flow;
  timings: VideoTimings;
  frames: FrameCount;
}

/**
 * Boxes in the input's pixels, in the pixels of a first call's result: the second call starts
 * from that result with no geometry of its own, so boxes for its steps are mapped through the
 * geometry the first call's face report describes (a resize or crop before the face step).
 */
function inFirstResult(lists: Box[][], first: FrameResult): Box[][] {
  const rep = first.reports?.filter((x) => x.kind === 'faces').pop()?.data as FacesReport | undefined;
  const m = rep?.frame?.fromInput;
  if (!m || isIdentity(m)) return lists;
  return lists.map((boxes) => boxes.map((b) => mapBox(m, b, first.width, first.height, 'outward')));
}

export class FrameDispatch {
  private tasks = new Set<Promise<void>>();

  constructor(private readonly o: DispatchOptions) {}

  /**
   * Copies frame `index` out and closes it, runs it in a worker, and passes the result to
   * `done`. A failure (of the copy, the call or `done`) goes to the flow.
   */
  add(index: number, frame: VideoFrame, timestampUs: number, done: (item: ProcessedFrame) => void): void {
    const { flow } = this.o;
    const p = this.process(index, frame, timestampUs)
      .then(done)
      .catch((e) => flow.fail(e))
      .finally(() => {
        this.tasks.delete(p);
        flow.notify();
      });
    this.tasks.add(p);
  }

  /** Resolves once every added frame is done (or the pipeline failed). */
  drained(): Promise<void> {
    return this.o.flow.whileBlocked(() => this.tasks.size > 0);
  }

  /** Waits out every call still running, whatever its outcome (cleanup). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.tasks]);
  }

  /** The second call of a redaction: `boxes` redacted on the first call's RGBA (transferred), then the rest of the recipe. */
  redact(first: FrameResult, boxes: Box[], index: number): Promise<FrameResult> {
    const { pool, timings, redact } = this.o;
    if (!redact) throw new Error('redact() without a redaction step');
    const desc = { width: first.width, height: first.height, channels: 4, stride: first.width * 4, byteOffset: 0, buffer: first.rgba };
    const r0 = performance.now();
    return pool
      .run(
        (api) =>
          api.processFrame(transfer(desc, [first.rgba]), redact.restSteps, {
            opaque: first.channels !== 4 && first.channels !== 2,
            measure: this.o.analysis,
            redact: { boxes, params: redact.params, channels: first.channels === 1 ? 1 : undefined },
            ...(this.o.regions ? { regions: inFirstResult(this.o.regions(index).rest, first) } : {}),
          }),
        {
          priority: this.o.priority ?? Priority.background,
          cost: first.width * first.height * 4 * 2,
          signal: this.o.signal,
          label: `${this.o.name} frame ${index} (redact)`,
        },
      )
      .then((second) => {
        timings.workerMs += performance.now() - r0;
        addStepTimes(timings.stepsMs, second.steps);
        return { ...second, steps: [...first.steps, ...second.steps], reports: [...(first.reports ?? []), ...(second.reports ?? [])] };
      });
  }

  private async process(index: number, frame: VideoFrame, timestamp: number): Promise<ProcessedFrame> {
    const { buffers, timings } = this.o;
    const duration = frame.duration ?? 0;
    const c = await this.copy(index, frame);
    if (this.o.mode === 'decode') {
      buffers.release(c.sab);
      return {
        res: { width: c.width, height: c.height, rgba: new ArrayBuffer(0), steps: [], means: [], channels: 4 },
        timestamp,
        duration,
      };
    }
    const { width: w, height: h, yuv } = c;
    const desc = yuv
      ? { width: w, height: h, channels: 1, stride: yuv.layout[0].stride, byteOffset: yuv.layout[0].offset, buffer: c.sab }
      : { width: w, height: h, channels: 4, stride: w * 4, byteOffset: 0, buffer: c.sab };
    const r0 = performance.now();
    let res: FrameResult;
    try {
      const fo: FrameOptions = {
        opaque: c.opaque,
        measure: this.o.analysis && !this.o.redact,
        ...(yuv ? { yuv, output: 'i420' as const } : {}),
        ...(this.o.regions ? { regions: this.o.regions(index).first } : {}),
      };
      res = await this.o.pool.run((api) => api.processFrame(desc, this.o.steps, fo), {
        priority: this.o.priority ?? Priority.background,
        cost: w * h * 4 * 3,
        signal: this.o.signal,
        label: `${this.o.name} frame ${index}`,
      });
    } finally {
      buffers.release(c.sab);
    }
    timings.workerMs += performance.now() - r0;
    addStepTimes(timings.stepsMs, res.steps);
    timings.convertInMs += res.inMs ?? 0;
    timings.convertOutMs += res.outMs ?? 0;
    // (The first frames' idle time is the gap since the workers' previous job.)
    if (index >= this.o.pool.size * 2) timings.workerIdleMs += res.idleMs ?? 0;
    timings.path ??= res.path;
    return { res, timestamp, duration, ...(c.color ? { color: c.color } : {}) };
  }

  /** The frame's pixels into a pooled SharedArrayBuffer; the frame is closed whatever happens. */
  private async copy(index: number, frame: VideoFrame): Promise<CopiedFrame> {
    const { buffers, timings, frames } = this.o;
    // Decoded video is almost always opaque (I420, NV12): the worker then drops the alpha first,
    // so gray recipes run on one plane. Formats with alpha (I420A, RGBA, BGRA) keep it.
    const opaque = !/A$/.test(frame.format ?? '');
    const planar = this.o.planes(frame.format);
    timings.decodedFormat ??= frame.format ?? 'unknown';
    let sab: SharedArrayBuffer | undefined;
    try {
      const rect = frame.visibleRect;
      const width = rect?.width ?? frame.codedWidth;
      const height = rect?.height ?? frame.codedHeight;
      if (planar) {
        const bytes = frame.allocationSize();
        sab = buffers.acquire(bytes);
        const c0 = performance.now();
        const layout = await frame.copyTo(new Uint8Array(sab, 0, bytes));
        timings.copyMs += performance.now() - c0;
        const cs = frame.colorSpace;
        const yuv: YuvInput = {
          format: frame.format as 'I420' | 'NV12',
          layout: layout.map((l) => ({ offset: l.offset, stride: l.stride })),
          matrix: cs.matrix ?? null,
          fullRange: cs.fullRange ?? false,
        };
        return { sab, width, height, opaque, yuv, color: cs.toJSON() };
      }
      const bytes = width * height * 4;
      sab = buffers.acquire(bytes);
      const c0 = performance.now();
      await frame.copyTo(new Uint8Array(sab, 0, bytes), { format: 'RGBA' });
      timings.copyMs += performance.now() - c0;
      return { sab, width, height, opaque };
    } catch (e) {
      if (sab) buffers.release(sab);
      throw new TesseraError('decode-failed', `cannot read the pixels of frame ${index} (${messageOf(e)})`);
    } finally {
      frame.close();
      frames.closed++;
    }
  }
}
