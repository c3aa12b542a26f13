/**
 * Per-operation timing on a synthetic frame (default 1920×1080 RGB): each catalogue operation
 * with default parameters on the whole frame in one worker, and — for tileable operations — cut
 * into haloed tiles across N workers, so slow operations and poor scaling are both visible.
 */
import { defaultParams, operations } from '../core/catalogue';
import { createFrame, describe } from '../core/frame';
import { planTiles, tileSizeFor } from '../core/tiles';
import { createEnginePool } from '../pool/engine-pool';

export interface OpBenchRow {
  op: string;
  engine: string;
  locality: string;
  /** Mean ms for the whole frame on one worker. */
  oneWorkerMs: number;
  /** Mean wall ms for the frame tiled across N workers (tileable ops only). */
  tiledMs?: number;
  speedup?: number;
}

export async function measureOps(opts: { width?: number; height?: number; workers: number; repeat?: number; only?: string[]; onOp?: (op: string) => void }): Promise<OpBenchRow[]> {
  const width = opts.width ?? 1920, height = opts.height ?? 1080, repeat = opts.repeat ?? 3;
  const src = createFrame(width, height, 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const n = ((x * 7919 + y * 104729) % 31) - 15;
      src.data[i] = (128 + 100 * Math.sin(x / 40) + n) & 255;
      src.data[i + 1] = (128 + 100 * Math.cos(y / 30) + n) & 255;
      src.data[i + 2] = ((x ^ y) + n) & 255;
    }
  const one = createEnginePool(1);
  const many = createEnginePool(opts.workers);
  const rows: OpBenchRow[] = [];
  try {
    await Promise.all([one.broadcast((a) => a.start()), many.broadcast((a) => a.start())]);
    const srcDesc = describe(src);
    for (const spec of operations()) {
      if (opts.only && !opts.only.includes(spec.name)) continue;
      opts.onOp?.(spec.name);
      const step = { op: spec.name, params: defaultParams(spec) };
      // First call also loads the op's engine (OpenCV.js) in that worker: not timed.
      await one.run((api) => api.timeSteps(srcDesc, [step], 1));
      const { steps } = await one.run((api) => api.timeSteps(srcDesc, [step], repeat));
      const row: OpBenchRow = { op: spec.name, engine: spec.engine, locality: spec.locality, oneWorkerMs: steps[0].ms };
      if (spec.locality !== 'global') {
        const halo = spec.halo(step.params);
        const side = tileSizeFor(512 * 512, halo);
        const plan = planTiles(width, height, side, side, halo);
        const dst = describe(createFrame(width, height, spec.outChannels(3)));
        await many.broadcast((api) => api.timeSteps(describe(createFrame(8, 8, 3)), [step], 1));
        const t0 = performance.now();
        for (let r = 0; r < repeat; r++) await Promise.all(plan.tiles.map((t) => many.run((api) => api.runTile(srcDesc, dst, t, [step]))));
        row.tiledMs = (performance.now() - t0) / repeat;
        row.speedup = row.oneWorkerMs / row.tiledMs;
      }
      rows.push(row);
    }
  } finally {
    one.dispose();
    many.dispose();
  }
  return rows;
}
