/**
 * The 'vips' engine: geometry through wasm-vips (loaded once per thread, cache off). Each op
 * copies the frame into a vips image (any stride), runs vips, and copies the result out into a
 * fresh frame; every vips image (and interpolator) is tracked in the op's Scope and deleted when
 * it ends. Definitions of the numbers are in core/catalogue/transforms.ts.
 */
import type { OpParams } from '../../core/catalogue';
import { withScope, type Freeable } from '../../core/scope';
import { TesseraError, formatInt } from '../../core/errors';
import { blit, createFrame, type Frame } from '../../core/frame';
import { compose, flipMap, type Affine, offsetMap, orientationMap, rotationMap, scaleMap } from '../../core/geometry';
import { aspectWindow, resizeGeometry, thumbnailAsResize, type ResizeGeometry } from '../../core/output-geometry';
import { backgroundFor, frameToImage, imageToFrame } from '../codec';
import { loadVips, type Vips, type VipsImage } from '../vips';
import { moved, type EngineTable, type OpContext } from './context';
import { watermarkImage } from './watermark';

async function getVips(): Promise<Vips> {
  return (await loadVips()).vips;
}

type Keep = <I extends Freeable>(im: I) => I;

/** Runs `fn` on the frame as a vips image; everything registered with `keep` is deleted after. */
async function withImage(src: Frame, fn: (im: VipsImage, keep: Keep, vips: Vips) => VipsImage): Promise<Frame> {
  const vips = await getVips();
  return withScope(({ track: keep }) => {
    let out = fn(keep(frameToImage(vips, src)), keep, vips);
    if (out.format !== 'uchar') out = keep(keep(out.rint()).cast('uchar'));
    return imageToFrame(out);
  });
}

const hasAlpha = (f: Frame): boolean => f.channels === 2 || f.channels === 4;

/**
 * Applies a resampling `op` with alpha handled properly: premultiplied in float, then
 * unpremultiplied and rounded. Without alpha the op runs on the 8-bit image directly.
 */
function resampling(im: VipsImage, keep: Keep, alpha: boolean, op: (im: VipsImage) => VipsImage): VipsImage {
  if (!alpha) return keep(op(im));
  const pre = keep(im.premultiply());
  const done = keep(op(pre));
  return keep(keep(keep(done.unpremultiply()).rint()).cast('uchar'));
}

// ---------------------------------------------------------------------------------------------
// resize / thumbnail (sizes: core/output-geometry.ts)

async function resize(src: Frame, p: OpParams<'resize'>, ctx: OpContext): Promise<Frame> {
  const g = resizeGeometry(src.width, src.height, p);
  const scale = scaleMap(g.width / src.width, g.height / src.height);
  let scaled: Frame = src;
  if (g.width !== src.width || g.height !== src.height) {
    const kernel = p.kernel;
    scaled = await withImage(src, (im, keep) =>
      resampling(im, keep, hasAlpha(src) && kernel !== 'nearest', (x) =>
        x.resize(g.width / src.width, { vscale: g.height / src.height, kernel }),
      ),
    );
    if (scaled.width !== g.width || scaled.height !== g.height) {
      throw new Error(`resize produced ${scaled.width}×${scaled.height}, expected ${g.width}×${g.height}`);
    }
  }
  if (g.pad) return padded(src, scaled, scale, g.pad, p.background, ctx);
  if (!g.crop || (g.crop.width === scaled.width && g.crop.height === scaled.height)) {
    if (scaled !== src) moved(ctx, src, scale);
    return scaled;
  }
  moved(ctx, src, compose(scale, offsetMap(g.crop.x, g.crop.y)));
  const out = createFrame(g.crop.width, g.crop.height, src.channels, new ArrayBuffer(g.crop.width * g.crop.height * src.channels));
  blit(scaled, g.crop.x, g.crop.y, g.crop.width, g.crop.height, out, 0, 0);
  return out;
}

/** 'pad': `scaled` centred on a canvas of the background colour (opaque), the map recorded. */
function padded(
  src: Frame,
  scaled: Frame,
  scale: Affine,
  pad: NonNullable<ResizeGeometry['pad']>,
  background: string,
  ctx: OpContext,
): Frame {
  if (pad.x === 0 && pad.y === 0 && pad.width === scaled.width && pad.height === scaled.height) {
    if (scaled !== src) moved(ctx, src, scale);
    return scaled;
  }
  const ch = src.channels;
  const colour = [...backgroundFor(background, hasAlpha(src) ? ch - 1 : ch), ...(hasAlpha(src) ? [255] : [])];
  const out = ctx.alloc(pad.width, pad.height, ch);
  const row = new Uint8Array(pad.width * ch);
  for (let i = 0; i < pad.width; i++) row.set(colour, i * ch);
  for (let y = 0; y < pad.height; y++) out.data.set(row, y * out.stride);
  blit(scaled, 0, 0, scaled.width, scaled.height, out, pad.x, pad.y);
  // Canvas → scaled image (shift back by the offset) → input.
  moved(ctx, src, compose(scale, offsetMap(-pad.x, -pad.y)));
  return out;
}

function thumbnail(src: Frame, p: OpParams<'thumbnail'>, ctx: OpContext): Promise<Frame> {
  return resize(src, thumbnailAsResize(p.size), ctx);
}

// ---------------------------------------------------------------------------------------------
// rotate / flip / auto-orient

async function rotate(src: Frame, p: OpParams<'rotate'>, ctx: OpContext): Promise<Frame> {
  const a = ((p.angle % 360) + 360) % 360;
  const alpha = hasAlpha(src);
  // Alpha images get transparent new pixels; others the background colour (luma on gray).
  const fill = alpha ? new Array<number>(src.channels).fill(0) : backgroundFor(p.background, src.channels);
  if (a === 0) return src;
  let turned = { width: 0, height: 0 };
  const out = await withImage(src, (im, keep, vips) => {
    let out: VipsImage;
    if (a % 90 === 0) {
      out = keep(im.rot(`d${a}` as 'd90'));
    } else {
      const interpolate = keep(vips.Interpolate.newFromName('bicubic'));
      out = resampling(im, keep, alpha, (x) => x.rotate(a, { interpolate, background: fill }));
    }
    turned = { width: out.width, height: out.height };
    if (!p.expand && (out.width !== src.width || out.height !== src.height)) {
      out = keep(out.gravity('centre', src.width, src.height, { extend: 'background', background: fill }));
    }
    return out;
  });
  // vips_gravity 'centre' embeds the turned image at (size − turned size) / 2, truncated (C division).
  const dx = Math.trunc((out.width - turned.width) / 2),
    dy = Math.trunc((out.height - turned.height) / 2);
  moved(ctx, src, compose(rotationMap(a, src.width, src.height, turned.width, turned.height), offsetMap(-dx, -dy)));
  return out;
}

function flip(src: Frame, p: OpParams<'flip'>, ctx: OpContext): Promise<Frame> {
  moved(ctx, src, flipMap(p.direction, src.width, src.height));
  return withImage(src, (im, keep) => {
    switch (p.direction) {
      case 'vertical':
        return keep(im.flip('vertical'));
      case 'both':
        return keep(im.rot('d180'));
      default:
        return keep(im.flip('horizontal'));
    }
  });
}

async function autoOrient(src: Frame, _p: OpParams<'auto-orient'>, ctx: OpContext): Promise<Frame> {
  const o = ctx.source.orientation;
  if (o === 1) return src;
  const out = await withImage(src, (im, keep) => {
    im.setInt('orientation', o);
    return keep(im.autorot());
  });
  ctx.source.orientation = 1;
  moved(ctx, src, orientationMap(o, src.width, src.height));
  return out;
}

// ---------------------------------------------------------------------------------------------
// crop

async function crop(src: Frame, p: OpParams<'crop'>, ctx: OpContext): Promise<Frame> {
  const w = src.width,
    h = src.height;
  if (p.mode === 'box') {
    const x = p.x,
      y = p.y;
    if (x >= w || y >= h) {
      throw new TesseraError(
        'bad-param',
        `crop box at x ${formatInt(x)}, y ${formatInt(y)} is outside the ${formatInt(w)}×${formatInt(h)} image (x must be below ${formatInt(w)} and y below ${formatInt(h)})`,
      );
    }
    const cw = Math.min(p.width, w - x),
      ch = Math.min(p.height, h - y);
    moved(ctx, src, offsetMap(x, y));
    const out = ctx.alloc(cw, ch, src.channels);
    blit(src, x, y, cw, ch, out, 0, 0);
    return out;
  }
  const cw = Math.min(p.width, w),
    ch = Math.min(p.height, h);
  if (cw === w && ch === h) return src;
  let at = { x: 0, y: 0 };
  const out = await withImage(src, (im, keep) => {
    const c = keep(im.smartcrop(cw, ch, { interesting: p.mode === 'attention' ? 'attention' : 'centre' }));
    // vips records where the window was cut as a negative offset of the result's origin.
    at = { x: -c.xoffset, y: -c.yoffset };
    return c;
  });
  if (!(at.x >= 0 && at.y >= 0 && at.x + cw <= w && at.y + ch <= h))
    throw new Error(`crop: vips reported the window at ${at.x}, ${at.y}, outside the ${w}×${h} image`);
  moved(ctx, src, offsetMap(at.x, at.y));
  if (p.mode === 'attention') ctx.placed?.(at.x, at.y, cw, ch);
  return out;
}

function cropAspect(src: Frame, p: OpParams<'crop-aspect'>, ctx: OpContext): Promise<Frame> {
  const win = aspectWindow(src.width, src.height, p.ratioWidth, p.ratioHeight);
  return crop(src, { mode: p.gravity, x: 0, y: 0, width: win.width, height: win.height }, ctx);
}

export const VIPS_OPS: EngineTable<'vips'> = {
  resize,
  rotate,
  crop,
  'crop-aspect': cropAspect,
  flip,
  'auto-orient': autoOrient,
  thumbnail,
  'watermark-image': watermarkImage,
};
