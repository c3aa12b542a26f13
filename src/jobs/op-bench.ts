/**
 * Per-operation timing on a synthetic frame (default 1920×1080 RGB): each catalogue operation
 * with default parameters, as compute time on the whole frame in one worker, and — for tileable
 * operations — as wall time of the same tiled run on 1 worker and on N (best of `repeat`), so
 * slow operations and poor scaling are both visible, measured side by side.
 */
import { defaultParams, operations } from '../core/catalogue';
import { createFrame, describe } from '../core/frame';
import { planTiles, tileSizeFor } from '../core/tiles';
import { createEnginePool } from '../pool/engine-pool';

export interface OpBenchRow {
  op: string;
  engine: string;
  locality: string;
  /** Best compute ms for the whole frame in one worker (no messaging, no tiling). */
  oneWorkerMs: number;
  /** Best wall ms for the frame cut into tiles, on one worker and on N (tileable ops only). */
  tiled1Ms?: number;
  tiledMs?: number;
  /** tiled1Ms / tiledMs */
  speedup?: number;
}

export async function measureOps(opts: {
  width?: number;
  height?: number;
  workers: number;
  repeat?: number;
  only?: string[];
  onOp?: (op: string) => void;
}): Promise<OpBenchRow[]> {
  const width = opts.width ?? 1920,
    height = opts.height ?? 1080,
    repeat = opts.repeat ?? 3;
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
      await one.bench().run((b) => b.timeSteps(srcDesc, [step], 1));
      let best = Infinity;
      for (let r = 0; r < repeat; r++) best = Math.min(best, (await one.bench().run((b) => b.timeSteps(srcDesc, [step], 1))).steps[0].ms);
      const row: OpBenchRow = { op: spec.name, engine: spec.engine, locality: spec.locality, oneWorkerMs: best };
      if (spec.locality !== 'global') {
        const halo = spec.halo(step.params);
        const side = tileSizeFor(512 * 512, halo);
        const plan = planTiles(width, height, side, side, halo);
        const dst = describe(createFrame(width, height, spec.outChannels(3)));
        const wall = async (pool: typeof one) => {
          await Promise.all(plan.tiles.map((t) => pool.run((api) => api.runTile(srcDesc, dst, t, [step])))); // warm-up
          let min = Infinity;
          for (let r = 0; r < repeat; r++) {
            const t0 = performance.now();
            await Promise.all(plan.tiles.map((t) => pool.run((api) => api.runTile(srcDesc, dst, t, [step]))));
            min = Math.min(min, performance.now() - t0);
          }
          return min;
        };
        row.tiled1Ms = await wall(one);
        row.tiledMs = await wall(many);
        row.speedup = row.tiled1Ms / row.tiledMs;
      }
      rows.push(row);
    }
  } finally {
    one.dispose();
    many.dispose();
  }
  return rows;
}
