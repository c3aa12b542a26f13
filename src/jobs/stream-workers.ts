/**
 * Who decodes and encodes a streamed image: a worker leased from the pool where one can be
 * spared, else the role's own worker, made when a batch first needs it (each starts its own
 * wasm-vips: about a second and ~150 MB) and kept for the rest of the batch. A JPEG output needs
 * only the decoder: its bands are encoded on the pool.
 */
import type * as Comlink from 'comlink';
import type { StreamCodecApi } from '../engine/stream-task';
import type { EnginePool } from '../pool/engine-pool';
import { createStreamWorker, type StreamWorker } from '../pool/stream-workers';

/** Whoever runs a codec role for one image: a leased pool worker, or a worker of its own. */
export interface Codec {
  api: Comlink.Remote<StreamCodecApi>;
  crashed: Promise<Error>;
  /** Gives a leased worker back to the pool (nothing for an own worker, kept for the batch). */
  release(): void;
}

export class StreamWorkers {
  private workers: Partial<Record<'decode' | 'encode', StreamWorker>> = {};

  /** The role's worker, made afresh if it was never made or has died. */
  get(role: 'decode' | 'encode'): StreamWorker {
    const w = this.workers[role];
    if (w?.alive) return w;
    w?.terminate();
    return (this.workers[role] = createStreamWorker(role));
  }

  /**
   * A pool worker taken for the role when the pool can spare one (on two cores this keeps the
   * threads at two and saves a wasm-vips instance), else this role's own worker.
   */
  codec(role: 'decode' | 'encode', pool: EnginePool): Codec {
    const lease = pool.lease();
    if (lease) return { api: lease.api, crashed: lease.crashed, release: () => lease.release() };
    const w = this.get(role);
    return { api: w.api, crashed: w.crashed, release: () => {} };
  }

  dispose(): void {
    for (const w of Object.values(this.workers)) w.terminate();
    this.workers = {};
  }
}
