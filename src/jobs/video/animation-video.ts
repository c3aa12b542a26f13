/**
 * An animated GIF/WebP written as a video (VideoOptions.animationsAsVideo): one worker runs the
 * recipe on every frame (engine/animation.ts animationFrames: the animated-image path's per-frame
 * loop, one geometry for all) and returns RGBA frames with their delays; the video encode path
 * (encode-mux.ts: VideoEncoder → mediabunny, MP4 or WebM, the video options' codec and quality)
 * writes them with timestamps that add up the delays, so each frame shows for its own time. A
 * video has no loop count: it plays once. Loaded with the video part (mediabunny).
 */
import { transfer } from 'comlink';
import { TesseraError, toError } from '../../core/errors';
import type { OutputOptions } from '../../core/formats';
import { VIDEO_CODECS, VIDEO_CONTAINERS, type VideoOptions } from '../../core/video-options';
import type { ImageTimings } from '../../engine/api';
import type { ResolvedStep } from '../../core/recipe';
import type { EnginePool } from '../../pool/engine-pool';
import { Priority } from '../../pool/pool';
import { EncodeMux } from './encode-mux';
import { Flow } from './flow';
import { emptyTimings, type FrameCount } from './types';

export interface AnimationVideoRequest {
  name: string;
  file: Blob;
  steps: ResolvedStep[];
  output: OutputOptions;
  video: VideoOptions;
  pool: EnginePool;
  signal?: AbortSignal;
}

export interface AnimationVideoResult {
  bytes: Uint8Array;
  width: number;
  height: number;
  frames: number;
  seconds: number;
  /** Frames per second written in the container (constant delays), or the mean rate (variable). */
  fps: number;
  container: string;
  codec: string;
  extension: string;
  timings: ImageTimings;
  warnings: string[];
  videoFramesOpen: number;
}

/** Timestamps (µs) of frames shown for `delays` ms each, one after another from 0. */
export function frameTimes(delays: readonly number[]): number[] {
  const out: number[] = [];
  let t = 0;
  for (const d of delays) {
    out.push(t);
    t += d * 1000;
  }
  return out;
}

/** The animation in `file` as a video; undefined when the file is a still (it then goes on as an image). */
export async function animationToVideo(o: AnimationVideoRequest): Promise<AnimationVideoResult | undefined> {
  const data = await o.file.arrayBuffer();
  const anim = await o.pool.run(
    (api) =>
      api.animationFrames(
        transfer({ file: o.file, bytes: data, name: o.name, steps: o.steps, output: o.output, maxPixels: Infinity }, [data]),
      ),
    { cost: Math.max(8 << 20, o.file.size * 12), signal: o.signal, priority: Priority.background, label: o.name },
  );
  if (!anim) return undefined;
  const { frames: rgba, width, height, delays } = anim;
  if (rgba.some((b) => b.byteLength < width * height * 4)) throw new Error(`${o.name}: an animation frame is not ${width}×${height} RGBA`);
  const total = delays.reduce((a, b) => a + b, 0);
  if (total <= 0)
    throw new TesseraError('bad-input', 'every frame of the animation has a delay of 0 ms: it has no length to write as a video');
  const constant = delays.every((d) => d === delays[0]);
  const frameRate = (delays.length * 1000) / total;
  const flow = new Flow();
  const timings = emptyTimings();
  const count: FrameCount = { opened: 0, closed: 0 };
  const mux = new EncodeMux({
    video: { width, height, frameRate, constantFrameRate: constant ? frameRate : null },
    options: o.video,
    flow,
    timings,
    frames: count,
    audioUntil: () => Promise.resolve(),
  });
  const onAbort = () => flow.fail(new TesseraError('cancelled', 'cancelled'));
  o.signal?.addEventListener('abort', onAbort);
  try {
    const { output } = await mux.open();
    await output.start();
    const times = frameTimes(delays);
    for (let i = 0; i < rgba.length; i++) {
      if (flow.failure) throw toError(flow.failure);
      const res = { width, height, rgba: rgba[i], steps: [], means: [], channels: 4 };
      // Each frame's buffer is handed to its VideoFrame (transferred), once.
      await mux.encode(res, { res, timestamp: times[i], duration: delays[i] * 1000 }, i);
    }
    const bytes = await mux.finish();
    if (!bytes) throw new Error('the video was not built in memory');
    const container = VIDEO_CONTAINERS[o.video.container];
    return {
      bytes,
      width: mux.width,
      height: mux.height,
      frames: rgba.length,
      seconds: total / 1000,
      fps: frameRate,
      container: o.video.container,
      codec: o.video.codec,
      extension: container.extension,
      timings: anim.timings,
      warnings: [...mux.warnings, ...(anim.loop !== 1 ? ['a video plays once: the animation’s loop count is not kept'] : [])],
      videoFramesOpen: count.opened - count.closed,
    };
  } catch (e) {
    await mux.discard();
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    mux.closeEncoder();
  }
}

/** "animated (12 frames): written as a WebM video (VP9)". */
export function animationVideoNote(r: AnimationVideoResult): string {
  const codec = VIDEO_CODECS[r.codec as keyof typeof VIDEO_CODECS]?.label ?? r.codec;
  return `animated (${r.frames} frames): written as ${VIDEO_CONTAINERS[r.container as keyof typeof VIDEO_CONTAINERS]?.label ?? r.container} video (${codec})`;
}
