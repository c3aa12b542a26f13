/**
 * The "low on browser storage" rule and its wording. The browser's own storage (OPFS, where an
 * output folder inside the origin and the giant preview's tile cache live) has a quota that
 * `navigator.storage.estimate()` reports; the studio says how much is left only when it is getting
 * short, so the note means something when it appears.
 */

/** What `navigator.storage.estimate()` gives (both fields optional there too). */
export interface StorageEstimateLike {
  usage?: number;
  quota?: number;
}

const GB = 2 ** 30;
const MB = 2 ** 20;

/**
 * Below this much free space the note is shown whatever the quota: a single 12 MP TIFF batch or a
 * 100 MP preview cache (hundreds of MB to a few GB) would no longer fit comfortably.
 */
export const LOW_FREE_BYTES = 2 * GB;
/** …or below this share of the quota, for small quotas (a nearly full disk gives a small one). */
export const LOW_FREE_FRACTION = 0.1;

/** Free bytes under the quota, or undefined when the browser did not say. */
export function freeBytes(e: StorageEstimateLike): number | undefined {
  if (typeof e.quota !== 'number' || !Number.isFinite(e.quota) || e.quota <= 0) return undefined;
  return Math.max(0, e.quota - (typeof e.usage === 'number' && Number.isFinite(e.usage) ? e.usage : 0));
}

/**
 * True when free space is under {@link LOW_FREE_BYTES} or under {@link LOW_FREE_FRACTION} of the
 * quota; false when the browser gave no quota (nothing to warn about that we know of).
 */
export function isLowOnSpace(e: StorageEstimateLike): boolean {
  const free = freeBytes(e);
  if (free === undefined) return false;
  return free < LOW_FREE_BYTES || free < LOW_FREE_FRACTION * (e.quota as number);
}

/**
 * A size for people, in the units the giant preview's cache label uses (GB = 2³⁰ bytes), so the two
 * can be compared at a glance: "1.2 GB", "10 GB" (whole from 10 GB up), "850 MB" (under 1 GB).
 */
export function sizeLabel(bytes: number): string {
  if (bytes >= GB) {
    const tenths = Math.round((bytes / GB) * 10) / 10;
    return tenths >= 10 ? `${Math.round(bytes / GB)} GB` : `${tenths.toFixed(1)} GB`;
  }
  return `${Math.round(bytes / MB)} MB`;
}

/** "Browser storage: 1.2 GB free of 10 GB", or undefined without a quota. */
export function storageLabel(e: StorageEstimateLike): string | undefined {
  const free = freeBytes(e);
  if (free === undefined) return undefined;
  return `Browser storage: ${sizeLabel(free)} free of ${sizeLabel(e.quota as number)}`;
}
