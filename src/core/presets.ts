/**
 * The recipe presets offered in the studio's menu and by name to `npm run batch -- --recipe`.
 * Each carries a plain-language name and a one-line description for people choosing one; what a
 * step computes exactly lives in the operation catalogue's definitions.
 */
import { canonicalJson } from './hash';
import { validateRecipe, type Recipe } from './recipe';

/**
 * The seed pipeline, exactly as specified: five steps, σ = 2, factor 1.2. It turns photos into
 * gray edge maps: the reference Tessera's kernels and benchmarks are measured with, and the
 * default of the batch command — not what a person's first run in the studio should do
 * ({@link DEFAULT_PRESET} is).
 */
export const SEED_RECIPE: Recipe = {
  name: 'Edge map (reference pipeline)',
  description: 'A gray map of the edges, made by the five fixed steps Tessera is measured with: gray, blur, edges, sharpen, brighten.',
  steps: [
    { op: 'grayscale' },
    { op: 'gaussian-blur', params: { sigma: 2 } },
    { op: 'sobel' },
    { op: 'sharpen' },
    { op: 'brightness', params: { factor: 1.2 } },
  ],
};

/** Presets by key, in the order the studio's menu lists them (the studio's default first). */
export const PRESETS: Readonly<Record<string, Recipe>> = {
  'web-export': {
    name: 'Web export',
    description:
      'Photos for a website or e-mail: upright, at most 2048 px on the long side, lightly sharpened, small WebP files without camera data.',
    steps: [
      { op: 'auto-orient' },
      { op: 'resize', params: { mode: 'fit', width: 2048, height: 2048 } },
      { op: 'unsharp-mask', params: { sigma: 0.8, amount: 0.5 } },
    ],
    output: { format: 'webp', quality: 82, metadata: 'strip' },
  },
  'web-watermark': {
    name: 'Web export with watermark',
    description:
      'Web export, with your name in the bottom-right corner at the same size on every photo (change the text in the last step).',
    steps: [
      { op: 'auto-orient' },
      { op: 'resize', params: { mode: 'fit', width: 2048, height: 2048 } },
      { op: 'unsharp-mask', params: { sigma: 0.8, amount: 0.5 } },
      { op: 'watermark-text', params: { text: '© Your name', size: 3.5, opacity: 0.7, position: 'bottom-right', margin: 2 } },
    ],
    output: { format: 'webp', quality: 82, metadata: 'strip' },
  },
  thumbnails: {
    name: 'Thumbnails',
    description: 'Small previews that fit inside 256 × 256 px, as JPEG (fast even on big photos).',
    steps: [{ op: 'auto-orient' }, { op: 'thumbnail', params: { size: 256 } }],
    output: { format: 'jpeg', quality: 80 },
  },
  edges: {
    name: 'Line drawing',
    description: 'Thin white outlines of what is in the picture, on black.',
    steps: [{ op: 'grayscale' }, { op: 'gaussian-blur', params: { sigma: 1.4 } }, { op: 'canny', params: { low: 50, high: 150 } }],
    output: { format: 'png' },
  },
  'pillow-tour': {
    name: 'Filter sampler',
    description: 'A stylised look from five classic filters at partial strength: smooth, detail, crisper edges, emboss, outline.',
    steps: [
      { op: 'smooth-more' },
      { op: 'detail', params: { intensity: 0.8 } },
      { op: 'edge-enhance', params: { intensity: 0.6 } },
      { op: 'emboss', params: { intensity: 0.25 } },
      { op: 'contour', params: { intensity: 0.15 } },
    ],
  },
  seed: SEED_RECIPE,
};

/** The preset a first visit to the studio starts with: what most people bring photos for. */
export const DEFAULT_PRESET = 'web-export';

/** A recipe's steps as compared: validated (every parameter present), disabled steps included. */
export function stepsKey(r: Recipe): string {
  return canonicalJson(validateRecipe({ name: 'x', steps: r.steps }).steps);
}

const PRESET_KEYS = new Map(Object.entries(PRESETS).map(([k, p]) => [stepsKey(p), k]));

/**
 * The key of the preset whose steps the recipe has — the same operations in the same order with
 * the same parameters (omitted ones counting as their defaults), the same steps switched off —
 * whatever its name, description or output options (those are the output panel's, edited on their
 * own). Undefined for any other recipe, or one that does not validate.
 */
export function matchingPreset(recipe: Recipe): string | undefined {
  try {
    return PRESET_KEYS.get(stepsKey(recipe));
  } catch {
    return undefined;
  }
}

const EDITED = ' (edited)';

/**
 * The recipe as it should read after its steps were edited. One still named after a preset ("Web
 * export", or "Web export (edited)") is renamed "Web export (edited)" once its steps are no longer
 * that preset's, losing the preset's description, and gets both back when its steps are the
 * preset's again — so neither the name nor the description claims a preset the recipe has left.
 * A name of the person's own, and a description of their own, are kept.
 */
export function afterStepEdit(recipe: Recipe): Recipe {
  const base = recipe.name.endsWith(EDITED) ? recipe.name.slice(0, -EDITED.length) : recipe.name;
  const preset = Object.values(PRESETS).find((p) => p.name === base);
  if (!preset) return recipe;
  const now = matchingPreset(recipe);
  if (now !== undefined && PRESETS[now] === preset)
    return { ...recipe, name: base, ...(preset.description ? { description: preset.description } : {}) };
  const { description, ...rest } = recipe;
  return { ...rest, name: base + EDITED, ...(description !== undefined && description !== preset.description ? { description } : {}) };
}
