/**
 * A video written as an animated GIF or WebP (VideoOptions.animation): in place of encode-mux,
 * the processed frames (RGBA results of the pool, taken at the chosen fps by core/animation.ts
 * FrameSampler) are kept in order, bounded by ANIMATION_MAX_PIXELS as they come, and handed —
 * transferred, not copied — to one worker, which joins them and encodes the file with libvips
 * (engine/animation.ts encodeFrames). The delays are the kept frames' own timestamps apart.
 */
import { transfer } from 'comlink';
import { ANIMATION_MAX_PIXELS, checkAnimationPixels, sampledDelays } from '../../core/animation';
import { TesseraError } from '../../core/errors';
import type { OutputOptions } from '../../core/formats';
import type { FrameResult } from '../../engine/api';
import { Priority, type PriorityLevel } from '../../pool/pool';
import type { EnginePool } from '../../pool/engine-pool';

export interface AnimationOutOptions {
  name: string;
  fps: number;
  /** The image output options (format gif or webp). */
  output: OutputOptions;
  pool: EnginePool;
  signal?: AbortSignal;
  priority?: PriorityLevel;
  /** Most pixels held (frames × width × height). */
  maxPixels?: number;
}

export class AnimationOut {
  width = 0;
  height = 0;
  encodeMs = 0;
  private channels = 0;
  private readonly frames: ArrayBuffer[] = [];
  private readonly timestamps: number[] = [];

  constructor(private readonly o: AnimationOutOptions) {}

  get count(): number {
    return this.frames.length;
  }

  /** Frame `res` (in order), shown from `timestampUs` (output time). */
  add(res: FrameResult, timestampUs: number): void {
    if (!this.frames.length) {
      this.width = res.width;
      this.height = res.height;
      this.channels = res.channels;
    } else if (res.width !== this.width || res.height !== this.height) {
      throw new TesseraError(
        'bad-input',
        `frame ${this.frames.length + 1} came out ${res.width}×${res.height}, frame 1 ${this.width}×${this.height}: an animation's frames share one size`,
      );
    }
    // Refused as soon as one frame more would pass the bound, not after the whole range is decoded.
    checkAnimationPixels(this.frames.length + 1, res.width, res.height, this.o.maxPixels ?? ANIMATION_MAX_PIXELS);
    if (res.rgba.byteLength < res.width * res.height * 4) throw new Error(`frame ${this.frames.length + 1}: expected RGBA pixels`);
    this.frames.push(res.rgba);
    this.timestamps.push(timestampUs);
  }

  /** Encodes the frames (in a worker) and returns the file. The frames are handed over: call once. */
  async finish(): Promise<Uint8Array> {
    const frames = this.frames.splice(0);
    const req = {
      frames,
      width: this.width,
      height: this.height,
      channels: this.channels,
      delays: sampledDelays(this.timestamps, this.o.fps),
      // A video plays through and starts again, as players loop short clips: forever.
      loop: 0,
      output: this.o.output,
    };
    const r = await this.o.pool.run((api) => api.encodeAnimation(transfer(req, frames)), {
      priority: this.o.priority ?? Priority.background,
      cost: frames.length * this.width * this.height * 8,
      signal: this.o.signal,
      label: `${this.o.name} (animated ${this.o.output.format.toUpperCase()})`,
    });
    this.encodeMs = r.encodeMs;
    return r.bytes;
  }
}
