import { apply3x3 } from './neighbourhood';

/** √(gx² + gy²) of the 3×3 Sobel kernels; a square root of an integer is never exactly x.5. */
export function sobelPlane(src: Uint8Array, dst: Uint8Array, w: number, h: number): void {
  apply3x3(src, dst, w, h, (s, up, mid, down, xl, x, xr) => {
    const gx = s[up + xr] - s[up + xl] + 2 * (s[mid + xr] - s[mid + xl]) + s[down + xr] - s[down + xl];
    const gy = s[down + xl] + 2 * s[down + x] + s[down + xr] - s[up + xl] - 2 * s[up + x] - s[up + xr];
    const m = Math.round(Math.sqrt(gx * gx + gy * gy));
    return m > 255 ? 255 : m;
  });
}
