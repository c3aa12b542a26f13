/**
 * Option specs: output and video options declared once, in the operation catalogue's parameter
 * vocabulary (catalogue/types.ts ParamSpec: integer/number ranges, booleans, enums, colours),
 * plus which formats each applies to, defaults that differ by format and the command-line flag.
 * Read by the validators (formats.ts, video-options.ts), the <output-options> panel, and the
 * `npm run batch` flags and --help (option-flags.ts).
 */
import type { ParamBase, ParamCondition, ParamSpec, ParamValue, ParamValueOf } from './catalogue/types';
import { TesseraError } from './errors';

/** A number that may be left unset (video bitrate, end): absent means what `unset` says. */
export type OptionalNumberSpec = ParamBase & {
  type: 'number' | 'integer';
  min: number;
  max: number;
  step?: number;
  unit?: string;
  optional: true;
  /** What leaving it unset means ("from quality", "to the end"). */
  unset: string;
};

export interface OptionExtras<F extends string> {
  /**
   * The formats (or containers) the option applies to — always (`true`) or while another option
   * has one of some values. Absent: every format, always.
   */
  appliesTo?: Partial<Record<F, true | ParamCondition>>;
  /** Defaults that differ from `default` by format. */
  formatDefaults?: Partial<Record<F, ParamValue>>;
  /** Command-line flag without the dashes; default: the name in kebab case. */
  flag?: string;
  /** Command-line spellings of enum values ("jpg" → "jpeg"). */
  aliases?: Readonly<Record<string, string>>;
  /** Display names of enum values. */
  optionLabels?: Readonly<Record<string, string>>;
  /** An enum's values depend on another option's value (video codecs by container). */
  optionsBy?: { param: string; options: Readonly<Record<string, readonly string[]>> };
  /** What an enum picks (its rejection then reads 'unknown output format "bmp" (choose …)'). */
  noun?: string;
  /** The panel shows value / scale, in `unit` (video bitrate in kbit/s). */
  display?: { scale: number; unit: string };
}

/** Options take every param kind but files (a file is a recipe step's asset, not a setting). */
export type OptionSpec<F extends string = string> = (Exclude<ParamSpec, { type: 'image' }> | OptionalNumberSpec) & OptionExtras<F>;

export type OptionSchema<F extends string = string> = Readonly<Record<string, OptionSpec<F>>>;

type Optional<S> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];

/** Validated values of a schema: required options typed from their specs, optional ones `?:`. */
export type OptionValues<S> = { -readonly [K in Exclude<keyof S, Optional<S>>]: ParamValueOf<S[K]> } & {
  -readonly [K in Optional<S>]?: ParamValueOf<S[K]>;
};

/** Keeps the literal types of a schema (enum options, types) while checking it against OptionSpec. */
export function defineOptions<F extends string>() {
  return <const S extends OptionSchema<F>>(schema: S): S => schema;
}

function bad(path: string, message: string): never {
  throw new TesseraError('invalid-recipe', `${path}: ${message}`, path);
}

/** "a or b" for two, "a, b, c" for more. */
export function choiceList(items: readonly string[]): string {
  return items.length === 2 ? `${items[0]} or ${items[1]}` : items.join(', ');
}

/** '"a" or "b"' for two, 'one of "a", "b", "c"' for more. */
function quotedChoices(items: readonly string[]): string {
  const q = items.map((o) => `"${o}"`);
  return q.length === 2 ? `${q[0]} or ${q[1]}` : `one of ${q.join(', ')}`;
}

/** The spec's default for a format (a schema without formats: the plain default). */
export function optionDefault(spec: OptionSpec, format?: string): ParamValue | undefined {
  if ('optional' in spec) return undefined;
  const byFormat = format === undefined ? undefined : (spec.formatDefaults as Record<string, ParamValue> | undefined)?.[format];
  return byFormat ?? spec.default;
}

/** Checks one given (not undefined) value against its spec; returns it (colours lower-cased). */
export function checkOption(spec: OptionSpec, v: unknown, path: string): ParamValue {
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const integer = spec.type === 'integer';
      if (typeof v !== 'number' || !Number.isFinite(v) || v < spec.min || v > spec.max || (integer && !Number.isInteger(v)))
        bad(path, `must be ${integer ? 'a whole number' : 'a number'} ${spec.min}–${spec.max}, got ${JSON.stringify(v)}`);
      return v;
    }
    case 'boolean':
      if (typeof v !== 'boolean') bad(path, `must be true or false, got ${JSON.stringify(v)}`);
      return v;
    case 'enum':
      if (typeof v !== 'string' || !spec.options.includes(v)) {
        if (spec.noun) bad(path, `unknown ${spec.noun} ${JSON.stringify(v)} (choose ${choiceList(spec.options)})`);
        bad(path, `must be ${quotedChoices(spec.options)}, got ${JSON.stringify(v)}`);
      }
      return v;
    case 'color':
      if (typeof v !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(v)) bad(path, `must be a colour like "#ffffff", got ${JSON.stringify(v)}`);
      return v.toLowerCase();
    case 'text':
      if (typeof v !== 'string') bad(path, `must be text, got ${JSON.stringify(v)}`);
      if (v.length > spec.maxLength) bad(path, `is longer than ${spec.maxLength} characters`);
      spec.check?.(v, path);
      return v;
  }
}

/** Rejects fields the schema does not have ("unknown field "x" (output has: …)"). */
export function checkFields(schema: OptionSchema, r: Record<string, unknown>, path: string, has: string): void {
  for (const k of Object.keys(r)) {
    if (r[k] === undefined) continue;
    if (!Object.hasOwn(schema, k)) bad(`${path}/${k}`, `unknown field "${k}" (${has}: ${Object.keys(schema).join(', ')})`);
  }
}

/**
 * Every option of the schema from `r`: given values checked, missing ones defaulted (for
 * `format` when defaults differ by format; optional ones left out). Options are read in the
 * schema's order, so the first bad one in that order is reported.
 */
export function readOptions<S extends OptionSchema>(schema: S, r: Record<string, unknown>, path: string, format?: string): OptionValues<S> {
  const out: Record<string, ParamValue> = {};
  for (const [k, spec] of Object.entries(schema)) {
    const v = r[k] === undefined ? optionDefault(spec, format) : checkOption(spec, r[k], `${path}/${k}`);
    if (v !== undefined) out[k] = v;
  }
  return out as OptionValues<S>;
}

/** Whether the option matters for `format` given the other values (absent appliesTo: always). */
export function optionApplies(spec: OptionSpec, format: string, values: Readonly<Record<string, unknown>>): boolean {
  if (!spec.appliesTo) return true;
  const when = (spec.appliesTo as Record<string, true | ParamCondition | undefined>)[format];
  if (when === undefined) return false;
  return when === true || when.in.includes(String(values[when.param]));
}

/** The enum values offered given the other values (optionsBy), else all of them. */
export function optionChoices(spec: OptionSpec, values: Readonly<Record<string, unknown>>): readonly string[] {
  if (spec.type !== 'enum') return [];
  return spec.optionsBy?.options[String(values[spec.optionsBy.param])] ?? spec.options;
}
