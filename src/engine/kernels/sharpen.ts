import { apply3x3 } from './neighbourhood';

/** Pillow SHARPEN: (32·centre − 2·Σ 8 neighbours) / 16, rounded half-to-even in integers. */
export function sharpenPlane(src: Uint8Array, dst: Uint8Array, w: number, h: number): void {
  apply3x3(src, dst, w, h, (s, up, mid, down, xl, x, xr) => {
    const n = 34 * s[mid + x] - 2 * (s[up + xl] + s[up + x] + s[up + xr] + s[mid + xl] + s[mid + x] + s[mid + xr] + s[down + xl] + s[down + x] + s[down + xr]);
    // n / 16 with ties to even: floor via arithmetic shift (n may be negative).
    let q = n >> 4;
    const rem = n & 15;
    if (rem > 8 || (rem === 8 && (q & 1) !== 0)) q++;
    return q < 0 ? 0 : q > 255 ? 255 : q;
  });
}
