/** Pillow's filter set (ImageFilter), with Pillow's kernels, scale and offset; plus unsharp mask. */
import { gaussRadius, same } from './helpers';
import { defineOp, type ParamSpec } from './types';

const intensity = {
  type: 'number',
  label: 'Intensity',
  help: '0 = input unchanged, 1 = the full filter.',
  min: 0,
  max: 1,
  default: 1,
  step: 0.05,
} as const satisfies ParamSpec;

const INTENSITY =
  ' Intensity t: out = round-half-even(v + (f − v)·t) in float64, with f the filter result above (already rounded and clipped), so t = 1 is the plain filter and t = 0 the input.';

/**
 * How Pillow computes (libImaging/Filter.c), shared by every entry but sharpen: weights k/scale
 * in float32; value = offset + Σ weight·pixel, summed in float32 starting from the row below
 * the pixel; byte = truncate(clamp(value + 0.5)) — round half up.
 */
const PILLOW_ROUNDING =
  " Rounding as Pillow (libImaging/Filter.c): round half up of the exact value S/scale + offset (S = Σ k·p in integers), then clipped to 0–255; where that value is exactly x.5 and scale is not a power of two, Pillow's float32 evaluation (weights k/scale in float32, running sum from offset + 0.5, rows summed from the bottom one up, truncated) decides and is reproduced bit for bit.";

const BORDER = ' Borders: reflect-101 (Pillow instead copies the outer %R-pixel frame unfiltered, so results differ there only).';

function pillowEntry<const N extends string>(
  name: N,
  label: string,
  description: string,
  aka: string,
  kernel: string,
  scale: number,
  offset: number,
  radius: number,
) {
  return defineOp({
    name,
    label,
    description,
    aka,
    category: 'filter',
    params: { intensity },
    engine: 'kernel',
    locality: 'local',
    halo: () => radius,
    outChannels: same,
    planeWise: true,
    definition:
      `Pillow ImageFilter kernel ${kernel}, scale ${scale}, offset ${offset}; radius ${radius}. ` +
      'Kernel rows are listed top to bottom as correlation weights; per colour plane, alpha passes through.' +
      PILLOW_ROUNDING +
      BORDER.replace('%R', String(radius)) +
      INTENSITY,
  });
}

export const FILTER_OPS = [
  pillowEntry(
    'blur',
    'Light blur',
    'A light blur of fixed size.',
    "Pillow's BLUR: the mean of the 16 pixels on the ring two pixels out (5×5)",
    '(1 1 1 1 1 / 1 0 0 0 1 / 1 0 0 0 1 / 1 0 0 0 1 / 1 1 1 1 1)',
    16,
    0,
    2,
  ),
  defineOp({
    name: 'sharpen',
    label: 'Sharpen',
    description: 'Makes detail crisper (a fixed, strong sharpening).',
    aka: "Pillow's SHARPEN filter",
    category: 'filter',
    params: { intensity },
    engine: 'kernel',
    locality: 'local',
    halo: () => 1,
    outChannels: same,
    planeWise: true,
    definition:
      'Kernel (−2 −2 −2 / −2 32 −2 / −2 −2 −2) / 16, computed in integers, rounded half-to-even, clipped to 0–255. Radius 1, reflect-101 borders. ' +
      '(Pillow rounds the exact .5 ties up instead, so on those pixels the result is 1 below Pillow’s; kept half-to-even because the seed pipeline is defined that way.)' +
      INTENSITY,
  }),
  pillowEntry(
    'edge-enhance',
    'Crisper edges',
    'Makes edges stand out a little.',
    "Pillow's EDGE_ENHANCE",
    '(−1 −1 −1 / −1 10 −1 / −1 −1 −1)',
    2,
    0,
    1,
  ),
  pillowEntry(
    'edge-enhance-more',
    'Crisper edges, strong',
    'Makes edges stand out strongly.',
    "Pillow's EDGE_ENHANCE_MORE",
    '(−1 −1 −1 / −1 9 −1 / −1 −1 −1)',
    1,
    0,
    1,
  ),
  pillowEntry('smooth', 'Smooth', 'Evens out fine grain a little.', "Pillow's SMOOTH", '(1 1 1 / 1 5 1 / 1 1 1)', 13, 0, 1),
  pillowEntry(
    'smooth-more',
    'Smooth more',
    'Evens out fine grain more.',
    "Pillow's SMOOTH_MORE (5×5)",
    '(1 1 1 1 1 / 1 5 5 5 1 / 1 5 44 5 1 / 1 5 5 5 1 / 1 1 1 1 1)',
    100,
    0,
    2,
  ),
  pillowEntry(
    'emboss',
    'Emboss',
    'A gray relief, as if pressed into metal, lit from the lower left.',
    "Pillow's EMBOSS",
    // Pillow lists (−1 0 0 / 0 1 0 / 0 0 0) but applies its first row to the row below the pixel.
    '(0 0 0 / 0 1 0 / −1 0 0), i.e. out = 128 + p(x, y) − p(x−1, y+1) (Pillow lists (−1 0 0 / 0 1 0 / 0 0 0) and applies its first kernel row to the row below the pixel)',
    1,
    128,
    1,
  ),
  pillowEntry(
    'contour',
    'Pencil outline',
    'Dark outlines on white, like a pencil sketch.',
    "Pillow's CONTOUR",
    '(−1 −1 −1 / −1 8 −1 / −1 −1 −1)',
    1,
    255,
    1,
  ),
  pillowEntry('detail', 'More detail', 'Sharpens fine detail a little.', "Pillow's DETAIL", '(0 −1 0 / −1 10 −1 / 0 −1 0)', 6, 0, 1),
  pillowEntry(
    'find-edges',
    'Glowing edges',
    'Bright outlines of the edges, on black.',
    "Pillow's FIND_EDGES (a Laplacian-style edge magnitude)",
    '(−1 −1 −1 / −1 8 −1 / −1 −1 −1)',
    1,
    0,
    1,
  ),
  defineOp({
    name: 'unsharp-mask',
    label: 'Sharpen (adjustable)',
    description: 'Sharpening you can tune: how fine (sigma), how much (amount), and what to leave alone (threshold).',
    aka: 'unsharp mask',
    category: 'cv',
    params: {
      sigma: { type: 'number', label: 'Sigma', min: 0.1, max: 10, default: 1, step: 0.1, unit: 'px' },
      amount: { type: 'number', label: 'Amount', min: 0, max: 5, default: 1, step: 0.05, unit: '×' },
      threshold: {
        type: 'integer',
        label: 'Threshold',
        min: 0,
        max: 255,
        default: 0,
        help: 'Leave pixels alone whose difference from the blur is smaller than this.',
      },
    },
    engine: 'kernel',
    locality: 'local',
    halo: (p) => gaussRadius(p.sigma),
    outChannels: same,
    planeWise: true,
    definition:
      'b = the gaussian-blur op at σ (its float32 definition: radius ceil(3σ), reflect-101, rounded half-to-even to bytes); d = v − b; out = v + amount·d in float64, rounded half-to-even and clipped to 0–255, where |d| ≥ threshold; elsewhere out = v. Per colour plane, alpha passes through. Radius ceil(3σ).',
  }),
];
