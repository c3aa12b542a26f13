/** The browser's engine pool: module workers running src/engine/worker.ts behind Comlink. */
import * as Comlink from 'comlink';
import type { EngineApi } from '../engine/api';
import { WorkerPool, type WorkerFactory } from './pool';

export type EngineRemote = Comlink.Remote<EngineApi>;
export type EnginePool = WorkerPool<EngineRemote>;

export const engineWorkerFactory: WorkerFactory<EngineRemote> = (index) => {
  const worker = new Worker(new URL('../engine/worker.ts', import.meta.url), { type: 'module', name: `tessera-engine-${index}` });
  const api = Comlink.wrap<EngineApi>(worker);
  return {
    api,
    terminate() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
    onCrash(cb) {
      worker.addEventListener('error', (e) => {
        e.preventDefault();
        cb(new Error(`worker crashed: ${e.message || 'script error'}`));
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
