/**
 * Tiles of a pyramid output (DZI), encoded in batches inside an engine worker: each a small frame
 * in shared memory, all with the same options (pyramidTileOptions: JPEG or PNG, no metadata), their
 * bytes packed one after another into one buffer, so a batch costs one message each way.
 */
import { fromDesc, type FrameDesc } from '../core/frame';
import type { OutputOptions } from '../core/formats';
import type { EncodedTiles } from './api';
import { encodeOutput } from './codec';
import type { Vips } from './vips';

export async function encodeTiles(vips: Vips, tiles: readonly FrameDesc[], output: OutputOptions): Promise<EncodedTiles> {
  const t = performance.now();
  const parts: Uint8Array[] = [];
  for (const d of tiles) parts.push(await encodeOutput(vips, fromDesc(d), output));
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, lengths: parts.map((p) => p.length), encodeMs: performance.now() - t };
}
