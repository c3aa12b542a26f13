/**
 * The worker's giant-image calls (engine/api.ts): probing a file, decoding its overview, building
 * its full-resolution cache, and letting go of it. The long ones run in `turn`s — one strip per
 * turn — so a preview asked of the same worker meanwhile waits for one strip, not for the whole
 * file.
 */
import { fromDesc, type FrameDesc } from '../../core/frame';
import { cacheBytes, tileGrid } from '../../core/giant';
import { blobReader } from '../blob-source';
import type { Vips } from '../vips';
import { buildCache, type Turn } from './cache';
import { createCacheFile, releaseCacheFile } from './opfs';
import { decodeOverview, type OverviewResult } from './overview';
import { probeImage, type ImageProbe } from './probe';
import { forgetFit } from './view';

export interface OverviewRequest {
  file: Blob;
  probe: ImageProbe;
  /** Made by the main thread at core/giant.ts overviewSize, the image's channels. */
  overview: FrameDesc;
  /** The control block (core/giant.ts Control): rows done, cancel. */
  control: SharedArrayBuffer;
  /** 'vips' skips the browser's decoder (benchmarks and tests compare the two); default 'auto'. */
  decoder?: 'auto' | 'vips';
}

export interface CacheRequest {
  file: Blob;
  probe: ImageProbe;
  /** The cache's file name in OPFS (under core/giant.ts CACHE_DIR). */
  name: string;
  control: SharedArrayBuffer;
}

export interface CacheResult {
  state: 'done' | 'cancelled';
  ms: number;
  bytes: number;
}

export function probeFile(vips: Vips, file: Blob): ImageProbe {
  return probeImage(vips, blobReader(file));
}

export function overviewTask(vips: Vips, req: OverviewRequest, turn: Turn): Promise<OverviewResult> {
  return decodeOverview(
    vips,
    req.file,
    blobReader(req.file),
    req.probe,
    fromDesc(req.overview),
    new Int32Array(req.control),
    turn,
    req.decoder,
  );
}

export async function cacheTask(vips: Vips, req: CacheRequest, turn: Turn): Promise<CacheResult> {
  const t0 = performance.now();
  const g = tileGrid(req.probe.width, req.probe.height, req.probe.channels);
  const file = await createCacheFile(req.name, cacheBytes(g));
  const state = await buildCache(vips, blobReader(req.file), g, file, new Int32Array(req.control), turn);
  return { state, ms: performance.now() - t0, bytes: cacheBytes(g) };
}

/** Closes this worker's handle on the cache and drops what it kept of the image. */
export async function releaseGiant(name: string): Promise<void> {
  forgetFit();
  await releaseCacheFile(name);
}
