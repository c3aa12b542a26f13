/**
 * The headless command's output channel: one WebSocket to the local receiver
 * (scripts/lib/serve.mjs), one binary message per output or piece, one acknowledgement each.
 *
 * It replaced a PUT per file (HttpSink), which cost ~30 ms of CPU per output across the
 * renderer, the browser's network stack and the Node receiver — on two cores that halved the
 * batch's throughput (docs/ARCHITECTURE.md, "The command's I/O path"). A write still lands whole
 * or not at all: the receiver writes a temporary file and renames it into place before it acks.
 *
 * Message: [u32 little-endian header length][header JSON, UTF-8][payload bytes]. Header:
 * `{id, op: 'write'|'open'|'put'|'commit'|'abort'|'remove'|'exists', path?, stream?, position?, lastModified?}`.
 * Reply (text): `{id, ok: true}` (for 'exists' with `exists: boolean`) or `{id, ok: false, error}`.
 */
import { TesseraError, cancelled } from '../core/errors';
import { positionedStream, splitPath, type OutputSink, type OutputStream, type WriteOptions } from './sinks';

interface Header {
  op: 'write' | 'open' | 'put' | 'commit' | 'abort' | 'remove' | 'exists';
  path?: string;
  stream?: string;
  position?: number;
  lastModified?: number;
}

export class SocketSink implements OutputSink {
  readonly kind = 'socket';
  private nextId = 1;
  /** Calls awaiting their acknowledgement (`done` settles when it, or the connection's end, comes). */
  private pending = new Map<number, { resolve(exists: boolean): void; reject(e: Error): void; path: string; done: Promise<boolean> }>();
  private closedError: Error | undefined;
  private readonly encoder = new TextEncoder();

  private constructor(private readonly socket: WebSocket) {
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('message', (e: MessageEvent<string | ArrayBuffer>) => {
      if (typeof e.data !== 'string') return;
      const reply = JSON.parse(e.data) as { id: number; ok: boolean; error?: string; exists?: boolean };
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.exists === true);
      else p.reject(new TesseraError('io-failed', `cannot write ${p.path}: ${reply.error ?? 'the receiver refused it'}`));
    });
    const fail = () => {
      this.closedError ??= new TesseraError('io-failed', 'the connection to the output receiver closed');
      for (const p of this.pending.values())
        p.reject(new TesseraError('io-failed', `cannot write ${p.path}: the connection to the output receiver closed`));
      this.pending.clear();
    };
    socket.addEventListener('close', fail);
    socket.addEventListener('error', fail);
  }

  /** Connects to the receiver at `url` (ws://…); rejects if it cannot. */
  static open(url: string): Promise<SocketSink> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const onError = () => reject(new TesseraError('io-failed', `cannot connect to the output receiver at ${url}`));
      socket.addEventListener('error', onError, { once: true });
      socket.addEventListener(
        'open',
        () => {
          socket.removeEventListener('error', onError);
          resolve(new SocketSink(socket));
        },
        { once: true },
      );
    });
  }

  /** Sends one message and resolves when the receiver has done it (with its `exists` answer). */
  private call(header: Header, payload?: Uint8Array): Promise<boolean> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    const head = this.encoder.encode(JSON.stringify({ id, ...header }));
    const msg = new Uint8Array(4 + head.length + (payload?.length ?? 0));
    new DataView(msg.buffer).setUint32(0, head.length, true);
    msg.set(head, 4);
    if (payload) msg.set(payload, 4 + head.length);
    let settle!: { resolve(exists: boolean): void; reject(e: Error): void };
    const done = new Promise<boolean>((resolve, reject) => (settle = { resolve, reject }));
    this.pending.set(id, { ...settle, path: header.path ?? header.stream ?? '', done });
    this.socket.send(msg);
    return done;
  }

  async write(path: string, bytes: Uint8Array, signal?: AbortSignal, options?: WriteOptions): Promise<void> {
    if (signal?.aborted) throw cancelled();
    splitPath(path);
    const lastModified =
      options?.lastModified !== undefined && Number.isFinite(options.lastModified) ? Math.round(options.lastModified) : undefined;
    // Not abandoned once sent: the receiver may already have it, and a file that lands must be
    // reported as written.
    await this.call({ op: 'write', path, ...(lastModified !== undefined ? { lastModified } : {}) }, bytes);
  }

  /** Whether the receiver's output folder has something at `path`. */
  async exists(path: string): Promise<boolean> {
    splitPath(path);
    return this.call({ op: 'exists', path });
  }

  /** The receiver removes the file, or the folder once empty. */
  async remove(path: string): Promise<void> {
    splitPath(path);
    await this.call({ op: 'remove', path });
  }

  /** Positioned pieces into a temporary file that the receiver renames into place on commit. */
  async openStream(path: string, signal?: AbortSignal): Promise<OutputStream> {
    if (signal?.aborted) throw cancelled();
    splitPath(path);
    const stream = crypto.randomUUID();
    await this.call({ op: 'open', path, stream });
    return positionedStream(path, {
      write: async (position, data) => void (await this.call({ op: 'put', path, stream, position }, data)),
      commit: async () => void (await this.call({ op: 'commit', path, stream })),
      discard: async () => void (await this.call({ op: 'abort', path, stream })),
    });
  }

  /** Closes the connection once every write has been acknowledged. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.pending.values()].map((p) => p.done));
    this.socket.close();
  }
}
