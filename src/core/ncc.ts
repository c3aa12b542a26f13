/**
 * Zero-mean, unit-norm vectors for normalised cross-correlation (the face tracker's appearance
 * check and the object tracker's template match): the dot product of two such vectors is their NCC.
 */

/**
 * `v` minus its mean, scaled to unit norm; undefined for a flat patch (nothing to match): when
 * the sum of squared deviations is below `flat` × its length.
 */
export function normalised(v: Float32Array, flat: number): Float32Array | undefined {
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  if (ss < flat * v.length) return undefined;
  const k = 1 / Math.sqrt(ss);
  return v.map((x) => (x - mean) * k);
}
