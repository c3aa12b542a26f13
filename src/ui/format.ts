/** Display formatting for numbers that people read at a glance. */
import { FORMATS, OUTPUT_OPTIONS, type OutputOptions } from '../core/formats';
import { optionApplies } from '../core/options';

export function seconds(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '—';
  if (s < 1) return `${(s * 1000).toFixed(0)} ms`;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function rate(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** The output format in words for the preview's Encoded view: "WebP, quality 82", "PNG". */
export function encodeLabel(o: OutputOptions): string | undefined {
  const f = FORMATS[o.format];
  if (f.pyramid || !o.images) return undefined;
  return optionApplies(OUTPUT_OPTIONS.quality, o.format, o) ? `${f.label}, quality ${o.quality}` : f.label;
}
