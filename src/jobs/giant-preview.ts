/**
 * A giant image open in the preview (issue 11), on the main thread: its overview in shared memory
 * (any worker shows the fit view from it), the background build of its full-resolution cache,
 * progress for the studio, and the views asked of it. Nothing here holds the image's pixels: the
 * overview is 1/64 of them, the cache lives in OPFS.
 *
 * Order: the overview decodes at interactive priority, then the cache builds at background
 * priority on one worker, a strip per worker turn (so previews asked of that worker wait one strip
 * at most). A region whose rows are not cached yet is shown from the overview; the status says
 * how far the cache is, so the studio asks again when the rows are in.
 */
import { createFrame, describe, type Frame } from '../core/frame';
import { CACHE_DIR, cacheBytes, Control, CONTROL_SLOTS, overviewSize, tileGrid } from '../core/giant';
import { fnv1a64 } from '../core/hash';
import { messageOf } from '../core/errors';
import type { ResolvedStep } from '../core/recipe';
import type { Rect } from '../core/tiles';
import type { CacheResult, ImageProbe, OverviewResult, PreviewResult } from '../engine/api';
import type { EnginePool } from '../pool/engine-pool';
import { Priority } from '../pool/pool';

export interface GiantStatus {
  /** 'overview': decoding the fit view; 'cache': preparing full resolution; 'ready': regions are exact. */
  phase: 'overview' | 'cache' | 'ready' | 'failed';
  /** How far the current phase is, 0–100. */
  percent: number;
  /** Full-resolution rows cached so far (a region is exact once its window's rows are in). */
  cacheRows: number;
  /** What failed ('failed'; the fit view may still work when only the cache failed). */
  message?: string;
  overview?: OverviewResult;
  cache?: CacheResult;
}

/** Sessions opened on this page (their cache files' names). */
let sessions = 0;

/** How often progress is read from the control block. */
const POLL_MS = 200;

export class GiantSession {
  /** The cache's file name in OPFS (CACHE_DIR). */
  readonly name: string;
  readonly overview: Frame;
  private readonly control = new SharedArrayBuffer(CONTROL_SLOTS * 4);
  private readonly ctl = new Int32Array(this.control);
  private readonly overviewDone: Promise<OverviewResult>;
  private cacheDone?: Promise<CacheResult | undefined>;
  private status: GiantStatus = { phase: 'overview', percent: 0, cacheRows: 0 };
  private timer?: ReturnType<typeof setInterval>;
  /** Views waiting for the overview's first rows. */
  private waiting: (() => void)[] = [];
  private disposed = false;

  constructor(
    private readonly pool: EnginePool,
    readonly file: Blob,
    readonly key: string,
    readonly probe: ImageProbe,
    private readonly onStatus: (s: GiantStatus) => void = () => {},
  ) {
    // One file per session, never per image: a session still letting go of its file (workers
    // closing their handles, then the delete) must not meet the next session of the same image.
    this.name = `${fnv1a64(key)}-${++sessions}.tiles`;
    const size = overviewSize(probe.width, probe.height);
    this.overview = createFrame(size.width, size.height, probe.channels);
    this.timer = setInterval(() => this.poll(), POLL_MS);
    const req = { file, probe, overview: describe(this.overview), control: this.control };
    this.overviewDone = pool.run((api) => api.giantOverview(req), { priority: Priority.interactive, label: 'giant overview' });
    this.overviewDone.then(
      (overview) => {
        this.status = { ...this.status, overview };
        this.wake();
        if (!this.disposed) this.startCache();
      },
      (e: unknown) => {
        this.wake();
        this.update({ phase: 'failed', percent: 0, message: messageOf(e) });
        this.stopPolling();
      },
    );
  }

  /** The current progress. */
  get progress(): GiantStatus {
    return this.status;
  }

  /**
   * The fit view (no region) or a region at full resolution, with the recipe's steps. Waits for
   * the overview's first rows (the fit view then fills in as it decodes).
   */
  async view(steps: ResolvedStep[], region: Rect | undefined, maxPixels: number, signal: AbortSignal): Promise<PreviewResult> {
    if (Atomics.load(this.ctl, Control.overviewRows) === 0) {
      await Promise.race([this.overviewDone, new Promise<void>((res) => this.waiting.push(res))]);
    }
    const cacheRows = Atomics.load(this.ctl, Control.cacheRows);
    return this.pool.run(
      (api) =>
        api.giantPreview({
          file: this.file,
          probe: this.probe,
          steps,
          maxPixels,
          overview: describe(this.overview),
          overviewRows: Atomics.load(this.ctl, Control.overviewRows),
          region,
          cache: this.probe.direct ? undefined : { name: this.name, rows: cacheRows },
        }),
      { priority: Priority.interactive, signal, label: 'giant preview', cost: 64 << 20 },
    );
  }

  /** Stops the build, lets every worker close the cache file, and deletes it. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.ctl, Control.cancel, 1);
    this.stopPolling();
    await this.overviewDone.catch(() => undefined);
    await this.cacheDone;
    if (this.probe.direct) return;
    await this.pool.broadcast((api) => api.releaseGiant(this.name)).catch(() => undefined);
    await removeCaches((name) => name === this.name);
  }

  private startCache(): void {
    if (this.probe.direct) {
      this.update({ phase: 'ready', percent: 100 });
      this.stopPolling();
      return;
    }
    this.update({ phase: 'cache', percent: 0 });
    const g = tileGrid(this.probe.width, this.probe.height, this.probe.channels);
    const req = { file: this.file, probe: this.probe, name: this.name, control: this.control };
    this.cacheDone = removeCaches((name) => name !== this.name)
      .then(() =>
        this.disposed
          ? undefined
          : this.pool.run((api) => api.buildGiantCache(req), {
              priority: Priority.background,
              label: 'giant cache',
              cost: g.width * g.tile * g.channels * 2,
            }),
      )
      .then(
        (cache) => {
          this.stopPolling();
          if (!cache || cache.state === 'cancelled') return cache;
          this.update({ phase: 'ready', percent: 100, cacheRows: this.probe.height, cache });
          return cache;
        },
        (e: unknown) => {
          this.stopPolling();
          if (!this.disposed) this.update({ phase: 'failed', percent: 0, message: `full resolution is not available: ${messageOf(e)}` });
          return undefined;
        },
      );
  }

  private poll(): void {
    const rows = Atomics.load(this.ctl, Control.overviewRows);
    if (rows > 0) this.wake();
    const cacheRows = Atomics.load(this.ctl, Control.cacheRows);
    if (this.status.phase === 'overview') this.update({ percent: Math.floor((100 * rows) / this.overview.height) });
    else if (this.status.phase === 'cache') this.update({ percent: Math.floor((100 * cacheRows) / this.probe.height), cacheRows });
  }

  private update(s: Partial<GiantStatus>): void {
    const next = { ...this.status, ...s };
    if (
      next.phase === this.status.phase &&
      next.percent === this.status.percent &&
      next.cacheRows === this.status.cacheRows &&
      !s.message &&
      !s.cache
    )
      return;
    this.status = next;
    this.onStatus(next);
  }

  private wake(): void {
    for (const res of this.waiting.splice(0)) res();
  }

  private stopPolling(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The cache a giant image needs in OPFS, for people ("2.9 GB"). */
export function cacheSizeLabel(p: ImageProbe): string {
  const b = cacheBytes(tileGrid(p.width, p.height, p.channels));
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GB` : `${Math.ceil(b / 2 ** 20)} MB`;
}

/**
 * Deletes the preview's cache files that `which` picks: this image's when it is closed, and at a
 * build's start every other (a tab closed mid-build leaves one behind). A file some worker still
 * holds open is left for next time.
 */
async function removeCaches(which: (name: string) => boolean): Promise<void> {
  try {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(CACHE_DIR, { create: true });
    const names: string[] = [];
    for await (const name of dir.keys()) if (which(name)) names.push(name);
    await Promise.all(names.map((n) => dir.removeEntry(n).catch(() => undefined)));
  } catch {
    // no OPFS here (or it refused): nothing of ours to remove
  }
}
