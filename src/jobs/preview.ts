/**
 * Live preview for the recipe editor: runs at interactive priority (ahead of any batch), and a
 * new request supersedes the previous one — queued work is dropped, running work is ignored.
 * Each new file's header is read first (a few KB, never the whole file): an image above
 * core/giant.ts GIANT_PIXELS goes to a GiantSession (fit view, then full resolution from a cache
 * built in the background), every other image to the worker's truthful preview
 * (engine/true-preview.ts: the batch's own steps, orientation and sizes, optionally its encoder).
 */
import { messageOf } from '../core/errors';
import { isGiant } from '../core/giant';
import { FORMATS, type OutputOptions } from '../core/formats';
import { orientedSteps } from '../core/output-geometry';
import type { ViewRequest } from '../core/preview-plan';
import { resolveSteps, validateRecipe, type Recipe } from '../core/recipe';
import type { Rect } from '../core/tiles';
import type { GiantInfo, ImageProbe, PreviewResult } from '../engine/api';
import type { EnginePool } from '../pool/engine-pool';
import { Priority } from '../pool/pool';
import { GiantSession, type GiantStatus } from './giant-preview';

export type { GiantStatus };

export interface PreviewOptions {
  file: Blob;
  key: string;
  recipe: Recipe;
  /** Output options: `orientation` turns the photo upright as the batch will; `encode` uses the rest. */
  output?: OutputOptions;
  /** What to show of an ordinary image: zoom, centre (output pixels) and viewport. Default: fit in 960×640. */
  view?: ViewRequest;
  /** Answer a slow whole-image change first from a reduced copy (the result says `truth.pending`; ask again without it). */
  quick?: boolean;
  /** Also show the output encoded as the batch writes it (its bytes and decoded pixels). */
  encode?: boolean;
  /** A giant image's region wanted, in source pixels; none means its fit view. */
  region?: Rect;
  maxPixels?: number;
}

/** The view asked for when none is given. */
export const DEFAULT_VIEW: ViewRequest = { zoom: 'fit', viewport: { width: 960, height: 640 } };

export type PreviewOutcome =
  { kind: 'ok'; result: PreviewResult; ms: number } | { kind: 'error'; message: string } | { kind: 'superseded' };

export interface PreviewerOptions {
  /**
   * Progress of a giant image's overview and full-resolution cache (see GiantSession). `refresh`:
   * the last view returned is out of date — its region's rows are cached now, or more of the
   * overview has decoded (at most once a second) — so ask for it again.
   */
  onGiantStatus?: (status: GiantStatus, refresh: boolean) => void;
}

/** The worker's answer to a request made stale by a newer one (engine/true-preview.ts). */
const isSuperseded = (e: unknown) => /preview superseded/.test(messageOf(e));

/** While the overview decodes, a partial fit view is refreshed at most this often. */
const PARTIAL_REFRESH_MS = 1000;

export class Previewer {
  private current?: AbortController;
  private seq = 0;
  /**
   * Shared with the worker: the request running there is stale once this moved past its id, and
   * it stops at its next step (engine/true-preview.ts) — a slider dragged does not wait for the
   * previous position's preview to finish.
   */
  private generation = new Int32Array(new SharedArrayBuffer(4));
  /** The last file's header (or undefined when it could not be read: the usual preview says why). */
  private probed?: { key: string; probe: Promise<ImageProbe | undefined> };
  private giant?: GiantSession;
  /** The last giant view returned, while a status update could make it stale. */
  private shown?: { info: GiantInfo; at: number };

  constructor(
    private readonly pool: EnginePool,
    private readonly opts: PreviewerOptions = {},
  ) {}

  async request(opts: PreviewOptions): Promise<PreviewOutcome> {
    this.current?.abort();
    const ac = (this.current = new AbortController());
    const id = ++this.seq;
    const t0 = performance.now();
    try {
      const recipeSteps = resolveSteps(validateRecipe(opts.recipe));
      // The batch's steps: turned upright first unless the output keeps the stored orientation.
      const steps = orientedSteps(recipeSteps, opts.output?.orientation ?? 'upright');
      const implied = steps.length - recipeSteps.length;
      const maxPixels = opts.maxPixels ?? 1_000_000;
      const probe = await this.probe(opts.file, opts.key);
      if (id !== this.seq) return { kind: 'superseded' };
      let result: PreviewResult;
      if (probe && isGiant(probe.width, probe.height)) {
        // Giant images are shown as stored (their batch streams them so: core/large.ts).
        result = await this.session(opts, probe).view(recipeSteps, opts.region, maxPixels, ac.signal);
      } else {
        void this.endGiant();
        const req = {
          generation: { flag: this.generation, id: Atomics.add(this.generation, 0, 1) + 1 },
          file: opts.file,
          key: opts.key,
          steps,
          view: opts.view ?? DEFAULT_VIEW,
          quick: opts.quick,
          encode: opts.encode && opts.output?.images !== false && !FORMATS[opts.output?.format ?? 'png'].pyramid ? opts.output : undefined,
        };
        result = await this.pool.run((api) => api.preview(req), {
          priority: Priority.interactive,
          signal: ac.signal,
          label: 'preview',
          cost: 64 << 20,
        });
        // Timings line up with the recipe's steps (the editor shows them per step).
        if (implied) result = { ...result, steps: result.steps.slice(implied) };
      }
      if (id !== this.seq) return { kind: 'superseded' };
      this.shown = result.giant && { info: result.giant, at: performance.now() };
      // The giant image's status may have moved on while this view was made (its overview
      // finished, the rows it needs cached): that change found no view to mark out of date, and
      // none may follow, so a view already out of date asks for its refresh now.
      const g = this.giant;
      if (this.shown && g && this.stale(g.progress)) {
        const s = g.progress;
        queueMicrotask(() => {
          if (this.giant === g) this.opts.onGiantStatus?.(s, true);
        });
      }
      return { kind: 'ok', result, ms: performance.now() - t0 };
    } catch (e) {
      if (id !== this.seq || ac.signal.aborted || isSuperseded(e)) return { kind: 'superseded' };
      return { kind: 'error', message: messageOf(e) };
    }
  }

  /** The giant image being shown, if any (its progress, its size). */
  get giantSession(): GiantSession | undefined {
    return this.giant;
  }

  cancel(): void {
    this.current?.abort();
    this.seq++;
    this.supersede();
  }

  /** Makes the request running in the worker stale: it stops at its next step and answers 'superseded'. */
  supersede(): void {
    Atomics.add(this.generation, 0, 1);
  }

  /** Cancels, and ends a giant image's session (its background build stops, its cache is deleted). */
  dispose(): Promise<void> {
    this.cancel();
    this.probed = undefined;
    return this.endGiant();
  }

  private probe(file: Blob, key: string): Promise<ImageProbe | undefined> {
    if (this.probed?.key !== key) {
      const probe: Promise<ImageProbe | undefined> = this.pool
        .run((api) => api.probePreview(file), { priority: Priority.interactive, label: 'probe' })
        .catch(() => {
          // Not kept: a probe that failed (offline, a worker that could not load) runs again with
          // the next request, so a giant image is not taken for a small one from then on.
          if (this.probed?.probe === probe) this.probed = undefined;
          return undefined;
        });
      this.probed = { key, probe };
    }
    return this.probed.probe;
  }

  private session(opts: PreviewOptions, probe: ImageProbe): GiantSession {
    if (this.giant?.key !== opts.key) {
      void this.endGiant();
      this.shown = undefined;
      const session = new GiantSession(this.pool, opts.file, opts.key, probe, (s) => {
        if (this.giant === session) this.opts.onGiantStatus?.(s, this.stale(s));
      });
      this.giant = session;
    }
    return this.giant;
  }

  /** Whether `s` makes the last giant view out of date (then it is forgotten: one refresh per change). */
  private stale(s: GiantStatus): boolean {
    const shown = this.shown;
    if (!shown) return false;
    const { info } = shown;
    const stale =
      (info.needsRows !== undefined && s.cacheRows >= info.needsRows) ||
      (info.overviewRows !== undefined && (s.phase !== 'overview' || performance.now() - shown.at >= PARTIAL_REFRESH_MS));
    if (stale) this.shown = undefined;
    return stale;
  }

  private endGiant(): Promise<void> {
    const g = this.giant;
    this.giant = undefined;
    return g ? g.dispose().catch(() => undefined) : Promise.resolve();
  }
}
