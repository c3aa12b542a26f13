/**
 * An image with more pixels than one task should hold: decoded once into a shared frame, cut
 * into haloed tiles that every worker processes in place, stitched into a shared output frame,
 * then encoded — or, for a pyramid output, handed to its writer as it is (runTiled). Output
 * bytes equal the untiled run's (see core/tiles.ts for why).
 */
import type { SizeFit } from '../engine/target-size';
import type { BufferPool } from '../core/buffer-pool';
import { TesseraError, formatInt } from '../core/errors';
import { createFrame, describe, fromDesc, type Frame } from '../core/frame';
import type { OutputOptions } from '../core/formats';
import { chainHalo, outputChannels, type ResolvedStep } from '../core/recipe';
import { planTiles, tileSizeFor } from '../core/tiles';
import type { EnginePool } from '../pool/engine-pool';
import { Priority, type PriorityLevel } from '../pool/pool';
import type { SourceInfo } from '../engine/ops/context';
import type { Breakdown } from './types';

export interface TiledRequest {
  pool: EnginePool;
  buffers: BufferPool;
  file: Blob;
  name: string;
  width: number;
  height: number;
  channels: number;
  steps: ResolvedStep[];
  output: OutputOptions;
  tilePixels: number;
  signal?: AbortSignal;
  priority?: PriorityLevel;
  breakdown: Breakdown;
  /** The page of a multi-page TIFF (0-based; default the first). */
  page?: number;
}

/** The tiled image encoded by one worker. */
export async function processTiled(
  r: TiledRequest,
): Promise<{ bytes: Uint8Array; tiles: number; width: number; height: number; fit?: SizeFit }> {
  const priority = r.priority ?? Priority.background;
  const { value, tiles } = await runTiled(r, async (dst, source) => {
    const enc = await r.pool.run((api) => api.encodeFrame(describe(dst), r.output, source), {
      cost: dst.width * dst.height * dst.channels * 2,
      signal: r.signal,
      priority,
      label: `${r.name} (encode)`,
    });
    r.breakdown.encode += enc.encodeMs;
    return enc;
  });
  return { bytes: value.bytes, tiles, width: value.width, height: value.height, ...(value.fit ? { fit: value.fit } : {}) };
}

/**
 * Decodes and tiles the image, then hands the finished output frame (shared memory, valid only
 * until `use` settles) and the file's metadata to `use`.
 */
export async function runTiled<T>(
  r: TiledRequest,
  use: (dst: Frame, source: SourceInfo | undefined) => Promise<T>,
): Promise<{ value: T; tiles: number }> {
  const { width: w, height: h, channels: cin, pool, buffers } = r;
  const cout = outputChannels(r.steps, cin);
  const srcBytes = w * h * cin;
  const dstBytes = w * h * cout;
  // The two shared frames live for the whole image; refuse up front rather than crash midway.
  if (srcBytes + dstBytes > pool.memoryBudget) {
    throw new TesseraError(
      'too-large',
      `${formatInt(w)}×${formatInt(h)} pixels need ${formatInt((srcBytes + dstBytes) / 2 ** 20)} MB, over the ${formatInt(pool.memoryBudget / 2 ** 20)} MB memory budget`,
    );
  }
  const priority = r.priority ?? Priority.background;
  const srcBuf = buffers.acquire(srcBytes);
  const dstBuf = buffers.acquire(dstBytes);
  let finished = false;
  try {
    const src = describe(createFrame(w, h, cin, srcBuf));
    const dst = describe(createFrame(w, h, cout, dstBuf));
    const dec = await pool.run((api) => api.decodeInto(r.file, r.name, src, r.output.colour, r.page), {
      cost: srcBytes,
      signal: r.signal,
      priority,
      label: `${r.name} (decode)`,
    });
    r.breakdown.read += dec.readMs;
    r.breakdown.decode += dec.decodeMs;

    const halo = chainHalo(r.steps);
    const side = tileSizeFor(r.tilePixels, halo);
    const plan = planTiles(w, h, side, side, halo);
    await Promise.all(
      plan.tiles.map((tile) => {
        const px = tile.window.width * tile.window.height;
        return pool
          .run((api) => api.runTile(src, dst, tile, r.steps), {
            cost: px * (cin + 2 * cout + 16),
            signal: r.signal,
            priority,
            label: `${r.name} (tile ${tile.index + 1}/${plan.tiles.length})`,
          })
          .then(({ steps }) => {
            for (const s of steps) r.breakdown.steps[s.op] = (r.breakdown.steps[s.op] ?? 0) + s.ms;
          });
      }),
    );
    const value = await use(fromDesc(dst), dec.source);
    finished = true;
    return { value, tiles: plan.tiles.length };
  } finally {
    // After a failure or cancel, abandoned tile tasks may still be writing into these buffers:
    // leave them to the garbage collector rather than hand them to the next image.
    if (finished) {
      buffers.release(srcBuf);
      buffers.release(dstBuf);
    }
  }
}
