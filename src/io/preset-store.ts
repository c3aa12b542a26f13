/**
 * The person's presets in localStorage (core/user-presets.ts says what is stored). Like the
 * remembered settings, storage that refuses only means nothing is kept: neither call throws.
 */
import { USER_PRESETS_KEY, parseUserPresets, serializeUserPresets } from '../core/user-presets';
import type { Recipe } from '../core/recipe';
import { storage } from './settings-store';

export function loadUserPresets(store: Storage | undefined = storage()): Recipe[] {
  try {
    return parseUserPresets(store?.getItem(USER_PRESETS_KEY));
  } catch {
    return [];
  }
}

/** Keeps `list`; false when the browser would not store it (the caller says so). */
export function saveUserPresets(list: readonly Recipe[], store: Storage | undefined = storage()): boolean {
  try {
    store?.setItem(USER_PRESETS_KEY, serializeUserPresets(list));
    return !!store;
  } catch {
    return false;
  }
}
