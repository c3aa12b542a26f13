/**
 * Geometry: resize, rotate, crop, crop to aspect ratio, flip, orientation, thumbnails (wasm-vips). All global: they
 * change the image size or read it whole, so they always run untiled on one worker.
 *
 * Shared conventions:
 * - Sizes are rounded half away from zero (Math.round) and are never below 1 pixel.
 * - Resampling with an alpha channel happens on premultiplied values (no dark fringes around
 *   transparent areas), then unpremultiplied and rounded to the nearest integer; 'nearest' and the
 *   lossless 90° steps move pixels only and are exact.
 * - A gray colour parameter on a gray image is the luma (299·R + 587·G + 114·B) / 1000, rounded.
 */
import { noHalo, same } from './helpers';
import { defineOp } from './types';

const global = { engine: 'vips', locality: 'global', halo: noHalo, outChannels: same, category: 'transform' } as const;

export const TRANSFORM_OPS = [
  defineOp({
    ...global,
    name: 'resize',
    label: 'Resize',
    description:
      'Makes pictures smaller (or larger): to fit or fill a box, to a width, height, long or short side, megapixels or percent, or padded onto an exact canvas.',
    params: {
      mode: {
        type: 'enum',
        label: 'Mode',
        options: ['fit', 'fill', 'width', 'height', 'long-edge', 'short-edge', 'megapixels', 'percent', 'pad'],
        default: 'fit',
        help: 'fit: inside the box keeping the aspect ratio; fill: cover the box, then crop its centre; width/height: that side, the other in proportion; long-edge/short-edge: the longer/shorter side to the length; megapixels: about that many million pixels; percent: both sides by a factor; pad: fit inside the box, then centre it on a canvas of exactly that size filled with the background colour.',
      },
      width: {
        type: 'integer',
        label: 'Width',
        min: 1,
        max: 65535,
        default: 1024,
        unit: 'px',
        visibleWhen: { param: 'mode', in: ['fit', 'fill', 'width', 'pad'] },
      },
      height: {
        type: 'integer',
        label: 'Height',
        min: 1,
        max: 65535,
        default: 1024,
        unit: 'px',
        visibleWhen: { param: 'mode', in: ['fit', 'fill', 'height', 'pad'] },
      },
      edge: {
        type: 'integer',
        label: 'Side length',
        min: 1,
        max: 65535,
        default: 2048,
        unit: 'px',
        help: 'long-edge: the longer side becomes this long; short-edge: the shorter side.',
        visibleWhen: { param: 'mode', in: ['long-edge', 'short-edge'] },
      },
      megapixels: {
        type: 'number',
        label: 'Megapixels',
        min: 0.01,
        max: 1000,
        default: 2,
        step: 0.01,
        unit: 'MP',
        help: 'Millions of pixels (width × height); the shape is kept, so the count is the nearest the rounded sides give.',
        visibleWhen: { param: 'mode', in: ['megapixels'] },
      },
      percent: {
        type: 'number',
        label: 'Percent',
        min: 1,
        max: 1000,
        default: 50,
        step: 1,
        unit: '%',
        visibleWhen: { param: 'mode', in: ['percent'] },
      },
      background: {
        type: 'color',
        label: 'Background',
        default: '#ffffff',
        help: 'Fills the bars around the picture (opaque, also on images with alpha).',
        visibleWhen: { param: 'mode', in: ['pad'] },
      },
      kernel: { type: 'enum', label: 'Kernel', options: ['nearest', 'linear', 'cubic', 'lanczos3'], default: 'lanczos3' },
      enlarge: {
        type: 'boolean',
        label: 'Allow enlarging',
        default: false,
        help: 'Off: no mode but percent makes an image bigger (pad centres a small image on the canvas as it is).',
      },
    },
    definition:
      'For a w×h input: fit and pad s = min(W/w, H/h); fill s = max(W/w, H/h); width s = W/w; height s = H/h; long-edge s = edge/max(w, h); short-edge s = edge/min(w, h); ' +
      'megapixels s = sqrt(megapixels·10⁶/(w·h)); percent s = percent/100 (percent ignores "enlarge"). ' +
      'Unless enlarge is on, s = min(s, 1) for every mode but percent. Output size (max(1, round(w·s)), max(1, round(h·s))) — e.g. 4000×3000 at 2 MP: s = 0.40825, 1633×1225 (2.0004 MP). ' +
      'fill then crops the centre (offset floor((size − box)/2)) to min(W, ·) × min(H, ·), so a smaller image is cropped to the box but not enlarged. ' +
      'pad then places the scaled image on an exactly W×H canvas at offset (floor((W − outW)/2), floor((H − outH)/2)); the rest is the background colour (luma on gray, alpha 255 on images with alpha). ' +
      'Pixels by vips_resize(hscale = outW/w, vscale = outH/h, kernel) — exact output size; downsizing by more than 2× first box-shrinks (vips "gap" 2), then applies the kernel. ' +
      'Alpha images are resized premultiplied (except "nearest"), then unpremultiplied and rounded.',
  }),
  defineOp({
    ...global,
    name: 'rotate',
    label: 'Rotate',
    description: 'Rotate clockwise by any angle; quarter turns are lossless.',
    params: {
      angle: {
        type: 'number',
        label: 'Angle',
        min: -360,
        max: 360,
        default: 90,
        step: 0.1,
        unit: '°',
        help: 'Clockwise; negative turns anticlockwise.',
      },
      expand: {
        type: 'boolean',
        label: 'Expand canvas',
        default: true,
        help: 'On: the canvas grows to hold the whole rotated image. Off: the original canvas size, centred.',
      },
      background: {
        type: 'color',
        label: 'Background',
        default: '#000000',
        help: 'Fills the corners. Images with alpha get transparent corners instead.',
      },
    },
    definition:
      'Angle a = angle mod 360, clockwise (y axis pointing down). Multiples of 90° use vips_rot (pixels moved, bit-exact). Other angles use vips_rotate with a bicubic interpolator ' +
      'about the image centre; the output is the bounding box of the rotated image. New pixels: the background colour (luma on gray) — or fully transparent (0 in every channel) when the image has alpha; alpha images are interpolated premultiplied, then unpremultiplied and rounded. ' +
      'With expand off, the result is cut or padded (same fill) to the input size, centred (vips_gravity centre).',
  }),
  defineOp({
    ...global,
    name: 'crop',
    label: 'Crop',
    description: 'Cut out a box, the centre, or the most interesting region.',
    params: {
      mode: {
        type: 'enum',
        label: 'Mode',
        options: ['box', 'centre', 'attention'],
        default: 'centre',
        help: 'box: at x, y; centre: the middle; attention: where vips finds skin tones, saturated colour and detail.',
      },
      x: { type: 'integer', label: 'X', min: 0, max: 65535, default: 0, unit: 'px', visibleWhen: { param: 'mode', in: ['box'] } },
      y: { type: 'integer', label: 'Y', min: 0, max: 65535, default: 0, unit: 'px', visibleWhen: { param: 'mode', in: ['box'] } },
      width: { type: 'integer', label: 'Width', min: 1, max: 65535, default: 512, unit: 'px' },
      height: { type: 'integer', label: 'Height', min: 1, max: 65535, default: 512, unit: 'px' },
    },
    definition:
      'box: the pixels x…min(x + width, w) − 1 by y…min(y + height, h) − 1, copied exactly (a box partly outside is clamped to the image; one wholly outside is an error). ' +
      'centre / attention: a min(width, w) × min(height, h) window chosen by vips_smartcrop with interesting = centre (offset floor((w − cw)/2), floor((h − ch)/2)) or attention; pixels copied exactly.',
  }),
  defineOp({
    ...global,
    name: 'crop-aspect',
    label: 'Crop to aspect ratio',
    description: 'Cut the largest piece of a given shape (16:9, 1:1, 4:5…) from the middle or the most interesting part.',
    params: {
      ratioWidth: {
        type: 'integer',
        label: 'Ratio width',
        min: 1,
        max: 1000,
        default: 16,
        help: 'The first number of the ratio: 16 of 16:9.',
      },
      ratioHeight: {
        type: 'integer',
        label: 'Ratio height',
        min: 1,
        max: 1000,
        default: 9,
        help: 'The second number of the ratio: 9 of 16:9.',
      },
      gravity: {
        type: 'enum',
        label: 'Keep',
        options: ['centre', 'attention'],
        default: 'centre',
        help: 'centre: the middle; attention: where vips finds skin tones, saturated colour and detail.',
      },
    },
    definition:
      'For a w×h input and ratio a:b: if w·b ≤ h·a the crop is w × min(h, max(1, round(w·b/a))), otherwise min(w, max(1, round(h·a/b))) × h — the largest window of that shape, to the nearest pixel ' +
      '(4000×3000 at 16:9: 4000×2250). It is placed by vips_smartcrop with interesting = centre (offset floor((w − cw)/2), floor((h − ch)/2)) or attention; pixels copied exactly. ' +
      'An image already of that shape is passed on unchanged.',
  }),
  defineOp({
    ...global,
    name: 'flip',
    label: 'Flip',
    description: 'Mirror left–right, top–bottom, or both.',
    params: { direction: { type: 'enum', label: 'Direction', options: ['horizontal', 'vertical', 'both'], default: 'horizontal' } },
    definition:
      'horizontal: out(x, y) = in(w − 1 − x, y); vertical: out(x, y) = in(x, h − 1 − y); both: out(x, y) = in(w − 1 − x, h − 1 − y) (= a 180° turn). Exact (vips_flip).',
  }),
  defineOp({
    ...global,
    name: 'auto-orient',
    label: 'Turn upright',
    description: 'Turns photos upright, the way the camera held them (phones often store them sideways).',
    aka: 'auto-orient (EXIF orientation)',
    stage: 'decode',
    params: {},
    definition:
      'EXIF orientation o of the source (1 when absent): 1 none; 2 mirror left–right; 3 turn 180°; 4 mirror top–bottom; 5 transpose (out(x, y) = in(y, x)); 6 turn 90° clockwise; ' +
      '7 transverse (out(x, y) = in(w − 1 − y, h − 1 − x)); 8 turn 90° anticlockwise — vips_autorot, bit-exact. Leading the recipe, the decoder does it while loading. ' +
      'Afterwards the orientation is 1, so a second auto-orient does nothing and kept EXIF says 1.',
  }),
  defineOp({
    ...global,
    name: 'thumbnail',
    label: 'Thumbnail',
    description:
      'Fit inside a square, never enlarging. As the first step it decodes at reduced size (JPEG shrink-on-load): much faster on big photos.',
    stage: 'decode',
    params: { size: { type: 'integer', label: 'Size', min: 8, max: 8192, default: 256, unit: 'px' } },
    definition:
      'Same size as resize {mode: fit, width: size, height: size, kernel: lanczos3, enlarge: false}. Leading the recipe (possibly after auto-orient), the decoder makes it with vips_thumbnail_buffer, ' +
      'which lets JPEG decode at 1/2, 1/4 or 1/8 scale and WebP/PNG/… shrink while loading, then finishes with a lanczos3 reduce — pixels close to (not bit-equal with) the plain resize. ' +
      'It does not rotate by EXIF orientation unless auto-orient is also leading. Elsewhere it is exactly that resize.',
  }),
];
