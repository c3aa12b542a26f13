/** Per-video progress (frames, fps, ETA), at most every 150 ms unless forced. */
import type { VideoProgress } from './types';

export function progressReporter(
  path: string,
  totalFrames: number,
  t0: number,
  onProgress?: (p: VideoProgress) => void,
): (finished: number, force?: boolean) => void {
  let last = 0;
  return (finished, force = false) => {
    if (!onProgress) return;
    const now = performance.now();
    if (!force && now - last < 150) return;
    last = now;
    const el = (now - t0) / 1000;
    const fps = el > 0 ? finished / el : 0;
    onProgress({
      path,
      frames: finished,
      totalFrames: Math.max(totalFrames, finished),
      fps,
      elapsedSeconds: el,
      etaSeconds: fps > 0 ? Math.max(0, totalFrames - finished) / fps : undefined,
    });
  };
}

/** Several videos' progress as one: see {@link combineVideoProgress}. */
export interface CombinedVideoProgress {
  frames: number;
  totalFrames: number;
  /** Frames per second of all of them together. */
  fps: number;
  /** The latest of their ETAs (they run side by side); undefined until one has an estimate. */
  etaSeconds?: number;
}

/**
 * The videos in progress as one line for the studio's main bar: frames of all of them together,
 * their summed rate, and the latest of their ETAs.
 */
export function combineVideoProgress(videos: readonly VideoProgress[]): CombinedVideoProgress {
  let frames = 0,
    totalFrames = 0,
    fps = 0,
    eta: number | undefined;
  for (const v of videos) {
    frames += v.frames;
    totalFrames += Math.max(v.totalFrames, v.frames);
    fps += v.fps;
    if (v.etaSeconds !== undefined) eta = Math.max(eta ?? 0, v.etaSeconds);
  }
  return { frames, totalFrames, fps, ...(eta !== undefined ? { etaSeconds: eta } : {}) };
}
