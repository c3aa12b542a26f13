/**
 * The codec ends of a streamed giant image as worker calls (core/strips.ts): probe, decode into
 * the input ring, encode from the output ring. Both the engine worker (leased from the pool,
 * WorkerPool.lease) and the dedicated stream worker (when no pool worker can be spared) expose
 * them, so jobs/streamed.ts does not care which one runs a role.
 */
import type { ColourMode } from './codec';
import type { OutputOptions } from '../core/formats';
import type { RowRing } from '../core/strips';
import { blobReader } from './blob-source';
import type { SourceInfo } from './ops/context';
import { decodeRows, probeStream, type StreamHeader } from './stream-decode';
import { encodeRows } from './stream-encode';
import { vipsFor } from './vips-instances';

export interface StreamJob {
  ring: RowRing;
  /** The control block (core/strips.ts Ctl), shared by the decoder, the encoder and the main thread. */
  ctl: SharedArrayBuffer;
  width: number;
  height: number;
  channels: number;
}

export interface StreamCodecApi {
  /** A file's size, channels and metadata from its header, reading only the slices it needs. */
  probe(file: Blob, name: string, colour?: ColourMode): Promise<StreamHeader>;
  /** Decodes every row into the ring, blocking while it is full (one long call). */
  decodeStream(
    file: Blob,
    name: string,
    job: StreamJob & { bandRows: number; colour?: ColourMode },
  ): Promise<{ decodeMs: number; waitMs: number }>;
  /** Encodes the ring's rows as they become ready, posting `{position, data}` chunks of the file on `port` (data transferred). */
  encodeStream(
    job: StreamJob & { output: OutputOptions; source?: SourceInfo },
    port: MessagePort,
  ): Promise<{ encodeMs: number; waitMs: number; bytes: number }>;
}

export const streamCodec: StreamCodecApi = {
  probe: async (file, name, colour) => probeStream(await vipsFor({ name }), blobReader(file), name, colour),
  decodeStream: async (file, name, job) =>
    decodeRows(await vipsFor({ name }), blobReader(file), { ...job, name, ctl: new Int32Array(job.ctl) }),
  encodeStream: async (job, port) => {
    try {
      return encodeRows(await vipsFor({ output: job.output }), { ...job, ctl: new Int32Array(job.ctl) }, (chunk) =>
        port.postMessage(chunk, [chunk.data.buffer]),
      );
    } finally {
      port.close();
    }
  },
};
