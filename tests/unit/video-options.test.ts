import { describe, expect, test } from 'vitest';
import {
  analysisPath,
  encoderCodecString,
  evenSize,
  targetBitrate,
  validateVideoOptions,
  videoOutputPath,
} from '../../src/core/video-options';
import { isImageName, isMediaName, isVideoName, sniffVideo } from '../../src/core/sniff';

describe('video options', () => {
  test('defaults: MP4 + H.264, quality 60, whole video, audio copied', () => {
    expect(validateVideoOptions(undefined)).toEqual({
      container: 'mp4',
      codec: 'h264',
      quality: 60,
      start: 0,
      analysis: false,
      keyframeInterval: 2,
      audio: 'copy',
      animation: 'off',
      fps: 10,
      animationsAsVideo: false,
    });
  });
  test('a codec alone picks its container; a container alone its first codec', () => {
    expect(validateVideoOptions({ codec: 'vp9' }).container).toBe('webm');
    expect(validateVideoOptions({ codec: 'av1' }).container).toBe('mp4');
    expect(validateVideoOptions({ container: 'webm' }).codec).toBe('vp9');
    expect(validateVideoOptions({ container: 'webm', codec: 'av1' }).codec).toBe('av1');
  });
  test('rejections carry their path and say what is allowed', () => {
    expect(() => validateVideoOptions({ container: 'mp4', codec: 'vp8' })).toThrow(
      '/video/codec: VP8 cannot go in MP4 here (MP4 takes H.264 High, AV1)',
    );
    expect(() => validateVideoOptions({ codec: 'hevc' })).toThrow('/video/codec: unknown video codec "hevc" (choose h264, vp9, vp8, av1)');
    expect(() => validateVideoOptions({ container: 'avi' })).toThrow('/video/container: unknown container "avi"');
    expect(() => validateVideoOptions({ quality: 0 })).toThrow('/video/quality: must be a whole number 1–100, got 0');
    expect(() => validateVideoOptions({ bitrate: 1.5 })).toThrow('/video/bitrate');
    expect(() => validateVideoOptions({ start: 2, end: 1 })).toThrow('/video/end: must be after start (2 s), got 1 s');
    expect(() => validateVideoOptions({ audio: 'aac' })).toThrow('/video/audio');
    expect(() => validateVideoOptions({ rate: 30 })).toThrow('/video/rate: unknown field "rate"');
    expect(() => validateVideoOptions({ animation: 'apng' })).toThrow('/video/animation');
    expect(() => validateVideoOptions({ fps: 60 })).toThrow('/video/fps');
    expect(() => validateVideoOptions([])).toThrow('/video: must be an object');
  });
  test('ranges, bitrate and analysis pass through', () => {
    expect(validateVideoOptions({ start: 1.5, end: 3, bitrate: 2_000_000, analysis: true })).toMatchObject({
      start: 1.5,
      end: 3,
      bitrate: 2_000_000,
      analysis: true,
    });
  });
  test('bitrate from quality grows with quality and size; AV1/VP9 need less', () => {
    const b = targetBitrate(1920, 1080, 30, 60, 'h264');
    expect(b).toBeGreaterThan(5e6);
    expect(b).toBeLessThan(12e6);
    expect(targetBitrate(1920, 1080, 30, 90, 'h264')).toBeGreaterThan(b);
    expect(targetBitrate(1920, 1080, 30, 60, 'av1')).toBeLessThan(b);
    expect(targetBitrate(2, 2, 30, 1, 'vp8')).toBe(50_000);
  });
  test('even sizes for 4:2:0', () => {
    expect(evenSize(1920, 1080)).toEqual({ width: 1920, height: 1080, cropped: false });
    expect(evenSize(251, 189)).toEqual({ width: 250, height: 188, cropped: true });
    expect(() => evenSize(1, 100)).toThrow('too small to encode');
  });
  test('codec strings climb levels with the frame size', () => {
    expect(encoderCodecString('h264', 1280, 720)).toBe('avc1.640028');
    expect(encoderCodecString('h264', 1920, 1080)).toBe('avc1.640028');
    expect(encoderCodecString('h264', 3840, 2160)).toBe('avc1.640033');
    expect(encoderCodecString('vp9', 3840, 2160)).toBe('vp09.00.51.08');
    expect(encoderCodecString('av1', 1920, 1080)).toBe('av01.0.08M.08');
    expect(encoderCodecString('vp8', 3840, 2160)).toBe('vp8');
  });
  test('output paths', () => {
    expect(videoOutputPath('trip/day1/clip.MOV', 'mp4')).toBe('trip/day1/clip.mp4');
    expect(videoOutputPath('a.b/clip', 'webm')).toBe('a.b/clip.webm');
    expect(analysisPath('trip/clip.mp4')).toBe('trip/clip.analysis.json');
  });
});

describe('video names and magic', () => {
  test('names', () => {
    for (const n of ['a.mp4', 'b/c.MOV', 'x.webm', 'y.mkv', 'z.m4v']) expect(isVideoName(n)).toBe(true);
    expect(isVideoName('d/.hidden.mp4')).toBe(false);
    expect(isVideoName('a.jpg')).toBe(false);
    expect(isImageName('a.mp4')).toBe(false);
    expect(isMediaName('a.jpg') && isMediaName('a.webm')).toBe(true);
  });
  test('magic', () => {
    const ftyp = (brand: string) => new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftyp' + brand), 0, 0, 0, 0]);
    expect(sniffVideo('a.mp4', 100, ftyp('isom'))).toEqual({ kind: 'mp4' });
    expect(sniffVideo('a.mov', 100, ftyp('qt  '))).toEqual({ kind: 'mov' });
    expect(sniffVideo('a.mp4', 100, ftyp('avif')).problem).toMatch(/^not an MP4 video/);
    const ebml = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, ...new TextEncoder().encode('B\x82\x84webm')]);
    expect(sniffVideo('a.webm', 100, ebml)).toEqual({ kind: 'webm' });
    expect(sniffVideo('a.webm', 0, new Uint8Array())).toEqual({ problem: 'empty file (0 bytes)' });
    expect(sniffVideo('a.mp4', 10, new TextEncoder().encode('<html></html>')).problem).toBe(
      'not an MP4 video: it is an HTML page (starts with 3C 68 74 6D)',
    );
  });
});
