/**
 * Reading an ICC profile's header and description, to tell an sRGB profile (leave the pixels
 * as they are) from another RGB space (Adobe RGB, Display P3, ProPhoto…: converted to sRGB by
 * default, output `colour: 'srgb'`). Profiles are compared by what they say they are: vendors'
 * sRGB profiles differ byte for byte (HP's "sRGB IEC61966-2.1", lcms' "sRGB built-in",
 * Apple's "sRGB IEC61966-2.1"), and converting sRGB to sRGB would only cost time and rounding.
 */

/** The profile's colour space signature ("RGB ", "GRAY", "CMYK"…), or '' when it is too short. */
export function iccColourSpace(icc: Uint8Array): string {
  return icc.length >= 20 ? String.fromCharCode(...icc.subarray(16, 20)) : '';
}

/** The profile's description (its 'desc' tag, v2 text or v4 multi-language), or '' when none. */
export function iccDescription(icc: Uint8Array): string {
  if (icc.length < 132) return '';
  const dv = new DataView(icc.buffer, icc.byteOffset, icc.byteLength);
  const count = dv.getUint32(128);
  for (let i = 0; i < count && 132 + i * 12 + 12 <= icc.length; i++) {
    const at = 132 + i * 12;
    if (String.fromCharCode(...icc.subarray(at, at + 4)) !== 'desc') continue;
    const offset = dv.getUint32(at + 4);
    const size = dv.getUint32(at + 8);
    if (offset + Math.min(size, 12) > icc.length || size < 12) return '';
    const type = String.fromCharCode(...icc.subarray(offset, offset + 4));
    if (type === 'desc') {
      const n = dv.getUint32(offset + 8);
      const bytes = icc.subarray(offset + 12, Math.min(offset + 12 + n, icc.length));
      return String.fromCharCode(...bytes).replace(/\0+$/, '');
    }
    if (type === 'mluc') {
      const records = dv.getUint32(offset + 8);
      if (records < 1 || offset + 28 > icc.length) return '';
      // The first record (usually en-US) is the name.
      const len = dv.getUint32(offset + 20);
      const start = offset + dv.getUint32(offset + 24);
      let s = '';
      for (let p = start; p + 1 < Math.min(start + len, icc.length); p += 2) s += String.fromCharCode(dv.getUint16(p));
      return s.replace(/\0+$/, '');
    }
    return '';
  }
  return '';
}

/** Whether an RGB profile is an sRGB profile, by its description. */
export function isSrgbProfile(icc: Uint8Array): boolean {
  return /\bsRGB\b|IEC ?61966-2[.-]1/i.test(iccDescription(icc));
}

/**
 * Whether an image with this embedded profile is converted to sRGB (output colour 'srgb'): an
 * RGB profile that is not sRGB. Gray and CMYK profiles are left to the decoder's own handling.
 */
export function needsSrgbConversion(icc: Uint8Array | undefined): boolean {
  return !!icc && iccColourSpace(icc) === 'RGB ' && !isSrgbProfile(icc);
}
