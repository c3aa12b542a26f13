/**
 * The size of the image the batch will write, worked out from the recipe and the source's size
 * and orientation alone — no pixels. The preview reports this (not the size of whatever it
 * computed on screen), and maps the region it shows back to the source with the same affine maps
 * the engine records (core/geometry.ts), so "before" and "after" line up.
 *
 * The numbers follow the catalogue's definitions (core/catalogue/transforms.ts), which the engine
 * implements; tests/unit/output-geometry.test.ts runs the real engine beside this for every
 * geometry step, so the two cannot drift apart unnoticed.
 */
import type { OpParams } from './catalogue';
import { compose, flipMap, IDENTITY, offsetMap, orientationMap, rotationMap, scaleMap, type Affine } from './geometry';
import type { ResolvedStep } from './recipe';

export interface ResizeGeometry {
  /** Size after scaling. */
  width: number;
  height: number;
  /** 'fill' only: the centred box cut from the scaled image. */
  crop?: { x: number; y: number; width: number; height: number };
  /** 'pad' only: the canvas, and where the scaled image's top-left corner lies on it. */
  pad?: { x: number; y: number; width: number; height: number };
}

/** Output geometry of 'resize' for a w×h input (see the catalogue definition). */
export function resizeGeometry(w: number, h: number, p: OpParams<'resize'>): ResizeGeometry {
  const W = p.width,
    H = p.height;
  let s: number;
  switch (p.mode) {
    case 'fit':
    case 'pad':
      s = Math.min(W / w, H / h);
      break;
    case 'fill':
      s = Math.max(W / w, H / h);
      break;
    case 'width':
      s = W / w;
      break;
    case 'height':
      s = H / h;
      break;
    case 'long-edge':
      s = p.edge / Math.max(w, h);
      break;
    case 'short-edge':
      s = p.edge / Math.min(w, h);
      break;
    case 'megapixels':
      s = Math.sqrt((p.megapixels * 1e6) / (w * h));
      break;
    default:
      s = p.percent / 100;
  }
  if (p.mode !== 'percent' && !p.enlarge) s = Math.min(s, 1);
  const width = Math.max(1, Math.round(w * s));
  const height = Math.max(1, Math.round(h * s));
  if (p.mode === 'pad')
    return { width, height, pad: { x: Math.floor((W - width) / 2), y: Math.floor((H - height) / 2), width: W, height: H } };
  if (p.mode !== 'fill') return { width, height };
  const cw = Math.min(W, width),
    ch = Math.min(H, height);
  return { width, height, crop: { x: Math.floor((width - cw) / 2), y: Math.floor((height - ch) / 2), width: cw, height: ch } };
}

/** The resize a thumbnail of `size` is (catalogue: "same size as resize fit, lanczos3, no enlarging"). */
export function thumbnailAsResize(size: number): OpParams<'resize'> {
  return {
    mode: 'fit',
    width: size,
    height: size,
    edge: size,
    megapixels: 1,
    percent: 100,
    background: '#000000',
    kernel: 'lanczos3',
    enlarge: false,
  };
}

/**
 * The canvas of a clockwise turn by `deg` of a w×h image with expand on: quarter turns swap the
 * sides; other angles give the rotated image's bounding box, each side rounded (vips_rotate).
 */
export function rotatedSize(w: number, h: number, deg: number): { width: number; height: number } {
  const a = ((deg % 360) + 360) % 360;
  if (a % 180 === 0) return { width: w, height: h };
  if (a % 90 === 0) return { width: h, height: w };
  const r = (a * Math.PI) / 180;
  const c = Math.abs(Math.cos(r)),
    s = Math.abs(Math.sin(r));
  return { width: Math.max(1, Math.round(w * c + h * s)), height: Math.max(1, Math.round(w * s + h * c)) };
}

/** Where a chain's output comes from, and whether every pixel's place in the input is known. */
export interface OutputGeometry {
  width: number;
  height: number;
  /**
   * Output coordinates → the chain input's (the decoded frame, after any orientation applied while
   * decoding). Undefined when a step picks its place from the pixels (crop 'attention'): the size
   * is still exact, the place is not known before running it.
   */
  toInput?: Affine;
  /** EXIF orientation still to apply after the chain (1 once turned upright). */
  orientation: number;
}

/** The input of a chain: the frame's size and the EXIF orientation it still carries. */
export interface ChainInput {
  width: number;
  height: number;
  /** EXIF orientation 1–8 of this frame; default 1 (already upright). */
  orientation?: number;
}

/**
 * The output size of `steps` run on `input` (and the affine map back into it), step by step as
 * the engine does them. A crop box outside the image is sized as the engine clamps it (at least
 * 1×1); the engine itself refuses it, in words, when it runs.
 */
export function outputGeometry(steps: readonly ResolvedStep[], input: ChainInput): OutputGeometry {
  let w = input.width,
    h = input.height;
  let o = input.orientation ?? 1;
  let map: Affine | undefined = IDENTITY;
  const then = (outToIn: Affine) => {
    if (map) map = compose(map, outToIn);
  };
  for (const step of steps) {
    switch (step.op) {
      case 'auto-orient': {
        if (o === 1) break;
        then(orientationMap(o, w, h));
        if (o >= 5) [w, h] = [h, w];
        o = 1;
        break;
      }
      case 'resize':
      case 'thumbnail': {
        const p =
          step.op === 'resize' ? (step.params as OpParams<'resize'>) : thumbnailAsResize((step.params as OpParams<'thumbnail'>).size);
        const g = resizeGeometry(w, h, p);
        then(scaleMap(g.width / w, g.height / h));
        if (g.pad) {
          // The scaled image centred on the canvas: canvas → scaled image is a shift back.
          then(offsetMap(-g.pad.x, -g.pad.y));
          [w, h] = [g.pad.width, g.pad.height];
        } else if (g.crop && (g.crop.width !== g.width || g.crop.height !== g.height)) {
          then(offsetMap(g.crop.x, g.crop.y));
          [w, h] = [g.crop.width, g.crop.height];
        } else [w, h] = [g.width, g.height];
        break;
      }
      case 'crop-aspect': {
        const p = step.params as OpParams<'crop-aspect'>;
        const win = aspectWindow(w, h, p.ratioWidth, p.ratioHeight);
        if (win.width === w && win.height === h) break;
        // As crop centre / attention (the engine runs it as one).
        if (p.gravity === 'centre') then(offsetMap(Math.floor((w - win.width) / 2), Math.floor((h - win.height) / 2)));
        else map = undefined;
        [w, h] = [win.width, win.height];
        break;
      }
      case 'rotate': {
        const p = step.params as OpParams<'rotate'>;
        const a = ((p.angle % 360) + 360) % 360;
        if (a === 0) break;
        const turned = rotatedSize(w, h, a);
        const out = p.expand ? turned : { width: w, height: h };
        // vips_gravity 'centre' embeds the turned image at (size − turned size) / 2, truncated.
        const dx = Math.trunc((out.width - turned.width) / 2),
          dy = Math.trunc((out.height - turned.height) / 2);
        then(compose(rotationMap(a, w, h, turned.width, turned.height), offsetMap(-dx, -dy)));
        [w, h] = [out.width, out.height];
        break;
      }
      case 'crop': {
        const p = step.params as OpParams<'crop'>;
        if (p.mode === 'box') {
          const cw = Math.max(1, Math.min(p.width, w - p.x)),
            ch = Math.max(1, Math.min(p.height, h - p.y));
          then(offsetMap(p.x, p.y));
          [w, h] = [cw, ch];
        } else {
          const cw = Math.min(p.width, w),
            ch = Math.min(p.height, h);
          if (cw === w && ch === h) break;
          if (p.mode === 'centre') then(offsetMap(Math.floor((w - cw) / 2), Math.floor((h - ch) / 2)));
          else map = undefined;
          [w, h] = [cw, ch];
        }
        break;
      }
      case 'flip':
        then(flipMap((step.params as OpParams<'flip'>).direction, w, h));
        break;
      default:
        // Every other operation keeps the size (tone, filters, edges, faces).
        break;
    }
  }
  return { width: w, height: h, toInput: map, orientation: o };
}

/** How stored orientation is treated (output option `orientation`). */
export type OrientationMode = 'upright' | 'keep';

/** An auto-orient step, resolved (it has no parameters). */
const AUTO_ORIENT: ResolvedStep = { op: 'auto-orient', params: {} };

/**
 * The steps an image really goes through: with `upright`, the photo is turned upright first (as
 * it is decoded), before every step — unless the recipe already starts so. With `keep`, the steps
 * as written (a recipe's own Turn upright step still turns it).
 */
export function orientedSteps(steps: readonly ResolvedStep[], mode: OrientationMode): ResolvedStep[] {
  if (mode === 'keep' || steps[0]?.op === 'auto-orient') return [...steps];
  return [AUTO_ORIENT, ...steps];
}

/** The crop-aspect window for a w×h input (see the catalogue definition). */
export function aspectWindow(w: number, h: number, a: number, b: number): { width: number; height: number } {
  // Integer comparison first, so an image already of the ratio is never cut by a rounding pixel.
  if (w * b <= h * a) return { width: w, height: Math.min(h, Math.max(1, Math.round((w * b) / a))) };
  return { width: Math.min(w, Math.max(1, Math.round((h * a) / b))), height: h };
}
