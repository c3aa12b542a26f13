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

export const PRESETS: Readonly<Record<string, Recipe>> = {
  seed: SEED_RECIPE,
  'web-export': {
    name: 'Web export',
    description: 'Upright, at most 2048 px, lightly sharpened, WebP 82 without metadata.',
    steps: [
      { op: 'auto-orient' },
      { op: 'resize', params: { mode: 'fit', width: 2048, height: 2048 } },
      { op: 'unsharp-mask', params: { sigma: 0.8, amount: 0.5 } },
    ],
    output: { format: 'webp', quality: 82, metadata: 'strip' },
  },
  thumbnails: {
    name: 'Thumbnails',
    description: 'Fit inside 256 × 256 (shrink-on-load), JPEG 80.',
    steps: [{ op: 'auto-orient' }, { op: 'thumbnail', params: { size: 256 } }],
    output: { format: 'jpeg', quality: 80 },
  },
  edges: {
    name: 'Edges',
    description: 'Grayscale, Gaussian blur, Canny edges.',
    steps: [{ op: 'grayscale' }, { op: 'gaussian-blur', params: { sigma: 1.4 } }, { op: 'canny', params: { low: 50, high: 150 } }],
    output: { format: 'png' },
  },
  'pillow-tour': {
    name: 'Pillow filter tour',
    description: "A walk through Pillow's filter set, each at partial intensity.",
    steps: [
      { op: 'smooth-more' },
      { op: 'detail', params: { intensity: 0.8 } },
      { op: 'edge-enhance', params: { intensity: 0.6 } },
      { op: 'emboss', params: { intensity: 0.25 } },
      { op: 'contour', params: { intensity: 0.15 } },
    ],
  },
};
