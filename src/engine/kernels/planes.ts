/**
 * Kernels are written for one contiguous 8-bit plane (fast, simple loops). This adapter feeds
 * them each colour channel of an interleaved frame and carries alpha across unchanged.
 */
import type { Frame } from '../../core/frame';
import { scratchU8 } from './scratch';

export type PlaneKernel = (src: Uint8Array, dst: Uint8Array, width: number, height: number) => void;

export function colourChannels(channels: number): number {
  return channels === 2 || channels === 4 ? channels - 1 : channels;
}

export function forEachPlane(src: Frame, dst: Frame, kernel: PlaneKernel): void {
  const { width: w, height: h, channels: ch } = src;
  if (dst.width !== w || dst.height !== h || dst.channels !== ch) throw new RangeError('plane kernel: frame geometry differs');
  if (ch === 1 && src.stride === w && dst.stride === w) {
    kernel(src.data, dst.data, w, h);
    return;
  }
  const n = w * h;
  const a = scratchU8('plane-in', n);
  const b = scratchU8('plane-out', n);
  const colours = colourChannels(ch);
  for (let c = 0; c < ch; c++) {
    if (c < colours) {
      for (let y = 0; y < h; y++) {
        const s = y * src.stride + c;
        const o = y * w;
        for (let x = 0; x < w; x++) a[o + x] = src.data[s + x * ch];
      }
      kernel(a, b, w, h);
    }
    for (let y = 0; y < h; y++) {
      const d = y * dst.stride + c;
      const o = y * w;
      if (c < colours) for (let x = 0; x < w; x++) dst.data[d + x * ch] = b[o + x];
      else {
        const s = y * src.stride + c;
        for (let x = 0; x < w; x++) dst.data[d + x * ch] = src.data[s + x * ch];
      }
    }
  }
}
