/**
 * An image whose output is a tile pyramid (DZI): its result frame — back from the worker raw, or
 * the tiled path's shared output frame — fed to the DZI writer in strips, the tiles encoded on
 * every worker and written as they complete, the descriptor last (jobs/dzi-writer.ts). A failure
 * takes the files back.
 */
import { dziOverviewLevel, dziTilePath } from '../../core/dzi';
import { fromDesc } from '../../core/frame';
import { FORMATS, pyramidTileOptions } from '../../core/formats';
import type { StepReport } from '../../core/reports';
import { DziWriter, type PyramidStats } from '../dzi-writer';
import { feedFrame } from '../strip-consumer';
import { runTiled } from '../tiled';
import { poolTileEncoder } from '../tile-encoder';
import type { Breakdown, PyramidSummary } from '../types';
import { tiledRequest, type WholeResult } from './image-file';
import type { BatchSettings } from './settings';

export interface WrittenPyramid {
  pyramid: PyramidSummary;
  /** Every file's bytes. */
  bytes: number;
  /** Main-thread time writing tiles (they overlap the encoding). */
  writeMs: number;
  /** Tiles of the tiled processing path (not of the pyramid), when it was taken. */
  processingTiles?: number;
  reports?: StepReport[];
}

/** The DZI writer for one output, its tiles encoded on the pool. */
export function pyramidWriter(out: string, path: string, s: BatchSettings): DziWriter {
  return new DziWriter({
    sink: s.sink,
    path: out,
    output: s.output,
    signal: s.signal,
    encode: poolTileEncoder(s.pool, { label: path, signal: s.signal }),
    // Enough to keep every worker's pipeline full (the pool runs two calls per worker).
    maxInFlight: s.pool.size * 2,
  });
}

/** A written pyramid's result row: its tiles, levels, folder and the overview tile. */
export function pyramidSummary(out: string, width: number, height: number, st: PyramidStats, s: BatchSettings): PyramidSummary {
  const extension = FORMATS[pyramidTileOptions(s.output).format].extension.slice(1);
  const overview = dziTilePath(out, dziOverviewLevel(width, height, s.output.tileSize), 0, 0, extension);
  return { tiles: st.tiles, levels: st.levels, tileFolder: st.tileFolder, overview };
}

export async function writePyramidImage(
  res: WholeResult,
  out: string,
  path: string,
  blob: Blob,
  s: BatchSettings,
  breakdown: Breakdown,
): Promise<WrittenPyramid> {
  const writer = pyramidWriter(out, path, s);
  let processingTiles: number | undefined;
  let reports: StepReport[] | undefined;
  if (res.kind === 'frame') {
    await feedFrame(writer, fromDesc(res.frame), res.source);
    reports = res.reports;
  } else if (res.kind === 'needs-tiles') {
    // The stitched frame is shared memory, released once the writer is done with it.
    processingTiles = (await runTiled(tiledRequest(res, path, blob, s, breakdown), (dst, source) => feedFrame(writer, dst, source))).tiles;
  } else throw new Error(`${path}: encoded bytes came back for a pyramid output`);
  const st = writer.stats;
  breakdown.encode += st.encodeMs;
  return {
    pyramid: pyramidSummary(out, res.width, res.height, st, s),
    bytes: st.bytes,
    writeMs: st.writeMs,
    ...(processingTiles !== undefined ? { processingTiles } : {}),
    ...(reports ? { reports } : {}),
  };
}
