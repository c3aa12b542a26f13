/**
 * Live preview for the recipe editor: runs at interactive priority (ahead of any batch), and a
 * new request supersedes the previous one — queued work is dropped, running work is ignored.
 */
import { messageOf } from '../core/errors';
import { resolveSteps, validateRecipe, type Recipe } from '../core/recipe';
import type { Rect } from '../core/tiles';
import type { PreviewResult } from '../engine/api';
import type { EnginePool } from '../pool/engine-pool';
import { Priority } from '../pool/pool';

export interface PreviewOptions {
  file: Blob;
  key: string;
  recipe: Recipe;
  region?: Rect;
  maxPixels?: number;
}

export type PreviewOutcome =
  { kind: 'ok'; result: PreviewResult; ms: number } | { kind: 'error'; message: string } | { kind: 'superseded' };

export class Previewer {
  private current?: AbortController;
  private seq = 0;

  constructor(private readonly pool: EnginePool) {}

  async request(opts: PreviewOptions): Promise<PreviewOutcome> {
    this.current?.abort();
    const ac = (this.current = new AbortController());
    const id = ++this.seq;
    const t0 = performance.now();
    try {
      const steps = resolveSteps(validateRecipe(opts.recipe));
      const result = await this.pool.run(
        (api) => api.preview({ file: opts.file, key: opts.key, steps, region: opts.region, maxPixels: opts.maxPixels ?? 1_000_000 }),
        { priority: Priority.interactive, signal: ac.signal, label: 'preview', cost: 64 << 20 },
      );
      if (id !== this.seq) return { kind: 'superseded' };
      return { kind: 'ok', result, ms: performance.now() - t0 };
    } catch (e) {
      if (id !== this.seq || ac.signal.aborted) return { kind: 'superseded' };
      return { kind: 'error', message: messageOf(e) };
    }
  }

  cancel(): void {
    this.current?.abort();
    this.seq++;
  }
}
