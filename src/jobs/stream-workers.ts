/**
 * The streamed path's codec workers, each made when a batch first needs it (each starts its own
 * wasm-vips: about a second and ~100 MB) and kept for the rest of the batch. A JPEG output needs
 * only the decoder: its bands are encoded on the pool.
 */
import { createStreamWorker, type StreamWorker } from '../pool/stream-workers';

export class StreamWorkers {
  private workers: Partial<Record<'decode' | 'encode', StreamWorker>> = {};

  /** The role's worker, made afresh if it was never made or has died. */
  get(role: 'decode' | 'encode'): StreamWorker {
    const w = this.workers[role];
    if (w?.alive) return w;
    w?.terminate();
    return (this.workers[role] = createStreamWorker(role));
  }

  dispose(): void {
    for (const w of Object.values(this.workers)) w.terminate();
    this.workers = {};
  }
}
