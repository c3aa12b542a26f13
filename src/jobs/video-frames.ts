/**
 * Stills of a video for the studio's preview: the frame at a chosen index, decoded on the page
 * (mediabunny's VideoSampleSink seeks to the key frame before it and decodes up to it), copied out
 * as RGBA and handed on as a lossless still (core/raw-tiff.ts), so the ordinary image preview runs
 * the recipe on it — before/after, zoom, pan and face boxes as for a photo. Every decoded sample is
 * closed when its still is made (core/scope.ts), whatever happens.
 *
 * The still is what the video job's workers get for that frame, so the preview shows the pixels
 * the job writes there: the frame's RGB (alpha dropped), or — for a recipe that starts with
 * grayscale and has no face step, on 4:2:0 frames — the stream's own luma plane Y′, range-expanded
 * as the job does it (engine/yuv.ts yuvToLuma; the grayscale step is then a copy), not the
 * catalogue's 601 luma of the RGB, which differs on HD (BT.709) streams.
 */
import { VideoSampleSink, type VideoSample } from 'mediabunny';
import { TesseraError, messageOf } from '../core/errors';
import { grayToTiff, rgbaToTiff } from '../core/raw-tiff';
import type { ResolvedStep } from '../core/recipe';
import { withScope } from '../core/scope';
import { yuvCoefficients, yuvToLuma } from '../engine/yuv';
import { openVideo, type OpenedVideo } from '../io/media';
import { copiesPlanes } from './video/dispatch';
import { faceRecipe } from './video/tracking';

/**
 * Whether the video job (as a batch runs it) hands these steps a frame of this pixel format as
 * its luma plane (jobs/video/dispatch.ts copiesPlanes): a gray-first recipe without face steps.
 */
export function runsOnLuma(steps: readonly ResolvedStep[], format: string | null): boolean {
  const faces = faceRecipe([...steps], 'transcode');
  return copiesPlanes(format, { mode: 'transcode', tracks: faces.tracks, grayFirst: faces.firstSteps[0]?.op === 'grayscale' });
}

/** What the scrubber needs to know of a video. */
export interface VideoFramesInfo {
  width: number;
  height: number;
  /** Seconds, to the end of the last frame. */
  duration: number;
  /** Frames per second used to turn an index into a time (the exact rate of a constant-rate video). */
  frameRate: number;
  /** Frames in the video track (its packets). */
  frames: number;
  /** The first frame's timestamp in seconds (usually 0). */
  start: number;
}

/** One frame as a still the image preview reads. */
export interface VideoStill {
  /** An uncompressed TIFF of the frame's visible pixels: RGB, or its luma plane (`luma`); a JPEG from pictureAt. */
  image: Blob;
  luma: boolean;
  index: number;
  /** The decoded frame's own timestamp and duration, in seconds. */
  timestamp: number;
  duration: number;
  width: number;
  height: number;
}

/** Samples in presentation order from a seek (VideoSampleSink.samples), and the frame index it gave last. */
interface SampleRun {
  samples: AsyncGenerator<VideoSample, void, unknown>;
  last: number;
}

export class VideoFrames {
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  /** Kept open after a seek: the frames just after it need no new seek from the key frame. */
  private run?: SampleRun;

  private constructor(
    private readonly video: OpenedVideo,
    private readonly sink: VideoSampleSink,
    readonly info: VideoFramesInfo,
  ) {}

  /**
   * Opens `file` (checked as the video job checks it: container, track, a codec this browser
   * decodes). Throws TesseraError with the problem in words; the caller names the file.
   */
  static async open(file: Blob, name: string): Promise<VideoFrames> {
    const v = await openVideo(file, name);
    try {
      const start = await v.video.getFirstTimestamp();
      const frameRate = v.constantFrameRate ?? (v.frameRate > 0 ? v.frameRate : v.packetCount / Math.max(1e-6, v.duration - start));
      const info = { width: v.width, height: v.height, duration: v.duration, frameRate, frames: v.packetCount, start };
      return new VideoFrames(v, new VideoSampleSink(v.video), info);
    } catch (e) {
      v.input.dispose();
      throw new TesseraError('bad-input', `corrupt video track (${messageOf(e)})`);
    }
  }

  /** The time of frame `index` by the frame rate (a point inside the frame, not its edge). */
  private timeOf(index: number): number {
    return this.info.start + (index + 0.5) / this.info.frameRate;
  }

  /**
   * Frame `index` (0-based, clamped to the video) as a still for `steps` (the recipe it is for
   * decides RGB or luma: runsOnLuma). Calls run one after another.
   */
  frameAt(index: number, steps: readonly ResolvedStep[]): Promise<VideoStill> {
    const i = Math.max(0, Math.min(this.info.frames - 1, Math.round(index)));
    const run = this.queue.then(() => this.decode(i, steps));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Frame `index` (clamped) as a picture a page shows as it is (a JPEG of its RGB): what the
   * studio draws region boxes on. Calls run one after another, with frameAt's.
   */
  pictureAt(index: number): Promise<VideoStill> {
    const i = Math.max(0, Math.min(this.info.frames - 1, Math.round(index)));
    const run = this.queue.then(() => this.decode(i, [], 'jpeg'));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async decode(index: number, steps: readonly ResolvedStep[], as: 'tiff' | 'jpeg' = 'tiff'): Promise<VideoStill> {
    if (this.disposed) throw new TesseraError('cancelled', 'the video was closed');
    const t = this.timeOf(index);
    return withScope(async (scope) => {
      let sample;
      try {
        sample = await this.sampleAt(index, t);
      } catch (e) {
        await this.endRun();
        throw new TesseraError('decode-failed', `cannot decode the frame at ${t.toFixed(3)} s (${messageOf(e)})`);
      }
      if (!sample) throw new TesseraError('decode-failed', `no frame at ${t.toFixed(3)} s`);
      scope.track(sample);
      const { width, height } = sample.visibleRect;
      if (as === 'jpeg') {
        const rgba = new Uint8ClampedArray(width * height * 4);
        await sample.copyTo(rgba, { format: 'RGBA' });
        const canvas = new OffscreenCanvas(width, height);
        const g = canvas.getContext('2d');
        if (!g) throw new TesseraError('decode-failed', 'no 2D canvas to show the frame on');
        g.putImageData(new ImageData(rgba, width, height), 0, 0);
        const image = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
        return { image, luma: false, index, timestamp: sample.timestamp, duration: sample.duration, width, height };
      }
      const luma = runsOnLuma(steps, sample.format);
      let tiff: Uint8Array<ArrayBuffer>;
      if (luma) {
        // The decoder's own planes, as the job copies them; the Y plane range-expanded as its workers do.
        const bytes = new Uint8Array(sample.allocationSize());
        const layout = await sample.copyTo(bytes);
        const k = yuvCoefficients(sample.colorSpace.matrix, sample.colorSpace.fullRange ?? false);
        const gray = yuvToLuma({ bytes, layout, nv12: sample.format === 'NV12' }, width, height, k, new Uint8Array(width * height));
        tiff = grayToTiff(gray.data, width, height, gray.stride);
      } else {
        const rgba = new Uint8Array(width * height * 4);
        await sample.copyTo(rgba, { format: 'RGBA' });
        tiff = rgbaToTiff(rgba, width, height);
      }
      const image = new Blob([tiff], { type: 'image/tiff' });
      return { image, luma, index, timestamp: sample.timestamp, duration: sample.duration, width, height };
    });
  }

  /**
   * The frame covering time `t` (frame `index`): up to a second after the frame given last, the
   * open run decodes on from there (a step to the next frame costs one frame's decode, not a seek
   * from the key frame and every frame after it); anywhere else, a new run from a seek to `t`.
   */
  private async sampleAt(index: number, t: number): Promise<VideoSample | null> {
    const run = this.run;
    if (run && index > run.last && index - run.last <= Math.ceil(this.info.frameRate)) {
      const s = await this.pull(run, index, t);
      if (s) return s;
    }
    await this.endRun();
    const fresh: SampleRun = { samples: this.sink.samples(t), last: -1 };
    this.run = fresh;
    return (await this.pull(fresh, index, t)) ?? (await this.sink.getSample(t));
  }

  /**
   * Moves `run` on to the sample covering `t`, closing the ones before it. Undefined (and the run
   * ended) when it has none there: it ran out, or its next frame starts after `t`.
   */
  private async pull(run: SampleRun, index: number, t: number): Promise<VideoSample | undefined> {
    for (;;) {
      const next = await run.samples.next();
      if (next.done) break;
      const s = next.value;
      const end = s.timestamp + (s.duration > 0 ? s.duration : 1 / this.info.frameRate);
      if (end <= t) {
        s.close(); // a frame before the one wanted: passed over
        continue;
      }
      if (s.timestamp > t) {
        s.close();
        break;
      }
      run.last = index;
      return s;
    }
    if (this.run === run) await this.endRun();
    return undefined;
  }

  /** Ends the open run: mediabunny closes the samples it decoded ahead. */
  private async endRun(): Promise<void> {
    const run = this.run;
    this.run = undefined;
    await run?.samples.return(undefined).catch(() => undefined);
  }

  /** Closes the file; stills already made stay usable. */
  dispose(): void {
    this.disposed = true;
    void this.queue.then(() => this.endRun()).finally(() => this.video.input.dispose());
  }
}

/** Opens a video's frames for the preview (see VideoFrames.open). */
export function openVideoFrames(file: Blob, name: string): Promise<VideoFrames> {
  return VideoFrames.open(file, name);
}
