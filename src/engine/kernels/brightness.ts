import { clip8, roundHalfEven } from './round';

/** v · factor for all 256 values once, then a table lookup per pixel. */
export function brightnessPlane(src: Uint8Array, dst: Uint8Array, w: number, h: number, factor: number): void {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = clip8(roundHalfEven(v * factor));
  const n = w * h;
  for (let i = 0; i < n; i++) dst[i] = lut[src[i]];
}
