/**
 * A giant image streamed through the recipe (core/strips.ts has the scheme): a decoder worker
 * fills the input ring a band at a time, the engine pool runs haloed strips from it into the
 * output ring, an encoder worker turns the ready rows into the file, whose chunks this thread
 * writes to the sink as positioned writes. The three only meet in shared memory and the control
 * block; each waits on the others (backpressure), so memory is bounded by the rings whatever the
 * image's size. The bytes are those of the untiled run.
 */
import * as Comlink from 'comlink';
import { TesseraError, cancelled, formatInt, toError } from '../core/errors';
import type { OutputOptions } from '../core/formats';
import { chainHalo, outputChannels, type ResolvedStep } from '../core/recipe';
import { CTL_SLOTS, Ctl, createRing, notifyCtl, planStream, ringSpans, streamBytes, type RowRing, type StreamPlan } from '../core/strips';
import type { Frame } from '../core/frame';
import type { StripConsumer } from './strip-consumer';
import type { StreamHeader } from '../engine/stream-decode';
import type { Chunk } from '../engine/stream-encode';
import type { StripOutput } from '../engine/image-task';
import { JPEG_EOI, jpegBandLayout, restartMarker } from '../core/jpeg-bands';
import type { Tile } from '../core/tiles';
import type { OutputStream } from '../io/sinks';
import type { EnginePool } from '../pool/engine-pool';
import { Priority, type PriorityLevel } from '../pool/pool';
import type { StreamWorkers } from './stream-workers';
import type { Breakdown } from './types';

export interface StreamedRequest {
  pool: EnginePool;
  workers: StreamWorkers;
  file: Blob;
  name: string;
  header: StreamHeader;
  steps: ResolvedStep[];
  output: OutputOptions;
  /**
   * Where the output goes: one file's positioned writes (committed by the caller once this
   * resolves, aborted if it rejects), or a strip consumer fed the rows in order (a DZI pyramid:
   * ended here, aborted by the caller).
   */
  to: { stream: OutputStream } | { consumer: StripConsumer };
  /** Strip height override (tests: 1-row and odd strips); default from core/strips.ts. */
  stripRows?: number;
  signal?: AbortSignal;
  priority?: PriorityLevel;
  breakdown: Breakdown;
}

export interface StreamedResult {
  width: number;
  height: number;
  bytes: number;
  strips: number;
  /** Bytes the rings and strip windows held at most. */
  memory: number;
}

/** Bytes a plan would hold, for refusing before any work (see largePath in core/large.ts). */
export function streamPlanFor(header: StreamHeader, steps: readonly ResolvedStep[], workers: number, stripRows?: number): StreamPlan {
  return planStream(header.width, header.height, header.channels, outputChannels(steps, header.channels), chainHalo(steps), {
    workers,
    stripRows,
  });
}

/**
 * How finished strips become the file. The encoder worker's end: strips write rows into the
 * output ring, the worker encodes them as they become ready. The JPEG-band end: each strip comes
 * back as a band of entropy-coded data (encoded on the pool, in parallel) and is written in order
 * behind headers made once (core/jpeg-bands.ts).
 */
interface OutputEnd {
  strip: StripOutput;
  /** Whether strip `k` may start now (room for its result). */
  canStart(s: Tile): boolean;
  /** Strip `k` has finished. */
  done(k: number, band: Uint8Array | undefined): void;
  /** Every strip done: resolves when the file is complete in the stream. */
  finish(): Promise<{ bytes: number; encodeMs: number }>;
}

/**
 * The consumer's end: strips write rows into the output ring; as a prefix becomes ready it is
 * pushed to the consumer (a view of the ring, one contiguous span at a time), then its slots freed.
 */
function consumerEnd(
  consumer: StripConsumer,
  output: RowRing,
  ctl: Int32Array,
  plan: StreamPlan,
  header: StreamHeader,
  pending: () => Promise<void>,
  chain: (p: Promise<void>) => void,
): OutputEnd {
  const rowBytes = plan.width * plan.outChannels;
  let queued = 0;
  chain(consumer.begin({ width: plan.width, height: plan.height, channels: plan.outChannels, source: header.source }));
  const pushReady = () => {
    const ready = Atomics.load(ctl, Ctl.outReady);
    if (ready <= queued) return;
    const spans = ringSpans(output, queued, ready);
    queued = ready;
    chain(
      pending().then(async () => {
        for (const s of spans) {
          const rows: Frame = {
            width: plan.width,
            height: s.rows,
            channels: plan.outChannels,
            stride: rowBytes,
            data: new Uint8Array(output.buffer, s.offset, s.rows * rowBytes),
          };
          await consumer.push(rows, s.row);
          Atomics.store(ctl, Ctl.outTaken, s.row + s.rows);
          notifyCtl(ctl);
        }
      }),
    );
  };
  return {
    strip: { ring: output },
    canStart: (s) => s.core.y + s.core.height <= Atomics.load(ctl, Ctl.outTaken) + plan.outCapacity,
    done: () => pushReady(),
    async finish() {
      pushReady();
      await pending();
      const { bytes } = await consumer.end();
      return { bytes, encodeMs: 0 };
    },
  };
}

export async function processStreamed(r: StreamedRequest): Promise<StreamedResult> {
  const { pool, header } = r;
  const outChannels = outputChannels(r.steps, header.channels);
  // Strips run on the workers the decoder leaves (it leases one where the pool can spare it).
  const stripWorkers = Math.max(1, pool.size - 1);
  // JPEG: bands encoded on every worker when the layout allows (not progressive).
  const wantRows = planStream(header.width, header.height, header.channels, outChannels, chainHalo(r.steps), {
    workers: stripWorkers,
    stripRows: r.stripRows,
  }).stripRows;
  const flatBands = outChannels >= 3 ? 3 : 1;
  const bands =
    r.stripRows === undefined || r.stripRows % 16 === 0 ? jpegBandLayout(header.width, flatBands, r.output, wantRows) : undefined;
  const plan = streamPlanFor(header, r.steps, stripWorkers, bands?.bandRows ?? r.stripRows);
  const { width, height } = plan;
  const ctlBuffer = new SharedArrayBuffer(CTL_SLOTS * 4);
  const ctl = new Int32Array(ctlBuffer);
  const input = createRing(width, plan.inChannels, plan.inCapacity);
  const priority = r.priority ?? Priority.background;

  let failure: Error | undefined;
  let wake: () => void = () => {};
  const fail = (e: unknown) => {
    failure ??= toError(e);
    Atomics.store(ctl, Ctl.cancel, 1);
    notifyCtl(ctl);
    wake();
  };
  const failed = (): Error | undefined => failure;
  const onAbort = () => fail(cancelled());
  r.signal?.addEventListener('abort', onAbort);
  if (r.signal?.aborted) onAbort();

  // Writes to the sink, in the order they are queued.
  const writer = 'stream' in r.to ? r.to.stream.writable.getWriter() : undefined;
  let writes: Promise<void> = Promise.resolve();
  const write = (position: number, data: Uint8Array, then?: () => void) => {
    writes = writes.then(() => (failure ? undefined : writer?.write({ type: 'write', position, data }))).then(then, fail);
  };

  const parties: Promise<unknown>[] = [];
  const cleanup: (() => void)[] = [];
  try {
    const decoder = r.workers.codec('decode', pool);
    cleanup.push(() => decoder.release());
    void decoder.crashed.then((e) => fail(new TesseraError('worker-crashed', e.message)));
    const job = { ctl: ctlBuffer, width, height };
    let end: OutputEnd;
    if (bands) {
      const head = await pool.run((api) => api.jpegHeader(width, height, flatBands, r.output, header.source, bands.restartInterval), {
        signal: r.signal,
        priority,
        label: `${r.name} (JPEG headers)`,
      });
      write(0, head);
      let position = head.length;
      const ready = new Map<number, Uint8Array>();
      let nextWrite = 0;
      end = {
        strip: { jpeg: { output: r.output, restartInterval: bands.restartInterval } },
        canStart: () => ready.size < plan.inFlight,
        done(k, band) {
          ready.set(k, band!);
          for (let b = ready.get(nextWrite); b; b = ready.get(nextWrite)) {
            ready.delete(nextWrite);
            const marker = restartMarker(nextWrite++);
            const chunk = new Uint8Array(marker.length + b.length);
            chunk.set(marker);
            chunk.set(b, marker.length);
            write(position, chunk);
            position += chunk.length;
          }
        },
        async finish() {
          write(position, JPEG_EOI);
          position += JPEG_EOI.length;
          await writes;
          return { bytes: position, encodeMs: 0 };
        },
      };
    } else if ('consumer' in r.to) {
      end = consumerEnd(
        r.to.consumer,
        createRing(width, plan.outChannels, plan.outCapacity),
        ctl,
        plan,
        header,
        () => writes,
        (p) => {
          writes = p.catch(fail);
        },
      );
    } else {
      const output = createRing(width, plan.outChannels, plan.outCapacity);
      // The encoder's chunks, written in arrival order; each written one is counted for its credit.
      const channel = new MessageChannel();
      cleanup.push(() => channel.port1.close());
      channel.port1.onmessage = (e: MessageEvent<Chunk>) =>
        write(e.data.position, e.data.data, () => {
          Atomics.add(ctl, Ctl.chunksWritten, 1);
          notifyCtl(ctl);
        });
      const encoder = r.workers.codec('encode', pool);
      cleanup.push(() => encoder.release());
      void encoder.crashed.then((e) => fail(new TesseraError('worker-crashed', e.message)));
      const encoding = encoder.api.encodeStream(
        { ...job, ring: output, channels: plan.outChannels, output: r.output, source: header.source },
        Comlink.transfer(channel.port2, [channel.port2]),
      );
      encoding.catch(fail);
      parties.push(Promise.race([encoding, encoder.crashed]));
      end = {
        strip: { ring: output },
        canStart: (s) => s.core.y + s.core.height <= Atomics.load(ctl, Ctl.outTaken) + plan.outCapacity,
        done: () => {},
        async finish() {
          const enc = await Promise.race([encoding, encoder.crashed.then((e) => Promise.reject(e))]);
          // The chunks travel on their own channel: the call's answer can overtake the last of
          // them. Every chunk was counted before it was posted; wait until each is written.
          const sent = Atomics.load(ctl, Ctl.chunksSent);
          const deadline = performance.now() + 60_000;
          while (Atomics.load(ctl, Ctl.chunksWritten) < sent) {
            const why = failed();
            if (why) throw why;
            if (performance.now() > deadline)
              throw new TesseraError('io-failed', `${r.name}: the encoder's output did not all reach the sink`);
            const seq = Atomics.load(ctl, Ctl.seq);
            if (Atomics.load(ctl, Ctl.chunksWritten) >= sent) break;
            const w = Atomics.waitAsync(ctl, Ctl.seq, seq, 1000);
            if (w.async) await w.value;
          }
          await writes;
          return { bytes: enc.bytes, encodeMs: enc.encodeMs };
        },
      };
    }
    const decoding = decoder.api.decodeStream(r.file, r.name, {
      ...job,
      ring: input,
      channels: plan.inChannels,
      bandRows: plan.bandRows,
      colour: r.output.colour,
    });
    decoding.catch(fail);
    parties.push(Promise.race([decoding, decoder.crashed]));

    const n = plan.strips.length;
    const done = new Uint8Array(n);
    let next = 0;
    let firstOpen = 0;
    let running = 0;
    const advance = () => {
      while (firstOpen < n && done[firstOpen]) firstOpen++;
      const s = plan.strips[firstOpen];
      Atomics.store(ctl, Ctl.outReady, s ? s.core.y : height);
      Atomics.store(ctl, Ctl.inFree, s ? s.window.y : height);
      notifyCtl(ctl);
      wake();
    };
    while (firstOpen < n && !failure) {
      const seq = Atomics.load(ctl, Ctl.seq);
      while (next < n && running < plan.inFlight) {
        const s = plan.strips[next];
        if (s.window.y + s.window.height > Atomics.load(ctl, Ctl.decoded) || !end.canStart(s)) break;
        const k = next++;
        running++;
        const px = s.window.width * s.window.height;
        pool
          .run((api) => api.runStrip(input, s, r.steps, end.strip, height), {
            cost: px * (plan.inChannels + 2 * plan.outChannels),
            signal: r.signal,
            priority,
            label: `${r.name} (rows ${formatInt(s.core.y)}–${formatInt(s.core.y + s.core.height)})`,
          })
          .then(({ steps, band, encodeMs }) => {
            for (const st of steps) r.breakdown.steps[st.op] = (r.breakdown.steps[st.op] ?? 0) + st.ms;
            r.breakdown.encode += encodeMs ?? 0;
            done[k] = 1;
            running--;
            advance();
            end.done(k, band);
          }, fail);
      }
      if (firstOpen >= n || failure) break;
      // Anything that changes what can be dispatched bumps Ctl.seq (the codec workers) or calls wake (strips).
      const waited = Atomics.waitAsync(ctl, Ctl.seq, seq, 5000);
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (waited.async) void waited.value.then(() => resolve());
        else resolve();
      });
      wake = () => {};
    }
    const early = failed();
    if (early) throw early;
    const [dec, enc] = await Promise.all([Promise.race([decoding, decoder.crashed.then((e) => Promise.reject(e))]), end.finish()]);
    // (Callbacks set `failure`: read it through a call, not the narrowed variable.)
    const late = failed();
    if (late) throw late;
    r.breakdown.decode += dec.decodeMs;
    r.breakdown.encode += enc.encodeMs;
    return { width, height, bytes: enc.bytes, strips: n, memory: streamBytes(plan) };
  } catch (e) {
    fail(e);
    // Every party sees the cancel and stops; wait for them, so the first failure is the one reported.
    await Promise.allSettled([...parties, writes]);
    throw failure ?? toError(e);
  } finally {
    r.signal?.removeEventListener('abort', onAbort);
    for (const c of cleanup) c();
    writer?.releaseLock();
  }
}
