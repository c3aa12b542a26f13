/**
 * Engine functions, one per catalogue entry. Each takes a frame and validated params and fills a
 * destination frame the caller allocated with the catalogue's channel count.
 */
import type { Params } from '../core/catalogue';
import type { Frame } from '../core/frame';
import { brightnessPlane } from './kernels/brightness';
import { gaussianBlurPlane } from './kernels/gaussian-blur';
import { grayscale } from './kernels/grayscale';
import { forEachPlane } from './kernels/planes';
import { sharpenPlane } from './kernels/sharpen';
import { sobelPlane } from './kernels/sobel';

export type OpFunction = (src: Frame, dst: Frame, params: Params) => void | Promise<void>;

export const KERNEL_OPS: Readonly<Record<string, OpFunction>> = {
  grayscale: (src, dst) => grayscale(src, dst),
  'gaussian-blur': (src, dst, p) => forEachPlane(src, dst, (a, b, w, h) => gaussianBlurPlane(a, b, w, h, p.sigma as number)),
  sobel: (src, dst) => forEachPlane(src, dst, sobelPlane),
  sharpen: (src, dst) => forEachPlane(src, dst, sharpenPlane),
  brightness: (src, dst, p) => forEachPlane(src, dst, (a, b, w, h) => brightnessPlane(a, b, w, h, p.factor as number)),
};
