import { expect, test } from 'vitest';
import { blit, createFrame, describe as describeFrame, frameBytes, fromDesc, packed, view, type Frame } from '../../src/core/frame';
import { px } from './helpers';

/** Fills a frame with value = (x + 10·y)·channels + c + 1 (mod 256), honouring stride. */
function fillPattern(f: Frame): void {
  for (let y = 0; y < f.height; y++)
    for (let x = 0; x < f.width; x++)
      for (let c = 0; c < f.channels; c++) f.data[y * f.stride + x * f.channels + c] = ((x + 10 * y) * f.channels + c + 1) & 255;
}

test('createFrame: tight stride on a fresh SharedArrayBuffer', () => {
  const f = createFrame(5, 3, 4);
  expect(f).toMatchObject({ width: 5, height: 3, channels: 4, stride: 20 });
  expect(f.data.buffer).toBeInstanceOf(SharedArrayBuffer);
  expect(f.data.length).toBe(60);
  expect(frameBytes(5, 3, 4)).toBe(60);
  expect(f.data.every((v) => v === 0)).toBe(true);
});

test('createFrame on a given buffer at an offset shares its memory', () => {
  const sab = new SharedArrayBuffer(100);
  const f = createFrame(4, 2, 3, sab, 10);
  expect(f.data.byteOffset).toBe(10);
  expect(f.data.length).toBe(24);
  f.data[0] = 9;
  f.data[23] = 8;
  const raw = new Uint8Array(sab);
  expect(raw[10]).toBe(9);
  expect(raw[33]).toBe(8);
});

test('createFrame rejects bad geometry and small buffers', () => {
  expect(() => createFrame(0, 1, 1)).toThrow(/frame size must be positive integers, got 0×1/);
  expect(() => createFrame(2.5, 1, 1)).toThrow(RangeError);
  expect(() => createFrame(1, 1, 5)).toThrow(/channels must be 1–4, got 5/);
  expect(() => createFrame(1, 1, 0)).toThrow(RangeError);
  expect(() => createFrame(4, 4, 3, new SharedArrayBuffer(47))).toThrow(/buffer of 47 bytes is too small for 4×4×3/);
  expect(() => createFrame(4, 4, 3, new SharedArrayBuffer(48), 1)).toThrow(RangeError);
  expect(createFrame(4, 4, 3, new SharedArrayBuffer(49), 1).data.length).toBe(48);
});

test('view: a sub-rectangle sharing memory, parent stride', () => {
  const f = createFrame(8, 6, 3);
  fillPattern(f);
  const v = view(f, 2, 1, 4, 3);
  expect(v).toMatchObject({ width: 4, height: 3, channels: 3, stride: 24 });
  expect(v.data.buffer).toBe(f.data.buffer);
  expect(v.data.byteOffset).toBe(1 * 24 + 2 * 3);
  expect(v.data.length).toBe(2 * 24 + 4 * 3);
  expect(px(v, 0, 0)).toEqual(px(f, 2, 1));
  expect(px(v, 3, 2)).toEqual(px(f, 5, 3));
  v.data[2 * v.stride + 3 * 3 + 1] = 222;
  expect(px(f, 5, 3)[1]).toBe(222);
});

test('view of the bottom-right corner does not run past the buffer', () => {
  const f = createFrame(8, 6, 2);
  const v = view(f, 5, 4, 3, 2);
  expect(v.data.byteOffset + v.data.length).toBe(f.data.length);
});

test('describe / fromDesc round trip of a whole frame and of a view', () => {
  const f = createFrame(7, 5, 4);
  fillPattern(f);
  const d = describeFrame(f);
  expect(d).toEqual({ width: 7, height: 5, channels: 4, stride: 28, byteOffset: 0, buffer: f.data.buffer });
  const back = fromDesc(d);
  expect(back).toMatchObject({ width: 7, height: 5, channels: 4, stride: 28 });
  expect(Array.from(back.data)).toEqual(Array.from(f.data));

  const v = view(f, 1, 2, 3, 2);
  const vd = describeFrame(v);
  expect(vd).toMatchObject({ width: 3, height: 2, channels: 4, stride: 28, byteOffset: 2 * 28 + 4 });
  const vb = fromDesc(vd);
  expect(vb.data.byteOffset).toBe(v.data.byteOffset);
  expect(vb.data.length).toBe(v.data.length);
  expect(px(vb, 2, 1)).toEqual(px(f, 3, 3));
  // Same memory: a write through the round-tripped view shows in the original.
  vb.data[vb.stride + 2 * 4] = 199;
  expect(px(f, 3, 3)[0]).toBe(199);
});

test('a described SharedArrayBuffer frame survives structured cloning with shared memory', () => {
  const f = createFrame(3, 2, 1);
  const clone = structuredClone(describeFrame(f));
  expect(clone.buffer).toBeInstanceOf(SharedArrayBuffer);
  const g = fromDesc(clone);
  g.data[5] = 77;
  expect(f.data[5]).toBe(77);
});

test('blit copies a rectangle between frames of different strides', () => {
  const src = createFrame(10, 8, 3);
  fillPattern(src);
  const dst = createFrame(6, 5, 3);
  dst.data.fill(1);
  blit(src, 4, 3, 3, 2, dst, 2, 1);
  for (let y = 0; y < 5; y++)
    for (let x = 0; x < 6; x++) {
      const inside = x >= 2 && x < 5 && y >= 1 && y < 3;
      expect(px(dst, x, y), `${x},${y}`).toEqual(inside ? px(src, x - 2 + 4, y - 1 + 3) : [1, 1, 1]);
    }
});

test('blit between two views of the same parent-sized frames', () => {
  const a = createFrame(9, 9, 2);
  fillPattern(a);
  const b = createFrame(9, 9, 2);
  blit(view(a, 1, 1, 4, 4), 1, 2, 3, 2, view(b, 5, 5, 4, 4), 0, 1);
  // view(a) (1,2) is a (2,3); it lands at view(b) (0,1) = b (5,6).
  expect(px(b, 5, 6)).toEqual(px(a, 2, 3));
  expect(px(b, 7, 7)).toEqual(px(a, 4, 4));
  expect(px(b, 8, 7)).toEqual([0, 0]);
});

test('blit refuses mismatched channel counts', () => {
  expect(() => blit(createFrame(2, 2, 3), 0, 0, 2, 2, createFrame(2, 2, 4), 0, 0)).toThrow(/channel counts differ/);
});

test('packed copies a strided view into a tight frame', () => {
  const f = createFrame(6, 4, 3);
  fillPattern(f);
  const v = view(f, 1, 1, 3, 2);
  const p = packed(v);
  expect(p).toMatchObject({ width: 3, height: 2, channels: 3, stride: 9 });
  expect(p.data.buffer).toBeInstanceOf(ArrayBuffer);
  expect(p.data.length).toBe(18);
  expect(Array.from(p.data)).toEqual([...px(f, 1, 1), ...px(f, 2, 1), ...px(f, 3, 1), ...px(f, 1, 2), ...px(f, 2, 2), ...px(f, 3, 2)]);
  p.data[0] = 250;
  expect(px(f, 1, 1)[0]).not.toBe(250);
  expect(packed(v, true).data.buffer).toBeInstanceOf(SharedArrayBuffer);
});
