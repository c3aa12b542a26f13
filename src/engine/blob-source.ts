/**
 * A wasm-vips source that reads a file in slices as the decoder asks for them, so a giant image
 * is never held whole in memory. vips calls `onRead` synchronously from inside a decode, so the
 * bytes must come synchronously: in a dedicated worker `FileReaderSync` reads Blob slices (the
 * browser reads them from disk); in Node tests any {@link SyncReader} will do.
 */
import type { Vips } from './vips';

/** Synchronous random access to a file's bytes. */
export interface SyncReader {
  readonly size: number;
  /** Up to `length` bytes from `position` (fewer only at the end of the file). */
  read(position: number, length: number): Uint8Array;
}

export type VipsSource = InstanceType<Vips['SourceCustom']>;

/** A Blob read through `FileReaderSync` (dedicated workers only). */
export function blobReader(blob: Blob): SyncReader {
  const Reader = (globalThis as { FileReaderSync?: new () => { readAsArrayBuffer(b: Blob): ArrayBuffer } }).FileReaderSync;
  if (!Reader) throw new Error('FileReaderSync is not available here: giant files are read in a dedicated worker');
  const reader = new Reader();
  return {
    size: blob.size,
    read: (position, length) => new Uint8Array(reader.readAsArrayBuffer(blob.slice(position, position + length))),
  };
}

/** Bytes already in memory (tests, small files). */
export function bytesReader(bytes: Uint8Array): SyncReader {
  return { size: bytes.length, read: (position, length) => bytes.subarray(position, position + length) };
}

/** Read-ahead per slice: vips asks for a few KB at a time; one FileReaderSync call costs far more than copying. */
const CHUNK = 1 << 20;

/**
 * A vips SourceCustom over `reader`, seekable (so header probes and format sniffing need no extra
 * caching). The caller deletes it after the image made from it. A failed read (the file changed
 * or vanished) ends the stream and is kept in `failed`.
 */
export function openSource(vips: Vips, reader: SyncReader, failed?: { error?: Error }): VipsSource {
  let pos = 0;
  let chunk: Uint8Array = new Uint8Array(0);
  let chunkAt = 0;
  const src = new vips.SourceCustom();
  src.onRead = (length: number) => {
    if (pos >= reader.size) return undefined;
    if (pos < chunkAt || pos >= chunkAt + chunk.length) {
      try {
        chunk = reader.read(pos, Math.max(CHUNK, length));
      } catch (e) {
        // Never thrown through libvips (it would unwind past its locks): the read ends here, vips
        // reports a truncated file, and `failed` tells the caller why.
        if (failed) failed.error = e instanceof Error ? e : new Error(String(e));
        return undefined;
      }
      chunkAt = pos;
    }
    const from = pos - chunkAt;
    const n = Math.min(length, chunk.length - from);
    if (n <= 0) return undefined;
    pos += n;
    // vips copies what it is given before the next call, so a view is enough.
    return chunk.subarray(from, from + n);
  };
  src.onSeek = (offset: number, whence: number) => {
    const next = whence === 0 ? offset : whence === 1 ? pos + offset : reader.size + offset;
    if (next < 0) return -1;
    pos = next;
    return pos;
  };
  return src;
}
