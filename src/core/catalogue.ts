/**
 * The operation catalogue: the one place that lists operations. The UI builds its controls from
 * it, the recipe validator checks against it, the tile planner reads halos from it, and each
 * engine registers one function per name. Adding an operation = one entry here + one engine
 * function.
 *
 * Numeric conventions shared by every 'kernel' operation (so results are checkable):
 * - 8-bit in, 8-bit out, one colour plane at a time; an alpha channel (2nd of 2, 4th of 4)
 *   passes through unchanged.
 * - Borders are reflect-101 (…c b | a b c … — the edge pixel is not repeated), as OpenCV's
 *   BORDER_REFLECT_101 and NumPy's 'reflect'.
 * - Each operation rounds its exact (or float64) result half-to-even and clips to 0–255, so a
 *   chain of operations equals the chain of their individual definitions.
 */

export type ParamSpec =
  | { type: 'number'; label: string; min: number; max: number; default: number; step?: number; unit?: string }
  | { type: 'integer'; label: string; min: number; max: number; default: number; unit?: string }
  | { type: 'boolean'; label: string; default: boolean }
  | { type: 'enum'; label: string; options: readonly string[]; default: string };

export type ParamValue = number | boolean | string;
export type Params = Record<string, ParamValue>;

/** Which runtime computes the op: Tessera's own exact kernels, wasm-vips, or OpenCV.js. */
export type EngineName = 'kernel' | 'vips' | 'opencv';

/**
 * 'point': output pixel depends on the same input pixel (halo 0).
 * 'local': depends on a neighbourhood of radius `halo` — tileable.
 * 'global': depends on the whole image (resize, equalisation) — never tiled.
 */
export type Locality = 'point' | 'local' | 'global';

export interface OperationSpec {
  name: string;
  label: string;
  description: string;
  params: Record<string, ParamSpec>;
  engine: EngineName;
  locality: Locality;
  /** Kernel radius in pixels for the given (validated, defaulted) params. */
  halo(params: Params): number;
  /** Channels out for channels in (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). */
  outChannels(inChannels: number): number;
  /** Exact definition, including kernel radius and rounding, for people checking results. */
  definition: string;
}

const same = (c: number) => c;
const gaussRadius = (sigma: number) => Math.ceil(3 * sigma);

const OPERATIONS: readonly OperationSpec[] = [
  {
    name: 'grayscale',
    label: 'Grayscale',
    description: 'Luma from RGB (ITU-R 601-2), as Pillow convert("L"). Alpha is kept.',
    params: {},
    engine: 'kernel',
    locality: 'point',
    halo: () => 0,
    outChannels: (c) => (c === 3 ? 1 : c === 4 ? 2 : c),
    definition: 'L = (299·R + 587·G + 114·B) / 1000, computed in integers, rounded half-to-even. Gray input is unchanged.',
  },
  {
    name: 'gaussian-blur',
    label: 'Gaussian blur',
    description: 'Separable Gaussian blur.',
    params: { sigma: { type: 'number', label: 'Sigma', min: 0.1, max: 20, default: 2, step: 0.1, unit: 'px' } },
    engine: 'kernel',
    locality: 'local',
    halo: (p) => gaussRadius(p.sigma as number),
    outChannels: same,
    definition:
      'Kernel radius r = ceil(3σ); weights exp(−x²/2σ²) for x = −r…r, normalised to sum 1. Horizontal then vertical pass in float64 (the intermediate is not rounded); result rounded half-to-even. Reflect-101 borders.',
  },
  {
    name: 'sobel',
    label: 'Sobel edges',
    description: 'Gradient magnitude of the 3×3 Sobel kernels.',
    params: {},
    engine: 'kernel',
    locality: 'local',
    halo: () => 1,
    outChannels: same,
    definition:
      'gx = [−1 0 1; −2 0 2; −1 0 1] ⋆ I, gy = its transpose; out = √(gx² + gy²) rounded (no ties are possible), clipped to 255. Radius 1, reflect-101 borders.',
  },
  {
    name: 'sharpen',
    label: 'Sharpen',
    description: "Pillow's SHARPEN filter.",
    params: {},
    engine: 'kernel',
    locality: 'local',
    halo: () => 1,
    outChannels: same,
    definition:
      'Kernel (−2 −2 −2 / −2 32 −2 / −2 −2 −2) / 16, computed in integers, rounded half-to-even, clipped to 0–255. Radius 1, reflect-101 borders.',
  },
  {
    name: 'brightness',
    label: 'Brightness',
    description: 'Multiply every value by a factor (Pillow ImageEnhance.Brightness).',
    params: { factor: { type: 'number', label: 'Factor', min: 0, max: 10, default: 1, step: 0.05, unit: '×' } },
    engine: 'kernel',
    locality: 'point',
    halo: () => 0,
    outChannels: same,
    definition: 'out = v · factor in float64, rounded half-to-even, clipped to 0–255.',
  },
];

const BY_NAME = new Map(OPERATIONS.map((o) => [o.name, o]));

export function operations(): readonly OperationSpec[] {
  return OPERATIONS;
}

export function getOperation(name: string): OperationSpec | undefined {
  return BY_NAME.get(name);
}

export function defaultParams(op: OperationSpec): Params {
  const out: Params = {};
  for (const [k, spec] of Object.entries(op.params)) out[k] = spec.default;
  return out;
}
