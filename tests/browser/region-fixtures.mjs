// A generated clip for the region tests: a textured "plate" moving right, bobbing and growing
// (64×40 → 80×50) over a static textured background, covered by a gray card on COVERED frames;
// made as raw RGB in Node and encoded by ffmpeg (libx264, yuv420p), with the plate's true box per frame.
import { execFileSync } from 'node:child_process';
import { mulberry32 } from './fixtures.mjs';
export { iou } from './face-fixtures.mjs';

export const W = 320,
  H = 240,
  N = 60,
  FPS = 30,
  COVERED = [28, 29, 30, 31],
  MARKED = 12;

/** The plate's true box in frame i: moving right, bobbing, growing from 64×40 to 80×50. @param {number} i */
export function truth(i) {
  const s = 1 + (0.25 * i) / (N - 1);
  return [Math.round(10 + (220 * i) / (N - 1)), Math.round(95 + 20 * Math.sin(i / 6)), Math.round(64 * s), Math.round(40 * s)];
}

/** RGB frames: a static textured background, the plate (blocks and stripes, scaled nearest) and, on COVERED frames, a gray card over it. */
export function frames() {
  const rnd = mulberry32(5);
  const bg = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < 3; c++) bg[(y * W + x) * 3 + c] = 60 + ((x * (c + 1) + y * 2) % 90) + Math.floor(rnd() * 20);
  const PW = 64,
    PH = 40,
    plate = new Uint8Array(PW * PH * 3);
  for (let y = 0; y < PH; y++)
    for (let x = 0; x < PW; x++) {
      const block = ((Math.floor(x / 8) * 7 + Math.floor(y / 8) * 13) % 5) * 50;
      const stripe = x % 16 < 3 ? 255 : 0;
      plate.set([Math.max(block, stripe), 255 - block, (block * 3) % 256], (y * PW + x) * 3);
    }
  const out = [];
  for (let i = 0; i < N; i++) {
    const f = Uint8Array.from(bg);
    const [bx, by, bw, bh] = truth(i);
    for (let y = 0; y < bh; y++)
      for (let x = 0; x < bw; x++) {
        const sx = Math.min(PW - 1, Math.floor((x * PW) / bw)),
          sy = Math.min(PH - 1, Math.floor((y * PH) / bh));
        f.set(plate.subarray((sy * PW + sx) * 3, (sy * PW + sx) * 3 + 3), ((by + y) * W + bx + x) * 3);
      }
    if (COVERED.includes(i))
      for (let y = Math.max(0, by - 8); y < Math.min(H, by + bh + 8); y++)
        for (let x = Math.max(0, bx - 8); x < Math.min(W, bx + bw + 8); x++) f.set([128, 128, 128], (y * W + x) * 3);
    out.push(f);
  }
  return out;
}

/** @param {string} file */
export function decodeRgb(file) {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 28 });
}

/**
 * Mean of each channel of frame `i` of `rgb` (frames of `w`×`h`) inside `r` = [x, y, w, h].
 * @param {Buffer} rgb @param {number} i @param {number[]} r @param {number} [w] @param {number} [h]
 */
export function meanIn(rgb, i, r, w = W, h = H) {
  const m = [0, 0, 0];
  for (let y = r[1]; y < r[1] + r[3]; y++)
    for (let x = r[0]; x < r[0] + r[2]; x++) for (let c = 0; c < 3; c++) m[c] += rgb[i * w * h * 3 + (y * w + x) * 3 + c];
  return m.map((v) => v / (r[2] * r[3]));
}

/**
 * Share of the pixels of frame `i` inside box `r` that are magenta (the fill), frames of `w`×`h`.
 * @param {Buffer} rgb @param {number} i @param {number[]} r @param {number} [w] @param {number} [h]
 */
export function magentaIn(rgb, i, r, w = W, h = H) {
  let n = 0,
    all = 0;
  for (let y = Math.max(0, r[1]); y < Math.min(h, r[1] + r[3]); y++)
    for (let x = Math.max(0, r[0]); x < Math.min(w, r[0] + r[2]); x++) {
      const o = i * w * h * 3 + (y * w + x) * 3;
      all++;
      if (rgb[o] > 180 && rgb[o + 1] < 90 && rgb[o + 2] > 180) n++;
    }
  return n / all;
}

/**
 * Magenta pixels (the fill) of frame `i` outside every box of `boxes` (frames of `w`×`h`): the
 * background never is (its channels stay within 60–170).
 * @param {Buffer} rgb @param {number} i @param {number[][]} boxes @param {number} [w] @param {number} [h]
 */
export function magentaOutside(rgb, i, boxes, w = W, h = H) {
  let n = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if (boxes.some((r) => x >= r[0] && x < r[0] + r[2] && y >= r[1] && y < r[1] + r[3])) continue;
      const o = i * w * h * 3 + (y * w + x) * 3;
      if (rgb[o] > 180 && rgb[o + 1] < 90 && rgb[o + 2] > 180) n++;
    }
  return n;
}

/**
 * Mean absolute difference between frame `i` of `a` and of `b` over every pixel outside box `r`
 * (frames of `w`×`h`): what a redaction must leave alone, up to the video codec's noise.
 * @param {Buffer} a @param {Buffer} b @param {number} i @param {number[]} r @param {number} [w] @param {number} [h]
 */
export function diffOutside(a, b, i, r, w = W, h = H) {
  let sum = 0,
    n = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if (x >= r[0] && x < r[0] + r[2] && y >= r[1] && y < r[1] + r[3]) continue;
      const o = i * w * h * 3 + (y * w + x) * 3;
      for (let c = 0; c < 3; c++) sum += Math.abs(a[o + c] - b[o + c]);
      n += 3;
    }
  return sum / n;
}

/** Writes the clip as an H.264 MP4 at `file`. @param {string} file */
export function writePlateClip(file) {
  execFileSync(
    'ffmpeg',
    ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-r', String(FPS), '-i', '-'].concat([
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-crf',
      '12',
      '-g',
      '30',
      file,
    ]),
    { input: Buffer.concat(frames()) },
  );
}
