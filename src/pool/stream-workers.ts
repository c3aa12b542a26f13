/**
 * Codec workers for streamed giant images (engine/stream-worker.ts): one decodes, one encodes,
 * each blocking in its own thread for the whole image while the engine pool's workers run the
 * strips. Made when a batch first needs them (jobs/stream-workers.ts), terminated with it.
 */
import * as Comlink from 'comlink';
import { notAvailableOffline, workerScriptFailed } from '../core/offline';
import type { StreamCodecApi } from '../engine/stream-task';

export interface StreamWorker {
  api: Comlink.Remote<StreamCodecApi>;
  /** Settles (never rejects) with the reason if the worker dies (out of memory, a script error): its calls then never answer. */
  crashed: Promise<Error>;
  readonly alive: boolean;
  terminate(): void;
}

export function createStreamWorker(role: 'decode' | 'encode'): StreamWorker {
  const worker = new Worker(new URL('../engine/stream-worker.ts', import.meta.url), { type: 'module', name: `tessera-${role}` });
  const api = Comlink.wrap<StreamCodecApi>(worker);
  let alive = true;
  const crashed = new Promise<Error>((resolve) => {
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      alive = false;
      // A plain Event: its script could not be loaded (offline, before it was cached).
      if (workerScriptFailed(e)) resolve(notAvailableOffline(`The giant-image ${role} worker (its script)`));
      else resolve(new Error(`the ${role} worker crashed: ${e.message || 'script error (out of memory?)'}`));
    });
  });
  return {
    api,
    crashed,
    get alive() {
      return alive;
    },
    terminate() {
      alive = false;
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
