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
