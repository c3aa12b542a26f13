/**
 * The option schemas (OUTPUT_OPTIONS, VIDEO_OPTIONS) and what is generated from them: the specs
 * are consistent, the validators default per format, every option has a command-line flag and a
 * --help line, flag values are parsed and rejected naming the flag, and every format encodes
 * with every option that applies to it.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { ParamCondition } from '../../src/core/catalogue/types';
import { TesseraError } from '../../src/core/errors';
import { FORMATS, OUTPUT_OPTIONS, pyramidTileOptions, validateOutput, withFormat, type OutputFormat } from '../../src/core/formats';
import { OPTION_FLAGS, flagUsage, optionsHelp, parseArgsOptions, readFlags } from '../../src/core/option-flags';
import { checkOption, optionApplies, optionDefault, type OptionSchema, type OptionSpec } from '../../src/core/options';
import { VIDEO_CONTAINERS, VIDEO_OPTIONS } from '../../src/core/video-options';
import { createFrame } from '../../src/core/frame';
import { decode, encode } from '../../src/engine/codec';
import { loadVips, type Vips } from '../../src/engine/vips';

const FORMAT_NAMES = Object.keys(FORMATS) as OutputFormat[];
const SCHEMAS: [string, OptionSchema, readonly string[]][] = [
  ['output', OUTPUT_OPTIONS, FORMAT_NAMES],
  ['video', VIDEO_OPTIONS, Object.keys(VIDEO_CONTAINERS)],
];

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TesseraError);
    return (e as Error).message;
  }
  throw new Error('did not throw');
}

describe.each(SCHEMAS)('%s schema', (_name, schema, formats) => {
  test.each(Object.entries(schema))(
    '%s: label, help, defaults within its own range, known formats and conditions',
    (key, spec: OptionSpec) => {
      expect(spec.label).toBeTruthy();
      expect(spec.help).toBeTruthy();
      for (const f of [undefined, ...formats]) {
        const d = optionDefault(spec, f);
        if ('optional' in spec) expect(d).toBeUndefined();
        else expect(checkOption(spec, d, key)).toBe(d);
      }
      for (const f of Object.keys(spec.formatDefaults ?? {})) expect(formats).toContain(f);
      for (const [f, when] of Object.entries(spec.appliesTo ?? {}) as [string, true | ParamCondition][]) {
        expect(formats).toContain(f);
        if (when === true) continue;
        const other = schema[when.param];
        expect(other, `${key} depends on ${when.param}`).toBeDefined();
        const values = other.type === 'boolean' ? ['true', 'false'] : other.type === 'enum' ? other.options : [];
        for (const v of when.in) expect(values).toContain(v);
      }
    },
  );
});

describe('output options', () => {
  test('defaults per format are those the encoders were tuned for', () => {
    const got = Object.fromEntries(
      FORMAT_NAMES.map((f) => {
        const o = validateOutput({ format: f });
        return [f, [o.quality, o.effort, o.compression]];
      }),
    );
    expect(got).toEqual({
      png: [100, 2, 1],
      jpeg: [85, 4, 6],
      webp: [80, 6, 6],
      avif: [60, 2, 6],
      tiff: [90, 4, 6],
      gif: [100, 2, 6],
      dzi: [85, 4, 1],
    });
    expect(validateOutput({})).toEqual({
      format: 'png',
      images: true,
      orientation: 'upright',
      pages: 'first',
      tileFormat: 'jpeg',
      tileSize: 254,
      overlap: 1,
      quality: 100,
      compression: 1,
      tiffCompression: 'deflate',
      progressive: false,
      subsampling: 'auto',
      palette: false,
      lossless: false,
      effort: 2,
      metadata: 'keep',
      colour: 'srgb',
      copyright: '',
      artist: '',
      alpha: 'keep',
      background: '#ffffff',
      shrinkToFit: false,
      name: '{dir}/{name}.{ext}',
      existing: 'rename',
    });
  });

  test('rejections name the field and what it takes', () => {
    expect(message(() => validateOutput({ metadata: 'drop' }))).toBe(
      '/output/metadata: must be one of "keep", "no-location", "strip", got "drop"',
    );
    expect(message(() => validateOutput({ subsampling: '4:2:2' }))).toBe(
      '/output/subsampling: must be one of "auto", "4:2:0", "4:4:4", got "4:2:2"',
    );
    expect(message(() => validateOutput({ palette: 'yes' }))).toBe('/output/palette: must be true or false, got "yes"');
    expect(message(() => validateOutput({ pages: 'odd' }))).toBe('/output/pages: must be "first" or "all", got "odd"');
    expect(validateOutput({ pages: 'all' }).pages).toBe('all');
    expect(message(() => validateOutput({ background: 'white' }))).toBe('/output/background: must be a colour like "#ffffff", got "white"');
    expect(message(() => validateOutput({ dpi: 300 }))).toBe(
      '/output/dpi: unknown field "dpi" (output has: format, images, orientation, pages, tileFormat, tileSize, overlap, quality, compression, tiffCompression, progressive, subsampling, palette, lossless, effort, metadata, colour, copyright, artist, alpha, background, maxBytes, shrinkToFit, name, existing)',
    );
    expect(message(() => validateOutput(null))).toBe('/output: must be an object like {"format": "webp", "quality": 82}');
    expect(validateOutput({ background: '#AbCdEf' }).background).toBe('#abcdef');
  });

  test('a format change takes the new format’s defaults and keeps the other choices', () => {
    const png = validateOutput({ format: 'png', compression: 9, metadata: 'strip', progressive: true });
    expect(withFormat(png, 'tiff')).toMatchObject({
      format: 'tiff',
      compression: 6,
      quality: 90,
      effort: 4,
      metadata: 'strip',
      progressive: true,
    });
    expect(withFormat(validateOutput({ format: 'jpeg', quality: 95 }), 'webp')).toMatchObject({ quality: 80, effort: 6 });
  });

  test('which options apply: TIFF compression; PNG quality and effort only with a palette; AVIF subsampling only lossy', () => {
    // Colour, pages, a size limit (files, not pyramids) and where outputs go and what they are
    // called apply to every format: checked here, left out of the lists below.
    const NAMING = ['pages', 'colour', 'maxBytes', 'shrinkToFit', 'name', 'existing'];
    const shown = (o: Record<string, unknown>) => {
      const v = validateOutput(o);
      const applies = Object.entries(OUTPUT_OPTIONS as OptionSchema)
        .filter(([, s]) => optionApplies(s, v.format, v))
        .map(([k]) => k);
      expect(applies.filter((k) => NAMING.includes(k))).toEqual(v.format === 'dzi' ? ['colour', 'name', 'existing'] : NAMING);
      return applies.filter((k) => !NAMING.includes(k));
    };
    expect(shown({ format: 'tiff' })).toEqual(['format', 'images', 'orientation', 'compression', 'tiffCompression', 'metadata', 'alpha']);
    expect(shown({ format: 'tiff', alpha: 'flatten' })).toEqual([
      'format',
      'images',
      'orientation',
      'compression',
      'tiffCompression',
      'metadata',
      'alpha',
      'background',
    ]);
    expect(shown({ format: 'tiff', tiffCompression: 'jpeg' })).toEqual([
      'format',
      'images',
      'orientation',
      'quality',
      'tiffCompression',
      'metadata',
      'alpha',
    ]);
    expect(shown({ format: 'tiff', tiffCompression: 'lzw' })).toEqual([
      'format',
      'images',
      'orientation',
      'tiffCompression',
      'metadata',
      'alpha',
    ]);
    expect(shown({ format: 'png' })).toEqual([
      'format',
      'images',
      'orientation',
      'compression',
      'progressive',
      'palette',
      'metadata',
      'copyright',
      'artist',
      'alpha',
    ]);
    expect(shown({ format: 'png', palette: true })).toEqual([
      'format',
      'images',
      'orientation',
      'quality',
      'compression',
      'progressive',
      'palette',
      'effort',
      'metadata',
      'copyright',
      'artist',
      'alpha',
    ]);
    expect(shown({ format: 'jpeg' })).toEqual([
      'format',
      'images',
      'orientation',
      'quality',
      'progressive',
      'subsampling',
      'metadata',
      'copyright',
      'artist',
      'background',
    ]);
    expect(shown({ format: 'avif' })).toContain('subsampling');
    expect(shown({ format: 'avif', lossless: true })).not.toContain('subsampling');
    expect(shown({ format: 'gif' })).toEqual(['format', 'images', 'orientation', 'progressive', 'effort', 'alpha']);
    // DZI: the tiles' own options, then JPEG's quality and subsampling or PNG's compression and alpha.
    expect(shown({ format: 'dzi' })).toEqual([
      'format',
      'images',
      'orientation',
      'tileFormat',
      'tileSize',
      'overlap',
      'quality',
      'subsampling',
      'background',
    ]);
    expect(shown({ format: 'dzi', tileFormat: 'png' })).toEqual([
      'format',
      'images',
      'orientation',
      'tileFormat',
      'tileSize',
      'overlap',
      'compression',
      'alpha',
      'background',
    ]);
  });
});

describe('command-line flags', () => {
  const help = optionsHelp();

  test('every output and video option has a flag and a --help line; --format lists every format', () => {
    const keys = OPTION_FLAGS.map((f) => `${f.group}.${f.key}`);
    expect(keys).toEqual([
      ...Object.keys(OUTPUT_OPTIONS).map((k) => `output.${k}`),
      ...Object.keys(VIDEO_OPTIONS).map((k) => `video.${k}`),
    ]);
    for (const f of OPTION_FLAGS) expect(help).toContain(flagUsage(f));
    expect(help).toContain(`--format ${FORMAT_NAMES.join('|')}`);
    expect(FORMAT_NAMES).toHaveLength(7);
    // The flag names the command had before the schema still work.
    const names = Object.keys(parseArgsOptions());
    for (const n of ['format', 'quality', 'container', 'video-codec', 'video-quality', 'video-bitrate', 'analysis'])
      expect(names).toContain(n);
    expect(names).toContain('no-palette');
    // No flag is claimed twice, nor one of the command's own.
    expect(new Set(names).size).toBe(names.length);
    for (const own of ['recipe', 'workers', 'no-build', 'help']) expect(names).not.toContain(own);
  });

  test('values are parsed by type: numbers, enums (with aliases), booleans and --no-, colours', () => {
    expect(
      readFlags({
        format: 'JPG',
        quality: '80',
        'no-progressive': true,
        subsampling: '4:4:4',
        background: '00FF00',
        metadata: 'strip',
        container: 'WebM',
        'video-codec': 'vp8',
        'video-start': '1.5',
        'video-end': '4',
        analysis: true,
        audio: 'drop',
        'keyframe-interval': '0.5',
        recipe: 'seed',
        workers: '2',
      }),
    ).toEqual({
      output: { format: 'jpeg', quality: 80, progressive: false, subsampling: '4:4:4', background: '#00ff00', metadata: 'strip' },
      video: { container: 'webm', codec: 'vp8', start: 1.5, end: 4, analysis: true, audio: 'drop', keyframeInterval: 0.5 },
    });
    expect(readFlags({ 'video-codec': 'H.264', compression: '0', format: 'tif' })).toEqual({
      output: { compression: 0, format: 'tiff' },
      video: { codec: 'h264' },
    });
    expect(readFlags({})).toEqual({ output: {}, video: {} });
    expect(readFlags({ pages: 'ALL' })).toEqual({ output: { pages: 'all' }, video: {} });
    expect(readFlags({ format: 'dzi', 'tile-size': '512', overlap: '0', 'tile-format': 'JPG' })).toEqual({
      output: { format: 'dzi', tileSize: 512, overlap: 0, tileFormat: 'jpeg' },
      video: {},
    });
  });

  test.each([
    [{ quality: 'high' }, '--quality: must be a whole number 1–100, got "high"'],
    [{ quality: '101' }, '--quality: must be a whole number 1–100, got 101'],
    [{ compression: '1.5' }, '--compression: must be a whole number 0–9, got "1.5"'],
    [{ format: 'bmp' }, '--format: unknown output format "bmp" (choose png, jpeg, webp, avif, tiff, gif, dzi)'],
    [{ 'tile-size': '32' }, '--tile-size: must be a whole number 64–4096, got 32'],
    [{ 'tile-format': 'webp' }, '--tile-format: must be "jpeg" or "png", got "webp"'],
    [{ metadata: 'all' }, '--metadata: must be one of "keep", "no-location", "strip", got "all"'],
    [{ background: 'white' }, '--background: must be a colour like "#ffffff", got "white"'],
    [{ palette: true, 'no-palette': true }, '--palette: given together with --no-palette'],
    [{ 'video-bitrate': '5k' }, '--video-bitrate: must be a whole number 10000–500000000, got "5k"'],
    [{ container: 'mp4', 'video-codec': 'vp8' }, '--video-codec: VP8 cannot go in MP4 here (MP4 takes H.264 High, AV1)'],
    [{ 'video-start': '3', 'video-end': '2' }, '--video-end: must be after start (3 s), got 2 s'],
    [{ 'keyframe-interval': '0' }, '--keyframe-interval: must be a number 0.1–60, got 0'],
  ])('%o is rejected naming the flag', (values, want) => {
    expect(message(() => readFlags(values))).toBe(want);
  });
});

describe('every format encodes with every option that applies to it', () => {
  let vips: Vips;
  beforeAll(async () => {
    ({ vips } = await loadVips());
  });

  /** A value other than the default (the other boolean, another enum value, the other end of the range). */
  function other(spec: OptionSpec, v: unknown): unknown {
    switch (spec.type) {
      case 'boolean':
        return !v;
      case 'enum':
        return spec.options.find((o) => o !== v);
      case 'color':
        return v === '#000000' ? '#ffffff' : '#000000';
      case 'text':
        return `${String(v)}-other`;
      default:
        return v === spec.min ? spec.max : spec.min;
    }
  }

  test.each(FORMAT_NAMES)('%s', (format) => {
    const frame = createFrame(24, 16, 4, new ArrayBuffer(24 * 16 * 4));
    for (let i = 0; i < frame.data.length; i++) frame.data[i] = (i * 37) & 255;
    const base = validateOutput({ format });
    const cases: [string, Record<string, unknown>][] = [['defaults', {}]];
    for (const [k, spec] of Object.entries(OUTPUT_OPTIONS as OptionSchema)) {
      if (k === 'format') continue;
      // With the other values an option needs to apply (PNG quality needs the palette on…).
      for (const extra of [{}, { palette: true }, { alpha: 'flatten' }, { lossless: false }]) {
        const v = validateOutput({ ...base, ...extra });
        if (!optionApplies(spec, format, v)) continue;
        cases.push([k, { ...extra, [k]: other(spec, (v as Record<string, unknown>)[k]) }]);
        break;
      }
    }
    expect(cases.length).toBeGreaterThan(2);
    for (const [what, patch] of cases) {
      const o = validateOutput({ ...base, ...patch });
      // A pyramid's files are its tiles: each is encoded with the tile options made from these.
      const back = decode(vips, encode(vips, frame, FORMATS[format].pyramid ? pyramidTileOptions(o) : o));
      expect([back.width, back.height], `${format} ${what}`).toEqual([24, 16]);
    }
  });
});
