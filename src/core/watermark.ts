/**
 * Watermarks: where a mark goes and how it is blended, as plain maths (no canvas, no wasm), so the
 * engine's text and logo watermarks place and blend the same way and tests can check the numbers.
 *
 * Sizes and margins are relative to the output (a text's size to its shorter side, a logo's width
 * to its width), so one recipe marks a 600 px thumbnail and a 6000 px original alike. Positions
 * are in the whole image's pixels: a tile or strip sees its own part through a Placement.
 */

/** The nine places a mark can sit. */
export const WATERMARK_POSITIONS = [
  'top-left',
  'top',
  'top-right',
  'left',
  'centre',
  'right',
  'bottom-left',
  'bottom',
  'bottom-right',
] as const;
export type WatermarkPosition = (typeof WATERMARK_POSITIONS)[number];

/** Generic CSS font families: every browser has one of each, so a recipe renders everywhere. */
export const WATERMARK_FONTS = ['sans-serif', 'serif', 'monospace'] as const;
export type WatermarkFont = (typeof WATERMARK_FONTS)[number];

/**
 * Where a frame lies in the whole image a step would see untiled: the frame's pixel (0, 0) is the
 * whole image's (x, y), and the whole image is width × height. A tile, a streamed strip or the
 * preview's region carries one; absent, the frame is the whole image.
 */
export interface Placement {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The whole image of a frame: its Placement, or the frame itself. */
export function wholeOf(frame: { width: number; height: number }, p: Placement | undefined): Placement {
  return p ?? { x: 0, y: 0, width: frame.width, height: frame.height };
}

/** A margin in pixels: `percent` of the shorter side, rounded half up. */
export function marginPx(width: number, height: number, percent: number): number {
  return Math.floor((Math.min(width, height) * percent) / 100 + 0.5);
}

/** A text's size (its font size, in pixels): `percent` of the shorter side, at least 1. */
export function textSizePx(width: number, height: number, percent: number): number {
  return Math.max(1, Math.floor((Math.min(width, height) * percent) / 100 + 0.5));
}

/** A logo's width in pixels: `percent` of the image's width, at least 1. */
export function logoWidthPx(width: number, percent: number): number {
  return Math.max(1, Math.floor((width * percent) / 100 + 0.5));
}

/**
 * The top-left corner of a boxW × boxH mark at `position` in a W × H image, `margin` pixels in from
 * the edges it is placed against (centred axes take no margin; odd remainders round down). A box
 * larger than the image simply overhangs: the part outside is not drawn.
 */
export function placeBox(
  W: number,
  H: number,
  boxW: number,
  boxH: number,
  position: WatermarkPosition,
  margin: number,
): { x: number; y: number } {
  const col = position.endsWith('left') ? 0 : position.endsWith('right') ? 2 : 1;
  const row = position.startsWith('top') ? 0 : position.startsWith('bottom') ? 2 : 1;
  const at = (i: number, outer: number, inner: number) =>
    i === 0 ? margin : i === 2 ? outer - inner - margin : Math.floor((outer - inner) / 2);
  return { x: at(col, W, boxW), y: at(row, H, boxH) };
}

/** The overlap of two rectangles, or undefined when they do not meet. */
export function intersect(
  a: { x: number; y: number; width: number; height: number },
  b: { x: number; y: number; width: number; height: number },
): { x: number; y: number; width: number; height: number } | undefined {
  const x0 = Math.max(a.x, b.x),
    y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width),
    y1 = Math.min(a.y + a.height, b.y + b.height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : undefined;
}

/**
 * The repeating cell of a tiled text: the text turned by `angle` degrees, one copy at the cell's
 * centre and one at its corners (a brick pattern, so rows interleave along the diagonal), with a
 * gap of `gap` × the text's height around each. The cell is anchored so that one copy sits at the
 * whole image's centre; the pattern at the whole image's (X, Y) is the cell's
 * ((X − originX) mod width, (Y − originY) mod height) — the same for every tile.
 */
export interface TextCell {
  width: number;
  height: number;
  originX: number;
  originY: number;
  /** Where the copies' centres go inside the cell (the corner copies wrap around its edges). */
  centres: { x: number; y: number }[];
}

export function textCell(textW: number, textH: number, angleDeg: number, W: number, H: number, gap = 1): TextCell {
  const a = (angleDeg * Math.PI) / 180;
  const c = Math.abs(Math.cos(a)),
    s = Math.abs(Math.sin(a));
  // The turned text's bounding box, plus a gap; two copies per cell (centre and corners).
  const bw = textW * c + textH * s,
    bh = textW * s + textH * c;
  const g = gap * textH;
  const width = Math.max(2, 2 * Math.ceil((bw + g) / 2));
  const height = Math.max(2, 2 * Math.ceil((bh + g) / 2));
  const centres = [{ x: width / 2, y: height / 2 }];
  for (const x of [0, width]) for (const y of [0, height]) centres.push({ x, y });
  const mod = (v: number, m: number) => ((v % m) + m) % m;
  return {
    width,
    height,
    originX: mod(Math.floor(W / 2 - width / 2), width),
    originY: mod(Math.floor(H / 2 - height / 2), height),
    centres,
  };
}

/** 8-bit gray of an RGB colour: ITU-R 601 weights in integers, rounded half-to-even (the grayscale op's L). */
export function grayOf(r: number, g: number, b: number): number {
  const n = 299 * r + 587 * g + 114 * b;
  const q = Math.floor(n / 1000),
    rem = n - q * 1000;
  return rem > 500 || (rem === 500 && q % 2 === 1) ? q + 1 : q;
}

/** "#rrggbb" as [r, g, b]. */
export function parseHex(color: string): [number, number, number] {
  const v = parseInt(color.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/**
 * Straight-alpha "over" of one colour value: mark value `m` with alpha `a` (0–1) over a pixel of
 * value `d` and alpha `da` (0–1). Returns the result's value and alpha (Porter–Duff, not
 * premultiplied): αo = a + da·(1 − a), v = (m·a + d·da·(1 − a)) / αo. With an opaque pixel (da = 1)
 * that is d + (m − d)·a. Unrounded: callers round half-to-even.
 */
export function over(m: number, a: number, d: number, da = 1): { value: number; alpha: number } {
  const alpha = a + da * (1 - a);
  return { value: alpha > 0 ? (m * a + d * da * (1 - a)) / alpha : 0, alpha };
}

/** Rounds half-to-even and clips to 0–255 (the catalogue's convention). */
export function round8(v: number): number {
  if (v <= 0) return 0;
  if (v >= 255) return 255;
  const f = Math.floor(v),
    r = v - f;
  return r > 0.5 || (r === 0.5 && f % 2 === 1) ? f + 1 : f;
}

/**
 * Blends a single-colour mark given as coverage (0–255, e.g. a text's antialiased alpha) over a
 * frame's rectangle in place: each pixel's colour values go `over` (see above) with
 * a = coverage/255 × opacity, and an alpha channel (2nd of 2, 4th of 4) becomes αo. A 1- or
 * 2-channel frame gets the colour's gray (grayOf). The coverage of the rectangle's pixel (i, j) is
 * `cov[rowStart(j) + cols[i]]`: a box drawn once (cols = offset + i) or a repeating cell (cols
 * wrap around it), without a call per pixel.
 */
export function blendCoverage(
  frame: { width: number; height: number; channels: number; stride: number; data: Uint8Array },
  rect: { x: number; y: number; width: number; height: number },
  cov: Uint8Array,
  rowStart: (j: number) => number,
  cols: Int32Array,
  rgb: [number, number, number],
  opacity: number,
): void {
  const ch = frame.channels;
  const colour = ch <= 2 ? [grayOf(rgb[0], rgb[1], rgb[2])] : rgb;
  const nc = ch <= 2 ? 1 : 3;
  const alphaAt = ch === 2 || ch === 4 ? ch - 1 : -1;
  const d = frame.data;
  // a for each coverage value (the same float64 product as written out per pixel).
  const alphas = new Float64Array(256);
  for (let v = 0; v < 256; v++) alphas[v] = (v / 255) * opacity;
  for (let j = 0; j < rect.height; j++) {
    const r = rowStart(j);
    let o = (rect.y + j) * frame.stride + rect.x * ch;
    for (let i = 0; i < rect.width; i++, o += ch) {
      const cv = cov[r + cols[i]];
      if (cv === 0) continue;
      const a = alphas[cv];
      const da = alphaAt < 0 ? 1 : d[o + alphaAt] / 255;
      const ao = a + da * (1 - a);
      for (let c = 0; c < nc; c++) d[o + c] = ao > 0 ? round8((colour[c] * a + d[o + c] * da * (1 - a)) / ao) : 0;
      if (alphaAt >= 0) d[o + alphaAt] = round8(ao * 255);
    }
  }
}

/** Column indexes ox, ox + 1, … (a box's columns in its own coverage). */
export function spanColumns(ox: number, n: number): Int32Array {
  const cols = new Int32Array(n);
  for (let i = 0; i < n; i++) cols[i] = ox + i;
  return cols;
}
