/**
 * The remembered settings in `localStorage` (the value's shape and its checks are
 * `src/core/remembered-settings.ts`). Small and synchronous, so a write can still happen while
 * the page is being hidden for a reload. Storage that refuses (disabled, a sandboxed frame, full)
 * only means nothing is remembered: neither call ever throws.
 */
import { SETTINGS_KEY, parseSettings, serializeSettings, type RememberedSettings } from '../core/remembered-settings';

/** The page's localStorage, or undefined where reading it throws (it can: SecurityError). */
export function storage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

/** The settings remembered from the last visit (validated; `{}` when none or none usable). */
export function loadSettings(store: Storage | undefined = storage()): RememberedSettings {
  try {
    return parseSettings(store?.getItem(SETTINGS_KEY));
  } catch {
    return {};
  }
}

/** Remembers `s` in place of what was stored. */
export function saveSettings(s: RememberedSettings, store: Storage | undefined = storage()): void {
  try {
    store?.setItem(SETTINGS_KEY, serializeSettings(s));
  } catch {
    // quota exceeded or storage disabled: this visit's settings are simply not remembered
  }
}
