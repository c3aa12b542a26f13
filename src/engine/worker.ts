/// <reference lib="webworker" />
/**
 * An engine worker: the Comlink adapter around the engine modules, nothing more. It exposes the
 * production EngineApi (api.ts) and the bench/test BenchApi (bench-api.ts) side by side
 * (EngineWorker), runs calls one at a time, and hands results back as transferred buffers
 * (frames stay in SharedArrayBuffers). The work itself: image-task.ts (files, tiles, faces
 * shares), tile-task.ts (pyramid tiles), frame-task.ts (video and camera frames), preview.ts, bench-task.ts; which wasm-vips
 * instance serves a call: vips-instances.ts.
 */
import * as Comlink from 'comlink';
import type { BenchApi } from './bench-api';
import type { EngineApi, EngineWorker } from './api';
import {
  decodeFileInto,
  detectFacePasses,
  rescoreFaces,
  encodeFrame,
  finishImage,
  processImage,
  resultTransferables,
  runStrip,
  runTile,
  startEarlyDecode,
} from './image-task';
import { encodeTiles } from './tile-task';
import { preview } from './true-preview';
import { jpegHeader } from './jpeg-bands';
import { streamCodec } from './stream-task';
import { releaseJpegDecode } from './browser-jpeg';
import { frameTransferables, processFrameTask } from './frame-task';
import { frameDelay, setFrameDelay, timeSteps, touchBase64, touchShared } from './bench-task';
import { headOf, startEngine, vipsFor } from './vips-instances';
import { animationFrames, encodeFrames } from './animation';
import { checkInput } from './codec';
import { cacheTask, overviewTask, probeFile, releaseGiant } from './giant/task';
import { giantPreview } from './giant/view';
import { cacheFile } from './giant/opfs';
import { blobReader } from './blob-source';
import { putAsset } from './assets';

/**
 * The pool pipelines a second request into each worker; calls must still run one at a time,
 * in arrival order, because kernels share this thread's scratch buffers across await points.
 */
let lane: Promise<unknown> = Promise.resolve();
let pending = 0;
let lastDone = -1;
function serial<T>(fn: (idleMs: number) => Promise<T>): Promise<T> {
  // Idle only if nothing was queued when this call arrived (otherwise it waited in the lane).
  const idleMs = pending === 0 && lastDone >= 0 ? performance.now() - lastDone : 0;
  pending++;
  const start = () => fn(idleMs);
  const run = lane.then(start, start).finally(() => {
    pending--;
    lastDone = performance.now();
  });
  lane = run.catch(() => undefined);
  return run;
}

/** One step of a long call in the lane: calls that arrive meanwhile run between steps. */
const turn = <T>(fn: () => T): Promise<T> => serial(() => Promise.resolve().then(fn));

const engine: EngineApi = {
  start: (opts = {}) => startEngine(opts),
  // Not in the lane: it only stores a reference, and must be there before the tasks sent after it.
  putAsset: (name, bytes) => putAsset(name, bytes),
  processImage: (req) => {
    // The browser decodes JPEGs on its own thread: start now, while this worker finishes the image
    // before (calls below run one at a time).
    const early = startEarlyDecode(req);
    return serial(async (idleMs) => {
      try {
        const head = req.bytes ? new Uint8Array(req.bytes, 0, Math.min(16, req.bytes.byteLength)) : await headOf(req.file);
        const r = await processImage(await vipsFor({ output: req.output, head, name: req.name }), req, early);
        r.timings.idleMs = idleMs;
        return Comlink.transfer(r, resultTransferables(r));
      } finally {
        releaseJpegDecode(early);
      }
    });
  },
  // A giant image's codec ends (a leased worker: nothing else is scheduled on it meanwhile).
  probe: (file, name, colour) => serial(() => streamCodec.probe(file, name, colour)),
  decodeStream: (file, name, job) => serial(() => streamCodec.decodeStream(file, name, job)),
  encodeStream: (job, port) => serial(() => streamCodec.encodeStream(job, port)),
  detectFacePasses: (frame, params, rects) => serial(() => detectFacePasses(frame, params, rects)),
  rescoreFaces: (frame, params, cands) => serial(() => rescoreFaces(frame, params, cands)),
  finishImage: (req) =>
    serial(async () => {
      const r = await finishImage(await vipsFor({ output: req.output }), req);
      return Comlink.transfer(r, resultTransferables(r));
    }),
  encodeTiles: (tiles, output) =>
    serial(async () => {
      const r = await encodeTiles(await vipsFor({ output }), tiles, output);
      return Comlink.transfer(r, [r.bytes.buffer]);
    }),
  decodeInto: (file, name, dst, colour, page) =>
    serial(async () => decodeFileInto(await vipsFor({ head: await headOf(file), name }), file, name, dst, colour, page)),
  runTile: (src, dst, tile, steps) => serial(() => runTile(src, dst, tile, steps)),
  runStrip: (input, strip, steps, out, imageHeight) =>
    serial(async () => {
      const r = await runStrip(await vipsFor('jpeg' in out ? { output: out.jpeg.output } : {}), input, strip, steps, out, imageHeight);
      return r.band ? Comlink.transfer(r, [r.band.buffer]) : r;
    }),
  jpegHeader: (width, height, bands, output, source, restartInterval) =>
    serial(async () => jpegHeader(await vipsFor({ output }), width, height, bands, output, source, restartInterval)),
  encodeFrame: (src, output, source) =>
    serial(async () => {
      const r = await encodeFrame(await vipsFor({ output }), src, output, source);
      return Comlink.transfer(r, [r.bytes.buffer]);
    }),
  animationFrames: (req) =>
    serial(async () => {
      const read = new Uint8Array(req.bytes ?? (await req.file.arrayBuffer()));
      checkInput(req.name, read);
      const r = await animationFrames(await vipsFor({}), read, {
        name: req.name,
        steps: req.steps,
        output: req.output,
        colour: req.output.colour,
      });
      return r ? Comlink.transfer(r, r.frames) : r;
    }),
  encodeAnimation: (req) =>
    serial(async () => {
      const r = await encodeFrames(await vipsFor({ output: req.output }), req);
      return Comlink.transfer(r, [r.bytes.buffer as ArrayBuffer]);
    }),
  processFrame: (src, steps, opts = {}) =>
    serial(async (idleMs) => {
      const delay = frameDelay(); // a test's artificial delay (BenchApi.setFrameDelay); none in production
      if (delay) await delay;
      const r = await processFrameTask(src, steps, opts, idleMs);
      return Comlink.transfer(r, frameTransferables(r));
    }),
  preview: (req) =>
    serial(async () => {
      const name = req.file instanceof File ? req.file.name : undefined;
      const r = await preview(await vipsFor({ head: await headOf(req.file), name, output: req.encode }), req);
      return Comlink.transfer(r, [r.before, r.after, ...(r.encoded ? [r.encoded.pixels] : [])]);
    }),
  probePreview: (file) => serial(async () => probeFile(await vipsFor({ head: await headOf(file) }), file)),
  // Not in the lane as a whole: each strip takes its own turn (giant/task.ts).
  giantOverview: async (req) => overviewTask(await vipsFor({ head: await headOf(req.file) }), req, turn),
  buildGiantCache: async (req) => cacheTask(await vipsFor({ head: await headOf(req.file) }), req, turn),
  giantPreview: (req) =>
    serial(async () => {
      const r = await giantPreview(await vipsFor({ head: await headOf(req.file) }), req, { cache: cacheFile, reader: blobReader });
      return Comlink.transfer(r, [r.before, r.after]);
    }),
  releaseGiant: (name) => serial(() => releaseGiant(name)),
};

const bench: BenchApi = {
  timeSteps: (src, steps, repeat) => serial(() => timeSteps(src, steps, repeat)),
  // Synchronous work behind the Promise-returning interface (Comlink makes every call async anyway).
  echoShared: (src) => Promise.resolve(touchShared(src)),
  echoTransfer(buf) {
    new Uint8Array(buf)[0] ^= 1;
    return Promise.resolve(Comlink.transfer(buf, [buf]));
  },
  echoClone(data) {
    data[0] ^= 1;
    return Promise.resolve(data);
  },
  echoBase64: (json) => Promise.resolve(touchBase64(json)),
  setFrameDelay(ms) {
    setFrameDelay(ms);
    return Promise.resolve();
  },
};

Comlink.expose({ engine: Comlink.proxy(engine), bench: Comlink.proxy(bench) } satisfies EngineWorker);

// wasm-vips (its chunk and wasm) starts now, not with the first call that needs it: nearly every
// call does, and a worker made while online must not need the network for it later (a second
// worker that sat idle while the first ran the preview would otherwise fail everything once
// offline). A failure here is not reported: the first call that needs vips tries again and says why.
void vipsFor().catch(() => undefined);
