/// <reference lib="webworker" />
/**
 * A codec worker for streamed giant images: it decodes a file into the input ring, or encodes
 * the output ring into chunks, each as one long blocking call (Atomics.wait on the control block
 * is its backpressure), which is why these roles get workers of their own rather than engine
 * pool workers, whose threads must stay free for the strips. See core/strips.ts.
 */
import * as Comlink from 'comlink';
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

/** What a stream worker exposes over Comlink. */
export interface StreamWorkerApi {
  probe(file: Blob, name: string): Promise<StreamHeader>;
  decode(file: Blob, name: string, job: StreamJob & { bandRows: number }): Promise<{ decodeMs: number; waitMs: number }>;
  /** Posts `{position, data}` chunks of the output file on `port` (data transferred). */
  encode(
    job: StreamJob & { output: OutputOptions; source?: SourceInfo },
    port: MessagePort,
  ): Promise<{ encodeMs: number; waitMs: number; bytes: number }>;
}

const api: StreamWorkerApi = {
  probe: async (file, name) => probeStream(await vipsFor({ name }), blobReader(file), name),
  decode: async (file, name, job) => decodeRows(await vipsFor({ name }), blobReader(file), { ...job, name, ctl: new Int32Array(job.ctl) }),
  encode: async (job, port) => {
    try {
      return encodeRows(await vipsFor({ output: job.output }), { ...job, ctl: new Int32Array(job.ctl) }, (chunk) =>
        port.postMessage(chunk, [chunk.data.buffer]),
      );
    } finally {
      port.close();
    }
  },
};

Comlink.expose(api);
