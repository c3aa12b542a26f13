/**
 * core/write-images.ts: "Write images" follows a Find-faces recipe (off) and comes back on when
 * the recipe leaves it — only when a recipe turned it off, never over the person's own choice —
 * and the hint says what a batch will write while it is off.
 */
import { describe, expect, test } from 'vitest';
import { PRESETS } from '../../src/core/presets';
import type { Recipe } from '../../src/core/recipe';
import { followRecipe, imagesHint, reportsOnlyRecipe } from '../../src/core/write-images';

const WEB = PRESETS['web-export'];
const FIND: Recipe = { name: 'Faces', steps: [{ op: 'detect-faces' }] };
const HIDE: Recipe = { name: 'Hide', steps: [{ op: 'redact-faces' }] };
const FIND_AND_RESIZE: Recipe = { name: 'x', steps: [{ op: 'detect-faces' }, { op: 'resize', params: { width: 100 } }] };

describe('reportsOnlyRecipe', () => {
  test('only recipes whose enabled steps all just report', () => {
    expect(reportsOnlyRecipe(FIND)).toBe(true);
    expect(reportsOnlyRecipe({ steps: [{ op: 'detect-faces' }, { op: 'detect-faces', params: { detector: 'haar' } }] })).toBe(true);
    expect(reportsOnlyRecipe({ steps: [{ op: 'detect-faces' }, { op: 'invert', enabled: false }] })).toBe(true);
    expect(reportsOnlyRecipe(HIDE)).toBe(false); // it changes the picture
    expect(reportsOnlyRecipe(FIND_AND_RESIZE)).toBe(false);
    expect(reportsOnlyRecipe(WEB)).toBe(false);
    expect(reportsOnlyRecipe({ steps: [] })).toBe(false);
    expect(reportsOnlyRecipe({ steps: [{ op: 'detect-faces', enabled: false }] })).toBe(false);
  });
});

describe('followRecipe', () => {
  test('a Find-faces recipe turns image writing off; leaving it turns it back on', () => {
    const off = followRecipe(WEB, FIND, true, false, false);
    expect(off).toEqual({ images: false, offByRecipe: true, changed: 'off' });
    // Editing the faces step keeps it off.
    expect(followRecipe(FIND, { ...FIND, steps: [{ op: 'detect-faces', params: { minScore: 0.6 } }] }, false, true, false)).toEqual({
      images: false,
      offByRecipe: true,
    });
    // Switching to Hide faces (it changes the picture), adding a step, or another preset: on again.
    expect(followRecipe(FIND, HIDE, false, true, false)).toEqual({ images: true, offByRecipe: false, changed: 'on' });
    expect(followRecipe(FIND, FIND_AND_RESIZE, false, true, false)).toEqual({ images: true, offByRecipe: false, changed: 'on' });
    expect(followRecipe(FIND, PRESETS['pillow-tour'], false, true, true)).toEqual({ images: true, offByRecipe: false, changed: 'on' });
  });

  test('the person’s own choice is kept', () => {
    // Turned off by hand (offByRecipe false), then away from faces: stays off.
    expect(followRecipe(FIND, HIDE, false, false, false)).toEqual({ images: false, offByRecipe: false });
    // Turned back on by hand on the faces recipe: an edit of it does not turn it off again.
    expect(followRecipe(FIND, { ...FIND, name: 'Renamed' }, true, false, false)).toEqual({ images: true, offByRecipe: false });
    // Off by hand on a recipe that changes pictures: becoming a faces recipe keeps it off, now the recipe's.
    expect(followRecipe(WEB, FIND, false, false, false)).toEqual({ images: false, offByRecipe: true });
  });

  test('a recipe’s own output options are taken at their word', () => {
    // A loaded faces recipe saying images: true writes images.
    expect(followRecipe(WEB, { ...FIND, output: { images: true } }, true, false, true)).toEqual({ images: true, offByRecipe: false });
    // A loaded Hide-faces recipe saying images: false: off, and not turned on by a later edit.
    const hideReports: Recipe = { ...HIDE, output: { images: false } };
    expect(followRecipe(WEB, hideReports, false, false, true)).toEqual({ images: false, offByRecipe: false });
    expect(followRecipe(hideReports, { ...hideReports, name: 'y' }, false, false, false)).toEqual({ images: false, offByRecipe: false });
    // A loaded faces recipe saying images: false is the recipe's doing: leaving it turns images on.
    const findReports: Recipe = { ...FIND, output: { images: false } };
    const loaded = followRecipe(WEB, findReports, false, false, true);
    expect(loaded).toEqual({ images: false, offByRecipe: true });
    expect(followRecipe(findReports, HIDE, false, loaded.offByRecipe, false).images).toBe(true);
  });
});

describe('imagesHint', () => {
  test('says what a batch writes while images are off', () => {
    expect(imagesHint(WEB, true)).toBeUndefined();
    expect(imagesHint(HIDE, true, 'on')?.text).toMatch(/on again/);
    expect(imagesHint(FIND, false, 'off')?.text).toMatch(/^“Write images” is now off: this recipe only finds faces/);
    expect(imagesHint(HIDE, false)).toEqual({
      text: '“Write images” is off: a batch writes only the steps’ reports, not the pictures this recipe makes.',
    });
    expect(imagesHint(WEB, false)?.error).toBe(true);
  });
});
