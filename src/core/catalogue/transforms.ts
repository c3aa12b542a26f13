/** Geometry: resize, rotate, crop, flip, orientation, thumbnails (wasm-vips). All global. */
import type { OperationSpec } from './types';

export const TRANSFORM_OPS: OperationSpec[] = [];
