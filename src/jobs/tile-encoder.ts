/** A pyramid's tile batches encoded on the pool's workers (EngineApi.encodeTiles). */
import type { EnginePool } from '../pool/engine-pool';
import { Priority, type PriorityLevel } from '../pool/pool';
import type { TileEncoder } from './dzi-writer';

export function poolTileEncoder(
  pool: EnginePool,
  o: {
    label: string;
    signal?: AbortSignal;
    /** Default user: a pyramid already under way goes ahead of new files, so its rows are let go sooner. */
    priority?: PriorityLevel;
  },
): TileEncoder {
  let batch = 0;
  return (tiles, output) => {
    const pixels = tiles.reduce((n, t) => n + t.width * t.height * t.channels, 0);
    return pool.run((api) => api.encodeTiles(tiles, output), {
      // The worker copies each tile into the wasm heap and holds its encoded bytes.
      cost: pixels * 3,
      signal: o.signal,
      priority: o.priority ?? Priority.user,
      label: `${o.label} (tiles ${++batch})`,
    });
  };
}
