/**
 * The watermark ops' engine functions (catalogue: core/catalogue/watermark.ts). Both place their
 * mark in the whole image (ctx.placement: a tile or strip draws only its part of it, the same
 * pixels as untiled), and both copy their input rather than draw into it: the input may be a
 * frame the caller keeps (the preview's decoded photo).
 *
 * - Text: the browser draws the text once per worker and style (cached coverage), Tessera blends
 *   it (core/watermark.ts blendCoverage: straight alpha, 1–4 channels).
 * - Logo: libvips scales the logo once per worker and width (cached raw pixels), and composites
 *   each frame's part of it with composite2 'over'; every vips image is freed through a Scope.
 */
import type { OpParams } from '../../core/catalogue';
import { TesseraError } from '../../core/errors';
import { blit, view, type Frame } from '../../core/frame';
import { withScope } from '../../core/scope';
import {
  blendCoverage,
  grayOf,
  intersect,
  logoWidthPx,
  marginPx,
  parseHex,
  placeBox,
  round8,
  spanColumns,
  textCell,
  textSizePx,
  wholeOf,
} from '../../core/watermark';
import { frameToImage, imageToFrame } from '../codec';
import { getAsset } from '../assets';
import { loadVips } from '../vips';
import { textRasteriser, type TextStyle } from '../text-raster';
import type { OpContext } from './context';

/** A copy of `src` in the step's scratch memory, to draw on. */
function copyOf(src: Frame, ctx: OpContext): Frame {
  const dst = ctx.alloc(src.width, src.height, src.channels);
  blit(src, 0, 0, src.width, src.height, dst, 0, 0);
  return dst;
}

/** Last few drawings by key: tiles of one image, and the frames of a batch, share them. */
const coverages: { key: string; cov: Uint8Array }[] = [];
function cached(key: string, make: () => Uint8Array): Uint8Array {
  const hit = coverages.find((c) => c.key === key);
  if (hit) return hit.cov;
  const cov = make();
  coverages.unshift({ key, cov });
  coverages.length = Math.min(coverages.length, 4);
  return cov;
}

const mod = (v: number, m: number) => ((v % m) + m) % m;

export function watermarkText(src: Frame, p: OpParams<'watermark-text'>, ctx: OpContext): Frame {
  const dst = copyOf(src, ctx);
  if (!p.text.trim() || p.opacity === 0) return dst;
  const whole = wholeOf(src, ctx.placement);
  const style: TextStyle = { text: p.text, font: p.font, bold: p.bold, sizePx: textSizePx(whole.width, whole.height, p.size) };
  const r = textRasteriser();
  const m = r.measure(style);
  const rgb = parseHex(p.color);
  const frameRect = { x: whole.x, y: whole.y, width: src.width, height: src.height };
  if (!p.tiled) {
    const pad = Math.round(style.sizePx * 0.1);
    const bw = Math.max(1, Math.ceil(m.width) + 2 * pad),
      bh = Math.max(1, Math.ceil(m.ascent + m.descent) + 2 * pad);
    const at = placeBox(whole.width, whole.height, bw, bh, p.position, marginPx(whole.width, whole.height, p.margin));
    const hit = intersect(frameRect, { x: at.x, y: at.y, width: bw, height: bh });
    if (!hit) return dst;
    const cov = cached(JSON.stringify([style, bw, bh]), () => r.draw(style, bw, bh, [{ x: bw / 2, y: bh / 2 }], 0));
    const ox = hit.x - at.x,
      oy = hit.y - at.y;
    blendCoverage(
      dst,
      { x: hit.x - whole.x, y: hit.y - whole.y, width: hit.width, height: hit.height },
      cov,
      (j) => (oy + j) * bw,
      spanColumns(ox, hit.width),
      rgb,
      p.opacity,
    );
    return dst;
  }
  const cell = textCell(m.width, m.ascent + m.descent, p.angle, whole.width, whole.height);
  const cov = cached(JSON.stringify([style, cell, p.angle]), () => r.draw(style, cell.width, cell.height, cell.centres, p.angle));
  // Cell coordinates of the frame's first column and row, then stepped along without a division.
  const cx0 = mod(whole.x - cell.originX, cell.width),
    cy0 = mod(whole.y - cell.originY, cell.height);
  const cols = new Int32Array(src.width);
  for (let i = 0, c = cx0; i < src.width; i++, c = c + 1 === cell.width ? 0 : c + 1) cols[i] = c;
  blendCoverage(
    dst,
    { x: 0, y: 0, width: src.width, height: src.height },
    cov,
    (j) => ((cy0 + j) % cell.height) * cell.width,
    cols,
    rgb,
    p.opacity,
  );
  return dst;
}

/** A logo scaled for one output: straight-alpha pixels, RGBA (or gray+alpha), opacity applied. */
interface Logo {
  width: number;
  height: number;
  channels: 2 | 4;
  data: Uint8Array;
}

const logos: { key: string; bytes: Uint8Array; logo: Logo }[] = [];

async function scaledLogo(name: string, width: number, gray: boolean, opacity: number): Promise<Logo> {
  const key = JSON.stringify([name, width, gray, opacity]);
  const bytes = getAsset(name);
  if (!bytes)
    throw new TesseraError(
      'bad-param',
      `Logo watermark: the logo "${name}" was not loaded (pick the file again in the studio; in a recipe file, give its path relative to the recipe)`,
    );
  // The same file (a newer one of the same name is another array).
  const hit = logos.find((l) => l.key === key && l.bytes === bytes);
  if (hit) return hit.logo;
  const { vips } = await loadVips();
  const rgba = withScope(({ track: keep }) => {
    let im = keep(
      (() => {
        try {
          // The width governs (a huge height bound); thumbnail premultiplies alpha while it scales.
          return vips.Image.thumbnailBuffer(bytes, width, { height: 10_000_000 });
        } catch {
          throw new TesseraError('bad-input', `Logo watermark: "${name}" is not an image libvips can read`);
        }
      })(),
    );
    im = keep(im.colourspace('srgb'));
    if (im.bands === 3) im = keep(im.bandjoin([255]));
    if (im.format !== 'uchar') im = keep(im.cast('uchar'));
    if (im.bands !== 4) throw new TesseraError('bad-input', `Logo watermark: "${name}" has ${im.bands} bands, expected RGB(A)`);
    return { width: im.width, height: im.height, data: new Uint8Array(im.writeToMemory()) };
  });
  const n = rgba.width * rgba.height;
  const ch = gray ? 2 : 4;
  const data = new Uint8Array(n * ch);
  for (let i = 0; i < n; i++) {
    const s = i * 4;
    if (gray) {
      data[i * 2] = grayOf(rgba.data[s], rgba.data[s + 1], rgba.data[s + 2]);
    } else {
      data[s] = rgba.data[s];
      data[s + 1] = rgba.data[s + 1];
      data[s + 2] = rgba.data[s + 2];
    }
    data[i * ch + ch - 1] = round8(rgba.data[s + 3] * opacity);
  }
  const logo: Logo = { width: rgba.width, height: rgba.height, channels: ch, data };
  logos.unshift({ key, bytes, logo });
  logos.length = Math.min(logos.length, 2);
  return logo;
}

export async function watermarkImage(src: Frame, p: OpParams<'watermark-image'>, ctx: OpContext): Promise<Frame> {
  // No logo chosen yet (a step just added in the studio): the picture is unchanged.
  if (!p.logo || p.opacity === 0) return copyOf(src, ctx);
  const whole = wholeOf(src, ctx.placement);
  const logo = await scaledLogo(p.logo, logoWidthPx(whole.width, p.width), src.channels <= 2, p.opacity);
  const at = placeBox(whole.width, whole.height, logo.width, logo.height, p.position, marginPx(whole.width, whole.height, p.margin));
  const hit = intersect(
    { x: whole.x, y: whole.y, width: src.width, height: src.height },
    { x: at.x, y: at.y, width: logo.width, height: logo.height },
  );
  if (!hit) return copyOf(src, ctx);
  // The part of the logo over this frame, packed.
  const part = new Uint8Array(hit.width * hit.height * logo.channels);
  for (let j = 0; j < hit.height; j++) {
    const s = ((hit.y - at.y + j) * logo.width + (hit.x - at.x)) * logo.channels;
    part.set(logo.data.subarray(s, s + hit.width * logo.channels), j * hit.width * logo.channels);
  }
  const { vips } = await loadVips();
  const space = src.channels <= 2 ? 'b-w' : 'srgb';
  // Only the logo's rectangle of the frame goes through libvips: composite recomputes every pixel
  // of its base (premultiplied, in float), which would alter transparent pixels far from the logo
  // and make a tile without the logo differ from the same place untiled.
  const fx = hit.x - whole.x,
    fy = hit.y - whole.y;
  const under = view(src, fx, fy, hit.width, hit.height);
  const out = withScope(({ track: keep }) => {
    const base = keep(frameToImage(vips, under));
    const raw = keep(vips.Image.newFromMemory(part, hit.width, hit.height, logo.channels, vips.BandFormat.uchar));
    const overlay = keep(raw.copy({ interpretation: space }));
    let im = keep(base.composite2(overlay, 'over', { compositing_space: space, premultiplied: false }));
    // composite gives the base an alpha band it did not have: drop it again.
    if (im.bands > src.channels) im = keep(im.extractBand(0, { n: src.channels }));
    if (im.format !== 'uchar') im = keep(keep(im.rint()).cast('uchar'));
    return imageToFrame(im);
  });
  const dst = copyOf(src, ctx);
  blit(out, 0, 0, out.width, out.height, dst, fx, fy);
  return dst;
}
