/** The part of the input a video job keeps, in the input's microseconds, and its expected frame count. */
import type { VideoOptions } from '../../core/video-options';

export interface FrameRange {
  /** First microsecond kept (inclusive). */
  startUs: number;
  /** End (exclusive); Infinity: to the end. */
  endUs: number;
  /** Estimated frames in the range (from the container's packet statistics), at least 1. */
  totalFrames: number;
}

export function frameRange(
  opt: Pick<VideoOptions, 'start' | 'end'>,
  video: { duration: number; frameRate: number; packetCount: number },
): FrameRange {
  const rangeEnd = Math.min(opt.end ?? video.duration, video.duration);
  const whole = !(opt.start > 0 || opt.end !== undefined);
  return {
    startUs: opt.start * 1e6,
    endUs: opt.end !== undefined ? opt.end * 1e6 : Number.POSITIVE_INFINITY,
    totalFrames: Math.max(1, Math.round(whole ? video.packetCount : (rangeEnd - opt.start) * video.frameRate)),
  };
}

export function inRange(range: FrameRange, us: number): boolean {
  return us >= range.startUs && us < range.endUs;
}
