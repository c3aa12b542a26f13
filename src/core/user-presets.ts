/**
 * The person's own presets: a recipe with its output settings, saved under its name in the
 * studio (kept in localStorage by io/preset-store.ts) and offered beside the built-in presets.
 * Exported as recipe JSON (the studio's Save JSON), which `npm run batch --recipe FILE.json`
 * and Load JSON take back. Stored entries are validated one by one: a damaged one is dropped,
 * never the whole list.
 */
import { validateOutput } from './formats';
import { stepsKey } from './presets';
import { validateRecipe, type Recipe } from './recipe';

export const USER_PRESETS_KEY = 'tessera.presets.v1';

/** Most presets kept (the menu stays a menu). */
export const MAX_USER_PRESETS = 50;

/** A stored preset list, each entry checked as recipe JSON is (entries that fail are left out). */
export function parseUserPresets(text: string | null | undefined): Recipe[] {
  if (!text) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return [];
  }
  const list = (raw as { presets?: unknown } | null)?.presets;
  if (!Array.isArray(list)) return [];
  const out: Recipe[] = [];
  for (const entry of list.slice(0, MAX_USER_PRESETS)) {
    try {
      const recipe = validateRecipe(entry);
      if (recipe.output) validateOutput(recipe.output);
      out.push(recipe);
    } catch {
      // a preset saved by another version, or edited by hand: not offered
    }
  }
  return out;
}

export function serializeUserPresets(list: readonly Recipe[]): string {
  return JSON.stringify({ version: 1, presets: list });
}

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The list with `recipe` saved under its name (replacing one of that name), sorted by name. */
export function withPreset(list: readonly Recipe[], recipe: Recipe): Recipe[] {
  const saved = validateRecipe(recipe);
  const rest = list.filter((p) => !sameName(p.name, saved.name));
  if (rest.length >= MAX_USER_PRESETS) throw new Error(`at most ${MAX_USER_PRESETS} presets are kept: delete one first`);
  return [...rest, saved].sort((a, b) => a.name.localeCompare(b.name));
}

export function withoutPreset(list: readonly Recipe[], name: string): Recipe[] {
  return list.filter((p) => !sameName(p.name, name));
}

/** The index of the saved preset the recipe is: the same name and the same steps. */
export function matchingUserPreset(list: readonly Recipe[], recipe: Recipe): number | undefined {
  let key: string;
  try {
    key = stepsKey(recipe);
  } catch {
    return undefined;
  }
  const i = list.findIndex((p) => sameName(p.name, recipe.name) && stepsKey(p) === key);
  return i < 0 ? undefined : i;
}
