/**
 * Variants: several outputs from one input (recipe `variants`), e.g. three sizes × WebP and JPEG
 * for a website. The recipe's own steps are shared: they run once on the decoded image; each
 * variant then adds its own steps and output settings. This module validates the JSON and
 * resolves each variant into the steps and output options it runs with.
 */
import { TesseraError } from './errors';
import { validateOutput, withFormat, type OutputOptions } from './formats';
import { DEFAULT_NAME_TEMPLATE, parseNameTemplate } from './name-template';
import { getOperation } from './catalogue';
import type { RecipeStep, ResolvedStep } from './recipe';

/** One variant as written in a recipe. */
export interface RecipeVariant {
  /** Short and file-name safe: it becomes {variant} in output names ("small", "1200w-jpeg"). */
  name: string;
  /** Steps after the recipe's shared ones (default none). */
  steps?: RecipeStep[];
  /** Output settings over the batch's (partial); a different `format` takes that format's defaults. */
  output?: Partial<OutputOptions>;
}

/** A variant resolved for a batch: every step with all its parameters, every output option set. */
export interface ResolvedVariant {
  name: string;
  /** The variant's own steps only (the shared ones run first). */
  steps: ResolvedStep[];
  output: OutputOptions;
}

/** With variants, the default name keeps the outputs of one input apart. */
export const DEFAULT_VARIANT_NAME_TEMPLATE = '{dir}/{name}-{variant}.{ext}';

/** Most variants one recipe may list: each is a full encode per input. */
export const MAX_VARIANTS = 32;

const DISTINGUISHING = new Set(['variant', 'width', 'height']);
const VARIANT_KEYS = new Set(['name', 'steps', 'output']);
const VARIANT_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$/;

function fail(path: string, message: string): never {
  throw new TesseraError('invalid-recipe', `${path}: ${message}`, path);
}

/**
 * Checks the `variants` array of a recipe (the steps with `checkSteps`, which validates and fills
 * parameters as the recipe's own steps are). Names must be distinct (case-insensitively: they
 * become file names); a variant's steps may not write reports — face reports are per input, so
 * Find faces and Hide faces belong in the shared steps.
 */
export function validateVariants(
  raw: unknown,
  checkSteps: (steps: unknown, path: string) => RecipeStep[],
  path = '/variants',
): RecipeVariant[] {
  if (!Array.isArray(raw)) fail(path, 'must be an array of variants like [{"name": "small", "steps": [...], "output": {...}}]');
  if (raw.length === 0) fail(path, 'lists no variant: leave it out for one output per input');
  if (raw.length > MAX_VARIANTS) fail(path, `lists ${raw.length} variants; at most ${MAX_VARIANTS}`);
  const seen = new Map<string, number>();
  return raw.map((v: unknown, i: number) => {
    const p = `${path}/${i}`;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(p, 'a variant must be an object like {"name": "small"}');
    const r = v as Record<string, unknown>;
    for (const k of Object.keys(r))
      if (!VARIANT_KEYS.has(k)) fail(`${p}/${k}`, `unknown field "${k}" (a variant has: name, steps, output)`);
    if (typeof r.name !== 'string' || !VARIANT_NAME.test(r.name))
      fail(
        `${p}/name`,
        `must be a short name of letters, digits, spaces, ".", "_" or "-" (it goes into file names), got ${JSON.stringify(r.name)}`,
      );
    const key = r.name.toLowerCase();
    if (seen.has(key)) fail(`${p}/name`, `"${r.name}" is also the name of variant ${seen.get(key)}: names must differ`);
    seen.set(key, i);
    const out: RecipeVariant = { name: r.name };
    if (r.steps !== undefined) {
      out.steps = checkSteps(r.steps, `${p}/steps`);
      out.steps.forEach((s, j) => {
        if (s.enabled !== false && getOperation(s.op)?.reports?.length)
          fail(
            `${p}/steps/${j}/op`,
            `"${s.op}" writes a report per input, so it cannot be a variant's own step: put it in the recipe's shared steps`,
          );
      });
    }
    if (r.output !== undefined) {
      validateOutput(r.output, `${p}/output`);
      out.output = { ...(r.output as Partial<OutputOptions>) };
    }
    return out;
  });
}

/**
 * The output options a variant runs with: the batch's, then the variant's own on top. A variant
 * that changes the format takes the new format's defaults for quality and the like first (as the
 * studio's format menu does), then its own values. With the default name template, the name
 * gains "-{variant}".
 */
export function variantOutput(base: OutputOptions, own: Partial<OutputOptions> | undefined, path: string): OutputOptions {
  const start = own?.format && own.format !== base.format ? withFormat(base, own.format) : base;
  const merged = validateOutput({ ...start, ...(own ?? {}) }, path);
  if (merged.name === DEFAULT_NAME_TEMPLATE) merged.name = DEFAULT_VARIANT_NAME_TEMPLATE;
  return merged;
}

/**
 * Checks that the variants cannot name two outputs of one input alike: two variants with the
 * same template, no {variant} in it and the same format would collide on every file.
 */
export function checkVariantNames(variants: readonly ResolvedVariant[]): void {
  for (let i = 0; i < variants.length; i++) {
    const a = variants[i];
    // {variant} keeps them apart; {width}/{height} usually do, and where two sizes agree the
    // namer's collision suffix still keeps both (deterministically, in listing order).
    if (parseNameTemplate(a.output.name).parts.some((p) => typeof p !== 'string' && DISTINGUISHING.has(p.token))) continue;
    for (let j = i + 1; j < variants.length; j++) {
      const b = variants[j];
      if (b.output.name === a.output.name && b.output.format === a.output.format)
        fail(
          `/variants/${j}/output/name`,
          `variants "${a.name}" and "${b.name}" would give every input the same output name (${a.output.name}): put {variant} in the name`,
        );
    }
  }
}
