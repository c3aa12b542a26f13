/**
 * Classic computer-vision filters, and the OpenCV.js operations (engine 'opencv'; two of them,
 * equalize and clahe, sit in the 'tone' menu). OpenCV entries follow OpenCV's own numerics, not
 * the catalogue's half-to-even convention: each definition says what OpenCV does. Colour frames
 * are RGB (not OpenCV's BGR); every conversion below uses the RGB variant of the code.
 */
import { gaussRadius, same } from './helpers';
import { defineOp } from './types';

export const CV_OPS = [
  defineOp({
    name: 'gaussian-blur',
    label: 'Blur',
    description: 'An even, soft blur; a larger sigma blurs more.',
    aka: 'Gaussian blur',
    category: 'cv',
    params: { sigma: { type: 'number', label: 'Sigma', min: 0.1, max: 20, default: 2, step: 0.1, unit: 'px' } },
    engine: 'kernel',
    locality: 'local',
    halo: (p) => gaussRadius(p.sigma),
    outChannels: same,
    planeWise: true,
    definition:
      'Kernel radius r = ceil(3σ); weights exp(−x²/2σ²) for x = −r…r, normalised to sum 1 in float64 (summed from −r to r), then each rounded to float32: k_0 … k_r are the weights of x = −r … 0. Arithmetic in float32, every product and sum rounded to float32 (no fused multiply-add). Horizontal pass H = k_0·(p[x−r] + p[x+r]) + k_1·(p[x−r+1] + p[x+r−1]) + … + k_{r−1}·(p[x−1] + p[x+1]) + k_r·p[x], summed left to right; then the same sum down the columns of H (not rounded in between); result rounded half-to-even and clipped to 0–255. Reflect-101 borders. Differs from the float64 blur by at most 1, on under 0.001 % of the pixels of photographs.',
  }),
  defineOp({
    name: 'sobel',
    label: 'Edge map',
    description: 'A dark picture whose bright parts are where the brightness changes: the edges.',
    aka: 'Sobel gradient magnitude',
    category: 'cv',
    params: {},
    engine: 'kernel',
    locality: 'local',
    halo: () => 1,
    outChannels: same,
    planeWise: true,
    definition:
      'gx = [−1 0 1; −2 0 2; −1 0 1] ⋆ I, gy = its transpose; out = √(gx² + gy²) rounded (no ties are possible), clipped to 255. Radius 1, reflect-101 borders.',
  }),
  defineOp({
    name: 'median',
    label: 'Remove specks',
    description: 'Removes specks and speckled noise while keeping edges sharp.',
    aka: 'median filter (OpenCV medianBlur)',
    category: 'cv',
    params: { radius: { type: 'integer', label: 'Radius', min: 1, max: 10, default: 1, unit: 'px' } },
    engine: 'opencv',
    locality: 'local',
    halo: (p) => p.radius,
    outChannels: same,
    definition:
      'cv.medianBlur(src, dst, 2r+1) on the colour channels (each channel independently): the exact median of the (2r+1)² values, so no rounding. Borders replicate the edge pixel (OpenCV medianBlur always uses BORDER_REPLICATE, not reflect-101). Alpha passes through.',
  }),
  defineOp({
    name: 'bilateral',
    label: 'Smooth, keep edges',
    description: 'Smooths noise and skin while keeping edges sharp.',
    aka: 'bilateral filter (OpenCV bilateralFilter)',
    category: 'cv',
    params: {
      diameter: { type: 'integer', label: 'Diameter', min: 1, max: 25, default: 9, unit: 'px' },
      sigmaColor: { type: 'number', label: 'Sigma colour', min: 1, max: 200, default: 75, step: 1 },
      sigmaSpace: { type: 'number', label: 'Sigma space', min: 1, max: 200, default: 75, step: 1, unit: 'px' },
    },
    engine: 'opencv',
    locality: 'local',
    // OpenCV: radius = max(1, floor(d / 2)) — so diameter 1 and 2 still use radius 1.
    halo: (p) => bilateralRadius(p.diameter),
    outChannels: same,
    definition:
      'cv.bilateralFilter(src, dst, d, sigmaColor, sigmaSpace, BORDER_DEFAULT = reflect-101). Radius r = max(1, floor(d/2)); neighbours with √(dx²+dy²) ≤ r, weight exp(−(dx²+dy²)/2σs²) · exp(−Δ²/2σc²) where Δ is |ΔL| for gray and |ΔR|+|ΔG|+|ΔB| (L1) for colour; float32 sums, result rounded to nearest (cvRound). RGB is filtered together (3 channels), gray alone; alpha passes through.',
  }),
  defineOp({
    name: 'canny',
    label: 'Edge lines',
    description: 'Thin white lines along the edges of things, on black.',
    aka: 'Canny edge detector (OpenCV Canny)',
    category: 'cv',
    params: {
      low: {
        type: 'number',
        label: 'Low threshold',
        min: 0,
        max: 1000,
        default: 100,
        step: 1,
        help: 'Weak edges above this are kept when connected to a strong one.',
      },
      high: {
        type: 'number',
        label: 'High threshold',
        min: 0,
        max: 1000,
        default: 200,
        step: 1,
        help: 'Edges above this are always kept. If low > high the two are swapped.',
      },
    },
    engine: 'opencv',
    locality: 'global',
    halo: () => 0,
    outChannels: grayKeepAlpha,
    definition:
      "Colour → gray with cv.cvtColor(COLOR_RGB2GRAY): OpenCV's 14-bit fixed point Y = (4899·R + 9617·G + 1868·B + 8192) >> 14 (≈ 0.299/0.587/0.114, may differ by 1 from the 'grayscale' op). Then cv.Canny(gray, edges, low, high, apertureSize 3, L2gradient false): 3×3 Sobel with replicated borders, magnitude |gx| + |gy|, non-maximum suppression, hysteresis from pixels > high through 8-connected pixels > low, over the whole image (so never tiled). If low > high they are swapped (as OpenCV does). Output 0 or 255, one channel; gray+alpha or RGBA input gives gray+alpha with alpha unchanged.",
  }),
  defineOp({
    name: 'equalize',
    label: 'Auto contrast',
    description: 'Spreads the tones over the whole range from black to white (colour: the brightness only).',
    aka: 'histogram equalisation (OpenCV equalizeHist)',
    category: 'tone',
    params: {},
    engine: 'opencv',
    locality: 'global',
    halo: () => 0,
    outChannels: same,
    definition:
      "cv.equalizeHist: with h the 256-bin histogram, m the lowest occupied level and N the pixel count, lut[m] = 0 and lut[v] = round((Σ_{m<i≤v} h[i]) · 255 / (N − h[m])) with a float32 scale (cvRound, half to even); a one-level image stays as it is. Gray: applied directly. Colour: cv.cvtColor RGB→YCrCb (OpenCV's 8-bit fixed point BT.601: Y = 0.299R + 0.587G + 0.114B, Cr = 0.713(R − Y) + 128, Cb = 0.564(B − Y) + 128), equalise Y, YCrCb→RGB; the round trip alone can move a value by about 1. Alpha passes through and does not count.",
  }),
  defineOp({
    name: 'clahe',
    label: 'Local contrast',
    description: 'Brings out detail in shadows and highlights, area by area (colour: the brightness only).',
    aka: 'CLAHE, contrast-limited adaptive histogram equalisation (OpenCV)',
    category: 'tone',
    params: {
      clipLimit: {
        type: 'number',
        label: 'Clip limit',
        min: 0.1,
        max: 40,
        default: 2,
        step: 0.1,
        help: 'Higher allows more contrast (and noise).',
      },
      tiles: { type: 'integer', label: 'Tiles', min: 1, max: 32, default: 8, help: 'Grid of tiles per side.' },
    },
    engine: 'opencv',
    locality: 'global',
    halo: () => 0,
    outChannels: same,
    definition:
      "new cv.CLAHE(clipLimit, Size(tiles, tiles)).apply(src, dst). The image is padded on the right and bottom with reflect-101 to a multiple of the grid; each tile's 256-bin histogram is clipped at max(1, floor(clipLimit · tilePixels / 256)), the excess redistributed evenly, and its CDF scaled by 255/tilePixels gives the tile's table; each pixel bilinearly interpolates the tables of its four nearest tile centres (float32), rounded to nearest. Gray: applied directly; colour: to Y of YCrCb as in equalize; alpha passes through.",
  }),
];

/** OpenCV bilateralFilter's radius for a given diameter d > 0. */
export function bilateralRadius(d: number): number {
  return Math.max(1, Math.floor(d / 2));
}

function grayKeepAlpha(c: number): number {
  return c === 3 ? 1 : c === 4 ? 2 : c;
}
