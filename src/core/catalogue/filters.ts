/** Pillow's filter set (ImageFilter), with Pillow's kernels, scale and offset. */
import { same } from './helpers';
import type { OperationSpec } from './types';

export const FILTER_OPS: OperationSpec[] = [
  {
    name: 'sharpen',
    label: 'Sharpen',
    description: "Pillow's SHARPEN filter.",
    category: 'filter',
    params: {},
    engine: 'kernel',
    locality: 'local',
    halo: () => 1,
    outChannels: same,
    definition:
      'Kernel (−2 −2 −2 / −2 32 −2 / −2 −2 −2) / 16, computed in integers, rounded half-to-even, clipped to 0–255. Radius 1, reflect-101 borders.',
  },
];
