/** Tone and colour: point operations (each output pixel from the same input pixel). */
import { noHalo, same } from './helpers';
import { defineOp, type ParamSpec } from './types';

/** Pillow's Image.blend(a, b, α) — what every ImageEnhance class ends in. */
const PILLOW_BLEND =
  'blend(a, v, f) is Pillow’s Image.blend: (a + f32(f)·(v − a)) evaluated in float32, clamped to 0–255 and TRUNCATED (not rounded), exactly as Pillow.';

/** The multiplier shared by brightness, contrast and saturation (1 = unchanged). */
const FACTOR = { type: 'number', label: 'Factor', min: 0, max: 10, default: 1, step: 0.05, unit: '×' } as const satisfies ParamSpec;

/** What every tone op shares: Tessera's own kernels, one pixel at a time, channels kept. */
const point = { category: 'tone', engine: 'kernel', locality: 'point', halo: noHalo, outChannels: same } as const;

export const TONE_OPS = [
  defineOp({
    ...point,
    name: 'grayscale',
    label: 'Grayscale',
    description: 'Removes the colour, keeping how light each part looks.',
    aka: 'luma, ITU-R 601-2 weights',
    params: {},
    outChannels: (c) => (c === 3 ? 1 : c === 4 ? 2 : c),
    definition:
      'L = (299·R + 587·G + 114·B) / 1000, computed in integers, rounded half-to-even. Gray input is unchanged. (Pillow\'s convert("L") documents these weights but computes the 16-bit fixed-point (19595·R + 38470·G + 7471·B + 32768) >> 16, which differs by ±1 on some pixels.)',
  }),
  defineOp({
    ...point,
    planeWise: true,
    name: 'brightness',
    label: 'Brightness',
    description: 'Lighter above 1, darker below 1.',
    aka: 'Pillow ImageEnhance.Brightness',
    params: { factor: FACTOR },
    definition: 'out = v · factor in float64, rounded half-to-even, clipped to 0–255.',
  }),
  defineOp({
    ...point,
    name: 'contrast',
    label: 'Contrast',
    description: 'More contrast above 1, flatter below 1.',
    aka: 'Pillow ImageEnhance.Contrast',
    params: { factor: FACTOR },
    // The mean gray is taken over the whole image, so a tile alone cannot know it: never tiled.
    locality: 'global',
    definition:
      'm = int(mean(L) + 0.5) over the whole image, with L = (19595·R + 38470·G + 7471·B + 32768) >> 16 (Pillow’s convert("L")) for RGB(A) or the gray value, alpha ignored; each colour value v becomes blend(m, v, factor). ' +
      PILLOW_BLEND +
      ' Alpha passes through. Depends on the whole image (global), as in Pillow.',
  }),
  defineOp({
    ...point,
    name: 'saturation',
    label: 'Saturation',
    description: 'More colourful above 1, paler below 1, gray at 0.',
    aka: 'Pillow ImageEnhance.Color',
    params: { factor: FACTOR },
    definition:
      'Per pixel L = (19595·R + 38470·G + 7471·B + 32768) >> 16 (Pillow’s convert("L")); each of R, G, B becomes blend(L, v, factor). ' +
      PILLOW_BLEND +
      ' Gray input is unchanged; alpha passes through.',
  }),
  defineOp({
    ...point,
    planeWise: true,
    name: 'gamma',
    label: 'Midtones',
    description: 'Brightens the midtones above 1 and darkens them below 1; black and white stay as they are.',
    aka: 'gamma curve',
    params: { gamma: { type: 'number', label: 'Gamma', min: 0.1, max: 10, default: 1, step: 0.05 } },
    definition:
      'out = 255·(v/255)^(1/gamma) in float64, rounded half-to-even, clipped to 0–255 (a 256-entry table). Per colour plane, alpha passes through.',
  }),
  defineOp({
    ...point,
    planeWise: true,
    name: 'invert',
    label: 'Negative',
    description: 'Dark becomes light and every colour its opposite.',
    aka: 'invert (Pillow ImageOps.invert)',
    params: {},
    definition: 'out = 255 − v per colour plane; alpha passes through.',
  }),
  defineOp({
    ...point,
    planeWise: true,
    name: 'threshold',
    label: 'Pure black and white',
    description: 'Everything at or above the level becomes white, the rest black (per colour).',
    aka: 'threshold',
    params: { level: { type: 'integer', label: 'Level', min: 0, max: 255, default: 128 } },
    definition: 'out = v ≥ level ? 255 : 0, per colour plane (an RGB image stays RGB); alpha passes through.',
  }),
];
