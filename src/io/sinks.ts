/**
 * Output sinks. A write either lands whole or not at all: File System Access writes go to a swap
 * file that only replaces the target on close(), and an aborted write is discarded; the HTTP
 * sink's server renames a complete temporary file into place. An output made of many files (a
 * DZI pyramid's tiles) that fails or is cancelled midway takes its files back with `remove`.
 */
import { Zip, ZipPassThrough } from 'fflate';
import { TesseraError, cancelled, messageOf } from '../core/errors';

/** Per-file extras for OutputSink.write. */
export interface WriteOptions {
  /**
   * The modified date to give the output (ms since 1970, as File.lastModified), where the
   * platform allows: zip entries and the HTTP sink's server can set it; File System Access has
   * no way to set a file's modified time, so FolderSink outputs are dated when written.
   */
  lastModified?: number;
}

export interface OutputSink {
  /** Sinks that can take an output in positioned pieces (no whole copy in memory) offer this. */
  openStream?(path: string, signal?: AbortSignal): Promise<OutputStream>;
  readonly kind: 'folder' | 'zip' | 'hash' | 'http' | 'socket' | 'memory';
  write(path: string, bytes: Uint8Array, signal?: AbortSignal, options?: WriteOptions): Promise<void>;
  /**
   * Takes back what the batch wrote: the file at `path`, or the folder at `path` once it is empty
   * (never a folder's contents, so nothing the batch did not write is touched). Resolves when it
   * is gone, or was never there. Every sink here has it; a sink without it keeps such files.
   */
  remove?(path: string): Promise<void>;
  /** Reads back a written output (for the before/after view), when the sink keeps it. */
  read?(path: string): Promise<Blob | undefined>;
  /**
   * Whether something is already at `path` before this batch writes there (output policy
   * `existing`: rename, skip or overwrite). A sink without it (a fresh zip) has nothing there.
   */
  exists?(path: string): Promise<boolean>;
}

/** An `exists` that says no when the sink cannot tell. */
export function outputExists(sink: OutputSink, path: string): Promise<boolean> {
  return sink.exists ? sink.exists(path) : Promise.resolve(false);
}

export function splitPath(path: string): { dirs: string[]; name: string } {
  const parts = path.split('/').filter(Boolean);
  if (parts.some((p) => p === '..' || p === '.')) throw new TesseraError('io-failed', `${path}: unsafe output path`);
  return { dirs: parts.slice(0, -1), name: parts[parts.length - 1] };
}

/** `f()` run now, as a promise: what it throws rejects it (sinks report failures as rejections, never by throwing). */
function settled<T>(f: () => T): Promise<T> {
  return new Promise((resolve) => resolve(f()));
}

async function subdir(root: FileSystemDirectoryHandle, dirs: string[], create: boolean): Promise<FileSystemDirectoryHandle> {
  let d = root;
  for (const name of dirs) d = await d.getDirectoryHandle(name, { create });
  return d;
}

/**
 * An output written in pieces, at positions, as it is produced (a long video's container), so
 * it never has to be held in memory. Nothing is visible at the path until `commit()`; `abort()`
 * discards everything.
 */
export interface OutputStream {
  writable: WritableStream<{ type: 'write'; position: number; data: Uint8Array }>;
  /** Bytes written so far (the file's size once committed). */
  readonly size: number;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * An OutputStream over a destination's three operations. `discard` runs at most once, and never
 * after a successful commit.
 */
export function positionedStream(
  path: string,
  ops: {
    write(position: number, data: Uint8Array): Promise<void>;
    commit(): Promise<void>;
    discard(): Promise<void>;
  },
): OutputStream {
  let size = 0;
  let done = false;
  const discard = async () => {
    if (done) return;
    done = true;
    await ops.discard().catch(() => {});
  };
  return {
    writable: new WritableStream({
      async write(chunk) {
        await ops.write(chunk.position, chunk.data);
        size = Math.max(size, chunk.position + chunk.data.length);
      },
      // The muxer closes its stream when it finalizes; the file is committed separately, by the
      // job, once everything else about the output has succeeded.
      close() {},
      abort: discard,
    }),
    get size() {
      return size;
    },
    async commit() {
      if (done) throw new TesseraError('io-failed', `cannot write ${path}: the output was already discarded`);
      done = true;
      await ops.commit();
    },
    abort: discard,
  };
}

/**
 * The sink's own stream where it has one (positioned writes straight to the file); otherwise the
 * pieces are kept and written as one file at commit (zip, memory and hash sinks hold their
 * outputs in memory anyway).
 */
export async function openOutputStream(sink: OutputSink, path: string, signal?: AbortSignal): Promise<OutputStream> {
  if (sink.openStream) return sink.openStream(path, signal);
  let pieces: { position: number; data: Uint8Array }[] = [];
  return positionedStream(path, {
    write(position, data) {
      // The writer may reuse its buffer once the write resolves: keep a copy.
      pieces.push({ position, data: data.slice() });
      return Promise.resolve();
    },
    async commit() {
      const size = pieces.reduce((n, p) => Math.max(n, p.position + p.data.length), 0);
      const bytes = new Uint8Array(size);
      for (const p of pieces) bytes.set(p.data, p.position);
      pieces = [];
      await sink.write(path, bytes, signal);
    },
    discard() {
      pieces = [];
      return Promise.resolve();
    },
  });
}

export class FolderSink implements OutputSink {
  readonly kind = 'folder';
  constructor(readonly dir: FileSystemDirectoryHandle) {}

  /** File System Access writes go to a swap file that replaces the target only on close(). */
  async openStream(path: string, signal?: AbortSignal): Promise<OutputStream> {
    if (signal?.aborted) throw cancelled();
    const { dirs, name } = splitPath(path);
    const dir = await subdir(this.dir, dirs, true);
    const existed = await dir.getFileHandle(name).then(
      () => true,
      () => false,
    );
    const handle = await dir.getFileHandle(name, { create: true });
    const w = await handle.createWritable({ keepExistingData: false });
    return positionedStream(path, {
      write: (position, data) => w.write({ type: 'write', position, data: data as Uint8Array<ArrayBuffer> }),
      async commit() {
        try {
          await w.close();
        } catch (e) {
          if (!existed) await dir.removeEntry(name).catch(() => {});
          throw new TesseraError('io-failed', `cannot write ${path}: ${messageOf(e)}`);
        }
      },
      async discard() {
        await w.abort().catch(() => {});
        if (!existed) await dir.removeEntry(name).catch(() => {});
      },
    });
  }

  async write(path: string, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw cancelled();
    const { dirs, name } = splitPath(path);
    const dir = await subdir(this.dir, dirs, true);
    // getFileHandle({create}) makes an empty file at once: remove it again if this write fails,
    // so a cancelled batch leaves only complete files.
    const existed = await dir.getFileHandle(name).then(
      () => true,
      () => false,
    );
    const handle = await dir.getFileHandle(name, { create: true });
    let w: FileSystemWritableFileStream | undefined;
    try {
      w = await handle.createWritable({ keepExistingData: false });
      await w.write(bytes as Uint8Array<ArrayBuffer>);
      if (signal?.aborted) throw cancelled();
      await w.close();
    } catch (e) {
      await w?.abort().catch(() => {});
      if (!existed) await dir.removeEntry(name).catch(() => {});
      if (signal?.aborted) throw cancelled();
      throw new TesseraError('io-failed', `cannot write ${path}: ${messageOf(e)}`);
    }
  }

  async remove(path: string): Promise<void> {
    const { dirs, name } = splitPath(path);
    let dir: FileSystemDirectoryHandle;
    try {
      dir = await subdir(this.dir, dirs, false);
    } catch {
      return; // its folder is not there: nor is it
    }
    try {
      await dir.removeEntry(name);
    } catch (e) {
      // Not there, or a folder that still holds something: both are left as they are.
      const kind = (e as { name?: string } | null)?.name;
      if (kind === 'NotFoundError' || kind === 'InvalidModificationError') return;
      throw new TesseraError('io-failed', `cannot remove ${path}: ${messageOf(e)}`);
    }
  }

  async read(path: string): Promise<Blob | undefined> {
    try {
      const { dirs, name } = splitPath(path);
      return await (await (await subdir(this.dir, dirs, false)).getFileHandle(name)).getFile();
    } catch {
      return undefined;
    }
  }

  async exists(path: string): Promise<boolean> {
    const { dirs, name } = splitPath(path);
    let dir: FileSystemDirectoryHandle;
    try {
      dir = await subdir(this.dir, dirs, false);
    } catch {
      return false;
    }
    try {
      await dir.getFileHandle(name);
      return true;
    } catch (e) {
      // A folder of that name is in the way too.
      return (e as { name?: string } | null)?.name === 'TypeMismatchError';
    }
  }
}

function zipDate(ms: number | undefined): Date | undefined {
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  const y = d.getFullYear();
  return y >= 1980 && y <= 2099 ? d : undefined;
}

/**
 * A zip of the results (stored, not deflated: the images are compressed already). Entries are
 * kept as Blobs, which the browser may page to disk, and only go into the archive in `finish()`:
 * so an entry can still be taken back (`remove`, a failed pyramid's tiles) and a path written
 * twice is stored once, with its last bytes.
 */
export class ZipSink implements OutputSink {
  readonly kind = 'zip';
  private entries = new Map<string, { blob: Blob; mtime: Date }>();

  write(path: string, bytes: Uint8Array, signal?: AbortSignal, options?: WriteOptions): Promise<void> {
    return settled(() => {
      if (signal?.aborted) throw cancelled();
      splitPath(path);
      // Zip (DOS) dates cover 1980–2099 at 2-second resolution, in local time; others get "now".
      const mtime = zipDate(options?.lastModified) ?? new Date();
      this.entries.delete(path); // a rewrite goes to the end, in the order written
      this.entries.set(path, { blob: new Blob([bytes as Uint8Array<ArrayBuffer>]), mtime });
    });
  }

  remove(path: string): Promise<void> {
    this.entries.delete(path);
    return Promise.resolve();
  }

  read(path: string): Promise<Blob | undefined> {
    return Promise.resolve(this.entries.get(path)?.blob);
  }

  get count(): number {
    return this.entries.size;
  }

  /** The archive of every entry, in the order written. */
  async finish(): Promise<Blob> {
    const chunks: Uint8Array[] = [];
    const zip = new Zip((err, chunk) => {
      if (err) throw err;
      chunks.push(chunk);
    });
    for (const [path, { blob, mtime }] of this.entries) {
      const entry = new ZipPassThrough(path);
      entry.mtime = mtime;
      zip.add(entry);
      entry.push(new Uint8Array(await blob.arrayBuffer()), true);
    }
    zip.end();
    return new Blob(chunks as Uint8Array<ArrayBuffer>[], { type: 'application/zip' });
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Keeps a SHA-256 per output and nothing else: what the benchmark compares between runs. */
export class HashSink implements OutputSink {
  readonly kind = 'hash';
  readonly hashes = new Map<string, string>();
  bytes = 0;
  private sizes = new Map<string, number>();
  async write(path: string, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw cancelled();
    this.hashes.set(path, await sha256Hex(bytes));
    this.bytes += bytes.length - (this.sizes.get(path) ?? 0);
    this.sizes.set(path, bytes.length);
  }
  remove(path: string): Promise<void> {
    this.hashes.delete(path);
    this.bytes -= this.sizes.get(path) ?? 0;
    this.sizes.delete(path);
    return Promise.resolve();
  }
}

/** Keeps outputs in memory (previews, tests); not for big batches. */
export class MemorySink implements OutputSink {
  readonly kind = 'memory';
  readonly files = new Map<string, Uint8Array>();
  /** The lastModified each write asked for, if any. */
  readonly modified = new Map<string, number>();
  write(path: string, bytes: Uint8Array, signal?: AbortSignal, options?: WriteOptions): Promise<void> {
    return settled(() => {
      if (signal?.aborted) throw cancelled();
      this.files.set(path, bytes);
      if (options?.lastModified !== undefined) this.modified.set(path, options.lastModified);
    });
  }
  remove(path: string): Promise<void> {
    this.files.delete(path);
    this.modified.delete(path);
    return Promise.resolve();
  }
  read(path: string): Promise<Blob | undefined> {
    const b = this.files.get(path);
    return Promise.resolve(b && new Blob([b as Uint8Array<ArrayBuffer>]));
  }
  exists(path: string): Promise<boolean> {
    return Promise.resolve(this.files.has(path));
  }
}

/** PUTs each output to a local server (the headless `npm run batch` command's receiver). */
export class HttpSink implements OutputSink {
  readonly kind = 'http';
  constructor(private readonly base: string) {}
  /** Positioned pieces PUT to the receiver, which renames the finished file into place. */
  openStream(path: string, signal?: AbortSignal): Promise<OutputStream> {
    return settled(() => this.stream(path, signal));
  }

  private stream(path: string, signal?: AbortSignal): OutputStream {
    if (signal?.aborted) throw cancelled();
    splitPath(path);
    const id = crypto.randomUUID();
    const url = `${this.base}${path.split('/').map(encodeURIComponent).join('/')}?stream=${id}`;
    const call = async (method: string, body?: Uint8Array, headers: Record<string, string> = {}) => {
      const res = await fetch(url, { method, body: body as Uint8Array<ArrayBuffer> | undefined, headers });
      if (!res.ok) throw new TesseraError('io-failed', `cannot write ${path}: server answered ${res.status} ${await res.text()}`);
    };
    return positionedStream(path, {
      write: (position, data) => call('PUT', data, { 'X-Write-Position': String(position) }),
      commit: () => call('POST'),
      discard: () => call('DELETE'),
    });
  }

  async write(path: string, bytes: Uint8Array, signal?: AbortSignal, options?: WriteOptions): Promise<void> {
    if (signal?.aborted) throw cancelled();
    splitPath(path);
    const url = this.base + path.split('/').map(encodeURIComponent).join('/');
    // The server (scripts/lib/serve.mjs) dates the file from this header with utimes.
    const headers: Record<string, string> = {};
    if (options?.lastModified !== undefined && Number.isFinite(options.lastModified))
      headers['X-Last-Modified'] = String(Math.round(options.lastModified));
    // Not aborted once started: the server may already have the whole body, and a file that
    // lands must be reported as written. The server renames a complete file into place.
    const res = await fetch(url, { method: 'PUT', body: bytes as Uint8Array<ArrayBuffer>, headers });
    if (!res.ok) throw new TesseraError('io-failed', `cannot write ${path}: server answered ${res.status} ${await res.text()}`);
  }

  /** HEAD: 200 when the server's output folder has a file (or folder) at `path`, 404 when not. */
  async exists(path: string): Promise<boolean> {
    splitPath(path);
    const res = await fetch(this.base + path.split('/').map(encodeURIComponent).join('/'), { method: 'HEAD' });
    if (res.status === 404) return false;
    if (!res.ok) throw new TesseraError('io-failed', `cannot check ${path}: server answered ${res.status}`);
    return true;
  }

  /** DELETE: the server removes the file, or the folder once empty. */
  async remove(path: string): Promise<void> {
    splitPath(path);
    const res = await fetch(this.base + path.split('/').map(encodeURIComponent).join('/'), { method: 'DELETE' });
    if (!res.ok) throw new TesseraError('io-failed', `cannot remove ${path}: server answered ${res.status} ${await res.text()}`);
  }
}

/** Refuses an output folder that is, or is inside, the input folder: inputs are never touched. */
export async function checkSeparateFolders(input: FileSystemDirectoryHandle, output: FileSystemDirectoryHandle): Promise<void> {
  if (await input.isSameEntry(output))
    throw new TesseraError('io-failed', 'the output folder is the input folder: choose another one so inputs are never overwritten');
  const inside = await input.resolve(output);
  if (inside)
    throw new TesseraError('io-failed', `the output folder is inside the input folder (${inside.join('/')}): choose one outside it`);
}
