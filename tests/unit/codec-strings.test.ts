/** The one table of WebCodecs codec strings (core/video-options.ts) and the sized encoder strings. */
import { describe, expect, test } from 'vitest';
import { CODEC_STRINGS, CONTAINER_CODECS, VIDEO_CODECS, encoderCodecString, type VideoCodecChoice } from '../../src/core/video-options';

const FAMILY: Record<keyof typeof CODEC_STRINGS, RegExp> = {
  avc: /^avc1\.(64|4d|42)00[0-9a-f]{2}$/,
  hevc: /^hvc1\./,
  vp9: /^vp09\.00\.\d\d\.08$/,
  vp8: /^vp8$/,
  av1: /^av01\.0\.\d\dM\.08$/,
};

describe('CODEC_STRINGS', () => {
  test('every choice the options offer has a row, named as mediabunny names it', () => {
    for (const c of Object.keys(VIDEO_CODECS) as VideoCodecChoice[]) expect(CODEC_STRINGS[VIDEO_CODECS[c].mediabunny]).toBeDefined();
    for (const codecs of Object.values(CONTAINER_CODECS))
      for (const c of codecs) expect(CODEC_STRINGS[VIDEO_CODECS[c].mediabunny].base).toBeTruthy();
  });

  test('every string is of its own family; sized bounds grow and end at Infinity', () => {
    for (const [name, row] of Object.entries(CODEC_STRINGS) as [
      keyof typeof CODEC_STRINGS,
      (typeof CODEC_STRINGS)[keyof typeof CODEC_STRINGS],
    ][]) {
      for (const s of [row.base, ...(row.sized ?? []).map(([, s]) => s), ...(row.record ?? [])]) expect(s, name).toMatch(FAMILY[name]);
      const bounds = (row.sized ?? []).map(([b]) => b);
      for (let i = 1; i < bounds.length; i++) expect(bounds[i]).toBeGreaterThan(bounds[i - 1]);
      if (bounds.length) expect(bounds.at(-1)).toBe(Infinity);
    }
  });

  test('the probe and fallback strings are the level-free ones the app always used', () => {
    expect(Object.fromEntries(Object.entries(CODEC_STRINGS).map(([k, v]) => [k, v.base]))).toEqual({
      avc: 'avc1.640028',
      hevc: 'hvc1.1.6.L93.B0',
      vp9: 'vp09.00.10.08',
      vp8: 'vp8',
      av1: 'av01.0.04M.08',
    });
    // The camera's lists, best first.
    expect(CODEC_STRINGS.avc.record).toEqual(['avc1.640028', 'avc1.4d0028', 'avc1.42001f']);
    expect(CODEC_STRINGS.av1.record).toEqual(['av01.0.08M.08', 'av01.0.04M.08']);
    expect(CODEC_STRINGS.vp9.record).toEqual(['vp09.00.10.08', 'vp09.00.40.08']);
  });
});

describe('encoderCodecString', () => {
  test('H.264 levels by macroblocks: 4.0 up to 8192, 5.1 up to 36864, 6.2 beyond', () => {
    expect(encoderCodecString('h264', 2048, 1024)).toBe('avc1.640028'); // 128 × 64 = 8192 MBs
    expect(encoderCodecString('h264', 2048, 1025)).toBe('avc1.640033'); // 128 × 65 (a partial row counts)
    expect(encoderCodecString('h264', 4096, 2304)).toBe('avc1.640033'); // 256 × 144 = 36864
    expect(encoderCodecString('h264', 4096, 2320)).toBe('avc1.64003e');
    expect(encoderCodecString('h264', 7680, 4320)).toBe('avc1.64003e');
    expect(encoderCodecString('h264', 2, 2)).toBe('avc1.640028');
  });

  test('VP9 and AV1 levels by pixels, at the bounds', () => {
    expect(encoderCodecString('vp9', 1920, 1088)).toBe('vp09.00.40.08');
    expect(encoderCodecString('vp9', 1920, 1090)).toBe('vp09.00.51.08');
    expect(encoderCodecString('vp9', 4096, 2176)).toBe('vp09.00.51.08');
    expect(encoderCodecString('vp9', 4096, 2178)).toBe('vp09.00.61.08');
    expect(encoderCodecString('av1', 1280, 720)).toBe('av01.0.05M.08');
    expect(encoderCodecString('av1', 1280, 722)).toBe('av01.0.08M.08');
    expect(encoderCodecString('av1', 2048, 1152)).toBe('av01.0.08M.08');
    expect(encoderCodecString('av1', 3840, 2160)).toBe('av01.0.12M.08');
    expect(encoderCodecString('av1', 4096, 2306)).toBe('av01.0.16M.08');
    expect(encoderCodecString('vp8', 7680, 4320)).toBe('vp8');
  });
});
