/**
 * The Deep Zoom (DZI) pyramid writer: a StripConsumer that turns an image's rows, in order, into
 * `<name>.dzi` and `<name>_files/<level>/<col>_<row>.<jpg|png>` (core/dzi.ts: the geometry, the
 * descriptor and the 2×2 box filter), in bounded memory whatever the image's height.
 *
 * - Memory: each level keeps a band of at most tileSize + 2 × overlap rows (the tile row being
 *   filled and the overlap it shares with the next), and every row that enters a level is halved
 *   with its pair straight into the level below. All levels together hold about two bands of the
 *   full width — O(width × tileSize), ~62 MB for a 40000-pixel-wide RGB image at 254 — never the
 *   whole image.
 * - A tile row is cut into tiles as soon as its last row arrives, at every level. The tiles an
 *   input row completes are copied into shared arenas (batches of ≤ 64 tiles, ≤ 4 MB) and encoded
 *   on the pool's workers (`encode`, EngineApi.encodeTiles): one message per batch, not per tile,
 *   and a batch survives a worker crash (the pool retries it: the arena is shared, not
 *   transferred).
 * - Backpressure: at most `maxInFlight` batches are being encoded or written; push() waits for
 *   one to finish before handing over more.
 * - Visibility: tiles are written as they are encoded (one write each, each atomic in every
 *   sink); the descriptor — what a viewer opens — is written last, by end(). A failure, or
 *   abort(), waits for what is in flight, then takes back every tile written and the folders once
 *   empty (OutputSink.remove): nothing half-written stays. The zip sink builds its archive only
 *   in finish(), so a removed tile never reaches it. A page that dies outright leaves its tiles
 *   without a descriptor; tiles of an earlier, larger pyramid at the same path are not removed.
 */
import { cancelled, toError } from '../core/errors';
import { dziDescriptor, dziFolder, dziLevels, dziTilePath, halveRow, tileGrid, tileRect, tileSpan } from '../core/dzi';
import type { Frame, FrameDesc } from '../core/frame';
import { FORMATS, pyramidTileOptions, type OutputOptions } from '../core/formats';
import type { EncodedTiles } from '../engine/api';
import type { SourceInfo } from '../engine/ops/context';
import type { OutputSink } from '../io/sinks';
import type { StripConsumer } from './strip-consumer';

/** Encodes a batch of tiles (views of one shared arena) with the tile options; EngineApi.encodeTiles on a worker. */
export type TileEncoder = (tiles: FrameDesc[], output: OutputOptions) => Promise<EncodedTiles>;

export interface DziWriterOptions {
  sink: OutputSink;
  /** The descriptor's path, "a/b.dzi"; the tiles go under "a/b_files/". */
  path: string;
  /** Validated output options of a pyramid format: tileSize, overlap, tileFormat, and the tiles' quality or compression. */
  output: OutputOptions;
  encode: TileEncoder;
  signal?: AbortSignal;
  /** Batches being encoded or written at once (default 4; the batch gives 2 per worker). */
  maxInFlight?: number;
  /** Most tiles per batch (default 64). */
  batchTiles?: number;
  /** Arena bytes per batch (default 4 MB; a larger tile gets an arena of its own size). */
  batchBytes?: number;
}

/** What a pyramid came to: for the file's result row and the batch's breakdown. */
export interface PyramidStats {
  levels: number;
  tiles: number;
  /** Tiles and the descriptor written. */
  files: number;
  bytes: number;
  /** Workers' time encoding tiles; main-thread time writing them (overlapping). */
  encodeMs: number;
  writeMs: number;
  /** "a/b_files": where the tiles are. */
  tileFolder: string;
}

interface Level {
  index: number;
  width: number;
  height: number;
  cols: number;
  rows: number;
  rowBytes: number;
  /** Rows bandTop … next − 1 of this level. */
  band: Uint8Array;
  bandTop: number;
  /** The next row to arrive. */
  next: number;
  /** The tile row being filled. */
  tileRow: number;
  /** (levels above 0) an even row waiting for its pair, and the halved row handed down. */
  pending: Uint8Array;
  half: Uint8Array;
}

interface Batch {
  arena: SharedArrayBuffer;
  used: number;
  tiles: { path: string; desc: FrameDesc }[];
}

const EMPTY = new Uint8Array(0);

export class DziWriter implements StripConsumer {
  private readonly tileOptions: OutputOptions;
  private readonly extension: string;
  private readonly maxInFlight: number;
  private readonly batchTiles: number;
  private readonly batchBytes: number;
  private width = 0;
  private height = 0;
  private channels = 0;
  private levels: Level[] = [];
  private batch: Batch | undefined;
  private ready: Batch[] = [];
  private inFlight = new Set<Promise<void>>();
  /** Arena bytes of the batches in flight. */
  private inFlightBytes = 0;
  /** Files written so far, to take back on abort. */
  private written: string[] = [];
  private failure: unknown;
  /** Ended or aborted: nothing more is accepted. */
  private closed = false;
  private readonly totals = { tiles: 0, bytes: 0, encodeMs: 0, writeMs: 0 };

  constructor(private readonly o: DziWriterOptions) {
    if (!FORMATS[o.output.format].pyramid) throw new TypeError(`DziWriter needs a pyramid output format, got ${o.output.format}`);
    this.tileOptions = pyramidTileOptions(o.output);
    this.extension = FORMATS[this.tileOptions.format].extension.slice(1);
    this.maxInFlight = o.maxInFlight ?? 4;
    this.batchTiles = o.batchTiles ?? 64;
    this.batchBytes = o.batchBytes ?? 4 << 20;
  }

  begin(info: { width: number; height: number; channels: number; source?: SourceInfo }): Promise<void> {
    if (this.levels.length || this.closed) return Promise.reject(new Error('the pyramid was already begun'));
    const { tileSize, overlap } = this.o.output;
    ({ width: this.width, height: this.height, channels: this.channels } = info);
    const c = info.channels;
    this.levels = dziLevels(info.width, info.height).map((size, index): Level => {
      const { cols, rows } = tileGrid(size, tileSize);
      const rowBytes = size.width * c;
      return {
        index,
        ...size,
        cols,
        rows,
        rowBytes,
        band: new Uint8Array(Math.min(size.height, tileSize + 2 * overlap) * rowBytes),
        bandTop: 0,
        next: 0,
        tileRow: 0,
        pending: index > 0 ? new Uint8Array(rowBytes) : EMPTY,
        half: index > 0 ? new Uint8Array(Math.ceil(size.width / 2) * c) : EMPTY,
      };
    });
    return Promise.resolve();
  }

  async push(rows: Frame, y0: number): Promise<void> {
    this.check();
    const top = this.levels[this.levels.length - 1];
    if (!top) throw new Error('push() before begin()');
    if (y0 !== top.next) throw new RangeError(`rows must come in order: expected row ${top.next}, got ${y0}`);
    if (rows.width !== this.width || rows.channels !== this.channels || y0 + rows.height > this.height)
      throw new RangeError(
        `rows of ${rows.width}×${rows.height}×${rows.channels} at ${y0} do not fit ${this.width}×${this.height}×${this.channels}`,
      );
    for (let i = 0; i < rows.height; i++) {
      this.addRow(top, rows.data.subarray(i * rows.stride, i * rows.stride + top.rowBytes));
      // The tiles this row completed (at any level) go out together.
      if (this.batch) {
        this.ready.push(this.batch);
        this.batch = undefined;
      }
      if (this.ready.length) {
        await this.dispatch();
        // An abort() (or a failure) while this push waited ends it here.
        this.check();
      }
    }
  }

  async end(): Promise<{ files: number; bytes: number }> {
    this.check();
    const top = this.levels[this.levels.length - 1];
    if (!top || top.next !== this.height) throw new Error(`end() after ${top?.next ?? 0} of ${this.height} rows`);
    await this.dispatch();
    while (this.inFlight.size) await Promise.all(this.inFlight);
    this.check();
    const { tileSize, overlap } = this.o.output;
    const xml = new TextEncoder().encode(
      dziDescriptor({ width: this.width, height: this.height, tileSize, overlap, format: this.extension }),
    );
    await this.o.sink.write(this.o.path, xml, this.o.signal);
    this.written.push(this.o.path);
    this.totals.bytes += xml.length;
    this.closed = true;
    this.release();
    return { files: this.written.length, bytes: this.totals.bytes };
  }

  /**
   * Waits for what is in flight, then removes every file written and the tile folders once empty,
   * where the sink can (OutputSink.remove). Best effort: a removal that fails is left. After a
   * successful end() the pyramid stands and this does nothing.
   */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ready = [];
    this.batch = undefined;
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
    this.release();
    const sink = this.o.sink;
    if (!sink.remove) return;
    const paths = this.written.splice(0);
    // A bounded number at a time: a gigapixel pyramid has tens of thousands of tiles.
    for (let i = 0; i < paths.length; i += 64) await Promise.allSettled(paths.slice(i, i + 64).map((p) => sink.remove!(p)));
    const folder = dziFolder(this.o.path);
    for (const lv of this.levels) await sink.remove(`${folder}/${lv.index}`).catch(() => {});
    await sink.remove(folder).catch(() => {});
  }

  /** The pyramid so far (final after end()). */
  get stats(): PyramidStats {
    return {
      levels: this.levels.length,
      ...this.totals,
      files: this.written.length,
      tileFolder: dziFolder(this.o.path),
    };
  }

  /** Bytes of rows held by the levels and of tiles in arenas (waiting or in flight): what the writer keeps, whatever the height. */
  get heldBytes(): number {
    let n = this.inFlightBytes;
    for (const lv of this.levels) n += lv.band.length + lv.pending.length + lv.half.length;
    for (const b of [...this.ready, ...(this.batch ? [this.batch] : [])]) n += b.arena.byteLength;
    return n;
  }

  private check(): void {
    if (this.failure !== undefined) throw toError(this.failure);
    if (this.o.signal?.aborted) throw cancelled();
    if (this.closed) throw new Error('the pyramid was already ended or aborted');
  }

  /** One row into level `lv`: kept in its band, halved into the level below, and its tile row cut when complete. */
  private addRow(lv: Level, row: Uint8Array): void {
    const y = lv.next++;
    lv.band.set(row, (y - lv.bandTop) * lv.rowBytes);
    if (lv.index > 0) this.halveDown(lv, row, y);
    const { tileSize, overlap } = this.o.output;
    // Usually one tile row ends here; two when the last one is within `overlap` of the bottom
    // (both then end at the last row).
    while (lv.tileRow < lv.rows && y + 1 >= tileSpan(lv.tileRow, tileSize, overlap, lv.height)[1]) {
      this.cutTileRow(lv);
      if (++lv.tileRow === lv.rows) break;
      // The next tile row starts `overlap` rows above this one's end: keep those at the band's top.
      const [start] = tileSpan(lv.tileRow, tileSize, overlap, lv.height);
      lv.band.copyWithin(0, (start - lv.bandTop) * lv.rowBytes, (y + 1 - lv.bandTop) * lv.rowBytes);
      lv.bandTop = start;
    }
  }

  /** Rows pair up (0 with 1, 2 with 3…) into one row of the level below; an odd height's last row goes alone. */
  private halveDown(lv: Level, row: Uint8Array, y: number): void {
    const even = y % 2 === 0;
    if (even && y < lv.height - 1) {
      lv.pending.set(row);
      return;
    }
    halveRow(even ? row : lv.pending, even ? undefined : row, lv.width, this.channels, lv.half);
    this.addRow(this.levels[lv.index - 1], lv.half);
  }

  /** Copies every tile of the level's current tile row out of its band into batches. */
  private cutTileRow(lv: Level): void {
    const { tileSize, overlap } = this.o.output;
    const c = this.channels;
    for (let col = 0; col < lv.cols; col++) {
      const r = tileRect(col, lv.tileRow, lv, tileSize, overlap);
      const tileRowBytes = r.width * c;
      const b = this.batchFor(tileRowBytes * r.height);
      const tile = new Uint8Array(b.arena, b.used, tileRowBytes * r.height);
      for (let y = 0; y < r.height; y++) {
        const s = (r.y - lv.bandTop + y) * lv.rowBytes + r.x * c;
        tile.set(lv.band.subarray(s, s + tileRowBytes), y * tileRowBytes);
      }
      const desc: FrameDesc = { width: r.width, height: r.height, channels: c, stride: tileRowBytes, byteOffset: b.used, buffer: b.arena };
      b.tiles.push({ path: dziTilePath(this.o.path, lv.index, col, lv.tileRow, this.extension), desc });
      b.used += tile.length;
      this.totals.tiles++;
    }
  }

  /** The batch a tile of `bytes` goes into: the current one while it has room, else a new one. */
  private batchFor(bytes: number): Batch {
    let b = this.batch;
    if (b && (b.tiles.length >= this.batchTiles || b.used + bytes > b.arena.byteLength)) {
      this.ready.push(b);
      b = undefined;
    }
    return (this.batch = b ?? { arena: new SharedArrayBuffer(Math.max(this.batchBytes, bytes)), used: 0, tiles: [] });
  }

  /** Hands the ready batches over, waiting whenever `maxInFlight` are out. */
  private async dispatch(): Promise<void> {
    while (this.ready.length) {
      while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
      this.check();
      const b = this.ready.shift()!;
      this.inFlightBytes += b.arena.byteLength;
      // Never rejects: the first failure is kept and thrown by the next push() or end().
      const p: Promise<void> = this.encodeAndWrite(b)
        .catch((e: unknown) => {
          this.failure ??= e;
        })
        .finally(() => {
          this.inFlight.delete(p);
          this.inFlightBytes -= b.arena.byteLength;
        });
      this.inFlight.add(p);
    }
  }

  private async encodeAndWrite(b: Batch): Promise<void> {
    const enc = await this.o.encode(
      b.tiles.map((t) => t.desc),
      this.tileOptions,
    );
    this.totals.encodeMs += enc.encodeMs;
    const w0 = performance.now();
    let at = 0;
    const writes = b.tiles.map((t, i) => {
      const bytes = enc.bytes.subarray(at, (at += enc.lengths[i]));
      return this.o.sink.write(t.path, bytes, this.o.signal).then(() => {
        this.written.push(t.path);
        this.totals.bytes += bytes.length;
      });
    });
    // Every write settles before this batch counts as done, so abort() sees each one that landed.
    const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected');
    this.totals.writeMs += performance.now() - w0;
    if (failed) throw toError(failed.reason);
  }

  /** Lets the bands go (after end or abort). */
  private release(): void {
    for (const lv of this.levels) lv.band = lv.pending = lv.half = EMPTY;
  }
}
