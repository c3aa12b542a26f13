/** A video in a batch: the same recipe frame by frame (jobs/video.ts), streamed into the sink where it can be. */
import { analysisPath } from '../../core/video-options';
import { validateOutput } from '../../core/formats';
import { pageParts, VIDEO_PART } from '../lazy';
import type { FileResult } from '../types';
import type { BatchSettings } from './settings';
import type { BatchTally } from './summary';
import { writeReports, writeVideo } from './write';

/**
 * Processes and writes the video at `out` — or, when its name needs the output's size, at the
 * name `out(size)` gives once it is known (false: skip it); what the file's result gains, or
 * undefined when skipped. The output is discarded on failure.
 */
export async function processVideoFile(
  path: string,
  blob: Blob,
  out: string | ((size: { width: number; height: number }) => Promise<string | false>),
  s: BatchSettings,
  tally: BatchTally,
): Promise<
  (Required<Pick<FileResult, 'width' | 'height' | 'video' | 'bytesOut'>> & Pick<FileResult, 'reports'> & { out: string }) | undefined
> {
  const { runVideo } = await pageParts.load(VIDEO_PART, () => import('../video'));
  // Sinks that take positioned writes get the container as it is produced: memory stays flat
  // for long videos. Others (zip, HTTP) receive the finished file — as does a video named by
  // its output size ({width}), whose name is only known once it is made.
  // An animated GIF/WebP is encoded whole at the end: it is written as a finished file.
  const animation = s.video.animation !== 'off' ? s.video.animation : undefined;
  const stream = typeof out === 'string' && !animation ? await s.sink.openStream?.(out, s.signal) : undefined;
  try {
    const r = await runVideo({
      file: blob,
      name: path,
      steps: s.recipeSteps,
      options: s.video,
      pool: s.pool,
      buffers: s.buffers,
      signal: s.signal,
      onProgress: s.onVideoProgress,
      stream,
      // The batch's image options when they are for this format (--format webp --quality 90), else its defaults.
      ...(animation ? { animationOutput: s.output.format === animation ? s.output : validateOutput({ format: animation }) } : {}),
    });
    const { breakdown } = tally;
    for (const [op, ms] of Object.entries(r.timings.stepsMs)) breakdown.steps[op] = (breakdown.steps[op] ?? 0) + ms;
    breakdown.decode += r.timings.copyMs;
    const target = typeof out === 'string' ? out : await out({ width: r.width, height: r.height });
    if (target === false) return undefined;
    const w0 = performance.now();
    const bytesOut = await writeVideo(s.sink, target, { stream, bytes: r.bytes, analysis: r.analysis }, s.signal);
    // Marked regions: every object's box in every frame, beside the output (`<input>.tracks.json`).
    const reports: string[] = [];
    if (r.tracks && s.writeReports)
      await writeReports(s.sink, path, [{ op: 'redact-regions', kind: 'tracks', data: r.tracks }], reports, { signal: s.signal });
    tally.wrote(w0);
    return {
      width: r.width,
      height: r.height,
      video: {
        frames: r.frames,
        seconds: r.timings.seconds,
        fps: r.timings.fps,
        codec: r.codec,
        container: r.container,
        inputCodec: r.inputCodec,
        audio: r.audio,
        analysisPath: r.analysis ? analysisPath(target) : undefined,
        videoFramesOpen: r.videoFrames.open,
        warnings: r.warnings,
        streamed: !!stream,
        ...(r.tracks
          ? {
              regions: {
                ...(reports[0] ? { tracksPath: reports[0] } : {}),
                objects: r.tracks.objects.map((o) => ({
                  id: o.id,
                  ...(o.keep ? { keep: true as const } : {}),
                  hidden: o.hidden,
                  lost: o.lost,
                  // Followed nowhere beyond its marks: its boxes hold nothing to follow (a flat or covered area).
                  ...(r.tracks?.tracked && o.hidden === o.marks.length && r.tracks.frames > o.hidden ? { unfollowed: true } : {}),
                })),
                frames: r.tracks.frames,
                tracked: r.tracks.tracked,
              },
            }
          : {}),
      },
      bytesOut,
      ...(reports.length ? { reports } : {}),
      out: target,
    };
  } catch (e) {
    await stream?.abort();
    throw e;
  }
}
