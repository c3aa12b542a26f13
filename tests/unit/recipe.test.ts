import { operations } from '../../src/core/catalogue';
import { describe, expect, test } from 'vitest';
import { TesseraError } from '../../src/core/errors';
import { canonicalJson, fnv1a64 } from '../../src/core/hash';
import { SEED_RECIPE } from '../../src/core/presets';
import {
  chainHalo,
  isTileable,
  outputChannels,
  parseRecipe,
  recipeHash,
  resolveSteps,
  serializeRecipe,
  validateRecipe,
  type Recipe,
} from '../../src/core/recipe';

/** The TesseraError thrown by fn (fails the test if it does not throw one). */
function errorOf(fn: () => unknown): TesseraError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TesseraError);
    return e as TesseraError;
  }
  throw new Error('expected a TesseraError, nothing was thrown');
}

const withSteps = (steps: unknown[]): unknown => ({ name: 'r', steps });

describe('validateRecipe', () => {
  test('the seed preset validates, with params filled in', () => {
    const r = validateRecipe(SEED_RECIPE);
    expect(r.name).toBe('Edge map (reference pipeline)');
    expect(r.steps).toEqual([
      { op: 'grayscale', params: {} },
      { op: 'gaussian-blur', params: { sigma: 2 } },
      { op: 'sobel', params: {} },
      { op: 'sharpen', params: { intensity: 1 } },
      { op: 'brightness', params: { factor: 1.2 } },
    ]);
  });

  test('defaults fill omitted params; enabled:false is kept', () => {
    const r = validateRecipe(withSteps([{ op: 'gaussian-blur' }, { op: 'brightness', enabled: false }]));
    expect(r.steps).toEqual([
      { op: 'gaussian-blur', params: { sigma: 2 } },
      { op: 'brightness', params: { factor: 1 }, enabled: false },
    ]);
  });

  test('unknown op: code, path and a did-you-mean suggestion', () => {
    const e = errorOf(() => validateRecipe(withSteps([{ op: 'grayscale' }, { op: 'sobell' }])));
    expect(e.code).toBe('unknown-op');
    expect(e.path).toBe('/steps/1/op');
    expect(e.message).toContain('/steps/1/op');
    expect(e.message).toContain('Did you mean "sobel"?');
    expect(e.message).toContain('Known operations: ');
    for (const op of operations()) expect(e.message).toContain(op.name);
  });

  test('unknown op far from every name: no suggestion, but the list', () => {
    const e = errorOf(() => validateRecipe(withSteps([{ op: 'posterize-everything' }])));
    expect(e.code).toBe('unknown-op');
    expect(e.message).not.toContain('Did you mean');
    expect(e.message).toContain('Known operations:');
  });

  test('sigma 40 is out of range', () => {
    const e = errorOf(() => validateRecipe(withSteps([{ op: 'grayscale' }, { op: 'gaussian-blur', params: { sigma: 40 } }])));
    expect(e.code).toBe('bad-param');
    expect(e.path).toBe('/steps/1/params/sigma');
    expect(e.message).toBe('/steps/1/params/sigma: 40 is out of range for sigma (0.1–20)');
  });

  test('factor -1 is out of range', () => {
    const e = errorOf(() => validateRecipe(withSteps([{ op: 'sobel' }, { op: 'sharpen' }, { op: 'brightness', params: { factor: -1 } }])));
    expect(e.code).toBe('bad-param');
    expect(e.path).toBe('/steps/2/params/factor');
    expect(e.message).toContain('(0–10)');
    expect(e.message).toContain('-1 is out of range');
  });

  test('range bounds are inclusive', () => {
    expect(
      validateRecipe(
        withSteps([
          { op: 'gaussian-blur', params: { sigma: 0.1 } },
          { op: 'brightness', params: { factor: 10 } },
        ]),
      ).steps,
    ).toHaveLength(2);
    expect(errorOf(() => validateRecipe(withSteps([{ op: 'gaussian-blur', params: { sigma: 0.09 } }]))).code).toBe('bad-param');
  });

  test.each([
    [
      'string number',
      { op: 'gaussian-blur', params: { sigma: '2' } },
      '/steps/0/params/sigma',
      'must be a number, got string "2"',
      'bad-param',
    ],
    ['NaN-like null', { op: 'gaussian-blur', params: { sigma: null } }, '/steps/0/params/sigma', 'must be a number, got null', 'bad-param'],
    ['params array', { op: 'sobel', params: [] }, '/steps/0/params', 'params must be an object, got an array', 'bad-param'],
    [
      'unknown param',
      { op: 'brightness', params: { amount: 2 } },
      '/steps/0/params/amount',
      '"brightness" has no parameter "amount" (it takes: factor)',
      'bad-param',
    ],
    ['param on a parameterless op', { op: 'sobel', params: { size: 3 } }, '/steps/0/params/size', '(it takes none)', 'bad-param'],
    [
      'inherited name "constructor"',
      { op: 'sobel', params: { constructor: 1 } },
      '/steps/0/params/constructor',
      'has no parameter "constructor"',
      'bad-param',
    ],
    [
      'inherited name "toString"',
      { op: 'gaussian-blur', params: { toString: 1 } },
      '/steps/0/params/toString',
      'has no parameter "toString"',
      'bad-param',
    ],
    ['op not a string', { op: 3 }, '/steps/0/op', 'must be an operation name, got number 3', 'invalid-recipe'],
    [
      'enabled not boolean',
      { op: 'sobel', enabled: 'yes' },
      '/steps/0/enabled',
      'must be true or false, got string "yes"',
      'invalid-recipe',
    ],
    ['unknown step field', { op: 'sobel', param: {} }, '/steps/0/param', 'unknown field "param"', 'invalid-recipe'],
    ['step is null', null, '/steps/0', 'a step must be an object', 'invalid-recipe'],
  ])('step with %s', (_name, step, path, text, code) => {
    const e = errorOf(() => validateRecipe(withSteps([step])));
    expect(e.code).toBe(code);
    expect(e.path).toBe(path);
    expect(e.message).toContain(`${path}: `);
    expect(e.message).toContain(text);
  });

  test('"__proto__" as a parameter name (as JSON.parse creates it) is rejected', () => {
    const e = errorOf(() => parseRecipe('{"name":"r","steps":[{"op":"sobel","params":{"__proto__":1}}]}'));
    expect(e.code).toBe('bad-param');
    expect(e.path).toBe('/steps/0/params/__proto__');
  });

  test.each([
    ['an array', [], '', 'a recipe must be a JSON object, got an array'],
    ['null', null, '', 'got null'],
    [
      'unknown top-level field',
      { name: 'r', steps: [], author: 'me' },
      '/author',
      'unknown field "author" (a recipe has: name, description, steps, output, variants)',
    ],
    ['missing name', { steps: [] }, '/name', 'must be a non-empty string'],
    ['blank name', { name: '  ', steps: [] }, '/name', 'must be a non-empty string, got string "  "'],
    ['description not a string', { name: 'r', description: 5, steps: [] }, '/description', 'must be a string, got number 5'],
    ['steps not an array', { name: 'r', steps: { op: 'sobel' } }, '/steps', 'must be an array of steps, got an object'],
  ])('recipe that is %s', (_name, raw, path, text) => {
    const e = errorOf(() => validateRecipe(raw));
    expect(e.code).toBe('invalid-recipe');
    expect(e.path).toBe(path);
    expect(e.message).toContain(text);
    if (path === '') expect(e.message.startsWith('/: ')).toBe(true);
  });
});

describe('parseRecipe / serializeRecipe', () => {
  test('invalid JSON text is reported as such', () => {
    const e = errorOf(() => parseRecipe('{"name": "r", "steps": [}'));
    expect(e.code).toBe('invalid-recipe');
    expect(e.message).toMatch(/^recipe is not valid JSON: /);
  });

  test('empty text is invalid JSON', () => {
    expect(errorOf(() => parseRecipe('')).message).toMatch(/^recipe is not valid JSON/);
  });

  test('round trip of the seed recipe', () => {
    const text = serializeRecipe(SEED_RECIPE);
    expect(parseRecipe(text)).toEqual(validateRecipe(SEED_RECIPE));
    expect(text).toContain('\n  "name": "Edge map (reference pipeline)"');
  });

  test('validation errors propagate through parseRecipe', () => {
    expect(errorOf(() => parseRecipe('{"name":"r","steps":[{"op":"blurr"}]}')).code).toBe('unknown-op');
  });
});

describe('recipeHash', () => {
  const seedHash = recipeHash(SEED_RECIPE);

  test('is 16 hex digits of FNV-1a 64 over canonical resolved steps', () => {
    expect(seedHash).toMatch(/^[0-9a-f]{16}$/);
    expect(seedHash).toBe(fnv1a64(canonicalJson(resolveSteps(SEED_RECIPE))));
  });

  test('FNV-1a 64 known vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  test('canonicalJson sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: null }], c: undefined } })).toBe('{"a":{"d":[1,{"y":null,"z":0}]},"b":1}');
  });

  test('same for key-order permutations', () => {
    const permuted = JSON.parse(
      '{"steps":[{"op":"grayscale"},{"params":{"sigma":2},"op":"gaussian-blur"},{"op":"sobel"},{"op":"sharpen"},{"params":{"factor":1.2},"op":"brightness"}],"name":"Seed pipeline"}',
    ) as Recipe;
    expect(recipeHash(permuted)).toBe(seedHash);
    const twoParams = { name: 'x', steps: [{ op: 'gaussian-blur', params: { sigma: 3 } }] };
    expect(recipeHash(validateRecipe(twoParams))).toBe(recipeHash(twoParams));
  });

  test('omitted params hash like explicit defaults', () => {
    const omitted: Recipe = { name: 'a', steps: [{ op: 'gaussian-blur' }, { op: 'brightness' }, { op: 'sobel' }] };
    const explicit: Recipe = {
      name: 'a',
      steps: [
        { op: 'gaussian-blur', params: { sigma: 2 } },
        { op: 'brightness', params: { factor: 1 } },
        { op: 'sobel', params: {} },
      ],
    };
    expect(recipeHash(omitted)).toBe(recipeHash(explicit));
  });

  test('differs when a param changes, or steps are reordered', () => {
    const changed: Recipe = {
      ...SEED_RECIPE,
      steps: SEED_RECIPE.steps.map((s) => (s.op === 'gaussian-blur' ? { ...s, params: { sigma: 2.1 } } : s)),
    };
    expect(recipeHash(changed)).not.toBe(seedHash);
    const reordered: Recipe = { ...SEED_RECIPE, steps: [...SEED_RECIPE.steps].reverse() };
    expect(recipeHash(reordered)).not.toBe(seedHash);
  });

  test('ignores name and description', () => {
    expect(recipeHash({ ...SEED_RECIPE, name: 'Something else' })).toBe(seedHash);
    expect(recipeHash({ name: 'n', steps: SEED_RECIPE.steps })).toBe(seedHash);
  });

  test('ignores disabled steps', () => {
    const withDisabled: Recipe = { ...SEED_RECIPE, steps: [...SEED_RECIPE.steps, { op: 'sharpen', enabled: false }] };
    expect(recipeHash(withDisabled)).toBe(seedHash);
    const enabled: Recipe = { ...SEED_RECIPE, steps: [...SEED_RECIPE.steps, { op: 'sharpen', enabled: true }] };
    expect(recipeHash(enabled)).not.toBe(seedHash);
  });
});

describe('resolveSteps, chainHalo, outputChannels', () => {
  test('disabled steps are excluded; params are complete', () => {
    const r: Recipe = {
      name: 'r',
      steps: [
        { op: 'sobel', enabled: false },
        { op: 'gaussian-blur' },
        { op: 'sharpen', enabled: true },
        { op: 'brightness', params: { factor: 3 }, enabled: false },
      ],
    };
    expect(resolveSteps(r)).toEqual([
      { op: 'gaussian-blur', params: { sigma: 2 } },
      { op: 'sharpen', params: { intensity: 1 } },
    ]);
  });

  test('resolveSteps rejects an unknown op in an unvalidated recipe', () => {
    expect(errorOf(() => resolveSteps({ name: 'r', steps: [{ op: 'nope' }] })).code).toBe('unknown-op');
  });

  test('chainHalo: seed = 8 (blur σ2 → 6, sobel 1, sharpen 1)', () => {
    expect(chainHalo(resolveSteps(SEED_RECIPE))).toBe(8);
    expect(chainHalo([])).toBe(0);
    expect(chainHalo([{ op: 'gaussian-blur', params: { sigma: 3.3 } }])).toBe(10);
    expect(
      chainHalo([
        { op: 'gaussian-blur', params: { sigma: 0.1 } },
        { op: 'brightness', params: { factor: 2 } },
      ]),
    ).toBe(1);
    // Disabled steps do not count.
    expect(
      chainHalo(resolveSteps({ name: 'r', steps: [{ op: 'gaussian-blur', params: { sigma: 20 }, enabled: false }, { op: 'sobel' }] })),
    ).toBe(1);
  });

  test('outputChannels follows grayscale', () => {
    const seed = resolveSteps(SEED_RECIPE);
    expect(outputChannels(seed, 4)).toBe(2);
    expect(outputChannels(seed, 3)).toBe(1);
    expect(outputChannels(seed, 2)).toBe(2);
    expect(outputChannels(seed, 1)).toBe(1);
    expect(outputChannels([{ op: 'sobel', params: {} }], 3)).toBe(3);
    expect(outputChannels([], 4)).toBe(4);
  });

  test('the seed chain is tileable', () => {
    expect(isTileable(resolveSteps(SEED_RECIPE))).toBe(true);
  });
});
