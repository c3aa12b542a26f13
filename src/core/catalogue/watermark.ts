/**
 * Watermarks: a line of text or a logo drawn over the picture. Both are point operations that
 * also depend on where a pixel is in the whole image (`positional`): a tile, a streamed strip or
 * the preview's region runs them with its Placement (core/watermark.ts), so tiled ≡ untiled.
 * Pixels do not move: faces and geometry are unaffected.
 */
import { WATERMARK_FONTS, WATERMARK_POSITIONS } from '../watermark';
import { noHalo, same } from './helpers';
import { defineOp, type ParamSpec } from './types';

const mark = { category: 'overlay', locality: 'point', positional: true, halo: noHalo, outChannels: same } as const;

const POSITION = {
  type: 'enum',
  label: 'Position',
  options: WATERMARK_POSITIONS,
  default: 'bottom-right',
} as const satisfies ParamSpec;
const OPACITY = { type: 'number', label: 'Opacity', min: 0, max: 1, default: 0.6, step: 0.05 } as const satisfies ParamSpec;
const MARGIN = {
  type: 'number',
  label: 'Margin',
  help: 'Distance from the edges, in % of the picture’s shorter side',
  min: 0,
  max: 25,
  default: 3,
  step: 0.5,
  unit: '%',
} as const satisfies ParamSpec;

const BLEND =
  'Straight-alpha “over”: with a = coverage/255 × opacity and the pixel’s alpha da (1 without an alpha channel), αo = a + da·(1 − a) and each colour value becomes (m·a + v·da·(1 − a)) / αo, rounded half-to-even; an alpha channel becomes round(255·αo). Gray frames get the colour’s 601 gray (299R + 587G + 114B)/1000.';

export const WATERMARK_OPS = [
  defineOp({
    ...mark,
    engine: 'kernel',
    name: 'watermark-text',
    label: 'Text watermark',
    description: 'Writes a line of text over the picture, in a corner or repeated across it.',
    params: {
      text: { type: 'text', label: 'Text', default: '© Tessera', maxLength: 200, valueName: 'TEXT' },
      font: { type: 'enum', label: 'Font', options: WATERMARK_FONTS, default: 'sans-serif' },
      bold: { type: 'boolean', label: 'Bold', default: true },
      size: {
        type: 'number',
        label: 'Size',
        help: 'Height of the letters, in % of the picture’s shorter side',
        min: 0.5,
        max: 50,
        default: 5,
        step: 0.5,
        unit: '%',
      },
      color: { type: 'color', label: 'Colour', default: '#ffffff' },
      opacity: OPACITY,
      tiled: { type: 'boolean', label: 'Repeat across the picture', default: false },
      angle: {
        type: 'number',
        label: 'Angle',
        min: -90,
        max: 90,
        default: -30,
        step: 5,
        unit: '°',
        visibleWhen: { param: 'tiled', in: ['true'] },
      },
      position: { ...POSITION, visibleWhen: { param: 'tiled', in: ['false'] } },
      margin: { ...MARGIN, visibleWhen: { param: 'tiled', in: ['false'] } },
    },
    definition:
      'The text is drawn by the browser (OffscreenCanvas fillText, the chosen generic family, bold or normal) at a font size of round(size% × the shorter side) px, white on transparent; its alpha is the coverage. Its box (the text’s measured width × ascent + descent, plus a 10 % pad) is placed at the position, round(margin% × the shorter side) px in from the edges (centred axes: floor((W − w)/2)). Repeated: the text turned by the angle, in a brick pattern of cells one text-height apart, one copy on the image centre. ' +
      BLEND,
  }),
  defineOp({
    ...mark,
    engine: 'vips',
    name: 'watermark-image',
    label: 'Logo watermark',
    description: 'Places a picture (a PNG logo with transparency) over the picture, in a corner or the centre.',
    params: {
      logo: {
        type: 'image',
        label: 'Logo',
        help: 'A PNG (with transparency), JPEG or WebP image',
        default: '',
        valueName: 'FILE',
      },
      width: {
        type: 'number',
        label: 'Width',
        help: 'Width of the logo, in % of the picture’s width',
        min: 1,
        max: 100,
        default: 20,
        step: 1,
        unit: '%',
      },
      opacity: { ...OPACITY, default: 0.8 },
      position: POSITION,
      margin: MARGIN,
    },
    definition:
      'The logo is scaled by libvips (thumbnail, alpha premultiplied) to round(width% × W) px wide, its aspect kept, and made RGBA (gray+alpha on gray frames: 601 gray, rounded half-to-even); its alpha is multiplied by the opacity and rounded half-to-even. It is placed at the position, round(margin% × the shorter side) px in from the edges, and composited with libvips composite2 mode “over” (straight alpha, computed in float, rounded). Without a logo chosen the picture is unchanged.',
  }),
];
