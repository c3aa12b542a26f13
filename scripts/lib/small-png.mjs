// Docs screenshots as small PNGs: an 8-bit palette (libimagequant through wasm-vips, as the app's
// own PNG palette option), so the committed pictures stay a few hundred KB.
import { writeFileSync } from 'node:fs';
import Vips from 'wasm-vips';

/** @type {Awaited<ReturnType<typeof Vips>> | undefined} */
let vips;

/**
 * Writes a screenshot (PNG bytes) to `path` palettised.
 * @param {Uint8Array} png
 * @param {string} path
 */
export async function writeSmallPng(png, path) {
  vips ??= await Vips();
  const im = vips.Image.newFromBuffer(png);
  try {
    writeFileSync(path, im.pngsaveBuffer({ palette: true, Q: 85, effort: 7, compression: 9 }));
  } finally {
    im.delete();
  }
}
