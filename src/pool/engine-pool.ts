/**
 * The browser's engine pool: module workers running src/engine/worker.ts behind Comlink. Each
 * worker's endpoint carries two APIs (EngineWorker): `pool.run` reaches the production EngineApi,
 * `pool.bench()` the bench/test BenchApi.
 */
import * as Comlink from 'comlink';
import { notAvailableOffline, workerScriptFailed } from '../core/offline';
import type { EngineApi, EngineWorker } from '../engine/api';
import type { BenchApi } from '../engine/bench-api';
import { addAssetReceiver } from './assets';
import { WorkerPool, type WorkerFactory } from './pool';

/** What a worker that cannot load is called in messages. */
const ENGINE_SCRIPT = "Tessera's image engine (its worker script)";

export type EngineRemote = Comlink.Remote<EngineApi>;
export type BenchRemote = Comlink.Remote<BenchApi>;
export type EnginePool = WorkerPool<EngineRemote, BenchRemote>;

export const engineWorkerFactory: WorkerFactory<EngineRemote, BenchRemote> = (index) => {
  const worker = new Worker(new URL('../engine/worker.ts', import.meta.url), { type: 'module', name: `tessera-engine-${index}` });
  const root = Comlink.wrap<EngineWorker>(worker);
  // Recipe assets (a logo) reach the worker before its first task (pool/assets.ts).
  const stopAssets = addAssetReceiver(root.engine);
  return {
    // Sub-proxies: their calls go to `engine.*` / `bench.*` in the worker, nothing else.
    api: root.engine,
    bench: root.bench,
    terminate() {
      stopAssets();
      root[Comlink.releaseProxy]();
      worker.terminate();
    },
    onCrash(cb) {
      worker.addEventListener('error', (e) => {
        e.preventDefault();
        // A plain Event, not an ErrorEvent: the script (or a module it imports) could not be
        // loaded — offline, before it was cached. The pool then waits for work before trying again.
        if (workerScriptFailed(e)) cb(notAvailableOffline(ENGINE_SCRIPT));
        else cb(new Error(`worker crashed: ${e.message || 'script error'}`));
      });
    },
  };
};

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(16, globalThis.navigator?.hardwareConcurrency ?? 2));
}

/** Default budget: a quarter of device memory where the browser tells us, else 1 GiB. */
export function defaultMemoryBudget(): number {
  const gb = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
  return gb ? Math.max(256, gb * 256) * 1024 * 1024 : 1024 * 1024 * 1024;
}

export function createEnginePool(size = defaultWorkerCount(), memoryBudget = defaultMemoryBudget()): EnginePool {
  return new WorkerPool(engineWorkerFactory, size, memoryBudget);
}
