/**
 * Image files that recipe steps refer to by name (a logo), shared with every engine worker. Each
 * file's bytes are copied once into a SharedArrayBuffer and handed to each worker once, by
 * reference (no copy, never per image): the workers alive when it is shared, and every worker
 * started later (a replacement after a crash, a bigger pool) as it starts, before any task. A
 * Comlink call is a message, and a worker handles its messages in order, so a task sent after
 * the asset finds it there.
 */

/** What a worker needs to receive assets: its engine API's putAsset. */
export interface AssetReceiver {
  putAsset(name: string, bytes: Uint8Array): unknown;
}

const shared = new Map<string, Uint8Array>();
const receivers = new Set<AssetReceiver>();

/** Keeps `bytes` under `name` for every worker, now and later (a new file of that name replaces it). */
export function shareAsset(name: string, bytes: Uint8Array): void {
  const sab = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  sab.set(bytes);
  shared.set(name, sab);
  for (const r of receivers) void Promise.resolve(r.putAsset(name, sab)).catch(() => undefined);
}

/** Whether a file was shared under `name`. */
export function hasAsset(name: string): boolean {
  return shared.has(name);
}

/** The names shared so far. */
export function assetNames(): string[] {
  return [...shared.keys()];
}

/** A worker that starts: it gets every asset shared so far, and later ones as they come. */
export function addAssetReceiver(r: AssetReceiver): () => void {
  for (const [name, bytes] of shared) void Promise.resolve(r.putAsset(name, bytes)).catch(() => undefined);
  receivers.add(r);
  return () => receivers.delete(r);
}
