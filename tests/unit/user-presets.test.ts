import { describe, expect, test } from 'vitest';
import { PRESETS } from '../../src/core/presets';
import {
  MAX_USER_PRESETS,
  matchingUserPreset,
  parseUserPresets,
  serializeUserPresets,
  withPreset,
  withoutPreset,
} from '../../src/core/user-presets';

const mine = { ...structuredClone(PRESETS['web-export']), name: 'Blog 800', output: { format: 'jpeg' as const, quality: 72 } };

describe('user presets', () => {
  test('saved, replaced by name, sorted, deleted; they round-trip through storage', () => {
    let list = withPreset([], mine);
    list = withPreset(list, { ...mine, name: 'Archive', output: { format: 'png' } });
    list = withPreset(list, { ...mine, name: 'blog 800', output: { format: 'webp' } }); // same name, any case: replaced
    expect(list.map((p) => [p.name, p.output?.format])).toEqual([
      ['Archive', 'png'],
      ['blog 800', 'webp'],
    ]);
    expect(parseUserPresets(serializeUserPresets(list))).toEqual(list);
    expect(withoutPreset(list, 'ARCHIVE').map((p) => p.name)).toEqual(['blog 800']);
  });

  test('a damaged entry is dropped, not the list; junk is an empty list', () => {
    const text = JSON.stringify({
      version: 1,
      presets: [mine, { name: 'x', steps: [{ op: 'blurr' }] }, { ...mine, name: 'Bad out', output: { quality: 500 } }],
    });
    expect(parseUserPresets(text).map((p) => p.name)).toEqual(['Blog 800']);
    for (const junk of [null, '', 'not json', '{"presets": 3}', '[]']) expect(parseUserPresets(junk)).toEqual([]);
  });

  test('the menu shows a saved preset when the recipe is it: same name, same steps', () => {
    const list = withPreset([], mine);
    expect(matchingUserPreset(list, mine)).toBe(0);
    expect(matchingUserPreset(list, { ...mine, name: 'Other' })).toBeUndefined();
    expect(matchingUserPreset(list, { ...mine, steps: [] })).toBeUndefined();
  });

  test(`at most ${MAX_USER_PRESETS}`, () => {
    let list = withPreset([], mine);
    for (let i = 1; i < MAX_USER_PRESETS; i++) list = withPreset(list, { ...mine, name: `p${i}` });
    expect(() => withPreset(list, { ...mine, name: 'one more' })).toThrow(/at most 50 presets/);
    expect(withPreset(list, { ...mine, name: 'p1' })).toHaveLength(MAX_USER_PRESETS); // replacing is fine
  });
});
