/** Classic computer-vision filters. */
import { gaussRadius, same } from './helpers';
import type { OperationSpec } from './types';

export const CV_OPS: OperationSpec[] = [
  {
    name: 'gaussian-blur',
    label: 'Gaussian blur',
    description: 'Separable Gaussian blur.',
    category: 'cv',
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
    category: 'cv',
    params: {},
    engine: 'kernel',
    locality: 'local',
    halo: () => 1,
    outChannels: same,
    definition:
      'gx = [−1 0 1; −2 0 2; −1 0 1] ⋆ I, gy = its transpose; out = √(gx² + gy²) rounded (no ties are possible), clipped to 255. Radius 1, reflect-101 borders.',
  },
];
