import type { Recipe } from './recipe';

/** The seed pipeline, exactly as specified: five steps, σ = 2, factor 1.2. */
export const SEED_RECIPE: Recipe = {
  name: 'Seed pipeline',
  description: 'Grayscale → Gaussian blur σ2 → Sobel magnitude → Pillow SHARPEN → brightness ×1.2',
  steps: [
    { op: 'grayscale' },
    { op: 'gaussian-blur', params: { sigma: 2 } },
    { op: 'sobel' },
    { op: 'sharpen' },
    { op: 'brightness', params: { factor: 1.2 } },
  ],
};

export const PRESETS: Readonly<Record<string, Recipe>> = { seed: SEED_RECIPE };
