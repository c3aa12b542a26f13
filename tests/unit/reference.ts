/**
 * An independent, deliberately plain reference for the seed operations, written from the
 * definitions in the catalogue — not from the engine (nothing here imports src/engine). Clarity
 * over speed: planes are arrays of rows, every neighbour read goes through reflect101, and every
 * rounding decision is made in exact integer arithmetic where the definition allows it.
 */

export interface RefImage {
  width: number;
  height: number;
  channels: number;
  /** Tightly packed, interleaved, row-major. */
  data: Uint8Array;
}

export interface RefStep {
  op: string;
  params: Record<string, unknown>;
}

/** plane[y][x] */
type Plane = number[][];

// ---------------------------------------------------------------------------------------------
// Small exact helpers

/** Reflect-101 by walking: mirror at -1 and at n, repeatedly, until inside 0..n-1. */
export function reflect101(i: number, n: number): number {
  if (n === 1) return 0;
  while (i < 0 || i > n - 1) {
    if (i < 0) i = -i; // -1 -> 1, -2 -> 2 (the edge pixel is not repeated)
    if (i > n - 1) i = 2 * (n - 1) - i; // n -> n-2
  }
  return i;
}

/** round-half-even(num / den) for integers, den > 0, decided in integers only. */
export function divRoundHalfEven(num: number, den: number): number {
  const q = Math.floor(num / den);
  const rem = num - q * den; // 0 <= rem < den
  if (2 * rem < den) return q;
  if (2 * rem > den) return q + 1;
  return q % 2 === 0 ? q : q + 1;
}

/** round-half-even of a float64 (exact: x - floor(x) is representable for these magnitudes). */
export function roundHalfEvenFloat(x: number): number {
  const f = Math.floor(x);
  const frac = x - f;
  if (frac < 0.5) return f;
  if (frac > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

export function clip255(v: number): number {
  return Math.min(255, Math.max(0, v));
}

function hasAlpha(channels: number): boolean {
  return channels === 2 || channels === 4;
}

// ---------------------------------------------------------------------------------------------
// Plane plumbing: split an image into planes, apply a plane function to colour planes, rejoin.

function getPlane(img: RefImage, c: number): Plane {
  const rows: Plane = [];
  for (let y = 0; y < img.height; y++) {
    const row: number[] = [];
    for (let x = 0; x < img.width; x++) row.push(img.data[(y * img.width + x) * img.channels + c]);
    rows.push(row);
  }
  return rows;
}

/** Value at (x, y) with reflect-101 borders in both directions. */
function at(p: Plane, x: number, y: number): number {
  const h = p.length;
  const w = p[0].length;
  return p[reflect101(y, h)][reflect101(x, w)];
}

/** Generic 2D loop: out[y][x] = f(x, y). */
function build(width: number, height: number, f: (x: number, y: number) => number): Plane {
  const rows: Plane = [];
  for (let y = 0; y < height; y++) {
    const row: number[] = [];
    for (let x = 0; x < width; x++) row.push(f(x, y));
    rows.push(row);
  }
  return rows;
}

/** Applies `f` to every colour plane; an alpha plane is copied unchanged. */
function perColourPlane(img: RefImage, f: (p: Plane) => Plane): RefImage {
  const { width, height, channels } = img;
  const colours = hasAlpha(channels) ? channels - 1 : channels;
  const out = new Uint8Array(width * height * channels);
  for (let c = 0; c < channels; c++) {
    const src = getPlane(img, c);
    const res = c < colours ? f(src) : src;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[(y * width + x) * channels + c] = res[y][x];
  }
  return { width, height, channels, data: out };
}

// ---------------------------------------------------------------------------------------------
// The five seed operations

export function refGrayscale(img: RefImage): RefImage {
  const { width, height, channels } = img;
  if (channels < 3) return { width, height, channels, data: img.data.slice() };
  const outCh = channels === 4 ? 2 : 1;
  const out = new Uint8Array(width * height * outCh);
  for (let i = 0; i < width * height; i++) {
    const r = img.data[i * channels];
    const g = img.data[i * channels + 1];
    const b = img.data[i * channels + 2];
    out[i * outCh] = divRoundHalfEven(299 * r + 587 * g + 114 * b, 1000);
    if (channels === 4) out[i * outCh + 1] = img.data[i * channels + 3];
  }
  return { width, height, channels: outCh, data: out };
}

export function refGaussianWeights(sigma: number): number[] {
  const r = Math.ceil(3 * sigma);
  const w: number[] = [];
  for (let x = -r; x <= r; x++) w.push(Math.exp(-(x * x) / (2 * sigma * sigma)));
  let sum = 0;
  for (const v of w) sum += v; // in order, from -r to r
  return w.map((v) => v / sum);
}

/** The definition's float32 weights k_0 … k_r: the float64 weights for x = −r … 0, each rounded to f32. */
export function refGaussianWeightsF32(sigma: number): number[] {
  const w = refGaussianWeights(sigma);
  return w.slice(0, (w.length + 1) / 2).map(Math.fround);
}

/**
 * One symmetric float32 sum of the definition, for a sample function v(d), d = −r … r:
 * k_0·(v(−r) + v(r)) + k_1·(v(−r+1) + v(r−1)) + … + k_{r−1}·(v(−1) + v(1)) + k_r·v(0),
 * left to right, every sum and product rounded to float32 (Math.fround).
 */
function symmetricSumF32(k: number[], v: (d: number) => number): number {
  const f = Math.fround;
  const r = k.length - 1;
  let acc = 0;
  for (let j = 0; j < r; j++) {
    const term = f(k[j] * f(v(j - r) + v(r - j)));
    acc = j === 0 ? term : f(acc + term);
  }
  const centre = f(k[r] * v(0));
  return r === 0 ? centre : f(acc + centre);
}

export function refGaussianBlur(img: RefImage, sigma: number): RefImage {
  const k = refGaussianWeightsF32(sigma);
  return perColourPlane(img, (p) => {
    const w = p[0].length;
    const h = p.length;
    const horizontal = build(w, h, (x, y) => symmetricSumF32(k, (d) => at(p, x + d, y)));
    return build(w, h, (x, y) => clip255(roundHalfEvenFloat(symmetricSumF32(k, (d) => at(horizontal, x, y + d)))));
  });
}

const SOBEL_X = [
  [-1, 0, 1],
  [-2, 0, 2],
  [-1, 0, 1],
];
const SOBEL_Y = [
  [-1, -2, -1],
  [0, 0, 0],
  [1, 2, 1],
];

/** Correlation of a 3×3 integer kernel at (x, y). */
function correlate3(p: Plane, k: number[][], x: number, y: number): number {
  let s = 0;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += k[dy + 1][dx + 1] * at(p, x + dx, y + dy);
  return s;
}

export function refSobel(img: RefImage): RefImage {
  return perColourPlane(img, (p) =>
    build(p[0].length, p.length, (x, y) => {
      const gx = correlate3(p, SOBEL_X, x, y);
      const gy = correlate3(p, SOBEL_Y, x, y);
      return clip255(roundHalfEvenFloat(Math.sqrt(gx * gx + gy * gy)));
    }),
  );
}

/** The exact numerator of sharpen at (x, y): 32·centre − 2·Σ(8 neighbours); the result is this / 16. */
export function sharpenNumerator(p: Plane, x: number, y: number): number {
  let neighbours = 0;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (dx !== 0 || dy !== 0) neighbours += at(p, x + dx, y + dy);
  return 32 * at(p, x, y) - 2 * neighbours;
}

export function refSharpen(img: RefImage): RefImage {
  return perColourPlane(img, (p) => build(p[0].length, p.length, (x, y) => clip255(divRoundHalfEven(sharpenNumerator(p, x, y), 16))));
}

export function refBrightness(img: RefImage, factor: number): RefImage {
  return perColourPlane(img, (p) => build(p[0].length, p.length, (x, y) => clip255(roundHalfEvenFloat(p[y][x] * factor))));
}

// ---------------------------------------------------------------------------------------------

export function refStep(img: RefImage, step: RefStep): RefImage {
  switch (step.op) {
    case 'grayscale':
      return refGrayscale(img);
    case 'gaussian-blur':
      return refGaussianBlur(img, step.params.sigma as number);
    case 'sobel':
      return refSobel(img);
    case 'sharpen':
      return refSharpen(img);
    case 'brightness':
      return refBrightness(img, step.params.factor as number);
    default:
      throw new Error(`reference has no operation "${step.op}"`);
  }
}

export function refChain(img: RefImage, steps: readonly RefStep[]): RefImage {
  return steps.reduce(refStep, img);
}

/** A plane of one channel of an image, for tests that inspect neighbourhoods. */
export function planeOf(img: RefImage, c: number): number[][] {
  return getPlane(img, c);
}
