/**
 * Image files that recipe steps refer to by name (a logo: an 'image' param), as this worker holds
 * them. The main thread shares each file's bytes with every worker once, in a SharedArrayBuffer
 * (pool/assets.ts), before any task that uses it; steps read them here by the recipe's name.
 */
const assets = new Map<string, Uint8Array>();

/** Keeps `bytes` under `name` (a newer file of the same name replaces it). */
export function putAsset(name: string, bytes: Uint8Array): void {
  assets.set(name, bytes);
}

/** The bytes shared under `name`, if any. */
export function getAsset(name: string): Uint8Array | undefined {
  return assets.get(name);
}
