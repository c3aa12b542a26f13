/**
 * A batch's results as rows for people: one per file (written, failed, cancelled or skipped with
 * the reason), the totals (files, bytes in → out, % saved), the orders and filters of the results
 * table, and the CSV report. Pure, so the table and the report cannot disagree, and both are
 * tested in Node. The shapes are structural: jobs' FileResult and SkippedFile fit them.
 */

/** What a processed file's result carries that the report reads (jobs/types.ts FileResult fits). */
export interface ResultLike {
  path: string;
  /** Which of the recipe's variants this output is (an input then has one result per variant). */
  variant?: string;
  /** skipped: its output was already there (output `existing: skip`). */
  status: 'ok' | 'failed' | 'cancelled' | 'skipped';
  outputPath?: string;
  ms: number;
  bytesIn?: number;
  bytesOut?: number;
  width?: number;
  height?: number;
  error?: string;
  /** A note on the name: renamed because the name was taken, or why it was skipped. */
  message?: string;
  faces?: number;
  reports?: string[];
}

/** A file the batch left out, and why. */
export interface SkippedLike {
  path: string;
  reason: string;
}

export type RowStatus = ResultLike['status'] | 'skipped';

/** One file in the table and the report. */
export interface ReportRow {
  path: string;
  /** The recipe's variant this row's output is. */
  variant?: string;
  /** Tells the rows apart: the path, with the variant when there is one (resultKey). */
  key: string;
  status: RowStatus;
  /** The error for a failure, the reason for a skip; '' otherwise. */
  message: string;
  /** Everything written for the file: the output, then its reports. */
  outputs: string[];
  bytesIn?: number;
  bytesOut?: number;
  /** Percent of the input's bytes saved (negative: the output is larger); undefined unless both sizes are known. */
  saved?: number;
  width?: number;
  height?: number;
  faces?: number;
  /** Undefined for skipped files (nothing ran). */
  ms?: number;
}

/** Percent saved from `bytesIn` to `bytesOut`; undefined without both, or from an empty input. */
export function savedPercent(bytesIn: number | undefined, bytesOut: number | undefined): number | undefined {
  if (bytesIn === undefined || bytesOut === undefined || bytesIn <= 0) return undefined;
  return (1 - bytesOut / bytesIn) * 100;
}

/** One result among the batch's: its input path, and with variants which variant ("a.jpg (small)"). */
export function resultKey(r: { path: string; variant?: string }): string {
  return r.variant === undefined ? r.path : `${r.path} (${r.variant})`;
}

/** The results, then the skipped files, as rows (in the order given). */
export function reportRows(results: readonly ResultLike[], skipped: readonly SkippedLike[]): ReportRow[] {
  const rows: ReportRow[] = results.map((r) => ({
    path: r.path,
    ...(r.variant !== undefined ? { variant: r.variant } : {}),
    key: resultKey(r),
    status: r.status,
    message: r.error ?? r.message ?? '',
    outputs: [...(r.outputPath ? [r.outputPath] : []), ...(r.reports ?? [])],
    bytesIn: r.bytesIn,
    bytesOut: r.bytesOut,
    saved: r.status === 'ok' ? savedPercent(r.bytesIn, r.bytesOut) : undefined,
    width: r.width,
    height: r.height,
    faces: r.faces,
    ms: r.ms,
  }));
  for (const s of skipped) rows.push({ path: s.path, key: s.path, status: 'skipped', message: s.reason, outputs: [] });
  return rows;
}

export interface ReportTotals {
  done: number;
  failed: number;
  cancelled: number;
  skipped: number;
  /** Bytes of the written files' inputs, and of what was written for them. */
  bytesIn: number;
  bytesOut: number;
  /** Over the written files whose sizes are both known; undefined when there are none. */
  saved?: number;
}

/** The totals line: files by status, and bytes in → out over the files written. */
export function reportTotals(rows: readonly ReportRow[]): ReportTotals {
  const t: ReportTotals = { done: 0, failed: 0, cancelled: 0, skipped: 0, bytesIn: 0, bytesOut: 0 };
  for (const r of rows) {
    if (r.status === 'ok') {
      t.done++;
      if (r.bytesIn !== undefined && r.bytesOut !== undefined) {
        t.bytesIn += r.bytesIn;
        t.bytesOut += r.bytesOut;
      }
    } else if (r.status === 'failed') t.failed++;
    else if (r.status === 'cancelled') t.cancelled++;
    else t.skipped++;
  }
  t.saved = savedPercent(t.bytesIn || undefined, t.bytesOut);
  return t;
}

export const SORT_KEYS = ['name', 'size', 'saved', 'time', 'status'] as const;
/** name: the path; size: the input's bytes; saved: % saved; time: ms; status: failed, cancelled, skipped, then written. */
export type SortKey = (typeof SORT_KEYS)[number];

export const ROW_FILTERS = ['all', 'failed', 'skipped', 'faces'] as const;
/** faces: files where a face step found at least one face. */
export type RowFilter = (typeof ROW_FILTERS)[number];

const STATUS_ORDER: Record<RowStatus, number> = { failed: 0, cancelled: 1, skipped: 2, ok: 3 };

/**
 * The rows in the order asked for, stable (equal keys keep their order); rows without the key's
 * value (a failed file's saved %) go last in either direction, so they never hide the answers.
 */
export function sortRows(rows: readonly ReportRow[], key: SortKey, descending = false): ReportRow[] {
  const value = (r: ReportRow): string | number | undefined =>
    key === 'name' ? r.path : key === 'size' ? r.bytesIn : key === 'saved' ? r.saved : key === 'time' ? r.ms : STATUS_ORDER[r.status];
  return rows
    .map((r, i) => ({ r, i, v: value(r) }))
    .sort((a, b) => {
      if (a.v === undefined || b.v === undefined) return a.v === b.v ? a.i - b.i : a.v === undefined ? 1 : -1;
      const c = a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
      return (descending ? -c : c) || a.i - b.i;
    })
    .map((x) => x.r);
}

/** The rows a filter keeps. */
export function filterRows(rows: readonly ReportRow[], filter: RowFilter): ReportRow[] {
  if (filter === 'all') return [...rows];
  if (filter === 'faces') return rows.filter((r) => (r.faces ?? 0) > 0);
  return rows.filter((r) => r.status === filter);
}

/** The report's columns, in order (its first line). */
export const CSV_COLUMNS = [
  'input path',
  'status',
  'message',
  'input bytes',
  'output paths',
  'output bytes',
  'saved %',
  'width',
  'height',
  'faces',
  'ms',
  'variant',
] as const;

/**
 * One field, quoted when it must be (RFC 4180): a comma, a double quote, a line break, or
 * leading/trailing spaces (which spreadsheets would trim); quotes inside are doubled.
 */
export function csvField(value: string | number | undefined): string {
  const s = value === undefined ? '' : String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The CSV report: a header, then one line per row, CRLF line ends (RFC 4180). Several outputs of
 * one file (an image and its face report) share the "output paths" field, separated by "; ".
 * Saved % has one decimal; ms is whole.
 */
export function reportCsv(rows: readonly ReportRow[]): string {
  const lines = [CSV_COLUMNS.map(csvField).join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.path,
        r.status,
        r.message,
        r.bytesIn,
        r.outputs.join('; '),
        r.bytesOut,
        r.saved === undefined ? undefined : r.saved.toFixed(1),
        r.width,
        r.height,
        r.faces,
        r.ms === undefined ? undefined : Math.round(r.ms),
        r.variant,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
