import { reflect101 } from './border';

/**
 * Visits every pixel with the 3×3 neighbourhood's row offsets and reflected column indices
 * already resolved, so 3×3 kernels are written once, free of border cases.
 */
export type Kernel3x3 = (
  src: Uint8Array,
  up: number, mid: number, down: number,
  xl: number, x: number, xr: number,
) => number;

export function apply3x3(src: Uint8Array, dst: Uint8Array, w: number, h: number, k: Kernel3x3): void {
  for (let y = 0; y < h; y++) {
    const up = reflect101(y - 1, h) * w;
    const mid = y * w;
    const down = reflect101(y + 1, h) * w;
    const last = w - 1;
    dst[mid] = k(src, up, mid, down, reflect101(-1, w), 0, reflect101(1, w));
    for (let x = 1; x < last; x++) dst[mid + x] = k(src, up, mid, down, x - 1, x, x + 1);
    if (last > 0) dst[mid + last] = k(src, up, mid, down, last - 1, last, reflect101(last + 1, w));
  }
}
