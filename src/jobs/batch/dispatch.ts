/**
 * Dispatch: listed files are started in listing order, within two windows. Files being read or
 * computed: enough that every worker has its next request queued (the pool pipelines two per
 * worker) plus a few being read ahead (reads from disk wait several scheduler hops on a busy
 * machine). Files in flight in all, writes included: bounds the finished outputs held in memory.
 */
import type { InputFile } from '../../io/sources';
import type { InputListing } from './discovery';

export interface DispatchWindows {
  /** Most files started and not yet computed. */
  compute: number;
  /** Most files started and not yet finished (written or failed). */
  total: number;
}

export function dispatchWindows(workers: number): DispatchWindows {
  return { compute: workers * 2 + 4, total: workers * 8 };
}

/**
 * One file's work. It calls `computed` once the file no longer needs a worker (its output is
 * ready to write, or it failed): the next file then starts while this one's write is still
 * under way — writes can be slow to complete without costing much (a headless receiver, a disk
 * under load), and a worker must never idle waiting on another file's write. Calls after the
 * first are ignored. Must not reject.
 */
export type StartFile = (f: InputFile, computed: () => void) => Promise<void>;

/**
 * Starts every file the listing gives (until it ends or `signal` aborts), within `windows`;
 * returns the files still running once the last one has been started.
 */
export async function dispatchFiles(
  listing: InputListing,
  windows: DispatchWindows,
  signal: AbortSignal | undefined,
  start: StartFile,
): Promise<Promise<void>[]> {
  const inFlight = new Set<Promise<void>>();
  let computing = 0;
  let freed: (() => void) | undefined;
  for (;;) {
    if (signal?.aborted) break;
    const f = listing.take();
    if (f) {
      computing++;
      let once = false;
      const computed = () => {
        if (once) return;
        once = true;
        computing--;
        freed?.();
      };
      const p = start(f, computed).finally(() => {
        inFlight.delete(p);
        freed?.();
      });
      inFlight.add(p);
      while (computing >= windows.compute || inFlight.size >= windows.total) {
        await new Promise<void>((r) => (freed = r));
        freed = undefined;
      }
      continue;
    }
    if (listing.complete) break;
    await listing.changed();
  }
  return [...inFlight];
}
