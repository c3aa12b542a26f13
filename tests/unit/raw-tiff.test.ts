/**
 * core/raw-tiff.ts: the uncompressed TIFF a video frame reaches the image preview as. Read back by
 * the decoder the preview uses (wasm-vips through engine/codec.ts), its pixels are the frame's RGB
 * exactly, alpha dropped (or its gray plane, rows of any stride); the input check takes it as an image.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { grayToTiff, rgbaToTiff } from '../../src/core/raw-tiff';
import { checkInput, decodeSource } from '../../src/engine/codec';
import { loadVips, type Vips } from '../../src/engine/vips';
import { mulberry32 } from './helpers';

let vips: Vips;
beforeAll(async () => {
  ({ vips } = await loadVips());
});

function randomRgba(w: number, h: number, seed: number): Uint8Array {
  const rnd = mulberry32(seed);
  const px = new Uint8Array(w * h * 4);
  for (let i = 0; i < px.length; i++) px[i] = Math.floor(rnd() * 256);
  return px;
}

describe('rgbaToTiff', () => {
  test.each([
    [1, 1],
    [7, 3],
    [320, 240],
    [641, 17],
  ])('%i×%i decodes to the same RGB, alpha dropped', (w, h) => {
    const rgba = randomRgba(w, h, w * 31 + h);
    const tiff = rgbaToTiff(rgba, w, h);
    expect(() => checkInput('frame', tiff)).not.toThrow();
    const { frame, source } = decodeSource(vips, tiff);
    expect([frame.width, frame.height, frame.channels]).toEqual([w, h, 3]);
    expect(source.orientation).toBe(1);
    let diff = -1;
    for (let y = 0; y < h && diff < 0; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < 3; c++)
          if (frame.data[y * frame.stride + x * 3 + c] !== rgba[(y * w + x) * 4 + c]) {
            diff = (y * w + x) * 3 + c;
            break;
          }
    expect(diff).toBe(-1);
  });

  test.each([
    [1, 1, 1],
    [7, 3, 9],
    [320, 240, 320],
    [641, 17, 704],
  ])('gray %i×%i (rows of %i bytes) decodes to the same plane', (w, h, stride) => {
    const plane = randomRgba(stride, h, w + h).subarray(0, stride * h);
    const tiff = grayToTiff(plane, w, h, stride);
    expect(() => checkInput('frame', tiff)).not.toThrow();
    const { frame } = decodeSource(vips, tiff);
    expect([frame.width, frame.height, frame.channels]).toEqual([w, h, 1]);
    let diff = -1;
    for (let y = 0; y < h && diff < 0; y++)
      for (let x = 0; x < w; x++)
        if (frame.data[y * frame.stride + x] !== plane[y * stride + x]) {
          diff = y * w + x;
          break;
        }
    expect(diff).toBe(-1);
  });

  test('refuses sizes that do not match the pixels', () => {
    expect(() => grayToTiff(new Uint8Array(15), 4, 4)).toThrow(/too few/);
    expect(() => grayToTiff(new Uint8Array(64), 4, 4, 3)).toThrow(/too few/);
    expect(() => rgbaToTiff(new Uint8Array(4 * 4 * 4 - 1), 4, 4)).toThrow(/too few/);
    expect(() => rgbaToTiff(new Uint8Array(4), 0, 1)).toThrow(/positive integers/);
  });
});
