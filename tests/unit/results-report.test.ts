/** The results table's rows, totals, orders and filters, and the CSV report (core/results-report.ts). */
import { describe, expect, test } from 'vitest';
import {
  CSV_COLUMNS,
  csvField,
  filterRows,
  reportCsv,
  reportRows,
  reportTotals,
  savedPercent,
  sortRows,
  type ResultLike,
} from '../../src/core/results-report';

const RESULTS: ResultLike[] = [
  {
    path: 'b.jpg',
    status: 'ok',
    outputPath: 'b.webp',
    ms: 40.4,
    bytesIn: 1000,
    bytesOut: 250,
    width: 120,
    height: 80,
    faces: 2,
    reports: ['b.jpg.faces.json'],
  },
  { path: 'a.jpg', status: 'ok', outputPath: 'a.webp', ms: 12, bytesIn: 4000, bytesOut: 5000, width: 64, height: 64, faces: 0 },
  { path: 'bad.jpg', status: 'failed', ms: 3, bytesIn: 500, error: 'bad.jpg: not a complete JPEG file (truncated at byte 250)' },
  { path: 'c.jpg', status: 'cancelled', ms: 1 },
];
const SKIPPED = [{ path: 'notes, "draft".txt', reason: 'not an image or a video (.txt)' }];

/** A strict RFC 4180 reader for the test: fields, quotes doubled, CRLF between records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[i++];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

describe('rows and totals', () => {
  test('saved % is of the input bytes; larger outputs are negative; unknown without both sizes', () => {
    expect(savedPercent(1000, 250)).toBe(75);
    expect(savedPercent(4000, 5000)).toBe(-25);
    expect(savedPercent(undefined, 5)).toBeUndefined();
    expect(savedPercent(0, 5)).toBeUndefined();
  });

  test('results then skipped files, each with its message and outputs; failures have no saved %', () => {
    const rows = reportRows(RESULTS, SKIPPED);
    expect(rows.map((r) => [r.path, r.status])).toEqual([
      ['b.jpg', 'ok'],
      ['a.jpg', 'ok'],
      ['bad.jpg', 'failed'],
      ['c.jpg', 'cancelled'],
      ['notes, "draft".txt', 'skipped'],
    ]);
    expect(rows[0].outputs).toEqual(['b.webp', 'b.jpg.faces.json']);
    expect(rows[2].saved).toBeUndefined();
    expect(rows[4]).toMatchObject({ message: 'not an image or a video (.txt)', outputs: [] });
    expect(rows[4].ms).toBeUndefined();
  });

  test('totals count files by status and bytes over the written files only', () => {
    const t = reportTotals(reportRows(RESULTS, SKIPPED));
    expect(t).toMatchObject({ done: 2, failed: 1, cancelled: 1, skipped: 1, bytesIn: 5000, bytesOut: 5250 });
    expect(t.saved).toBeCloseTo(-5);
    expect(reportTotals([]).saved).toBeUndefined();
  });
});

describe('sort and filter', () => {
  const rows = reportRows(RESULTS, SKIPPED);
  const paths = (rs: { path: string }[]) => rs.map((r) => r.path);

  test('by name, size, saved %, time and status; rows without the value last either way', () => {
    expect(paths(sortRows(rows, 'name'))).toEqual(['a.jpg', 'b.jpg', 'bad.jpg', 'c.jpg', 'notes, "draft".txt']);
    expect(paths(sortRows(rows, 'size'))).toEqual(['bad.jpg', 'b.jpg', 'a.jpg', 'c.jpg', 'notes, "draft".txt']);
    expect(paths(sortRows(rows, 'size', true))).toEqual(['a.jpg', 'b.jpg', 'bad.jpg', 'c.jpg', 'notes, "draft".txt']);
    expect(paths(sortRows(rows, 'saved', true))).toEqual(['b.jpg', 'a.jpg', 'bad.jpg', 'c.jpg', 'notes, "draft".txt']);
    expect(paths(sortRows(rows, 'time'))).toEqual(['c.jpg', 'bad.jpg', 'a.jpg', 'b.jpg', 'notes, "draft".txt']);
    expect(paths(sortRows(rows, 'status'))).toEqual(['bad.jpg', 'c.jpg', 'notes, "draft".txt', 'b.jpg', 'a.jpg']);
  });

  test('stable: equal keys keep the batch order', () => {
    const same = reportRows(
      ['x', 'y', 'z'].map((p) => ({ path: p, status: 'ok' as const, ms: 5 })),
      [],
    );
    expect(paths(sortRows(same, 'time'))).toEqual(['x', 'y', 'z']);
    expect(paths(sortRows(same, 'time', true))).toEqual(['x', 'y', 'z']);
  });

  test('filters: all, failed, skipped, with faces', () => {
    expect(filterRows(rows, 'all')).toHaveLength(5);
    expect(paths(filterRows(rows, 'failed'))).toEqual(['bad.jpg']);
    expect(paths(filterRows(rows, 'skipped'))).toEqual(['notes, "draft".txt']);
    expect(paths(filterRows(rows, 'faces'))).toEqual(['b.jpg']);
  });
});

describe('CSV report', () => {
  test('fields are quoted only when they must be, quotes doubled', () => {
    expect(csvField('plain.jpg')).toBe('plain.jpg');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' lead')).toBe('" lead"');
    expect(csvField(undefined)).toBe('');
    expect(csvField(0)).toBe('0');
  });

  test('with variants: one row per output, told apart by the variant (its own column)', () => {
    const rows = reportRows(
      [
        { path: 'a.jpg', variant: 'small', status: 'ok', outputPath: 'a-small.webp', ms: 5 },
        { path: 'a.jpg', variant: 'big', status: 'ok', outputPath: 'a-big.jpg', ms: 6 },
      ],
      [],
    );
    expect(rows.map((r) => r.key)).toEqual(['a.jpg (small)', 'a.jpg (big)']);
    const table = parseCsv(reportCsv(rows));
    expect(table.slice(1).map((r) => [r[0], r[4], r[CSV_COLUMNS.indexOf('variant')]])).toEqual([
      ['a.jpg', 'a-small.webp', 'small'],
      ['a.jpg', 'a-big.jpg', 'big'],
    ]);
  });

  test('one line per file under the header, read back field for field', () => {
    const text = reportCsv(reportRows(RESULTS, SKIPPED));
    expect(text.endsWith('\r\n')).toBe(true);
    const table = parseCsv(text);
    expect(table[0]).toEqual([...CSV_COLUMNS]);
    expect(table).toHaveLength(1 + 5);
    expect(table.every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
    expect(table[1]).toEqual(['b.jpg', 'ok', '', '1000', 'b.webp; b.jpg.faces.json', '250', '75.0', '120', '80', '2', '40', '']);
    expect(table[2]).toEqual(['a.jpg', 'ok', '', '4000', 'a.webp', '5000', '-25.0', '64', '64', '0', '12', '']);
    expect(table[3]).toEqual([
      'bad.jpg',
      'failed',
      'bad.jpg: not a complete JPEG file (truncated at byte 250)',
      '500',
      '',
      '',
      '',
      '',
      '',
      '',
      '3',
      '',
    ]);
    expect(table[5]).toEqual(['notes, "draft".txt', 'skipped', 'not an image or a video (.txt)', '', '', '', '', '', '', '', '', '']);
  });
});
