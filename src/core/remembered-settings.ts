/**
 * What the studio remembers between visits — the last recipe, the output options, the output
 * kind (folder or zip) and the worker count — as one versioned JSON value (the browser keeps it
 * under {@link SETTINGS_KEY}; `src/io/settings-store.ts` reads and writes it).
 *
 * Reading never throws. The value is untrusted: another version of Tessera, a person with the
 * developer tools, or a half-written store may have left anything there. So each field is checked
 * on its own by today's validators (`validateRecipe`, `validateOutput`, the studio's worker range):
 * a field they refuse (an operation since removed, a quality out of range) is dropped and the rest
 * kept; text that is not JSON, or another version's value, gives nothing at all.
 */
import { validateOutput, type OutputOptions } from './formats';
import { validateRecipe, type Recipe } from './recipe';

/** Bumped when the stored shape changes incompatibly; older values are then ignored, not migrated. */
export const SETTINGS_VERSION = 1;
/** The storage key; the version is in the key too, so two versions' values never overwrite each other. */
export const SETTINGS_KEY = `tessera.settings.v${SETTINGS_VERSION}`;
/** The studio's worker field allows 1–16 (as `defaultWorkerCount` clamps). */
const MAX_WORKERS = 16;

/** The remembered settings; a field is absent when nothing valid was stored for it. */
export interface RememberedSettings {
  recipe?: Recipe;
  output?: OutputOptions;
  outputKind?: 'folder' | 'zip';
  workers?: number;
}

/** `f()`, or undefined when it throws (a validator refusing the stored value). */
function attempt<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/**
 * The settings in a stored value (`null`: nothing stored). Never throws: see the module comment
 * for what is dropped and why.
 */
export function parseSettings(text: string | null | undefined): RememberedSettings {
  if (typeof text !== 'string') return {};
  const raw = attempt((): unknown => JSON.parse(text));
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const r = raw as Record<string, unknown>;
  if (r.v !== SETTINGS_VERSION) return {};
  const out: RememberedSettings = {};
  const recipe = r.recipe === undefined ? undefined : attempt(() => validateRecipe(r.recipe));
  if (recipe) out.recipe = recipe;
  // validateOutput fills in defaults for missing fields: only a stored object counts as a choice.
  const output = r.output !== null && typeof r.output === 'object' ? attempt(() => validateOutput(r.output)) : undefined;
  if (output) out.output = output;
  if (r.outputKind === 'folder' || r.outputKind === 'zip') out.outputKind = r.outputKind;
  if (typeof r.workers === 'number' && Number.isInteger(r.workers) && r.workers >= 1 && r.workers <= MAX_WORKERS) out.workers = r.workers;
  return out;
}

/** The stored value for `s` (with its version), the text {@link parseSettings} reads back. */
export function serializeSettings(s: RememberedSettings): string {
  return JSON.stringify({ v: SETTINGS_VERSION, ...s });
}
