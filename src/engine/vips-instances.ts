/**
 * Which wasm-vips instance serves a worker's request, and starting it. Workers start without the
 * HEIF side module (it cost ~0.3 s of every worker's start-up); a second wasm-vips instance with
 * it starts the first time a worker meets an AVIF/HEIF input or writes AVIF; a third, with the
 * HEIF, JPEG XL and SVG (resvg) side modules, the first time it meets a JPEG XL or SVG input.
 * Worker-only: the wasm URLs come from the bundler.
 */
import heifUrl from 'wasm-vips/vips-heif.wasm?url';
import jxlUrl from 'wasm-vips/vips-jxl.wasm?url';
import resvgUrl from 'wasm-vips/vips-resvg.wasm?url';
import vipsUrl from 'wasm-vips/vips.wasm?url';
import type { OutputOptions } from '../core/formats';
import { isNotAvailableOffline } from '../core/offline';
import { kindFromMagic, kindFromName } from '../core/sniff';
import type { EngineInfo } from './api';
import { loadVips, setVipsDefaults, type Vips } from './vips';

// Bundlers hash asset names, so both wasm files are mapped explicitly.
const WASM_URLS: Record<string, string> = {
  'vips.wasm': vipsUrl,
  'vips-heif.wasm': heifUrl,
  'vips-jxl.wasm': jxlUrl,
  'vips-resvg.wasm': resvgUrl,
};
const locateFile = (file: string, dir: string) => WASM_URLS[file] ?? dir + file;
const VIPS_OPTIONS = { dynamicLibraries: [], locateFile };
const HEIF_OPTIONS = { dynamicLibraries: ['vips-heif.wasm'], locateFile };
const ALL_OPTIONS = { dynamicLibraries: ['vips-heif.wasm', 'vips-jxl.wasm', 'vips-resvg.wasm'], locateFile };

setVipsDefaults(VIPS_OPTIONS);

const HEIF_KINDS = new Set(['avif', 'heic']);
const SIDE_MODULE_KINDS = new Set(['jxl', 'svg']);

let started = false;

/** Starts wasm-vips; `heif` also starts the instance with the HEIF side module (AVIF output). */
export async function startEngine(opts: { heif?: boolean } = {}): Promise<EngineInfo> {
  const first = !started;
  const { vips: v, ms } = await loadVips();
  // A batch writing AVIF starts the HEIF instance now rather than on its first file. If its wasm
  // cannot be fetched (offline), each file that needs it fails with that message instead of the
  // whole batch: the batch goes on with what it can do, and a later try fetches it again.
  if (opts.heif)
    await loadVips(HEIF_OPTIONS).catch((e: unknown) => {
      if (!isNotAvailableOffline(e)) throw e;
    });
  started = true;
  return {
    startMs: first ? ms : 0,
    vipsVersion: v.version(0) + '.' + v.version(1) + '.' + v.version(2),
    crossOriginIsolated: globalThis.crossOriginIsolated,
  };
}

/**
 * The wasm-vips instance for a request: with HEIF when the output is AVIF or the input (by its
 * first bytes, else its name) is AVIF/HEIF.
 */
export async function vipsFor(need: { output?: OutputOptions; head?: Uint8Array; name?: string } = {}): Promise<Vips> {
  // The bytes say what the file is; an SVG's XML prolog does not, its name does.
  const kind =
    (need.head && need.head.length >= 12 ? kindFromMagic(need.head) : undefined) ?? (need.name ? kindFromName(need.name) : undefined);
  if (kind !== undefined && SIDE_MODULE_KINDS.has(kind)) return (await loadVips(ALL_OPTIONS)).vips;
  const heif = need.output?.format === 'avif' || (kind !== undefined && HEIF_KINDS.has(kind));
  return (await loadVips(heif ? HEIF_OPTIONS : VIPS_OPTIONS)).vips;
}

/** A file's first bytes, for vipsFor. */
export const headOf = async (file: Blob): Promise<Uint8Array> => new Uint8Array(await file.slice(0, 16).arrayBuffer());
