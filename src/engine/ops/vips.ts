/** The 'vips' engine: geometry through wasm-vips (loaded once per thread, cache off). */
import type { OpTable } from './context';

export const VIPS_OPS: OpTable = {};
