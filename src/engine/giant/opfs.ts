/// <reference lib="webworker" />
/**
 * The cache files in OPFS, through synchronous access handles (dedicated workers only). Handles
 * are opened 'readwrite-unsafe', which Chromium lets several workers hold on one file at once:
 * the worker building the cache writes rows while the others read the rows already written (the
 * cache's own progress counter says which). Each worker keeps its handle until told to release
 * it, before the main thread deletes the file.
 */
import { CACHE_DIR } from '../../core/giant';
import { TesseraError } from '../../core/errors';
import type { CacheFile } from './cache';

type SyncHandle = FileSystemSyncAccessHandle;
/** `createSyncAccessHandle` with the access mode Chromium 121+ accepts (not yet in TypeScript's DOM types). */
type WithModes = { createSyncAccessHandle(opts: { mode: 'readwrite-unsafe' }): Promise<SyncHandle> };

const open = new Map<string, Promise<SyncHandle>>();

function handle(name: string): Promise<SyncHandle> {
  let h = open.get(name);
  if (!h) {
    h = (async () => {
      const root = await navigator.storage.getDirectory();
      const dir = await root.getDirectoryHandle(CACHE_DIR, { create: true });
      const file = await dir.getFileHandle(name, { create: true });
      return (file as unknown as WithModes).createSyncAccessHandle({ mode: 'readwrite-unsafe' });
    })();
    open.set(name, h);
    h.catch(() => open.delete(name));
  }
  return h;
}

/** The cache file `name`, opened once per worker. */
export async function cacheFile(name: string): Promise<CacheFile> {
  const h = await handle(name);
  return { read: (into, at) => h.read(into, { at }), write: (bytes, at) => h.write(bytes, { at }) };
}

/** Makes (or empties) the cache file `name` at its full size, so a full disk or quota fails now, not halfway. */
export async function createCacheFile(name: string, bytes: number): Promise<CacheFile> {
  const h = await handle(name);
  try {
    h.truncate(0);
    h.truncate(bytes);
  } catch (e) {
    throw new TesseraError(
      'io-failed',
      `no room for the preview's ${Math.ceil(bytes / 2 ** 20).toLocaleString('en')} MB cache (${(e as Error).message})`,
    );
  }
  return cacheFile(name);
}

/** Closes this worker's handle on `name` (before the file is deleted). */
export async function releaseCacheFile(name: string): Promise<void> {
  const h = open.get(name);
  open.delete(name);
  if (h) (await h.catch(() => undefined))?.close();
}
