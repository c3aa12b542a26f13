/**
 * Drawing a watermark's text. The engine asks a TextRasteriser for the text's size and for its
 * coverage (antialiased alpha, 0–255) on a small canvas; in workers that is OffscreenCanvas's
 * fillText. Node has no canvas, so tests inject their own (setTextRasteriser) and check the
 * placement, tiling and blending, which do not depend on the glyphs.
 */
import type { WatermarkFont } from '../core/watermark';

export interface TextStyle {
  text: string;
  font: WatermarkFont;
  bold: boolean;
  /** Font size in pixels. */
  sizePx: number;
}

export interface TextMetrics {
  /** Advance width of the line. */
  width: number;
  /** The font's ascent and descent (not the glyphs'): the box is the same for "aaa" and "Ag". */
  ascent: number;
  descent: number;
}

export interface TextRasteriser {
  measure(style: TextStyle): TextMetrics;
  /**
   * Coverage of a width × height canvas (row-major, one byte a pixel) with the text drawn centred
   * on each of `centres`, turned by `angleDeg` degrees about its centre (clockwise, as the canvas
   * turns), parts outside the canvas cut off.
   */
  draw(style: TextStyle, width: number, height: number, centres: readonly { x: number; y: number }[], angleDeg: number): Uint8Array;
}

const cssFont = (s: TextStyle) => `${s.bold ? 'bold ' : ''}${s.sizePx}px ${s.font}`;

function context(width: number, height: number): OffscreenCanvasRenderingContext2D {
  if (typeof OffscreenCanvas === 'undefined')
    throw new Error('Text watermark: this browser cannot draw text off screen (no OffscreenCanvas)');
  const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('Text watermark: this browser gave no 2D canvas to draw text on');
  return ctx;
}

/** The browser's text: OffscreenCanvas fillText, white on transparent, its alpha read back. */
export const canvasRasteriser: TextRasteriser = {
  measure(style) {
    const ctx = context(1, 1);
    ctx.font = cssFont(style);
    const m = ctx.measureText(style.text);
    // Font box where the browser gives it (every current one), else the glyphs' box.
    const ascent = m.fontBoundingBoxAscent ?? m.actualBoundingBoxAscent;
    const descent = m.fontBoundingBoxDescent ?? m.actualBoundingBoxDescent;
    return { width: m.width, ascent, descent };
  },
  draw(style, width, height, centres, angleDeg) {
    const ctx = context(width, height);
    ctx.font = cssFont(style);
    ctx.fillStyle = '#ffffff';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    const m = this.measure(style);
    for (const c of centres) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.translate(c.x, c.y);
      ctx.rotate((angleDeg * Math.PI) / 180);
      // The baseline sits so the font box's middle is on the centre.
      ctx.fillText(style.text, 0, (m.ascent - m.descent) / 2);
    }
    const rgba = ctx.getImageData(0, 0, width, height).data;
    const cov = new Uint8Array(width * height);
    for (let i = 0; i < cov.length; i++) cov[i] = rgba[i * 4 + 3];
    return cov;
  },
};

let rasteriser: TextRasteriser = canvasRasteriser;

/** The rasteriser the text watermark uses (tests in Node inject one; the browser's is the default). */
export function textRasteriser(): TextRasteriser {
  return rasteriser;
}

/** Replaces the rasteriser (tests); returns the previous one. */
export function setTextRasteriser(r: TextRasteriser): TextRasteriser {
  const was = rasteriser;
  rasteriser = r;
  return was;
}
