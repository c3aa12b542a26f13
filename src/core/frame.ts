/**
 * A frame is 8-bit interleaved pixels with explicit geometry. `data` normally views a
 * SharedArrayBuffer so workers read and write it in place; `stride` (bytes per row) lets a
 * frame view a sub-rectangle of a larger buffer without copying.
 */
export interface Frame {
  width: number;
  height: number;
  channels: number;
  stride: number;
  data: Uint8Array;
}

/** What crosses a thread boundary: the shared buffer plus geometry, never the bytes. */
export interface FrameDesc {
  width: number;
  height: number;
  channels: number;
  stride: number;
  byteOffset: number;
  buffer: SharedArrayBuffer | ArrayBuffer;
}

export function frameBytes(width: number, height: number, channels: number): number {
  return width * height * channels;
}

export function createFrame(
  width: number,
  height: number,
  channels: number,
  buffer?: SharedArrayBuffer | ArrayBuffer,
  byteOffset = 0,
): Frame {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`frame size must be positive integers, got ${width}×${height}`);
  }
  if (channels < 1 || channels > 4) throw new RangeError(`channels must be 1–4, got ${channels}`);
  const bytes = frameBytes(width, height, channels);
  const buf = buffer ?? new SharedArrayBuffer(bytes);
  if (buf.byteLength - byteOffset < bytes) {
    throw new RangeError(`buffer of ${buf.byteLength} bytes is too small for ${width}×${height}×${channels}`);
  }
  return { width, height, channels, stride: width * channels, data: new Uint8Array(buf, byteOffset, bytes) };
}

export function describe(f: Frame): FrameDesc {
  return {
    width: f.width,
    height: f.height,
    channels: f.channels,
    stride: f.stride,
    byteOffset: f.data.byteOffset,
    buffer: f.data.buffer,
  };
}

export function fromDesc(d: FrameDesc): Frame {
  const length = d.stride * (d.height - 1) + d.width * d.channels;
  return {
    width: d.width,
    height: d.height,
    channels: d.channels,
    stride: d.stride,
    data: new Uint8Array(d.buffer, d.byteOffset, length),
  };
}

/** Copies a rectangle of `src` into `dst` at (dx, dy). Channels must match. */
export function blit(src: Frame, sx: number, sy: number, w: number, h: number, dst: Frame, dx: number, dy: number): void {
  if (src.channels !== dst.channels) throw new RangeError('blit: channel counts differ');
  const c = src.channels;
  for (let y = 0; y < h; y++) {
    const s = (sy + y) * src.stride + sx * c;
    const d = (dy + y) * dst.stride + dx * c;
    dst.data.set(src.data.subarray(s, s + w * c), d);
  }
}

/** A frame over a sub-rectangle of another, sharing its memory. */
export function view(f: Frame, x: number, y: number, w: number, h: number): Frame {
  const start = y * f.stride + x * f.channels;
  const length = f.stride * (h - 1) + w * f.channels;
  return {
    width: w,
    height: h,
    channels: f.channels,
    stride: f.stride,
    data: new Uint8Array(f.data.buffer, f.data.byteOffset + start, length),
  };
}

/** A tightly packed copy (stride = width × channels) in a fresh buffer of the given kind. */
export function packed(f: Frame, shared = false): Frame {
  const out = createFrame(f.width, f.height, f.channels, shared ? undefined : new ArrayBuffer(frameBytes(f.width, f.height, f.channels)));
  blit(f, 0, 0, f.width, f.height, out, 0, 0);
  return out;
}
