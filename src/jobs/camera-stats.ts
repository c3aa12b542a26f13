/**
 * Live-camera statistics: counters plus a sliding window of (time, latency) samples for the
 * percentiles and the frame rates. Pure (times are passed in) so it is unit-testable.
 */

export interface CameraStats {
  /** Which capture path runs: MediaStreamTrackProcessor, or <video> + requestVideoFrameCallback. */
  source: 'processor' | 'video';
  /** Capture size (the processed size may differ if the recipe resizes). */
  width: number;
  height: number;
  /** Since start (or the last resetStats()). */
  elapsedMs: number;
  /** Frames delivered by the camera to us. */
  captured: number;
  /** Frames handed to the pool (captured − dropped). */
  accepted: number;
  /** Results that came back from the pool. */
  processed: number;
  /** Results drawn (processed − stale). */
  shown: number;
  /** Captured while maxInFlight frames were already in flight: closed at once, never queued. */
  dropped: number;
  /** Results that arrived after a newer frame had already been shown: discarded. */
  stale: number;
  /** Frames whose processing failed. */
  failed: number;
  inFlight: number;
  /** dropped / captured. */
  dropRate: number;
  /** Capture → shown, ms, over the window. */
  latencyP50: number;
  latencyP95: number;
  latencyMax: number;
  /** Shown frames per second over the window. */
  fps: number;
  /** Captured frames per second over the window. */
  inputFps: number;
  /** VideoFrames this controller received or created, and how many it closed. */
  frames: { opened: number; closed: number };
  recording?: { container: string; codec: string; encoded: number; skipped: number; queue: number; error?: string };
  lastError?: string;
}

/** The nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Keeps the samples of the last `windowMs` (and at most `maxSamples`). */
export class SlidingWindow {
  private times: number[] = [];
  private values: number[] = [];
  constructor(
    public windowMs: number,
    private readonly maxSamples = 20_000,
  ) {}

  push(t: number, value = 0): void {
    this.times.push(t);
    this.values.push(value);
    if (this.times.length > this.maxSamples) {
      this.times.shift();
      this.values.shift();
    }
  }

  /** Drops samples older than now − windowMs. */
  prune(now: number): void {
    let i = 0;
    while (i < this.times.length && this.times[i] < now - this.windowMs) i++;
    if (i) {
      this.times.splice(0, i);
      this.values.splice(0, i);
    }
  }

  clear(): void {
    this.times = [];
    this.values = [];
  }

  count(now: number): number {
    this.prune(now);
    return this.times.length;
  }

  /** Events per second over the window (or since `since` when that is shorter). */
  rate(now: number, since: number): number {
    this.prune(now);
    const span = Math.min(this.windowMs, now - since);
    return span > 0 ? (this.times.length * 1000) / span : 0;
  }

  sortedValues(now: number): number[] {
    this.prune(now);
    return [...this.values].sort((a, b) => a - b);
  }
}
