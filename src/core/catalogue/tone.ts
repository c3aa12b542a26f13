/** Tone and colour: point operations (each output pixel from the same input pixel). */
import { noHalo, same } from './helpers';
import type { OperationSpec } from './types';

export const TONE_OPS: OperationSpec[] = [
  {
    name: 'grayscale',
    label: 'Grayscale',
    description: 'Luma from RGB (ITU-R 601-2), as Pillow convert("L"). Alpha is kept.',
    category: 'tone',
    params: {},
    engine: 'kernel',
    locality: 'point',
    halo: noHalo,
    outChannels: (c) => (c === 3 ? 1 : c === 4 ? 2 : c),
    definition: 'L = (299·R + 587·G + 114·B) / 1000, computed in integers, rounded half-to-even. Gray input is unchanged.',
  },
  {
    name: 'brightness',
    label: 'Brightness',
    description: 'Multiply every value by a factor (Pillow ImageEnhance.Brightness).',
    category: 'tone',
    params: { factor: { type: 'number', label: 'Factor', min: 0, max: 10, default: 1, step: 0.05, unit: '×' } },
    engine: 'kernel',
    locality: 'point',
    halo: noHalo,
    outChannels: same,
    definition: 'out = v · factor in float64, rounded half-to-even, clipped to 0–255.',
  },
];
