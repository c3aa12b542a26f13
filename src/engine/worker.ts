/// <reference lib="webworker" />
/**
 * An engine worker: wasm-vips (started once, lazily, cache off) and Tessera's kernels behind one
 * Comlink API. Results go back as transferred buffers; frames stay in SharedArrayBuffers.
 */
import * as Comlink from 'comlink';
import heifUrl from 'wasm-vips/vips-heif.wasm?url';
import vipsUrl from 'wasm-vips/vips.wasm?url';
import type { FrameDesc } from '../core/frame';
import type { EngineApi } from './api';
import { decodeFileInto, detectFacePasses, encodeFrame, finishImage, planDecode, processImage, runTile } from './image-task';
import { preview } from './preview';
import { releaseJpegDecode, startJpegDecode } from './browser-jpeg';
import { processFrameTask } from './frame-task';
import { runSteps } from './run-steps';
import { fromDesc } from '../core/frame';
import { loadVips, setVipsDefaults } from './vips';
import { kindFromMagic, kindFromName } from '../core/sniff';
import type { OutputOptions } from '../core/formats';

let started = false;

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

// Bundlers hash asset names, so both wasm files are mapped explicitly. Workers start without the
// HEIF side module (it cost ~0.3 s of every worker's start-up); a second wasm-vips instance with
// it starts the first time a worker meets an AVIF/HEIF input or writes AVIF. (JXL and SVG side
// modules are not loaded.)
const WASM_URLS: Record<string, string> = { 'vips.wasm': vipsUrl, 'vips-heif.wasm': heifUrl };
const locateFile = (file: string, dir: string) => WASM_URLS[file] ?? dir + file;
const VIPS_OPTIONS = { dynamicLibraries: [], locateFile };
const HEIF_OPTIONS = { dynamicLibraries: ['vips-heif.wasm'], locateFile };

setVipsDefaults(VIPS_OPTIONS);

const HEIF_KINDS = new Set(['avif', 'heic']);

/**
 * The wasm-vips instance for a request: with HEIF when the output is AVIF or the input (by its
 * first bytes, else its name) is AVIF/HEIF.
 */
async function vips(need: { output?: OutputOptions; head?: Uint8Array; name?: string } = {}) {
  const kind = need.head && need.head.length >= 12 ? kindFromMagic(need.head) : need.name ? kindFromName(need.name) : undefined;
  const heif = need.output?.format === 'avif' || (kind !== undefined && HEIF_KINDS.has(kind));
  return (await loadVips(heif ? HEIF_OPTIONS : VIPS_OPTIONS)).vips;
}

const headOf = async (file: Blob) => new Uint8Array(await file.slice(0, 16).arrayBuffer());

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

const api: EngineApi = {
  async start(opts = {}) {
    const first = !started;
    const { vips: v, ms } = await loadVips();
    // A batch writing AVIF starts the HEIF instance now rather than on its first file.
    if (opts.heif) await loadVips(HEIF_OPTIONS);
    started = true;
    return { startMs: first ? ms : 0, vipsVersion: v.version(0) + '.' + v.version(1) + '.' + v.version(2), crossOriginIsolated: self.crossOriginIsolated };
  },
  processImage: (req) => {
    // The browser decodes JPEGs on its own thread: start now, while this worker finishes the image
    // before (calls below run one at a time).
    const early = req.bytes && req.nativeDecode !== false && planDecode(req.steps).decode.thumbnail === undefined
      ? startJpegDecode(new Uint8Array(req.bytes), req.maxPixels)
      : undefined;
    return serial(async (idleMs) => {
      try {
        const head = req.bytes ? new Uint8Array(req.bytes, 0, Math.min(16, req.bytes.byteLength)) : await headOf(req.file);
        const r = await processImage(await vips({ output: req.output, head }), req, early);
        r.timings.idleMs = idleMs;
        return r.kind === 'done' ? Comlink.transfer(r, [r.bytes.buffer]) : r;
      } finally {
        void releaseJpegDecode(early);
      }
    });
  },
  detectFacePasses: (frame, params, rects) => serial(() => detectFacePasses(frame, params, rects)),
  finishImage: (req) =>
    serial(async () => {
      const r = await finishImage(await vips({ output: req.output }), req);
      return Comlink.transfer(r, [r.bytes.buffer]);
    }),
  decodeInto: (file, name, dst) => serial(async () => decodeFileInto(await vips({ head: await headOf(file), name }), file, name, dst)),
  runTile: (src, dst, tile, steps) => serial(() => runTile(src, dst, tile, steps)),
  encodeFrame: (src, output, source) =>
    serial(async () => {
      const r = await encodeFrame(await vips({ output }), src, output, source);
      return Comlink.transfer(r, [r.bytes.buffer]);
    }),
  processFrame: (src, steps, opts = {}) => serial((idleMs) => processFrameTask(src, steps, opts, idleMs)),
  preview: (req) =>
    serial(async () => {
      const r = await preview(await vips({ head: await headOf(req.file) }), req);
      return Comlink.transfer(r, [r.before, r.after]);
    }),
  timeSteps: (src, steps, repeat) =>
    serial(async () => {
      const f = fromDesc(src);
      const totals = new Map<string, number>();
      for (let i = 0; i < repeat; i++) {
        const { timings } = await runSteps(f, steps);
        for (const t of timings) totals.set(t.op, (totals.get(t.op) ?? 0) + t.ms);
      }
      return { steps: [...totals].map(([op, ms]) => ({ op, ms: ms / repeat })) };
    }),
  async echoShared(src: FrameDesc) {
    const d = new Uint8Array(src.buffer, src.byteOffset, src.stride * src.height);
    d[0] ^= 1;
    return d[d.length - 1];
  },
  async echoTransfer(buf) {
    const d = new Uint8Array(buf);
    d[0] ^= 1;
    return Comlink.transfer(buf, [buf]);
  },
  async echoClone(data) {
    data[0] ^= 1;
    return data;
  },
  async echoBase64(json) {
    const msg = JSON.parse(json) as { pixels: string; width: number; height: number };
    const d = base64ToBytes(msg.pixels);
    d[0] ^= 1;
    return JSON.stringify({ ...msg, pixels: bytesToBase64(d) });
  },
};

Comlink.expose(api);
