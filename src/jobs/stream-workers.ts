/**
 * The two codec workers of the streamed path, made when a batch meets its first giant image
 * (each starts its own wasm-vips: about a second) and kept for the rest of the batch.
 */
import { createStreamWorker, type StreamWorker } from '../pool/stream-workers';

export class StreamWorkers {
  private made: { decoder: StreamWorker; encoder: StreamWorker } | undefined;

  get(): Promise<{ decoder: StreamWorker; encoder: StreamWorker }> {
    this.made ??= { decoder: createStreamWorker('decode'), encoder: createStreamWorker('encode') };
    return Promise.resolve(this.made);
  }

  /** After a failure that may have left a worker wedged (a crash, an abandoned call): start afresh next time. */
  reset(): void {
    this.dispose();
  }

  dispose(): void {
    this.made?.decoder.terminate();
    this.made?.encoder.terminate();
    this.made = undefined;
  }
}
