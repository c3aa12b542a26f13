/**
 * The batch's tally: each file's result as it finishes, the running files, the failures, the
 * faces found, the time breakdown, and from them the progress reports and the final summary.
 */
import type { BufferPoolStats } from '../../core/buffer-pool';
import type { FacesReport } from '../../core/faces';
import type { PoolMetrics } from '../../pool/pool';
import type { BatchProgress, BatchSummary, Breakdown, FileResult, SkippedFile } from '../types';

export function emptyBreakdown(): Breakdown {
  return { read: 0, decode: 0, steps: {}, encode: 0, handoff: 0, write: 0 };
}

/** Files done, failed and skipped because their output exists (cancelled ones are none of these). */
export function countResults(results: readonly FileResult[]): { done: number; failed: number; skipped: number } {
  let done = 0,
    failed = 0,
    skipped = 0;
  for (const r of results) {
    if (r.status === 'ok') done++;
    else if (r.status === 'failed') failed++;
    else if (r.status === 'skipped') skipped++;
  }
  return { done, failed, skipped };
}

/** The files whose output already existed (`existing: skip`), as skipped files with the reason. */
function existingSkips(results: readonly FileResult[]): SkippedFile[] {
  return results.filter((r) => r.status === 'skipped').map((r) => ({ path: r.path, reason: r.message ?? 'its output already exists' }));
}

/** What the listing knows so far (InputListing). */
export interface ListingCounts {
  found: number;
  skipped: number;
  complete: boolean;
  /** The skipped files with their reasons (absent: only counted). */
  skippedFiles?: readonly SkippedFile[];
}

export function batchProgress(
  results: readonly FileResult[],
  listing: ListingCounts,
  running: Iterable<string>,
  elapsedSeconds: number,
  perFile = 1,
): BatchProgress {
  const { done, failed, skipped } = countResults(results);
  const rate = elapsedSeconds > 0 ? (done + failed + skipped) / elapsedSeconds : 0;
  // With variants each input has `perFile` results: progress counts outputs.
  const found = listing.found * perFile;
  const remaining = found - done - failed - skipped;
  return {
    done,
    failed,
    skipped: listing.skipped + skipped,
    skippedExisting: skipped,
    total: found,
    totalKnown: listing.complete,
    elapsedSeconds,
    imagesPerSecond: elapsedSeconds > 0 ? done / elapsedSeconds : 0,
    etaSeconds: listing.complete && rate > 0 ? remaining / rate : undefined,
    running: [...running],
  };
}

export interface SummaryParts {
  results: FileResult[];
  errors: { file: string; message: string }[];
  skipped: number;
  skippedFiles?: readonly SkippedFile[];
  cancelled: boolean;
  workers: number;
  /** From the first file read to the last file written. */
  seconds: number;
  startupSeconds: number;
  facesTable?: string;
  breakdown: Breakdown;
  pool: PoolMetrics;
  buffers: BufferPoolStats;
}

export function batchSummary(p: SummaryParts): BatchSummary {
  const { done, failed } = countResults(p.results);
  const seconds = Math.max(0, p.seconds);
  const existing = existingSkips(p.results);
  return {
    ok: done,
    failed,
    skipped: p.skipped + existing.length,
    skippedFiles: [...(p.skippedFiles ?? []), ...existing],
    renamed: p.results.filter((r) => r.status === 'ok' && r.renamedFrom).length,
    cancelled: p.cancelled,
    workers: p.workers,
    seconds,
    imagesPerSecond: seconds > 0 ? done / seconds : 0,
    startupSeconds: p.startupSeconds,
    errors: p.errors,
    results: p.results,
    ...(p.facesTable ? { facesTable: p.facesTable } : {}),
    breakdown: p.breakdown,
    pool: p.pool,
    buffers: p.buffers,
  };
}

export class BatchTally {
  readonly breakdown = emptyBreakdown();
  readonly results: FileResult[] = [];
  readonly errors: { file: string; message: string }[] = [];
  /** Every file's faces report (recipes with a face step), for the batch's table. */
  readonly facesRows: { path: string; report: FacesReport }[] = [];
  /** Files being processed, each with how many of its outputs are (variants run side by side). */
  private readonly running = new Map<string, number>();
  /** When processing began (after the engines started) and when the last output was written. */
  private readonly start = performance.now();
  private lastWrite = this.start;

  constructor(
    private readonly listing: ListingCounts,
    private readonly onProgress?: (p: BatchProgress) => void,
    private readonly onResult?: (r: FileResult) => void,
    /** Results per input: the recipe's variants (1 without). */
    private readonly perFile = 1,
  ) {}

  started(path: string): void {
    this.running.set(path, (this.running.get(path) ?? 0) + 1);
    this.progress();
  }

  /** A start that will give no result after all (its work is handed to another start): undoes `started`. */
  left(path: string): void {
    const n = (this.running.get(path) ?? 1) - 1;
    if (n > 0) this.running.set(path, n);
    else this.running.delete(path);
  }

  /** `reason`: the failure's message, for the summary's errors. */
  finished(result: FileResult, reason: string): void {
    this.left(result.path);
    this.results.push(result);
    if (reason) this.errors.push({ file: result.path, message: reason });
    this.onResult?.(result);
    this.progress();
  }

  /** A write that began at `w0` (performance.now()) has just ended; `ms` of it was writing (default: all of it). */
  wrote(w0: number, ms?: number): void {
    this.lastWrite = performance.now();
    this.breakdown.write += ms ?? this.lastWrite - w0;
  }

  progress(): void {
    if (!this.onProgress) return;
    this.onProgress(batchProgress(this.results, this.listing, this.running.keys(), (performance.now() - this.start) / 1000, this.perFile));
  }

  summary(p: Omit<SummaryParts, 'results' | 'errors' | 'skipped' | 'skippedFiles' | 'seconds' | 'breakdown'>): BatchSummary {
    return batchSummary({
      ...p,
      results: this.results,
      errors: this.errors,
      skipped: this.listing.skipped,
      skippedFiles: this.listing.skippedFiles,
      seconds: (this.lastWrite - this.start) / 1000,
      breakdown: this.breakdown,
    });
  }
}
