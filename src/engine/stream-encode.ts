/**
 * The encoding end of a streamed giant image (core/strips.ts). libvips encoders pull their
 * pixels, so the output ring is presented to them as a PNM stream (P5 gray / P6 RGB, with a
 * second P5 stream for alpha, joined band-wise) whose reads block (Atomics.wait, dedicated worker
 * only) until the workers have finished those rows. What the encoder writes goes out in
 * positioned chunks through `post` — coalesced to a few MB, with a cap on chunks not yet written
 * by the main thread — so neither the input nor the output is ever whole in memory. The pixels
 * and save options are the whole-image encoder's (codec.ts prepareForSave/save), so the bytes are
 * the same as an untiled run's.
 */
import { TesseraError, toError } from '../core/errors';
import type { OutputOptions } from '../core/formats';
import { withScope } from '../core/scope';
import { Ctl, notifyCtl, type RowRing } from '../core/strips';
import { prepareForSave, save } from './codec';
import type { SourceInfo } from './ops/context';
import { waitUntil } from './stream-decode';
import { vipsError, clearVipsErrors, type Vips, type VipsImage } from './vips';

export interface Chunk {
  position: number;
  data: Uint8Array<ArrayBuffer>;
}

export interface EncodeRowsRequest {
  ring: RowRing;
  ctl: Int32Array;
  width: number;
  height: number;
  channels: number;
  output: OutputOptions;
  source?: SourceInfo;
}

/** Bytes gathered before a chunk is posted, and chunks allowed in flight to the sink. */
const CHUNK_BYTES = 4 << 20;
const MAX_CHUNKS_IN_FLIGHT = 8;

/**
 * A PNM byte stream over some of the ring's bands (`first`, `count`), reading row by row as
 * rows become ready. `taken` reports how many whole rows it has consumed.
 */
class RowStream {
  private pos = 0;
  private readonly header: Uint8Array;
  private readonly rowBytes: number;
  rowsTaken = 0;
  constructor(
    private readonly r: EncodeRowsRequest,
    private readonly first: number,
    private readonly count: number,
    private readonly onTaken: () => void,
  ) {
    this.header = new TextEncoder().encode(`${count === 1 ? 'P5' : 'P6'}\n${r.width} ${r.height}\n255\n`);
    this.rowBytes = r.width * count;
  }

  read(length: number): Uint8Array | undefined {
    const { header, rowBytes, r } = this;
    if (this.pos < header.length) {
      const part = header.subarray(this.pos, Math.min(header.length, this.pos + length));
      this.pos += part.length;
      return part;
    }
    const at = this.pos - header.length;
    const row = Math.floor(at / rowBytes);
    if (row >= r.height) return undefined;
    waitUntil(r.ctl, () => row < Atomics.load(r.ctl, Ctl.outReady));
    const ready = Math.min(r.height, Atomics.load(r.ctl, Ctl.outReady));
    const n = Math.min(length, ready * rowBytes - at);
    const out = new Uint8Array(n);
    const ring = new Uint8Array(r.ring.buffer);
    const c = r.channels;
    const ringRowBytes = r.width * c;
    for (let done = 0; done < n;) {
      const y = Math.floor((at + done) / rowBytes);
      const inRow = (at + done) % rowBytes;
      const take = Math.min(n - done, rowBytes - inRow);
      const base = (y % r.ring.capacity) * ringRowBytes;
      if (this.count === c) {
        out.set(ring.subarray(base + inRow, base + inRow + take), done);
      } else {
        // Some bands of interleaved rows: pick them out pixel by pixel.
        const px0 = inRow / this.count;
        for (let i = 0; i < take; i++) {
          const px = px0 + Math.floor(i / this.count);
          out[done + i] = ring[base + px * c + this.first + (i % this.count)];
        }
      }
      done += take;
    }
    this.pos += n;
    const taken = Math.floor((this.pos - header.length) / rowBytes);
    if (taken > this.rowsTaken) {
      this.rowsTaken = taken;
      this.onTaken();
    }
    return out;
  }
}

/**
 * Encodes the rows as they become ready; `post` receives the file's bytes as positioned chunks
 * (the main thread writes them to the sink and counts them in Ctl.chunksWritten).
 */
export function encodeRows(
  vips: Vips,
  r: EncodeRowsRequest,
  post: (chunk: Chunk) => void,
): { encodeMs: number; waitMs: number; bytes: number } {
  const t0 = performance.now();
  let waitMs = 0;
  let size = 0;
  clearVipsErrors(vips);
  /** Why a callback stopped the save (cancelled, or the sink failed), rethrown once vips has unwound. */
  let stopped: Error | undefined;
  const guarded = <T>(f: () => T): T | undefined => {
    if (stopped) return undefined;
    try {
      return f();
    } catch (e) {
      stopped = toError(e);
      return undefined;
    }
  };
  withScope((scope) => {
    const alpha = r.channels === 2 || r.channels === 4;
    const colour = alpha ? r.channels - 1 : r.channels;
    const streams: RowStream[] = [];
    const onTaken = () => {
      const taken = Math.min(...streams.map((s) => s.rowsTaken));
      if (taken > Atomics.load(r.ctl, Ctl.outTaken)) {
        Atomics.store(r.ctl, Ctl.outTaken, taken);
        notifyCtl(r.ctl);
      }
    };
    const load = (first: number, count: number): VipsImage => {
      const stream = new RowStream(r, first, count, onTaken);
      streams.push(stream);
      const src = scope.track(new vips.SourceCustom());
      src.onRead = (length: number) => {
        const w0 = performance.now();
        // Nothing may be thrown through libvips (it would unwind past its locks): a stop reads
        // as the end of the stream, vips fails its save, and the reason is rethrown below.
        const out = guarded(() => stream.read(length));
        waitMs += performance.now() - w0;
        return out;
      };
      return scope.track(vips.Image.ppmloadSource(src, { access: 'sequential' }));
    };
    let im = load(0, colour);
    if (alpha) im = scope.track(im.bandjoin(load(colour, 1)));
    im = scope.track(im.copy({ interpretation: colour >= 3 ? 'srgb' : 'b-w' }));

    // Coalesced positioned writes: sequential writes grow one buffer, a seek (TIFF) starts another.
    let buf = new Uint8Array(CHUNK_BYTES);
    let bufAt = 0;
    let bufLen = 0;
    let pos = 0;
    let end = 0;
    const flush = () => {
      if (!bufLen) return;
      const w0 = performance.now();
      waitUntil(r.ctl, () => Atomics.load(r.ctl, Ctl.chunksSent) - Atomics.load(r.ctl, Ctl.chunksWritten) < MAX_CHUNKS_IN_FLIGHT);
      waitMs += performance.now() - w0;
      Atomics.add(r.ctl, Ctl.chunksSent, 1);
      post({ position: bufAt, data: buf.slice(0, bufLen) });
      bufLen = 0;
    };
    const target = scope.track(new vips.TargetCustom());
    target.onWrite = (data: Uint8Array) => guarded(() => write(data)) ?? -1;
    const write = (data: Uint8Array): number => {
      if (bufLen && bufAt + bufLen !== pos) flush();
      if (!bufLen) bufAt = pos;
      if (bufLen + data.length > buf.length) {
        flush();
        bufAt = pos;
        if (data.length > buf.length) buf = new Uint8Array(data.length);
      }
      buf.set(data, bufLen);
      bufLen += data.length;
      pos += data.length;
      end = Math.max(end, pos);
      return data.length;
    };
    target.onSeek = (offset: number, whence: number) => {
      pos = whence === 0 ? offset : whence === 1 ? pos + offset : end + offset;
      return pos;
    };
    // libtiff may ask to read back; nothing it writes here needs it (checked for tiled deflate/LZW/JPEG).
    target.onRead = () => undefined;
    target.onEnd = () => guarded(() => (flush(), 0)) ?? -1;
    const { im: ready, keep } = prepareForSave(vips, scope, im, r.output, r.source);
    try {
      save(ready, r.output, keep, target);
    } catch (e) {
      if (stopped) throw stopped;
      if (e instanceof TesseraError) throw e;
      throw vipsError('encode-failed', `cannot encode ${r.output.format.toUpperCase()}`, e);
    }
    if (stopped) throw stopped;
    flush();
    size = end;
  });
  return { encodeMs: performance.now() - t0 - waitMs, waitMs, bytes: size };
}
