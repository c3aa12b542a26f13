/** Naming templates: tokens, padding, dates, safe names, and errors that name the field. */
import { describe, expect, test } from 'vitest';
import { DEFAULT_NAME_TEMPLATE, nameParts, parseNameTemplate, renderName, withSuffix, type NameValues } from '../../src/core/name-template';
import { validateOutput } from '../../src/core/formats';

const base: NameValues = { name: 'IMG_0042', ext: 'webp', dir: 'trip/day1', n: 7, width: 1200, height: 800, recipe: 'Web export' };
const render = (t: string, v: Partial<NameValues> = {}) => renderName(parseNameTemplate(t), { ...base, ...v });

describe('naming templates', () => {
  test("the default keeps today's names", () => {
    expect(render(DEFAULT_NAME_TEMPLATE)).toBe('trip/day1/IMG_0042.webp');
    expect(render(DEFAULT_NAME_TEMPLATE, { dir: '' })).toBe('IMG_0042.webp');
  });

  test('every token', () => {
    expect(render('{dir}/{name}-{width}x{height}.{ext}')).toBe('trip/day1/IMG_0042-1200x800.webp');
    expect(render('{recipe}/{n:4}_{name}.{ext}')).toBe('Web export/0007_IMG_0042.webp');
    expect(render('{name}{variant}', { variant: '-small' })).toBe('IMG_0042-small.webp');
    expect(render('{n}')).toBe('7.webp'); // no {ext}: the extension is added
    expect(render('{n:3}', { n: 1234 })).toBe('1234.webp'); // padding never cuts
  });

  test('dates: EXIF wall-clock time in any layout, "undated" without one', () => {
    const date = new Date(2019, 6, 14, 10, 31, 42).getTime();
    expect(render('{date}/{name}.{ext}', { date })).toBe('2019-07-14/IMG_0042.webp');
    expect(render('{date:YYYYMMDD-HHmmss}_{name}', { date })).toBe('20190714-103142_IMG_0042.webp');
    expect(render('{date:YYYY}/{date:MM}/{name}', { date })).toBe('2019/07/IMG_0042.webp');
    expect(render('{date}_{name}', { date: undefined })).toBe('undated_IMG_0042.webp');
    expect(parseNameTemplate('{date}_{n}').usesDate).toBe(true);
    expect(parseNameTemplate('{name}').usesDate).toBe(false);
  });

  test('pages: {page} where the template puts it (padded with {page:3}); else "-N" before the extension when the input has several', () => {
    expect(render(DEFAULT_NAME_TEMPLATE, { page: 2, pages: 3 })).toBe('trip/day1/IMG_0042-2.webp');
    expect(render('{name}', { page: 3, pages: 3 })).toBe('IMG_0042-3.webp'); // after the added extension's stem
    expect(render('{name}.v1.{ext}', { page: 1, pages: 2 })).toBe('IMG_0042.v1-1.webp');
    expect(render(DEFAULT_NAME_TEMPLATE, { page: 1, pages: 1 })).toBe('trip/day1/IMG_0042.webp'); // one page: as ever
    expect(render('{name}_p{page:3}.{ext}', { page: 12, pages: 40 })).toBe('IMG_0042_p012.webp');
    expect(render('{name}_p{page}', {})).toBe('IMG_0042_p1.webp'); // a one-page input is page 1
    expect(parseNameTemplate('{name}-{page}').usesPage).toBe(true);
    expect(parseNameTemplate('{name}-{page}').late).toBe(false);
    expect(() => parseNameTemplate('{name}-{page:x}')).toThrow('/output/name: {page:x}: the padding is a digit 1–9, like {page:4}');
    // {page} alone does not make names distinct across inputs.
    expect(() => parseNameTemplate('{page}')).toThrow('needs {name}, {n} or {date}');
  });

  test('late: only the output size needs the file processed', () => {
    expect(parseNameTemplate('{name}-{width}').late).toBe(true);
    expect(parseNameTemplate('{date}-{name}').late).toBe(false);
  });

  test('names are made safe: reserved characters, "..", empty folders, device names, trailing dots', () => {
    expect(render('{name}.{ext}', { name: 'a<b>:c"d|e?f*' })).toBe('a_b__c_d_e_f_.webp');
    expect(render('{dir}/{name}.{ext}', { dir: '../../etc' })).toBe('etc/IMG_0042.webp');
    expect(render('{recipe}/{name}.{ext}', { recipe: 'a/b' })).toBe('a_b/IMG_0042.webp'); // values other than {dir} make no folders
    expect(render('{name}.{ext}', { name: 'con' })).toBe('_con.webp');
    expect(render('{recipe}/{name}', { recipe: 'web...' })).toBe('web/IMG_0042.webp');
    expect(render('{variant}.{ext}{name}', { name: '', variant: '' })).toBe('_.webp');
  });

  test('literal braces', () => expect(render('{{{name}}}')).toBe('{IMG_0042}.webp'));

  test.each([
    ['{size}', /unknown token \{size\} \(tokens: \{name\}, \{ext\}/],
    ['{name', /"\{" at 1 is not closed/],
    ['name}', /a "\}" at 5 closes nothing/],
    ['{n:0}', /the padding is a digit 1–9/],
    ['{date:Q}', /\{date:Q\}: a layout of YYYY/],
    ['{name:4}', /\{name\} takes no ":4"/],
    ['{dir}/{ext}', /needs \{name\}, \{n\} or \{date\}/],
    ['', /must be a name template/],
  ])('rejects %j', (t, message) => {
    expect(() => parseNameTemplate(t)).toThrow(message);
  });

  test('the output option is checked with the path of the field', () => {
    expect(validateOutput({ format: 'webp', name: '{n:2}-{name}' }).name).toBe('{n:2}-{name}');
    expect(validateOutput({}).name).toBe(DEFAULT_NAME_TEMPLATE);
    expect(validateOutput({}).existing).toBe('rename');
    expect(() => validateOutput({ name: '{bogus}' })).toThrow(/^\/output\/name: unknown token \{bogus\}/);
    expect(() => validateOutput({ existing: 'replace' })).toThrow(/\/output\/existing: must be one of "rename", "skip", "overwrite"/);
  });

  test('helpers', () => {
    expect(nameParts('a/b/c.d.jpg')).toEqual({ name: 'c.d', dir: 'a/b' });
    expect(nameParts('.hidden')).toEqual({ name: '.hidden', dir: '' });
    expect(withSuffix('a.b/c.webp', '_1')).toBe('a.b/c_1.webp');
    expect(withSuffix('a.b/c', '_1')).toBe('a.b/c_1');
  });
});
