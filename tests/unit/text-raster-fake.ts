/**
 * A stand-in for the browser's text drawing in Node (no OffscreenCanvas): each "text" is a box of
 * 0.6 em per character by the font's 0.8 + 0.25 em, turned and antialiased analytically, so the
 * watermark's placement, tiling and blending can be checked exactly without glyphs.
 */
import type { TextRasteriser } from '../../src/engine/text-raster';

export const boxRasteriser: TextRasteriser = {
  measure: (s) => ({ width: s.text.length * 0.6 * s.sizePx * (s.bold ? 1.1 : 1), ascent: 0.8 * s.sizePx, descent: 0.25 * s.sizePx }),
  draw(s, width, height, centres, angleDeg) {
    const m = this.measure(s);
    const a = (angleDeg * Math.PI) / 180;
    const cos = Math.cos(a),
      sin = Math.sin(a);
    const hw = m.width / 2,
      hh = (m.ascent + m.descent) / 2;
    const cov = new Uint8Array(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        let best = 0;
        for (const c of centres) {
          // The pixel centre in the text's own (unturned) frame.
          const dx = x + 0.5 - c.x,
            dy = y + 0.5 - c.y;
          const u = dx * cos + dy * sin,
            v = -dx * sin + dy * cos;
          // Coverage falls off over one pixel at the box's edges.
          const k = Math.max(0, Math.min(1, hw - Math.abs(u) + 0.5)) * Math.max(0, Math.min(1, hh - Math.abs(v) + 0.5));
          best = Math.max(best, k);
        }
        cov[y * width + x] = Math.round(best * 255);
      }
    return cov;
  },
};
