/**
 * Output naming templates (recipe `output.name`, `--name`): "{dir}/{name}-{width}w.{ext}".
 * Tokens: {name} the input's base name, {ext} the output's extension, {dir} the input's folder
 * relative to the input root, {width}/{height} the output's size, {n} a 1-based counter in
 * listing order ({n:4} zero-padded), {date} the capture date (EXIF, else the file's date; the
 * default layout YYYY-MM-DD, or {date:YYYYMMDD-HHmmss}), {recipe} the recipe's name, {variant},
 * {page} the page of a multi-page input written page by page (output pages 'all'; {page:3} pads).
 * A template without {ext} gets ".{ext}" appended, so every output keeps a real extension; one
 * without {page} gets "-{page}" before the extension for the pages of an input that has several,
 * so the pages never fight over one name.
 * Rendered names are made safe for every file system (no reserved characters, no "..", no
 * empty or dot-ended components) — deterministically, so a rerun names its outputs the same.
 */
import { TesseraError } from './errors';

export const DEFAULT_NAME_TEMPLATE = '{dir}/{name}.{ext}';

/** The tokens, with what each means (the help text and the unknown-token error list them). */
export const NAME_TOKENS = {
  name: "the input's file name without extension",
  ext: "the output format's extension",
  dir: "the input's folder, relative to what was opened",
  width: "the output's width in pixels",
  height: "the output's height in pixels",
  n: 'a counter in input order, from 1 ({n:4} pads to 0001)',
  date: 'the capture date (EXIF, else the file date): {date} is YYYY-MM-DD; {date:YYYYMMDD-HHmmss} any layout of YYYY MM DD HH mm ss',
  recipe: "the recipe's name",
  variant: "the variant's name (empty without variants)",
  page: 'the page of a multi-page TIFF written page by page (Pages: every page), from 1 ({page:3} pads to 001)',
} as const;

export type NameToken = keyof typeof NAME_TOKENS;

/** Tokens whose values are only known once the file is processed: the output's size. */
const LATE: ReadonlySet<NameToken> = new Set(['width', 'height']);

type Part = string | { token: NameToken; arg?: string };

/** A parsed template; `late` when it needs the file processed before it can be rendered. */
export interface NameTemplate {
  source: string;
  parts: readonly Part[];
  late: boolean;
  /** It uses {date}: the batch reads each input's capture date. */
  usesDate: boolean;
  /** It places {page} itself (else pages of a multi-page input get "-{page}" before the extension). */
  usesPage: boolean;
}

/** What a name is made from. Dates are ms since 1970, rendered in local time as cameras record it. */
export interface NameValues {
  name: string;
  ext: string;
  dir: string;
  width?: number;
  height?: number;
  n: number;
  date?: number;
  recipe?: string;
  variant?: string;
  /** The page this output is of (1-based; default 1), and how many pages the input writes (default 1). */
  page?: number;
  pages?: number;
}

const DATE_FIELDS = /YYYY|MM|DD|HH|mm|ss/g;
const MAX_TEMPLATE = 200;

function bad(path: string, message: string): never {
  throw new TesseraError('invalid-recipe', `${path}: ${message}`, path);
}

/**
 * Parses and checks a template; errors name `path` ("/output/name: unknown token {size} (tokens:
 * …)"). Literal braces are written "{{" and "}}".
 */
export function parseNameTemplate(source: string, path = '/output/name'): NameTemplate {
  if (typeof source !== 'string' || !source.trim()) bad(path, 'must be a name template like "{name}.{ext}"');
  if (source.length > MAX_TEMPLATE) bad(path, `is longer than ${MAX_TEMPLATE} characters`);
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < source.length;) {
    const c = source[i];
    if ((c === '{' || c === '}') && source[i + 1] === c) {
      text += c;
      i += 2;
      continue;
    }
    if (c === '}') bad(path, `a "}" at ${i + 1} closes nothing (write "}}" for a brace)`);
    if (c !== '{') {
      text += c;
      i++;
      continue;
    }
    const end = source.indexOf('}', i);
    if (end < 0) bad(path, `"{" at ${i + 1} is not closed`);
    const body = source.slice(i + 1, end);
    const colon = body.indexOf(':');
    const token = (colon < 0 ? body : body.slice(0, colon)).trim();
    const arg = colon < 0 ? undefined : body.slice(colon + 1);
    if (!Object.hasOwn(NAME_TOKENS, token))
      bad(
        path,
        `unknown token {${token}} (tokens: ${Object.keys(NAME_TOKENS)
          .map((t) => `{${t}}`)
          .join(', ')})`,
      );
    const t = token as NameToken;
    if (arg !== undefined) {
      if ((t === 'n' || t === 'page') && !/^[1-9]$/.test(arg)) bad(path, `{${t}:${arg}}: the padding is a digit 1–9, like {${t}:4}`);
      if (t === 'date' && (!arg || !arg.replace(DATE_FIELDS, '').match(/^[^A-Za-z]*$/)))
        bad(path, `{date:${arg}}: a layout of YYYY, MM, DD, HH, mm, ss and separators, like {date:YYYY-MM-DD}`);
      if (t !== 'n' && t !== 'date' && t !== 'page') bad(path, `{${t}} takes no ":${arg}"`);
    }
    if (text) parts.push(text);
    text = '';
    parts.push(arg === undefined ? { token: t } : { token: t, arg });
    i = end + 1;
  }
  if (text) parts.push(text);
  const tokens = parts.filter((p): p is Exclude<Part, string> => typeof p !== 'string').map((p) => p.token);
  if (!tokens.includes('ext')) parts.push('.', { token: 'ext' });
  if (!tokens.some((t) => t === 'name' || t === 'n' || t === 'date'))
    bad(path, 'needs {name}, {n} or {date}: otherwise every input gets the same name');
  return { source, parts, late: tokens.some((t) => LATE.has(t)), usesDate: tokens.includes('date'), usesPage: tokens.includes('page') };
}

const pad = (v: number, width: number) => String(v).padStart(width, '0');

function formatDate(ms: number, layout: string): string {
  const d = new Date(ms);
  const f: Record<string, string> = {
    YYYY: pad(d.getFullYear(), 4),
    MM: pad(d.getMonth() + 1, 2),
    DD: pad(d.getDate(), 2),
    HH: pad(d.getHours(), 2),
    mm: pad(d.getMinutes(), 2),
    ss: pad(d.getSeconds(), 2),
  };
  return layout.replace(DATE_FIELDS, (k) => f[k]);
}

function tokenValue(p: Exclude<Part, string>, v: NameValues): string {
  switch (p.token) {
    case 'name':
      return v.name;
    case 'ext':
      return v.ext;
    case 'dir':
      return v.dir;
    case 'width':
      return v.width === undefined ? 'unknown' : String(v.width);
    case 'height':
      return v.height === undefined ? 'unknown' : String(v.height);
    case 'n':
      return pad(v.n, p.arg ? Number(p.arg) : 1);
    case 'date':
      return v.date === undefined ? 'undated' : formatDate(v.date, p.arg ?? 'YYYY-MM-DD');
    case 'recipe':
      return v.recipe ?? '';
    case 'variant':
      return v.variant ?? '';
    case 'page':
      return pad(v.page ?? 1, p.arg ? Number(p.arg) : 1);
  }
}

/** Characters no common file system takes in a name (Windows' set, which covers the others) and controls. */
// eslint-disable-next-line no-control-regex
const RESERVED = /[<>:"\\|?*\u0000-\u001f]/g;
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/** One path component made safe: reserved characters to "_", no trailing dots/spaces, no device names. */
function safeComponent(c: string): string {
  let s = c.replace(RESERVED, '_').trim();
  s = s.replace(/[. ]+$/, '');
  if (s === '' || s === '.' || s === '..') return '';
  if (WINDOWS_DEVICES.test(s)) s = `_${s}`;
  return s;
}

/**
 * The output path for `values`: tokens filled in, "/" inside values other than {dir} replaced
 * (a recipe name cannot make folders), empty components dropped, each component made safe.
 */
export function renderName(t: NameTemplate, values: NameValues): string {
  let out = '';
  for (const p of t.parts) {
    if (typeof p === 'string') out += p;
    else {
      const value = tokenValue(p, values);
      out += p.token === 'dir' ? value : value.replace(/[/\\]/g, '_');
    }
  }
  const components = out
    .split('/')
    .map(safeComponent)
    .filter((c) => c !== '');
  const name = components.pop() ?? '';
  // A file name that was only an extension ("{name}" empty) keeps a stem.
  const file = name.startsWith('.') || name === '' ? `_${name}` : name;
  const path = [...components, file].join('/');
  // Pages of one input under a template that does not place {page}: "-2" before the extension.
  return (values.pages ?? 1) > 1 && !t.usesPage ? withSuffix(path, `-${values.page ?? 1}`) : path;
}

/** The base name, extension-less, and the folder of an input path ("a/b/c.jpg" → c, a/b). */
export function nameParts(inputPath: string): { name: string; dir: string } {
  const slash = inputPath.lastIndexOf('/');
  const file = inputPath.slice(slash + 1);
  const dot = file.lastIndexOf('.');
  return { name: dot > 0 ? file.slice(0, dot) : file, dir: slash < 0 ? '' : inputPath.slice(0, slash) };
}

/** "a/b.webp" with "_2" before the extension: the n-th alternative name for a taken one. */
export function withSuffix(path: string, suffix: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? `${path.slice(0, dot)}${suffix}${path.slice(dot)}` : `${path}${suffix}`;
}
