/**
 * The 'kernel' engine: Tessera's own exact TypeScript kernels (see the catalogue's conventions).
 */
import type { Frame } from '../../core/frame';
import { brightnessPlane } from '../kernels/brightness';
import { gaussianBlurPlane } from '../kernels/gaussian-blur';
import { grayscale } from '../kernels/grayscale';
import { blendPlane, PILLOW_KERNELS, pillowFilterPlane, type PillowFilterName } from '../kernels/pillow-filter';
import { forEachPlane, type PlaneKernel } from '../kernels/planes';
import { sharpenPlane } from '../kernels/sharpen';
import { sharpenInterleavedWasm, sobelInterleavedWasm, wasmEdgesAvailable } from '../kernels/edges-wasm';
import { sobelPlane } from '../kernels/sobel';
import { contrastLut, gammaLut, invertLut, lutPlane, pillowMeanGray, pillowSaturation, thresholdLut } from '../kernels/tone';
import { unsharpPlane } from '../kernels/unsharp';
import type { EngineTable, OpContext, OpFunction } from './context';
import { watermarkText } from './watermark';

/** Same-size, same-channels op applying `kernel` to each colour plane (alpha passes through). */
export function perPlane(src: Frame, ctx: OpContext, kernel: PlaneKernel): Frame {
  const dst = ctx.alloc(src.width, src.height, src.channels);
  forEachPlane(src, dst, kernel);
  return dst;
}

/**
 * A 3×3 filter from edges-wasm over packed interleaved pixels in one pass (what perPlane computes,
 * without splitting into planes), alpha restored; undefined when SIMD wasm is missing or the frame
 * is not packed, and the caller goes plane by plane.
 */
function interleaved3x3(
  src: Frame,
  ctx: OpContext,
  filter: (s: Uint8Array, d: Uint8Array, w: number, h: number, ch: number) => void,
  t = 1,
): Frame | undefined {
  const ch = src.channels;
  if (ch === 1 || !wasmEdgesAvailable() || src.stride !== src.width * ch) return undefined;
  const dst = ctx.alloc(src.width, src.height, ch);
  if (dst.stride !== dst.width * ch) return undefined;
  const n = src.width * src.height * ch;
  filter(src.data, dst.data, src.width, src.height, ch);
  if (ch === 2 || ch === 4) for (let i = ch - 1; i < n; i += ch) dst.data[i] = src.data[i];
  // The blend is per byte; alpha, equal on both sides, stays.
  blendPlane(src.data, dst.data, n, t);
  return dst;
}

/** The filters' `intensity` (1 when a caller passes unresolved params). */
const intensity = (p: { intensity?: number }): number => (typeof p.intensity === 'number' ? p.intensity : 1);

/** A Pillow ImageFilter kernel, then the intensity blend with the input. */
function pillowFilter(name: PillowFilterName): OpFunction<{ intensity: number }> {
  const spec = PILLOW_KERNELS[name];
  return (src, p, ctx) => {
    const t = intensity(p);
    return perPlane(src, ctx, (a, b, w, h) => {
      pillowFilterPlane(a, b, w, h, spec);
      blendPlane(a, b, w * h, t);
    });
  };
}

/** A 256-entry table applied to each colour plane. */
function lutOp(src: Frame, ctx: OpContext, lut: Uint8Array): Frame {
  return perPlane(src, ctx, (a, b, w, h) => lutPlane(a, b, w * h, lut));
}

export const KERNEL_OPS: EngineTable<'kernel'> = {
  grayscale: (src, _p, ctx) => {
    const dst = ctx.alloc(src.width, src.height, src.channels === 3 ? 1 : src.channels === 4 ? 2 : src.channels);
    grayscale(src, dst);
    return dst;
  },
  'gaussian-blur': (src, p, ctx) => perPlane(src, ctx, (a, b, w, h) => gaussianBlurPlane(a, b, w, h, p.sigma)),
  sobel: (src, _p, ctx) => interleaved3x3(src, ctx, sobelInterleavedWasm) ?? perPlane(src, ctx, sobelPlane),
  sharpen: (src, p, ctx) => {
    const t = intensity(p);
    const fast = interleaved3x3(src, ctx, sharpenInterleavedWasm, t);
    if (fast) return fast;
    return perPlane(src, ctx, (a, b, w, h) => {
      sharpenPlane(a, b, w, h);
      blendPlane(a, b, w * h, t);
    });
  },
  blur: pillowFilter('blur'),
  'edge-enhance': pillowFilter('edge-enhance'),
  'edge-enhance-more': pillowFilter('edge-enhance-more'),
  smooth: pillowFilter('smooth'),
  'smooth-more': pillowFilter('smooth-more'),
  emboss: pillowFilter('emboss'),
  contour: pillowFilter('contour'),
  detail: pillowFilter('detail'),
  'find-edges': pillowFilter('find-edges'),
  'unsharp-mask': (src, p, ctx) => perPlane(src, ctx, (a, b, w, h) => unsharpPlane(a, b, w, h, p.sigma, p.amount, p.threshold)),
  brightness: (src, p, ctx) => perPlane(src, ctx, (a, b, w, h) => brightnessPlane(a, b, w, h, p.factor)),
  contrast: (src, p, ctx) => lutOp(src, ctx, contrastLut(pillowMeanGray(src), p.factor)),
  saturation: (src, p, ctx) => {
    const dst = ctx.alloc(src.width, src.height, src.channels);
    pillowSaturation(src, dst, p.factor);
    return dst;
  },
  gamma: (src, p, ctx) => lutOp(src, ctx, gammaLut(p.gamma)),
  invert: (src, _p, ctx) => lutOp(src, ctx, invertLut()),
  threshold: (src, p, ctx) => lutOp(src, ctx, thresholdLut(p.level)),
  'watermark-text': watermarkText,
};
