// Animated fixtures made with Debian tools, and readers that are not Tessera's: four 64×48 frames
// from ffmpeg's testsrc2 (the hue turns 90° a frame, so every pixel changes), an animated WebP by
// img2webp (lossless, delays 80/160/240/320 ms, loop 3), a GIF of it by the native vips CLI;
// webpmux -info for WebP frames, durations and loop; a GIF's own blocks for its delays and plays.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const DELAYS = [80, 160, 240, 320];
export const LOOP = 3;
/** Frame size. */
export const W = 64,
  H = 48;

/**
 * Writes `w.webp` and `g.gif` (the same four frames, delays and loop) into `into`; the frames go to `work`.
 * @param {string} work @param {string} into
 */
export function makeAnimations(work, into) {
  run('ffmpeg', [
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${W}x${H}:rate=1,hue=h=90*n`,
    '-frames:v',
    '4',
    join(work, 'f%d.png'),
  ]);
  const args = ['-lossless', '-loop', String(LOOP)];
  DELAYS.forEach((d, i) => args.push('-d', String(d), join(work, `f${i + 1}.png`)));
  run('img2webp', [...args, '-o', join(into, 'w.webp')]);
  run('vips', ['copy', `${join(into, 'w.webp')}[n=-1]`, join(into, 'g.gif')]);
}

/** webpmux -info: frame count, each frame's duration, loop count. @param {string} file */
export function webpInfo(file) {
  const info = run('webpmux', ['-info', file]);
  const frames = Number(/Number of frames: (\d+)/.exec(info)?.[1]);
  const loop = Number(/Loop Count : (\d+)/.exec(info)?.[1]);
  const canvas = /Canvas size: (\d+) x (\d+)/.exec(info);
  const durations = [...info.matchAll(/^\s*\d+:\s+\d+\s+\d+\s+\w+\s+\d+\s+\d+\s+(\d+)/gm)].map((m) => Number(m[1]));
  return { frames, loop, durations, width: Number(canvas?.[1]), height: Number(canvas?.[2]) };
}

/**
 * A GIF's frame delays (Graphic Control Extensions, centiseconds → ms) and its plays (NETSCAPE
 * repeat count + 1; 0 forever), read from its blocks.
 * @param {Buffer} gif
 */
export function gifInfo(gif) {
  const delays = [];
  let repeat;
  let i = 13 + (gif[10] & 0x80 ? 3 << ((gif[10] & 7) + 1) : 0); // header, logical screen, global palette
  while (i < gif.length && gif[i] !== 0x3b) {
    if (gif[i] === 0x21) {
      const label = gif[i + 1];
      let j = i + 2;
      if (label === 0xf9) delays.push((gif[j + 2] | (gif[j + 3] << 8)) * 10);
      if (label === 0xff && gif.toString('latin1', j + 1, j + 12) === 'NETSCAPE2.0') repeat = gif[j + 14] | (gif[j + 15] << 8);
      while (gif[j]) j += gif[j] + 1; // sub-blocks
      i = j + 1;
    } else if (gif[i] === 0x2c) {
      const packed = gif[i + 9];
      let j = i + 10 + (packed & 0x80 ? 3 << ((packed & 7) + 1) : 0) + 1; // descriptor, local palette, LZW size
      while (gif[j]) j += gif[j] + 1;
      i = j + 1;
    } else throw new Error(`GIF block 0x${gif[i].toString(16)} at ${i}`);
  }
  return {
    delays,
    plays: repeat === undefined ? 1 : repeat === 0 ? 0 : repeat + 1,
    width: gif[6] | (gif[7] << 8),
    height: gif[8] | (gif[9] << 8),
  };
}

/** The recipe the animation tests run: every frame halved and inverted. */
export const RECIPE = {
  name: 'Half size, inverted',
  steps: [
    { op: 'resize', params: { mode: 'percent', percent: 50 } },
    { op: 'invert', params: {} },
  ],
};

/** A native tool's stdout (it throws on a non-zero exit). @param {string} cmd @param {string[]} args */
export const run = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
