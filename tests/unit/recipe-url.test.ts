import { expect, test } from 'vitest';
import { SEED_RECIPE } from '../../src/core/presets';
import { recipeFromHash, recipeToHash } from '../../src/core/recipe-url';
import { validateRecipe } from '../../src/core/recipe';

test('a recipe survives the URL hash, including non-ASCII names', () => {
  const r = { ...SEED_RECIPE, name: 'Kanten – 縁 ✓' };
  const hash = recipeToHash(r);
  expect(hash).toMatch(/^#recipe=[A-Za-z0-9_-]+$/);
  expect(recipeFromHash(hash)).toEqual(validateRecipe(r));
  expect(recipeFromHash('#x=1&' + hash.slice(1))).toEqual(validateRecipe(r));
});

test('no recipe in the hash is not an error; a bad one is, with the path', () => {
  expect(recipeFromHash('')).toBeUndefined();
  expect(recipeFromHash('#other=1')).toBeUndefined();
  const bad = recipeToHash({ name: 'x', steps: [{ op: 'sobel', params: { nope: 1 } }] });
  expect(() => recipeFromHash(bad)).toThrow('/steps/0/params/nope');
  expect(() => recipeFromHash('#recipe=%%%')).toThrow(/damaged/);
});
