/**
 * The 'kernel' engine: Tessera's own exact TypeScript kernels (see the catalogue's conventions).
 */
import type { Frame } from '../../core/frame';
import { brightnessPlane } from '../kernels/brightness';
import { gaussianBlurPlane } from '../kernels/gaussian-blur';
import { grayscale } from '../kernels/grayscale';
import { forEachPlane, type PlaneKernel } from '../kernels/planes';
import { sharpenPlane } from '../kernels/sharpen';
import { sobelPlane } from '../kernels/sobel';
import type { OpContext, OpTable } from './context';

/** Same-size, same-channels op applying `kernel` to each colour plane (alpha passes through). */
export function perPlane(src: Frame, ctx: OpContext, kernel: PlaneKernel): Frame {
  const dst = ctx.alloc(src.width, src.height, src.channels);
  forEachPlane(src, dst, kernel);
  return dst;
}

export const KERNEL_OPS: OpTable = {
  grayscale: (src, _p, ctx) => {
    const dst = ctx.alloc(src.width, src.height, src.channels === 3 ? 1 : src.channels === 4 ? 2 : src.channels);
    grayscale(src, dst);
    return dst;
  },
  'gaussian-blur': (src, p, ctx) => perPlane(src, ctx, (a, b, w, h) => gaussianBlurPlane(a, b, w, h, p.sigma as number)),
  sobel: (src, _p, ctx) => perPlane(src, ctx, sobelPlane),
  sharpen: (src, _p, ctx) => perPlane(src, ctx, sharpenPlane),
  brightness: (src, p, ctx) => perPlane(src, ctx, (a, b, w, h) => brightnessPlane(a, b, w, h, p.factor as number)),
};
