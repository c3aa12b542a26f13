/** Small shared pieces for catalogue entries. */
export const same = (c: number): number => c;
export const noHalo = (): number => 0;
export const gaussRadius = (sigma: number): number => Math.ceil(3 * sigma);
