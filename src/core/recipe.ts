/**
 * Recipes: plain JSON that people write by hand and share. Validation is strict (unknown fields,
 * ops and out-of-range values are rejected) and every message carries the path of the bad value,
 * so a hand-edited file can be fixed without guessing.
 */
import { defaultParams, getOperation, operations, type OperationSpec, type ParamSpec, type Params, type ParamsOf } from './catalogue';
import { TesseraError } from './errors';
import { canonicalJson, fnv1a64 } from './hash';
import { validateOutput, type OutputOptions } from './formats';
import { checkVariantNames, validateVariants, variantOutput, type RecipeVariant, type ResolvedVariant } from './variants';

export interface RecipeStep {
  op: string;
  params?: Params;
  /** Disabled steps stay in the recipe (for editing) but do not run. Default true. */
  enabled?: boolean;
}

export interface Recipe {
  name: string;
  description?: string;
  steps: RecipeStep[];
  /** Output settings that travel with the recipe (e.g. "WebP 82, strip metadata"); partial. */
  output?: Partial<OutputOptions>;
  /** Several outputs per input (core/variants.ts): the steps above run once, then each variant's own steps and output. */
  variants?: RecipeVariant[];
}

/** A validated step with every parameter present. */
export interface ResolvedStep {
  op: string;
  params: Params;
}

const RECIPE_KEYS = new Set(['name', 'description', 'steps', 'output', 'variants']);
const STEP_KEYS = new Set(['op', 'params', 'enabled']);

function fail(path: string, message: string, code: 'invalid-recipe' | 'unknown-op' | 'bad-param' = 'invalid-recipe'): never {
  throw new TesseraError(code, `${path || '/'}: ${message}`, path);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

function suggest(name: string): string {
  const names = operations().map((o) => o.name);
  const best = names.map((n) => [n, editDistance(name, n)] as const).sort((x, y) => x[1] - y[1])[0];
  const hint = best && best[1] <= 3 ? ` Did you mean "${best[0]}"?` : '';
  return `${hint} Known operations: ${names.join(', ')}.`;
}

/** Longest image-file reference a recipe may hold (a path). */
const MAX_ASSET_NAME = 1000;

/** Checks params against an op's specs (every one present after defaults), typed from them. */
export function validateParams<P extends Record<string, ParamSpec>>(op: OperationSpec<P, string>, raw: unknown, path: string): ParamsOf<P> {
  if (raw === undefined) return defaultParams(op);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    fail(path, `params must be an object, got ${typeName(raw)}`, 'bad-param');
  const out: Params = defaultParams(op);
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    // Own properties only: "constructor", "toString" or "__proto__" must not find Object.prototype.
    const spec = Object.hasOwn(op.params, key) ? op.params[key] : undefined;
    const p = `${path}/${key}`;
    if (!spec) {
      const known = Object.keys(op.params);
      fail(
        p,
        `"${op.name}" has no parameter "${key}"${known.length ? ` (it takes: ${known.join(', ')})` : ' (it takes none)'}`,
        'bad-param',
      );
    }
    switch (spec.type) {
      case 'number':
      case 'integer': {
        if (typeof value !== 'number' || !Number.isFinite(value)) fail(p, `must be a number, got ${typeName(value)}`, 'bad-param');
        if (spec.type === 'integer' && !Number.isInteger(value)) fail(p, `must be a whole number, got ${value}`, 'bad-param');
        if (value < spec.min || value > spec.max)
          fail(p, `${value} is out of range for ${spec.label.toLowerCase()} (${spec.min}–${spec.max})`, 'bad-param');
        out[key] = value;
        break;
      }
      case 'boolean':
        if (typeof value !== 'boolean') fail(p, `must be true or false, got ${typeName(value)}`, 'bad-param');
        out[key] = value;
        break;
      case 'color':
        if (typeof value !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(value))
          fail(p, `must be a colour like "#ffffff", got ${typeName(value)}`, 'bad-param');
        out[key] = value.toLowerCase();
        break;
      case 'text':
        if (typeof value !== 'string') fail(p, `must be text, got ${typeName(value)}`, 'bad-param');
        if (value.length > spec.maxLength) fail(p, `is longer than ${spec.maxLength} characters`, 'bad-param');
        spec.check?.(value, p);
        out[key] = value;
        break;
      case 'image':
        if (typeof value !== 'string') fail(p, `must be an image file's name or path, got ${typeName(value)}`, 'bad-param');
        if (value.length > MAX_ASSET_NAME) fail(p, `is longer than ${MAX_ASSET_NAME} characters`, 'bad-param');
        out[key] = value;
        break;
      case 'enum':
        if (typeof value !== 'string' || !spec.options.includes(value))
          fail(p, `must be one of ${spec.options.map((o) => `"${o}"`).join(', ')}, got ${typeName(value)}`, 'bad-param');
        out[key] = value;
        break;
    }
  }
  // Every key of the specs holds a value of its spec's type: what ParamsOf<P> says.
  return out as ParamsOf<P>;
}

/** Checks a value parsed from JSON and returns it as a Recipe (params filled with defaults). */
export function validateRecipe(raw: unknown): Recipe {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('', `a recipe must be a JSON object, got ${typeName(raw)}`);
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r))
    if (!RECIPE_KEYS.has(k)) fail(`/${k}`, `unknown field "${k}" (a recipe has: name, description, steps, output, variants)`);
  if (typeof r.name !== 'string' || !r.name.trim()) fail('/name', `must be a non-empty string, got ${typeName(r.name)}`);
  if (r.description !== undefined && typeof r.description !== 'string')
    fail('/description', `must be a string, got ${typeName(r.description)}`);
  const steps = validateSteps(r.steps, '/steps');
  const recipe: Recipe = { name: r.name, steps };
  if (r.description !== undefined) recipe.description = r.description;
  if (r.output !== undefined) {
    validateOutput(r.output, '/output');
    recipe.output = { ...(r.output as Partial<OutputOptions>) };
  }
  if (r.variants !== undefined) recipe.variants = validateVariants(r.variants, validateSteps);
  return recipe;
}

/** Checks a list of steps (the recipe's, or a variant's) at `at`, every parameter filled with its default. */
function validateSteps(raw: unknown, at: string): RecipeStep[] {
  if (!Array.isArray(raw)) fail(at, `must be an array of steps, got ${typeName(raw)}`);
  return raw.map((s: unknown, i: number) => {
    const path = `${at}/${i}`;
    if (s === null || typeof s !== 'object' || Array.isArray(s))
      fail(path, `a step must be an object like {"op": "sobel"}, got ${typeName(s)}`);
    const step = s as Record<string, unknown>;
    for (const k of Object.keys(step))
      if (!STEP_KEYS.has(k)) fail(`${path}/${k}`, `unknown field "${k}" (a step has: op, params, enabled)`);
    if (typeof step.op !== 'string') fail(`${path}/op`, `must be an operation name, got ${typeName(step.op)}`);
    const op = getOperation(step.op);
    if (!op) fail(`${path}/op`, `unknown operation "${step.op}".${suggest(step.op)}`, 'unknown-op');
    if (step.enabled !== undefined && typeof step.enabled !== 'boolean')
      fail(`${path}/enabled`, `must be true or false, got ${typeName(step.enabled)}`);
    const params = validateParams(op, step.params, `${path}/params`);
    return step.enabled === false ? { op: op.name, params, enabled: false } : { op: op.name, params };
  });
}

/** Parses recipe JSON text; syntax errors are reported with their position. */
export function parseRecipe(text: string): Recipe {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TesseraError('invalid-recipe', `recipe is not valid JSON: ${(e as Error).message}`);
  }
  return validateRecipe(raw);
}

export function serializeRecipe(r: Recipe): string {
  return JSON.stringify(r, null, 2);
}

/** The steps that actually run, with all parameters. */
export function resolveSteps(r: Recipe): ResolvedStep[] {
  return r.steps
    .filter((s) => s.enabled !== false)
    .map((s) => {
      const op = getOperation(s.op);
      if (!op) throw new TesseraError('unknown-op', `unknown operation "${s.op}"`);
      return { op: s.op, params: { ...defaultParams(op), ...(s.params ?? {}) } };
    });
}

/**
 * Identity of what a recipe computes: name, description and disabled steps do not count, and
 * omitted parameters hash like their defaults. Equal hashes mean equal pixels.
 */
export function recipeHash(r: Recipe): string {
  return fnv1a64(canonicalJson(resolveSteps(r)));
}

/** Sum of kernel radii: the halo a tile needs so the whole chain is exact. */
export function chainHalo(steps: readonly ResolvedStep[]): number {
  return steps.reduce((h, s) => h + getOperation(s.op)!.halo(s.params), 0);
}

/** False when any step needs the whole image at once. */
export function isTileable(steps: readonly ResolvedStep[]): boolean {
  return steps.every((s) => getOperation(s.op)!.locality !== 'global');
}

export function outputChannels(steps: readonly ResolvedStep[], inChannels: number): number {
  return steps.reduce((c, s) => getOperation(s.op)!.outChannels(c), inChannels);
}

/**
 * The image files the steps refer to (their 'image' params' values, e.g. a logo), each once, in
 * order; empty references (none chosen yet) are left out. The jobs layer hands these files' bytes
 * to the workers before the steps run.
 */
export function recipeAssets(steps: readonly { op: string; params?: Params }[]): string[] {
  const names: string[] = [];
  for (const s of steps) {
    const op = getOperation(s.op);
    if (!op) continue;
    for (const [k, spec] of Object.entries(op.params)) {
      const v = s.params?.[k];
      if (spec.type === 'image' && typeof v === 'string' && v && !names.includes(v)) names.push(v);
    }
  }
  return names;
}

/** The kinds of report the steps hand over ('faces'), each once, in order. */
export function stepReports(steps: readonly ResolvedStep[]): string[] {
  return [...new Set(steps.flatMap((s) => getOperation(s.op)?.reports ?? []))];
}

/**
 * Refuses a batch that would write no file for an image: image output off (`images: false`) and
 * no step that reports. Checked before any work starts, so the person hears it once, not per file.
 */
export function checkWritesSomething(steps: readonly ResolvedStep[], output: OutputOptions, path = '/output'): void {
  if (output.images || stepReports(steps).length) return;
  fail(
    `${path}/images`,
    '"Write images" is off and no step of the recipe writes a report (Find faces and Hide faces do), so nothing would be written: turn "Write images" on, or add Find faces',
  );
}

/**
 * The recipe's variants for a batch whose output options are `base` (the recipe's own, then the
 * batch's): each with its own steps resolved and its output options complete. Undefined without
 * variants. Throws, naming the variant, when two would name their outputs alike or one would
 * write nothing.
 */
export function resolveVariants(r: Recipe, base: OutputOptions): ResolvedVariant[] | undefined {
  if (!r.variants) return undefined;
  const shared = resolveSteps(r);
  const variants = r.variants.map((v, i) => ({
    name: v.name,
    steps: resolveSteps({ name: v.name, steps: v.steps ?? [] }),
    output: variantOutput(base, v.output, `/variants/${i}/output`),
  }));
  checkVariantNames(variants);
  variants.forEach((v, i) => checkWritesSomething([...shared, ...v.steps], v.output, `/variants/${i}/output`));
  return variants;
}
