/**
 * OutputSink.remove: what a failed many-file output (a DZI pyramid) takes back. A written file
 * goes; a folder goes only once empty; a path never written is no error. The zip keeps entries
 * out of the archive until finish(), so a removed one never reaches it. The HTTP and socket sinks
 * go through the headless command's receiver (scripts/lib/serve.mjs) onto a real folder.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { WebSocket as NodeSocket } from 'ws';
import { HashSink, HttpSink, MemorySink, ZipSink, type OutputSink } from '../../src/io/sinks';
import { SocketSink } from '../../src/io/socket-sink';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('in-memory sinks', () => {
  test('memory: the file goes, the others stay, a missing one is fine', async () => {
    const sink = new MemorySink();
    await sink.write('a_files/0/0_0.png', bytes(1));
    await sink.write('a_files/1/0_0.png', bytes(2));
    await sink.remove('a_files/0/0_0.png');
    await sink.remove('a_files/0');
    await sink.remove('never/written.png');
    expect([...sink.files.keys()]).toEqual(['a_files/1/0_0.png']);
  });

  test('hash: the hash and its bytes go', async () => {
    const sink = new HashSink();
    await sink.write('x.png', bytes(1, 2, 3));
    await sink.write('y.png', bytes(4));
    await sink.write('y.png', bytes(4, 5)); // a rewrite counts once
    await sink.remove('x.png');
    expect([...sink.hashes.keys()]).toEqual(['y.png']);
    expect(sink.bytes).toBe(2);
  });

  test('zip: a removed entry never reaches the archive; a rewritten one is stored once', async () => {
    const sink = new ZipSink();
    await sink.write('keep.png', bytes(1));
    await sink.write('p_files/0/0_0.jpg', bytes(2));
    await sink.write('keep.png', bytes(3));
    await sink.remove('p_files/0/0_0.jpg');
    expect(sink.count).toBe(1);
    const entries = unzipSync(new Uint8Array(await (await sink.finish()).arrayBuffer()));
    expect(Object.keys(entries)).toEqual(['keep.png']);
    expect(Array.from(entries['keep.png'])).toEqual([3]);
  });
});

describe('through the command receiver', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    vi.unstubAllGlobals();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  async function receiver() {
    const root = await mkdtemp(join(tmpdir(), 'tessera-root-'));
    const outputDir = await mkdtemp(join(tmpdir(), 'tessera-out-'));
    dirs.push(root, outputDir);
    // A variable specifier keeps the type checker out of the untyped .mjs module.
    const servePath = '../../scripts/lib/serve.mjs';
    const { serve } = (await import(/* @vite-ignore */ servePath)) as {
      serve: (o: { root: string; outputDir: string; isolate: boolean }) => Promise<{
        url: string;
        socketUrl: string;
        written: string[];
        close(): Promise<void>;
      }>;
    };
    return { outputDir, server: await serve({ root, outputDir, isolate: false }) };
  }

  /** Writes a small tree, takes it back file by file and folder by folder, and lists what is left. */
  async function writeAndRemove(sink: OutputSink, outputDir: string): Promise<string[]> {
    await sink.write('keep.png', bytes(1));
    await sink.write('p_files/0/0_0.jpg', bytes(2));
    await sink.write('p_files/1/0_0.jpg', bytes(3));
    // A folder that still holds a file stays.
    await sink.remove!('p_files');
    await sink.remove!('p_files/0/0_0.jpg');
    await sink.remove!('p_files/0');
    await sink.remove!('p_files/1/0_0.jpg');
    await sink.remove!('p_files/1');
    await sink.remove!('p_files');
    await sink.remove!('p_files/never.jpg');
    return (await readdir(outputDir, { recursive: true })).sort();
  }

  test('HTTP: DELETE removes the file, then each folder once empty', async () => {
    const { outputDir, server } = await receiver();
    try {
      expect(await writeAndRemove(new HttpSink(`${server.url}__out/`), outputDir)).toEqual(['keep.png']);
      expect(server.written).toEqual(['keep.png']);
    } finally {
      await server.close();
    }
  });

  test('socket: the remove message does the same', async () => {
    const { outputDir, server } = await receiver();
    // Node's own WebSocket sends no Origin, which the receiver requires (only its page may write).
    class PageSocket extends NodeSocket {
      constructor(url: string) {
        super(url, { origin: `http://${new URL(url).host}` });
      }
    }
    vi.stubGlobal('WebSocket', PageSocket);
    const sink = await SocketSink.open(server.socketUrl);
    try {
      expect(await writeAndRemove(sink, outputDir)).toEqual(['keep.png']);
      expect(server.written).toEqual(['keep.png']);
    } finally {
      await sink.close();
      await server.close();
    }
  });
});
