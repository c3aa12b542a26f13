/**
 * The sequential-vs-parallel demonstration: the same recipe on the same inputs with 1 worker and
 * with N, timed the same way (engine start-up excluded), and every output compared by SHA-256.
 */
import { HashSink } from '../io/sinks';
import type { InputSource } from '../io/sources';
import { createEnginePool } from '../pool/engine-pool';
import { runBatch, type RunBatchOptions } from './batch';
import type { BatchSummary } from './types';

export interface BenchmarkRun {
  workers: number;
  seconds: number;
  imagesPerSecond: number;
  startupSeconds: number;
  ok: number;
  failed: number;
  summary: BatchSummary;
}

export interface BenchmarkResult {
  runs: [BenchmarkRun, BenchmarkRun];
  speedup: number;
  /** speedup / N */
  efficiency: number;
  identical: boolean;
  compared: number;
  mismatches: string[];
}

export interface BenchmarkOptions extends Omit<RunBatchOptions, 'input' | 'output' | 'pool' | 'workers'> {
  /** Called once per run: the inputs are walked twice. */
  input: () => InputSource;
  workers: number;
  onRun?: (workers: number) => void;
}

export async function runBenchmark(opts: BenchmarkOptions): Promise<BenchmarkResult> {
  const runOne = async (workers: number) => {
    opts.onRun?.(workers);
    const sink = new HashSink();
    const pool = createEnginePool(workers);
    try {
      const summary = await runBatch({ ...opts, input: opts.input(), output: sink, pool });
      const run: BenchmarkRun = {
        workers,
        seconds: summary.seconds,
        imagesPerSecond: summary.imagesPerSecond,
        startupSeconds: summary.startupSeconds,
        ok: summary.ok,
        failed: summary.failed,
        summary,
      };
      return { run, hashes: sink.hashes };
    } finally {
      pool.dispose();
    }
  };
  const one = await runOne(1);
  if (opts.signal?.aborted) throw new DOMException('benchmark cancelled', 'AbortError');
  const many = await runOne(opts.workers);
  const mismatches: string[] = [];
  for (const [path, h] of one.hashes) if (many.hashes.get(path) !== h) mismatches.push(path);
  for (const path of many.hashes.keys()) if (!one.hashes.has(path)) mismatches.push(path);
  const speedup = many.run.seconds > 0 ? one.run.seconds / many.run.seconds : 0;
  return {
    runs: [one.run, many.run],
    speedup,
    efficiency: speedup / opts.workers,
    identical: mismatches.length === 0 && one.hashes.size > 0,
    compared: one.hashes.size,
    mismatches,
  };
}
