/** Recipe variants: validation with JSON paths, each variant's output over the batch's, and names kept apart. */
import { describe, expect, test } from 'vitest';
import { validateOutput } from '../../src/core/formats';
import { resolveVariants, validateRecipe } from '../../src/core/recipe';
import { DEFAULT_VARIANT_NAME_TEMPLATE, variantOutput } from '../../src/core/variants';

const base = { name: 'r', steps: [{ op: 'invert' }] };

describe('variants', () => {
  test('validated with their steps and outputs; parameters filled with defaults', () => {
    const r = validateRecipe({
      ...base,
      variants: [
        { name: 'small', steps: [{ op: 'resize', params: { width: 100 } }] },
        { name: 'jpeg', output: { format: 'jpeg' } },
      ],
    });
    expect(r.variants?.[0].steps?.[0].params).toMatchObject({ width: 100, mode: 'fit' });
    expect(r.variants?.[1]).toEqual({ name: 'jpeg', output: { format: 'jpeg' } });
  });

  test.each([
    [[], /\/variants: lists no variant/],
    [{}, /\/variants: must be an array/],
    [[{ name: '' }], /\/variants\/0\/name: must be a short name/],
    [[{ name: '../x' }], /\/variants\/0\/name/],
    [[{ name: 'a' }, { name: 'A' }], /\/variants\/1\/name: "A" is also the name of variant 0/],
    [[{ name: 'a', size: 3 }], /\/variants\/0\/size: unknown field "size"/],
    [[{ name: 'a', steps: [{ op: 'blurr' }] }], /\/variants\/0\/steps\/0\/op: unknown operation "blurr"/],
    [[{ name: 'a', steps: [{ op: 'redact-faces' }] }], /\/variants\/0\/steps\/0\/op: "redact-faces" writes a report per input/],
    [[{ name: 'a', output: { format: 'bmp' } }], /\/variants\/0\/output\/format/],
    [Array.from({ length: 33 }, (_, i) => ({ name: `v${i}` })), /at most 32/],
  ])('refused: %j', (variants, message) => {
    expect(() => validateRecipe({ ...base, variants })).toThrow(message);
  });

  test("a variant's output: the batch's, then its own; another format takes that format's defaults first", () => {
    const batch = validateOutput({ format: 'webp', quality: 60, metadata: 'strip' });
    const jpeg = variantOutput(batch, { format: 'jpeg' }, '/variants/0/output');
    expect(jpeg).toMatchObject({ format: 'jpeg', quality: validateOutput({ format: 'jpeg' }).quality, metadata: 'strip' });
    expect(variantOutput(batch, { quality: 90 }, '/v')).toMatchObject({ format: 'webp', quality: 90, metadata: 'strip' });
    expect(variantOutput(batch, undefined, '/v').name).toBe(DEFAULT_VARIANT_NAME_TEMPLATE);
    expect(variantOutput(validateOutput({ name: '{name}-{width}' }), undefined, '/v').name).toBe('{name}-{width}');
  });

  test('resolved for a batch: names that would collide are refused, {variant}, {width} or another format keep them apart', () => {
    const out = validateOutput({ name: '{name}' });
    const r = (variants: unknown[]) => resolveVariants(validateRecipe({ ...base, variants }), out);
    expect(() => r([{ name: 'a' }, { name: 'b' }])).toThrow(
      /\/variants\/1\/output\/name: variants "a" and "b" would give every input the same output name/,
    );
    expect(r([{ name: 'a' }, { name: 'b', output: { format: 'jpeg' } }])?.map((v) => v.output.format)).toEqual(['png', 'jpeg']);
    expect(
      r([
        { name: 'a', output: { name: '{name}-{width}' } },
        { name: 'b', output: { name: '{name}-{width}' } },
      ]),
    ).toHaveLength(2);
    expect(() => r([{ name: 'a', output: { images: false } }])).toThrow(/\/variants\/0\/output\/images: "Write images" is off/);
    expect(resolveVariants(validateRecipe(base), out)).toBeUndefined();
  });
});
