/** Round half to even (IEEE default, NumPy's rint): Math.round alone would bias ties upwards. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

export function clip8(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** round-half-even(n / d) for integers n and positive integer d, without floating point. */
export function divRoundHalfEven(n: number, d: number): number {
  const q = Math.floor(n / d);
  const r = n - q * d;
  const twice = 2 * r;
  return twice > d || (twice === d && (q & 1) !== 0) ? q + 1 : q;
}
