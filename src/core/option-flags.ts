/**
 * The `npm run batch` flags of the output and video options, generated from their specs
 * (OUTPUT_OPTIONS in formats.ts, VIDEO_OPTIONS in video-options.ts): flag names, the node:util
 * parseArgs configuration, parsing of the values with errors naming the flag, and the --help
 * lines. Pure, so scripts/batch.mjs loads it in Node (scripts/lib/option-flags.mjs).
 */
import type { ParamCondition } from './catalogue/types';
import { TesseraError } from './errors';
import { OUTPUT_OPTIONS, validateOutput, type OutputOptions } from './formats';
import { checkOption, type OptionSchema, type OptionSpec } from './options';
import { PRESETS } from './presets';
import { VIDEO_OPTIONS, validateVideoOptions, type VideoOptions } from './video-options';

export type FlagGroup = 'output' | 'video';

export interface OptionFlag {
  /** Without the dashes: "quality", "video-codec". Booleans also take "no-<name>". */
  name: string;
  group: FlagGroup;
  /** The option's field in OutputOptions or VideoOptions. */
  key: string;
  spec: OptionSpec;
}

const kebab = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const SCHEMAS: Readonly<Record<FlagGroup, OptionSchema>> = { output: OUTPUT_OPTIONS, video: VIDEO_OPTIONS };

export const OPTION_FLAGS: readonly OptionFlag[] = (Object.entries(SCHEMAS) as [FlagGroup, OptionSchema][]).flatMap(([group, schema]) =>
  Object.entries(schema).map(([key, spec]) => ({ name: spec.flag ?? kebab(key), group, key, spec })),
);

function flagOf(group: FlagGroup, key: string): OptionFlag | undefined {
  return OPTION_FLAGS.find((f) => f.group === group && f.key === key);
}

function fail(flag: string, message: string): never {
  throw new TesseraError('bad-param', `--${flag}: ${message}`, `--${flag}`);
}

/** node:util parseArgs `options` for every option flag; a boolean also as --no-<name>. */
export function parseArgsOptions(): Record<string, { type: 'string' | 'boolean' }> {
  const out: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const f of OPTION_FLAGS) {
    out[f.name] = { type: f.spec.type === 'boolean' ? 'boolean' : 'string' };
    if (f.spec.type === 'boolean') out[`no-${f.name}`] = { type: 'boolean' };
  }
  return out;
}

/** One flag's value from parseArgs `values`, checked against its spec; undefined when not given. */
function flagValue(f: OptionFlag, values: Readonly<Record<string, unknown>>): unknown {
  const { name, spec } = f;
  if (spec.type === 'boolean') {
    const on = values[name] === true,
      off = values[`no-${name}`] === true;
    if (on && off) fail(name, `given together with --no-${name}`);
    return on ? true : off ? false : undefined;
  }
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') fail(name, 'needs a value');
  const s = raw.trim();
  let v: unknown = raw;
  switch (spec.type) {
    case 'integer':
      if (/^[+-]?\d+$/.test(s)) v = Number(s);
      break;
    case 'number':
      if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) v = Number(s);
      break;
    case 'enum': {
      const lower = s.toLowerCase();
      v = spec.aliases?.[lower] ?? lower;
      break;
    }
    case 'color':
      // "#" starts a comment in shells: "ffffff" is accepted too.
      v = /^[0-9a-f]{6}$/i.test(s) ? `#${s}` : s;
      break;
  }
  return checkOption(spec, v, `--${name}`);
}

/** Runs a validator over flag values; its error, which names a field, then names the flag. */
function asFlags<T>(group: FlagGroup, validate: () => T): T {
  try {
    return validate();
  } catch (e) {
    const key = e instanceof TesseraError ? e.path?.replace(/^\//, '').split('/')[0] : undefined;
    const f = key === undefined ? undefined : flagOf(group, key);
    if (!f || !(e instanceof TesseraError)) throw e;
    fail(f.name, e.message.slice(e.message.indexOf(': ') + 2));
  }
}

export interface FlagOptions {
  /** Output options given as flags: they override the recipe's own `output` field by field. */
  output: Partial<OutputOptions>;
  /** Video options given as flags (validateVideoOptions defaults the rest). */
  video: Partial<VideoOptions>;
}

/**
 * The output and video options among parseArgs `values` (unknown keys are ignored), each checked
 * against its spec, and the video ones together (the codec must fit the container, the end come
 * after the start). Errors are TesseraErrors naming the flag: "--quality: must be a whole number 1–100, got "high"".
 */
export function readFlags(values: Readonly<Record<string, unknown>>): FlagOptions {
  const picked: Record<FlagGroup, Record<string, unknown>> = { output: {}, video: {} };
  for (const f of OPTION_FLAGS) {
    const v = flagValue(f, values);
    if (v !== undefined) picked[f.group][f.key] = v;
  }
  asFlags('video', () => validateVideoOptions(picked.video, ''));
  asFlags('output', () => validateOutput(picked.output, ''));
  return { output: picked.output, video: picked.video };
}

/** "with --palette", "without --lossless", "with --alpha flatten". */
function conditionText(group: FlagGroup, c: ParamCondition): string {
  const f = flagOf(group, c.param);
  const name = f?.name ?? kebab(c.param);
  if (f?.spec.type === 'boolean') return c.in.includes('true') ? `with --${name}` : `without --${name}`;
  return `with --${name} ${c.in.join('|')}`;
}

/** "jpeg, webp, avif; png with --palette": the formats an option applies to, grouped by condition. */
export function appliesText(group: FlagGroup, spec: OptionSpec): string | undefined {
  if (!spec.appliesTo) return undefined;
  const byWhen = new Map<string, string[]>();
  for (const [format, when] of Object.entries(spec.appliesTo as Record<string, true | ParamCondition>)) {
    const text = when === true ? '' : ` ${conditionText(group, when)}`;
    byWhen.set(text, [...(byWhen.get(text) ?? []), format]);
  }
  return [...byWhen].map(([when, formats]) => formats.join(', ') + when).join('; ');
}

function valueText(spec: OptionSpec, v: unknown): string {
  return spec.type === 'boolean' ? (v ? 'on' : 'off') : String(v);
}

/** "default 85 (png 100, webp 80…)", "unset: from quality", "h264 in mp4, vp9 in webm". */
function defaultText(spec: OptionSpec): string {
  if ('optional' in spec) return `unset: ${spec.unset}`;
  if (spec.type === 'enum' && spec.optionsBy) {
    return `default: ${Object.entries(spec.optionsBy.options)
      .map(([by, choices]) => `${choices[0]} in ${by}`)
      .join(', ')}`;
  }
  if (spec.formatDefaults) {
    const formats = spec.appliesTo ? Object.keys(spec.appliesTo) : Object.keys(spec.formatDefaults);
    const fd = spec.formatDefaults as Record<string, unknown>;
    return `default: ${formats.map((f) => `${f} ${valueText(spec, fd[f] ?? spec.default)}`).join(', ')}`;
  }
  return `default: ${valueText(spec, spec.default)}`;
}

/** The flag as help shows it: "--quality 1-100", "--[no-]palette", "--format png|jpeg|…". */
export function flagUsage(f: OptionFlag): string {
  const s = f.spec;
  switch (s.type) {
    case 'boolean':
      return `--[no-]${f.name}`;
    case 'enum':
      return `--${f.name} ${s.options.join('|')}`;
    case 'color':
      return `--${f.name} RRGGBB`;
    case 'text':
      return `--${f.name} ${s.valueName ?? 'TEXT'}`;
    case 'integer':
    case 'number':
      return `--${f.name} ${s.unit === 's' ? 'SECONDS' : s.unit === 'bit/s' ? 'BPS' : s.type === 'integer' ? `${s.min}-${s.max}` : 'X'}`;
  }
}

/** Range and unit of a number flag whose usage does not show them ("0.1–60 s", "at least 0 s"). */
function rangeText(f: OptionFlag): string | undefined {
  const s = f.spec;
  if ((s.type !== 'integer' && s.type !== 'number') || flagUsage(f).endsWith(`${s.min}-${s.max}`)) return undefined;
  const unit = s.unit ? ` ${s.unit}` : '';
  return s.max >= 1e7 ? `at least ${s.min}${unit}` : `${s.min}–${s.max}${unit}`;
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The help text of one flag: its usage, then what it does, where it applies and its default. */
export function flagHelp(f: OptionFlag, width = 100, column = 30): string {
  const applies = appliesText(f.group, f.spec);
  const range = rangeText(f);
  const text = `${f.spec.help ?? f.spec.label}${range && !f.spec.help?.includes(range) ? ` (${range})` : ''}${applies ? ` [${applies}]` : ''} (${defaultText(f.spec)})`;
  const indent = ' '.repeat(column);
  const usage = `  ${flagUsage(f)}`;
  const body = wrap(text, width, indent);
  const head = usage.length < column - 1 ? [usage.padEnd(column) + body.shift()] : [usage];
  return [...head, ...body.map((l) => indent + l)].join('\n');
}

/** The --help sections of every output and video option flag. */
export function optionsHelp(width = 100): string {
  const section = (group: FlagGroup) =>
    OPTION_FLAGS.filter((f) => f.group === group)
      .map((f) => flagHelp(f, width))
      .join('\n');
  return [
    "image output options (a recipe's own output settings replace the defaults; flags override them):",
    section('output'),
    '',
    'video options (for mp4, m4v, mov, webm and mkv inputs):',
    section('video'),
  ].join('\n');
}

/** The recipe presets --recipe takes by name, for --help: "web-export (Web export), …". */
export function presetNames(): string {
  return Object.entries(PRESETS)
    .map(([id, r]) => `${id} (${r.name})`)
    .join(', ');
}
