/** Small shared pieces for catalogue entries. */
import { TesseraError } from '../errors';
import { MAX_REGIONS_TEXT, checkRegions } from '../regions';

export const same = (c: number): number => c;
export const noHalo = (): number => 0;
export const gaussRadius = (sigma: number): number => Math.ceil(3 * sigma);

/**
 * A text param holding marked regions as JSON (core/regions.ts: Hide regions' `regions`, the face
 * steps' `keep`), checked by the recipe validator with the region's JSON path.
 */
export function regionsParam(label: string, help: string) {
  return {
    type: 'text',
    label,
    default: '',
    maxLength: MAX_REGIONS_TEXT,
    valueName: 'JSON',
    help,
    check: checkRegionsParam,
  } as const;
}

/** The check of every regionsParam: one function, so `regionsParamOf` (index.ts) can tell them. */
export function checkRegionsParam(v: string, path: string): void {
  const wrong = checkRegions(v);
  if (wrong) throw new TesseraError('bad-param', `${path}: ${wrong}`, path);
}
