/** Telling sRGB profiles from other RGB spaces, on real profiles (Debian's colord-data and lcms' built-ins). */
import { beforeAll, expect, test } from 'vitest';
import { iccColourSpace, iccDescription, isSrgbProfile, needsSrgbConversion } from '../../src/core/icc';
import { loadVips, type Vips } from '../../src/engine/vips';
import { colordProfile } from './helpers';

let vips: Vips;
beforeAll(async () => {
  ({ vips } = await loadVips());
});

function builtin(name: 'srgb' | 'p3' | 'cmyk'): Uint8Array {
  const im = vips.Image.black(2, 2, { bands: 3 }).copy({ interpretation: 'srgb' });
  const t = im.iccTransform(name);
  try {
    return t.getBlob('icc-profile-data').slice();
  } finally {
    t.delete();
    im.delete();
  }
}

test('descriptions, v2 and v4', () => {
  expect(iccDescription(colordProfile('AdobeRGB1998.icc'))).toMatch(/Adobe RGB/i);
  expect(iccDescription(colordProfile('sRGB.icc'))).toMatch(/sRGB/);
  expect(iccDescription(builtin('srgb'))).toMatch(/sRGB/);
  expect(iccDescription(builtin('p3'))).toMatch(/P3/);
  expect(iccDescription(new Uint8Array(10))).toBe('');
});

test('what is converted: RGB profiles other than sRGB', () => {
  expect(needsSrgbConversion(colordProfile('AdobeRGB1998.icc'))).toBe(true);
  expect(needsSrgbConversion(colordProfile('ProPhotoRGB.icc'))).toBe(true);
  expect(needsSrgbConversion(builtin('p3'))).toBe(true);
  expect(needsSrgbConversion(colordProfile('sRGB.icc'))).toBe(false);
  expect(needsSrgbConversion(builtin('srgb'))).toBe(false);
  expect(iccColourSpace(builtin('cmyk'))).toBe('CMYK');
  expect(needsSrgbConversion(builtin('cmyk'))).toBe(false);
  expect(needsSrgbConversion(undefined)).toBe(false);
  expect(isSrgbProfile(colordProfile('sRGB.icc'))).toBe(true);
});
