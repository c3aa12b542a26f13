/**
 * Where a frame's pixels came from in the input image, for results reported in input pixels
 * (detect-faces after a resize, crop, rotation, orientation…).
 *
 * Coordinates are continuous: pixel (i, j) covers [i, i + 1) × [j, j + 1), so an image's extent
 * maps to the other image's extent exactly and a box's edges map like points. Each geometry step
 * records the affine map from its output's coordinates to its input's; runSteps composes them, so
 * `toInput` maps the current frame to the input of the whole chain.
 */

/** x = a·x' + b·y' + c, y = d·x' + e·y' + f: from (x', y') to (x, y). */
export type Affine = readonly [number, number, number, number, number, number];

export const IDENTITY: Affine = [1, 0, 0, 0, 1, 0];

/** The current frame in terms of the input of the chain. */
export interface Geometry {
  /** Current frame coordinates → input coordinates. */
  toInput: Affine;
  inputWidth: number;
  inputHeight: number;
}

/** `outer ∘ inner`: apply `inner` first. */
export function compose(outer: Affine, inner: Affine): Affine {
  const [a, b, c, d, e, f] = outer;
  const [A, B, C, D, E, F] = inner;
  return [a * A + b * D, a * B + b * E, a * C + b * F + c, d * A + e * D, d * B + e * E, d * C + e * F + f];
}

export function invert(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (det === 0) throw new Error('a geometry map that collapses the image cannot be inverted');
  const A = e / det,
    B = -b / det,
    D = -d / det,
    E = a / det;
  return [A, B, -(A * c + B * f), D, E, -(D * c + E * f)];
}

export function apply(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

export function isIdentity(m: Affine, eps = 1e-9): boolean {
  return m.every((v, i) => Math.abs(v - IDENTITY[i]) <= eps);
}

/** The step's map folded into the chain's: `g` may be undefined (the frame so far is the input, `w`×`h`). */
export function follow(g: Geometry | undefined, w: number, h: number, outToIn: Affine): Geometry {
  return g ? { ...g, toInput: compose(g.toInput, outToIn) } : { toInput: outToIn, inputWidth: w, inputHeight: h };
}

// ---------------------------------------------------------------------------------------------
// Maps of the geometry steps, each from the step's output to its input.

export const scaleMap = (sx: number, sy: number): Affine => [1 / sx, 0, 0, 0, 1 / sy, 0];

export const offsetMap = (x: number, y: number): Affine => [1, 0, x, 0, 1, y];

/** Mirror of a w×h image. */
export function flipMap(direction: 'horizontal' | 'vertical' | 'both', w: number, h: number): Affine {
  const fx = direction !== 'vertical',
    fy = direction !== 'horizontal';
  return [fx ? -1 : 1, 0, fx ? w : 0, 0, fy ? -1 : 1, fy ? h : 0];
}

/**
 * A clockwise turn by `deg` (y down) of a w×h image about its centre onto an outW×outH canvas
 * with the same centre (vips rot for quarter turns, which this matches exactly, and vips rotate).
 */
export function rotationMap(deg: number, w: number, h: number, outW: number, outH: number): Affine {
  const r = (deg * Math.PI) / 180;
  // Exact zeros and ones for quarter turns, so boxes stay whole pixels.
  const q = (v: number) => (Math.abs(v) < 1e-12 ? 0 : Math.abs(Math.abs(v) - 1) < 1e-12 ? Math.sign(v) : v);
  const c = q(Math.cos(r)),
    s = q(Math.sin(r));
  // input = R(−θ)·(out − outCentre) + inCentre, R(−θ) = [c s; −s c].
  return [c, s, w / 2 - c * (outW / 2) - s * (outH / 2), -s, c, h / 2 + s * (outW / 2) - c * (outH / 2)];
}

/**
 * EXIF orientation o (1–8) of a file whose stored pixels are w×h: the upright frame's coordinates
 * → the stored pixels' (see the auto-orient definition for the 8 cases).
 */
export function orientationMap(o: number, w: number, h: number): Affine {
  switch (o) {
    case 2:
      return [-1, 0, w, 0, 1, 0];
    case 3:
      return [-1, 0, w, 0, -1, h];
    case 4:
      return [1, 0, 0, 0, -1, h];
    case 5:
      return [0, 1, 0, 1, 0, 0];
    case 6:
      return [0, 1, 0, -1, 0, h];
    case 7:
      return [0, -1, w, -1, 0, h];
    case 8:
      return [0, -1, w, 1, 0, 0];
    default:
      return IDENTITY;
  }
}

// ---------------------------------------------------------------------------------------------

export type Box = [number, number, number, number];

/**
 * The box [x, y, w, h] mapped through `m`: the bounding box of its four mapped corners, clipped
 * to `clipW`×`clipH`. 'nearest' rounds each edge to the nearest pixel (reports); 'outward' floors
 * the start and ceils the end, so the box covers at least the mapped area (redaction).
 */
export function mapBox(m: Affine, box: readonly number[], clipW: number, clipH: number, rounding: 'nearest' | 'outward' = 'nearest'): Box {
  const [x, y, w, h] = box;
  const pts = [apply(m, x, y), apply(m, x + w, y), apply(m, x, y + h), apply(m, x + w, y + h)];
  const xs = pts.map((p) => p[0]),
    ys = pts.map((p) => p[1]);
  // Rounding first absorbs float noise (1e-12) that would otherwise floor/ceil a pixel too far.
  const tidy = (v: number) => Math.round(v * 1e6) / 1e6;
  const lo = rounding === 'outward' ? Math.floor : Math.round;
  const hi = rounding === 'outward' ? Math.ceil : Math.round;
  const x0 = Math.max(0, lo(tidy(Math.min(...xs)))),
    y0 = Math.max(0, lo(tidy(Math.min(...ys))));
  const x1 = Math.min(clipW, hi(tidy(Math.max(...xs)))),
    y1 = Math.min(clipH, hi(tidy(Math.max(...ys))));
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
}

/** A point mapped through `m`, rounded to 0.1 px. */
export function mapPoint(m: Affine, p: readonly number[]): [number, number] {
  const [x, y] = apply(m, p[0], p[1]);
  return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
}
