import { describe, expect, test } from 'vitest';
import { PRESETS, SEED_RECIPE } from '../../src/core/presets';
import { validateOutput } from '../../src/core/formats';
import { validateRecipe } from '../../src/core/recipe';
import { SETTINGS_KEY, SETTINGS_VERSION, parseSettings, serializeSettings } from '../../src/core/remembered-settings';
import { loadSettings, saveSettings } from '../../src/io/settings-store';

const webExport = validateRecipe(PRESETS['web-export']);
const webp = validateOutput({ format: 'webp', quality: 60 });

/** A stored value as the studio writes it, with fields replaced or added. */
const stored = (fields: Record<string, unknown>) => JSON.stringify({ v: SETTINGS_VERSION, ...fields });

describe('parseSettings / serializeSettings', () => {
  test('every field survives a round trip', () => {
    const s = { recipe: webExport, output: webp, outputKind: 'zip' as const, workers: 3 };
    expect(parseSettings(serializeSettings(s))).toEqual(s);
    expect(JSON.parse(serializeSettings(s))).toMatchObject({ v: SETTINGS_VERSION });
    expect(SETTINGS_KEY).toBe(`tessera.settings.v${SETTINGS_VERSION}`);
  });

  test('nothing stored, text that is not JSON, or not an object: nothing remembered, no throw', () => {
    for (const text of [null, undefined, '', '{not json', 'null', '42', '"x"', '[1,2]', 'true'])
      expect(parseSettings(text), String(text)).toEqual({});
  });

  test("another version's value is ignored whole", () => {
    const s = { recipe: webExport, output: webp, outputKind: 'zip', workers: 3 };
    expect(parseSettings(JSON.stringify({ ...s, v: SETTINGS_VERSION + 1 }))).toEqual({});
    expect(parseSettings(JSON.stringify({ ...s, v: 0 }))).toEqual({});
    expect(parseSettings(JSON.stringify(s))).toEqual({}); // no version at all
  });

  test('a field the validators refuse is dropped, the others kept', () => {
    // An operation since removed (or never there), a quality out of range, workers out of range.
    const got = parseSettings(
      stored({
        recipe: { name: 'Old', steps: [{ op: 'no-such-op' }] },
        output: { format: 'webp', quality: 500 },
        outputKind: 'network',
        workers: 3,
      }),
    );
    expect(got).toEqual({ workers: 3 });
    expect(parseSettings(stored({ recipe: SEED_RECIPE, workers: 0 }))).toEqual({ recipe: validateRecipe(SEED_RECIPE) });
    for (const workers of [0, 17, 2.5, '2', null, -1, Number.NaN])
      expect(parseSettings(stored({ workers, outputKind: 'folder' })), String(workers)).toEqual({ outputKind: 'folder' });
  });

  test('the stored recipe comes back validated: params filled in, unknown fields refused', () => {
    const got = parseSettings(stored({ recipe: { name: 'Blur', steps: [{ op: 'gaussian-blur' }] } }));
    expect(got.recipe?.steps[0].params).toEqual(validateRecipe({ name: 'B', steps: [{ op: 'gaussian-blur' }] }).steps[0].params);
    expect(parseSettings(stored({ recipe: { ...SEED_RECIPE, extra: 1 } }))).toEqual({});
  });

  test('output: only a stored object counts (defaults are not invented for a missing one)', () => {
    expect(parseSettings(stored({ output: null }))).toEqual({});
    expect(parseSettings(stored({ output: 'webp' }))).toEqual({});
    expect(parseSettings(stored({ output: {} }))).toEqual({ output: validateOutput({}) });
  });
});

/** A Storage over a Map (Node has no localStorage), optionally failing the way browsers can. */
function fakeStorage(fail?: 'get' | 'set'): Storage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    key: (i: number) => [...map.keys()][i] ?? null,
    getItem(k: string) {
      if (fail === 'get') throw new DOMException('denied', 'SecurityError');
      return map.get(k) ?? null;
    },
    setItem(k: string, v: string) {
      if (fail === 'set') throw new DOMException('full', 'QuotaExceededError');
      map.set(k, v);
    },
    removeItem: (k: string) => void map.delete(k),
  };
}

describe('settings-store', () => {
  test('saves under the versioned key and loads it back', () => {
    const store = fakeStorage();
    saveSettings({ recipe: webExport, workers: 2 }, store);
    expect([...store.map.keys()]).toEqual([SETTINGS_KEY]);
    expect(loadSettings(store)).toEqual({ recipe: webExport, workers: 2 });
  });

  test('a corrupt value loads as nothing', () => {
    const store = fakeStorage();
    store.setItem(SETTINGS_KEY, '{"v":1,"recipe":');
    expect(loadSettings(store)).toEqual({});
  });

  test('storage that refuses (disabled, full) or is missing never throws', () => {
    expect(loadSettings(fakeStorage('get'))).toEqual({});
    expect(() => saveSettings({ workers: 2 }, fakeStorage('set'))).not.toThrow();
    expect(loadSettings(undefined)).toEqual({});
    expect(() => saveSettings({ workers: 2 }, undefined)).not.toThrow();
  });
});
