/**
 * The origin's own storage (`navigator.storage`): whether a folder lives in it, asking the browser
 * to keep it, and how much room is left.
 *
 * Which outputs go into origin storage: a batch into a folder inside OPFS (what scripts and tests
 * hand `useOutputFolder`; the folder picker only ever returns folders on disk, outside the quota).
 * A zip does not: `ZipSink` keeps its entries as Blobs, which Chromium holds in memory and pages
 * to its blob store on disk, outside the origin's quota and never evicted under storage pressure
 * while the page holds them, so `persist()` would not protect them. So persistence is requested
 * before a batch writes into OPFS, and the free space is watched for everything kept there (an
 * OPFS output folder, the giant preview's tile cache).
 */
import type { StorageEstimateLike } from '../core/storage-space';

/** `navigator.storage` where the browser has it (not in Node, nor on insecure origins). */
function manager(): StorageManager | undefined {
  return typeof navigator === 'object' ? navigator.storage : undefined;
}

/**
 * True when `dir` is inside the origin's private file system (OPFS), whose bytes count against
 * the quota and can be evicted unless the storage is persistent.
 */
export async function isInOriginStorage(dir: FileSystemDirectoryHandle): Promise<boolean> {
  try {
    const root = await manager()?.getDirectory();
    if (!root) return false;
    return (await root.isSameEntry(dir)) || (await root.resolve(dir)) !== null;
  } catch {
    return false;
  }
}

let persisted: Promise<boolean> | undefined;

/**
 * Asks the browser to make this origin's storage persistent (never evicted under storage
 * pressure without the person's say), once per page: Chromium answers from site engagement
 * without a prompt; Firefox asks the person. Resolves with the answer (false where the API is
 * missing or refuses); never rejects.
 */
export function requestPersistence(): Promise<boolean> {
  persisted ??= (async () => {
    const m = manager();
    if (!m?.persist) return false;
    try {
      if (await m.persisted?.()) return true;
      return await m.persist();
    } catch {
      return false;
    }
  })();
  return persisted;
}

/** The browser's storage estimate (usage and quota in bytes), or undefined where it has none. */
export async function estimateStorage(): Promise<StorageEstimateLike | undefined> {
  try {
    const e = await manager()?.estimate?.();
    return e ? { usage: e.usage, quota: e.quota } : undefined;
  } catch {
    return undefined;
  }
}
