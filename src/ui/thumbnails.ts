/**
 * Small thumbnails of input photos for the input grid, decoded lazily and off the main thread:
 * `createImageBitmap(blob, { resizeWidth })` decodes on the browser's image-decoding threads and
 * keeps only the small bitmap. At most `capacity` bitmaps are kept (an LRU: each one dropped is
 * closed), at most `concurrency` decodes run at once, and a request whose cell scrolled away
 * before its turn is dropped unstarted — scrolling through 10,000 files decodes what was seen.
 */
import { LruCache } from '../core/lru';
import { withScope } from '../core/scope';
import { jpegScaledSize, jpegSize } from '../core/sniff';

/** Enough of a JPEG's start to find its frame header behind the EXIF block (at most 64 KB). */
const JPEG_HEAD = 128 * 1024;

export interface ThumbnailOptions {
  /** Bitmap width, px (the cell's width times the device pixel ratio). */
  width: number;
  /** Bitmaps kept; more are closed, oldest use first. */
  capacity?: number;
  /** Decodes at once. */
  concurrency?: number;
}

export class ThumbnailLoader {
  private readonly cache: LruCache<string, ImageBitmap>;
  /** Why a file has no thumbnail (the browser cannot decode it), by key: a few words each, kept. */
  private readonly failures = new Map<string, string>();
  private queue: { key: string; file: () => Promise<Blob> }[] = [];
  private readonly queued = new Set<string>();
  /** Being decoded now: asked for again meanwhile (every render asks), not queued twice. */
  private readonly inFlight = new Set<string>();
  private running = 0;
  private generation = 0;
  readonly width: number;
  readonly concurrency: number;
  /** Decodes started since the last `clear` (the bench and tests read it). */
  decoded = 0;
  /** Of those, JPEGs decoded at a reduced scale (ImageDecoder). */
  scaled = 0;

  /**
   * `wanted(key)`: whether the cell is still on screen when its turn comes; `ready(key)`: a
   * thumbnail arrived (draw it).
   */
  constructor(
    opts: ThumbnailOptions,
    private readonly wanted: (key: string) => boolean,
    private readonly ready: (key: string) => void,
  ) {
    this.width = Math.max(16, Math.round(opts.width));
    this.concurrency = opts.concurrency ?? 3;
    this.cache = new LruCache<string, ImageBitmap>(opts.capacity ?? 240, (b) => b.close());
  }

  /** Bitmaps held now. */
  get size(): number {
    return this.cache.size;
  }

  /** The bitmap if decoded (marking it recently used), else undefined and a decode is queued. */
  get(key: string, file: () => Promise<Blob>): ImageBitmap | undefined {
    const t = this.cache.get(key);
    if (t) return t;
    if (!this.queued.has(key) && !this.inFlight.has(key) && !this.failures.has(key)) {
      this.queued.add(key);
      this.queue.push({ key, file });
      this.pump();
    }
    return undefined;
  }

  /** Why `key` has no thumbnail, once its decode failed. */
  failure(key: string): string | undefined {
    return this.failures.get(key);
  }

  /** Drops every bitmap (closing them) and every queued decode: a new input. */
  clear(): void {
    this.generation++;
    this.queue = [];
    this.queued.clear();
    this.inFlight.clear();
    this.cache.clear();
    this.failures.clear();
    this.decoded = 0;
    this.scaled = 0;
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length) {
      // Newest request first: what was just scrolled to is what the person looks at.
      const job = this.queue.pop()!;
      this.queued.delete(job.key);
      if (!this.wanted(job.key) || this.cache.has(job.key)) continue;
      this.running++;
      this.inFlight.add(job.key);
      const gen = this.generation;
      void this.decode(job.file)
        .then((t) => {
          if (gen !== this.generation) {
            if (typeof t !== 'string') t.close();
            return;
          }
          if (typeof t === 'string') this.failures.set(job.key, t);
          else this.cache.set(job.key, t);
          this.ready(job.key);
        })
        .finally(() => {
          if (gen === this.generation) this.inFlight.delete(job.key);
          this.running--;
          this.pump();
        });
    }
  }

  /** The small bitmap, or why there is none. */
  private async decode(file: () => Promise<Blob>): Promise<ImageBitmap | string> {
    this.decoded++;
    try {
      const blob = await file();
      // EXIF orientation applied (the default, in both paths), so thumbnails are upright.
      return (await this.scaledJpeg(blob)) ?? (await createImageBitmap(blob, { resizeWidth: this.width, resizeQuality: 'medium' }));
    } catch {
      // Often a format the browser has no decoder for (TIFF, HEIC) that the engine still reads.
      return 'no thumbnail';
    }
  }

  /**
   * A large JPEG decoded at 1/8, 1/4 or 1/2 scale by the browser's ImageDecoder (on its decoder
   * thread; core/sniff.ts jpegScaledSize), then made small; undefined when that path does not
   * apply or fails (the caller then decodes it whole).
   */
  private async scaledJpeg(blob: Blob): Promise<ImageBitmap | undefined> {
    if (typeof ImageDecoder === 'undefined') return undefined;
    const head = new Uint8Array(await blob.slice(0, JPEG_HEAD).arrayBuffer());
    if (head[0] !== 0xff || head[1] !== 0xd8) return undefined;
    const stored = jpegSize(head);
    const size = stored && jpegScaledSize(stored.width, stored.height, this.width);
    if (!size) return undefined;
    return withScope(async (scope) => {
      const decoder = scope.track(
        new ImageDecoder({ data: blob.stream(), type: 'image/jpeg', desiredWidth: size.width, desiredHeight: size.height }),
      );
      try {
        const frame = scope.track((await decoder.decode()).image);
        const bitmap = await createImageBitmap(frame, { resizeWidth: this.width, resizeQuality: 'medium' });
        this.scaled++;
        return bitmap;
      } catch {
        return undefined;
      }
    });
  }
}
