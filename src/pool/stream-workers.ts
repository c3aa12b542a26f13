/**
 * Codec workers for streamed giant images (engine/stream-worker.ts): one decodes, one encodes,
 * each blocking in its own thread for the whole image while the engine pool's workers run the
 * strips. Made per image and terminated after it, so a batch of ordinary photos never pays for
 * the two extra wasm-vips instances.
 */
import * as Comlink from 'comlink';
import type { StreamWorkerApi } from '../engine/stream-worker';

export interface StreamWorker {
  api: Comlink.Remote<StreamWorkerApi>;
  terminate(): void;
}

export function createStreamWorker(role: 'decode' | 'encode'): StreamWorker {
  const worker = new Worker(new URL('../engine/stream-worker.ts', import.meta.url), { type: 'module', name: `tessera-${role}` });
  const api = Comlink.wrap<StreamWorkerApi>(worker);
  return {
    api,
    terminate() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
