/**
 * The streamed path for giant images: rows flow decoder → row ring → haloed strips on the workers
 * → row ring → encoder, a few strips at a time, so memory is O(width × rows in flight) whatever
 * the height. This module is the shared vocabulary (no DOM, no wasm): the control block the three
 * parties coordinate through, the rings' layout and sizes, and the strip plan.
 *
 * Strips are full-width tiles (core/tiles.ts planTiles with tileWidth = width), so the halo
 * argument that makes tiled output equal untiled output holds for them unchanged.
 */
import { planTiles, type Tile } from './tiles';

/**
 * Slots of the Int32 control block (a SharedArrayBuffer). Rows are counted from the top; each
 * counter only grows. Codec workers block on it with Atomics.wait; the main thread with
 * Atomics.waitAsync on SEQ, which every party bumps (and notifies) after changing anything.
 */
export const Ctl = {
  /** Bumped on every change, so one waiter sees any of them. */
  seq: 0,
  /** Rows the decoder has written into the input ring. */
  decoded: 1,
  /** Input rows below this are no longer needed: the decoder may overwrite their slots. */
  inFree: 2,
  /** Output rows complete in the output ring (a contiguous prefix), for the encoder. */
  outReady: 3,
  /** Output rows the encoder has taken: their slots may be overwritten by the workers. */
  outTaken: 4,
  /** Non-zero: stop (cancelled, or another party failed). */
  cancel: 5,
  /** Output chunks the encoder has posted, and chunks the main thread has written to the sink. */
  chunksSent: 6,
  chunksWritten: 7,
  /** Non-zero once the decoder has read its last row. */
  decodeDone: 8,
} as const;
export const CTL_SLOTS = 16;

/** Bumps the control block's change counter and wakes every waiter (codec workers and the main thread). */
export function notifyCtl(ctl: Int32Array): void {
  Atomics.add(ctl, Ctl.seq, 1);
  Atomics.notify(ctl, Ctl.seq);
}

/** A ring of whole rows in a SharedArrayBuffer: row r lives in slot r mod capacity. */
export interface RowRing {
  buffer: SharedArrayBuffer;
  width: number;
  channels: number;
  /** Rows it holds. */
  capacity: number;
}

export function createRing(width: number, channels: number, capacity: number): RowRing {
  return { buffer: new SharedArrayBuffer(width * channels * capacity), width, channels, capacity };
}

/**
 * The contiguous byte ranges of rows [y0, y1) in the ring (one, or two where they wrap), with the
 * row each range starts at.
 */
export function ringSpans(ring: RowRing, y0: number, y1: number): { row: number; offset: number; rows: number }[] {
  if (y1 - y0 > ring.capacity) throw new RangeError(`rows ${y0}–${y1} do not fit a ring of ${ring.capacity} rows`);
  const rowBytes = ring.width * ring.channels;
  const spans: { row: number; offset: number; rows: number }[] = [];
  for (let y = y0; y < y1;) {
    const slot = y % ring.capacity;
    const rows = Math.min(y1 - y, ring.capacity - slot);
    spans.push({ row: y, offset: slot * rowBytes, rows });
    y += rows;
  }
  return spans;
}

/** Copies rows [y0, y0 + rows) from packed `src` (or into packed `dst`) through the ring's wrap. */
export function ringWrite(ring: RowRing, y0: number, src: Uint8Array): void {
  const rowBytes = ring.width * ring.channels;
  const view = new Uint8Array(ring.buffer);
  for (const s of ringSpans(ring, y0, y0 + src.length / rowBytes)) {
    view.set(src.subarray((s.row - y0) * rowBytes, (s.row - y0 + s.rows) * rowBytes), s.offset);
  }
}

export function ringRead(ring: RowRing, y0: number, dst: Uint8Array): void {
  const rowBytes = ring.width * ring.channels;
  const view = new Uint8Array(ring.buffer);
  for (const s of ringSpans(ring, y0, y0 + dst.length / rowBytes)) {
    dst.set(view.subarray(s.offset, s.offset + s.rows * rowBytes), (s.row - y0) * rowBytes);
  }
}

/** Everything the three parties agree on for one streamed image. */
export interface StreamPlan {
  width: number;
  height: number;
  inChannels: number;
  outChannels: number;
  halo: number;
  /** Rows per kernel strip (core height). */
  stripRows: number;
  /** Rows the decoder reads per call: a multiple of 16, which sequential JPEG reading needs. */
  bandRows: number;
  /** Strips handed to workers at once. */
  inFlight: number;
  inCapacity: number;
  outCapacity: number;
  strips: Tile[];
}

/** Bytes of pixels a kernel strip should carry: big enough that per-task costs vanish, small enough to keep several in flight. */
const STRIP_BYTES = 8 << 20;
/** Rows the encoder may want ahead of what it has taken (a TIFF tile row, a JPEG MCU row, with margin). */
const ENCODER_ROWS = 256;

export interface StreamSizing {
  /** Override the strip height (tests use 1-row and odd strips). */
  stripRows?: number;
  /** Strips in flight; default twice the workers, so each has one queued behind the one it runs. */
  inFlight?: number;
  workers: number;
}

export function planStream(
  width: number,
  height: number,
  inChannels: number,
  outChannels: number,
  halo: number,
  s: StreamSizing,
): StreamPlan {
  const rowBytes = width * Math.max(inChannels, outChannels);
  const auto = Math.max(16, Math.min(512, Math.round(STRIP_BYTES / rowBytes / 16) * 16));
  const stripRows = Math.max(1, Math.min(height, s.stripRows ?? auto));
  const bandRows = 64;
  const inFlight = Math.max(1, s.inFlight ?? 2 * s.workers);
  // The lowest strip still running needs its top halo; the decoder writes a band ahead.
  const inCapacity = Math.min(height, (inFlight + 1) * stripRows + 2 * halo + bandRows);
  const outCapacity = Math.min(height, (inFlight + 1) * stripRows + ENCODER_ROWS);
  const strips = planTiles(width, height, width, stripRows, halo).tiles;
  return { width, height, inChannels, outChannels, halo, stripRows, bandRows, inFlight, inCapacity, outCapacity, strips };
}

/** Bytes the plan holds in its rings, plus the workers' private windows (input copy and a step's output). */
export function streamBytes(p: StreamPlan): number {
  const window = (p.stripRows + 2 * p.halo) * p.width;
  return (
    p.inCapacity * p.width * p.inChannels +
    p.outCapacity * p.width * p.outChannels +
    p.inFlight * window * (p.inChannels + 2 * p.outChannels)
  );
}
