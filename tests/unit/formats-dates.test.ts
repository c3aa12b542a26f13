/**
 * Output modified dates "where the platform allows": zip entries carry the input's date (DOS time,
 * 2-second resolution, local time), and the HTTP sink's server sets the file's mtime from the
 * X-Last-Modified header. (File System Access cannot set a file's modified time.)
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { HttpSink, MemorySink, ZipSink } from '../../src/io/sinks';

/** The DOS date/time in the first local file header of a zip, as a local-time Date. */
function firstEntryDate(zip: Uint8Array): Date {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  expect(dv.getUint32(0, true)).toBe(0x04034b50);
  const time = dv.getUint16(10, true),
    date = dv.getUint16(12, true);
  return new Date(1980 + (date >> 9), ((date >> 5) & 15) - 1, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2);
}

const WHEN = new Date(2019, 6, 14, 10, 31, 42).getTime();

describe('modified dates', () => {
  test('zip entries take lastModified', async () => {
    const sink = new ZipSink();
    await sink.write('a/b.png', new Uint8Array([1, 2, 3]), undefined, { lastModified: WHEN });
    const zip = new Uint8Array(await (await sink.finish()).arrayBuffer());
    expect(firstEntryDate(zip).getTime()).toBe(WHEN);
    expect(Array.from(unzipSync(zip)['a/b.png'])).toEqual([1, 2, 3]);
  });

  test('zip entries without a date (or one a zip cannot hold) are dated now', async () => {
    const sink = new ZipSink();
    await sink.write('x.png', new Uint8Array([1]), undefined, { lastModified: Date.UTC(1970, 0, 2) });
    const zip = new Uint8Array(await (await sink.finish()).arrayBuffer());
    expect(Math.abs(firstEntryDate(zip).getTime() - Date.now())).toBeLessThan(60_000);
  });

  test('the memory sink records it', async () => {
    const sink = new MemorySink();
    await sink.write('m.png', new Uint8Array([1]), undefined, { lastModified: WHEN });
    await sink.write('n.png', new Uint8Array([1]));
    expect(sink.modified.get('m.png')).toBe(WHEN);
    expect(sink.modified.has('n.png')).toBe(false);
  });

  test('the HTTP sink sends X-Last-Modified and the receiver applies it with utimes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tessera-root-'));
    const outputDir = await mkdtemp(join(tmpdir(), 'tessera-out-'));
    // A variable specifier keeps the type checker out of the untyped .mjs module.
    const servePath = '../../scripts/lib/serve.mjs';
    const { serve } = (await import(/* @vite-ignore */ servePath)) as {
      serve: (o: { root: string; outputDir: string; isolate: boolean }) => Promise<{ url: string; close(): Promise<void> }>;
    };
    const server = await serve({ root, outputDir, isolate: false });
    try {
      const sink = new HttpSink(`${server.url}__out/`);
      await sink.write('d/dated.png', new Uint8Array([9, 8, 7]), undefined, { lastModified: WHEN });
      await sink.write('undated.png', new Uint8Array([1]));
      expect(Array.from(await readFile(join(outputDir, 'd/dated.png')))).toEqual([9, 8, 7]);
      expect((await stat(join(outputDir, 'd/dated.png'))).mtimeMs).toBe(WHEN);
      expect(Math.abs((await stat(join(outputDir, 'undated.png'))).mtimeMs - Date.now())).toBeLessThan(60_000);
    } finally {
      await server.close();
      await rm(root, { recursive: true, force: true });
      await rm(outputDir, { recursive: true, force: true });
    }
  });
});
