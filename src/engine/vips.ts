/**
 * wasm-vips, loaded once per worker. The operation cache is switched off: with it on, memory
 * grows until the heap is exhausted after a few hundred images. Never call this on the main
 * thread: vips' pthreads deadlock there.
 */
import type VipsFactory from 'wasm-vips';
import { messageOf, TesseraError, type ErrorCode } from '../core/errors';
import { explainFetchFailure } from '../core/offline';
import { lazyParts } from './lazy';

export type Vips = Awaited<ReturnType<typeof VipsFactory>>;
export type VipsImage = InstanceType<Vips['Image']>;

export interface VipsLoadOptions {
  /** Maps side-module names (vips-heif.wasm …) to URLs; bundlers do not find them on their own. */
  locateFile?: (file: string, dir: string) => string;
  /** Side modules to load: 'vips-heif.wasm' brings AVIF/HEIF. [] starts fastest. */
  dynamicLibraries?: string[];
  /** libvips threads per image pipeline; our parallelism comes from workers, so 1 by default. */
  concurrency?: number;
  timeoutMs?: number;
}

/** One instance per set of side modules (a worker may run one with and one without HEIF). */
const instances = new Map<string, Promise<{ vips: Vips; ms: number }>>();
let defaults: VipsLoadOptions = {};

/**
 * Sets the options every later loadVips() call uses (a worker sets its asset URLs once at start),
 * so whichever code path loads vips first — a codec or a recipe step — loads it the same way.
 */
export function setVipsDefaults(opts: VipsLoadOptions): void {
  defaults = opts;
}

export function loadVips(opts: VipsLoadOptions = defaults): Promise<{ vips: Vips; ms: number }> {
  const key = (opts.dynamicLibraries ?? ['(default)']).join(',');
  const cached = instances.get(key);
  if (cached) return cached;
  // What the message names when a piece cannot be fetched: the module, its wasm, a side module.
  const what = opts.dynamicLibraries?.includes('vips-heif.wasm') ? 'The AVIF/HEIF codec (wasm-vips with vips-heif.wasm)' : 'wasm-vips';
  const loading = (async () => {
    const t0 = performance.now();
    const { default: Factory } = await lazyParts.load(what, () => import('wasm-vips'));
    const config: Record<string, unknown> = {
      preRun: [
        (m: { ENV: Record<string, string> }) => {
          m.ENV.VIPS_CONCURRENCY = String(opts.concurrency ?? 1);
        },
      ],
      // wasm-vips prints warnings (e.g. "premature end of JPEG") to the console; we report our own.
      print: () => {},
      printErr: () => {},
    };
    if (opts.locateFile) config.locateFile = opts.locateFile;
    if (opts.dynamicLibraries) config.dynamicLibraries = opts.dynamicLibraries;
    const timeoutMs = opts.timeoutMs ?? 60_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const vips = await Promise.race([
      (Factory as unknown as (c: object) => Promise<Vips>)(config),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `wasm-vips did not start within ${timeoutMs / 1000} s (is the page cross-origin isolated? SharedArrayBuffer is required)`,
              ),
            ),
          timeoutMs,
        );
      }),
    ])
      .catch((e: unknown) => {
        // Emscripten fetches the wasm itself and aborts when it cannot: "Aborted(NetworkError: …)".
        throw explainFetchFailure(what, e);
      })
      .finally(() => clearTimeout(timer));
    vips.Cache.max(0);
    return { vips, ms: performance.now() - t0 };
  })();
  instances.set(key, loading);
  loading.catch(() => instances.delete(key));
  return loading;
}

/** libvips' generic wrapper lines, which say only which call failed. */
const WRAPPER_LINE = /^unable to (call|load from|write to|save)\b/i;

/** "unable to call VipsForeignLoadPngBuffer", when libvips said nothing more, in words. */
function wrapperInWords(line: string): string {
  if (/^unable to write to memory/.test(line)) return 'the image data is damaged (decoding stopped part-way)';
  const io = /Vips(?:Foreign)?(Load|Save)([A-Z][a-z0-9]+)/.exec(line);
  if (!io) return line;
  const format = io[2].toUpperCase();
  return io[1] === 'Load'
    ? `the ${format} data is damaged (libvips' ${format} loader stopped without a reason)`
    : `libvips' ${format} writer failed without a reason`;
}

/**
 * libvips errors arrive as several lines, most generic first ("unable to call
 * VipsForeignLoadJpegBuffer\nVipsJpeg: premature end of JPEG image\n…", repeated once per
 * attempt): keep the specific lines, each once, without the "Vips…:" class prefixes.
 */
export function vipsMessage(e: unknown): string {
  // messageOf reads wasm-vips' C++ exceptions too (opaque WebAssembly.Exceptions, String() gives
  // "[object WebAssembly.Exception]"): Emscripten sets their `message` to [C++ type, what()].
  const lines = messageOf(e)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const specific = lines.filter((l) => !WRAPPER_LINE.test(l));
  if (!specific.length) return lines.map(wrapperInWords).join('; ') || 'unknown error';
  // Prefixes name libvips' classes and functions (VipsJpeg:, tiff2vips:, gifload_buffer:), not the problem.
  const picked = [
    ...new Set(
      specific.map((l) =>
        l
          .replace(/^vips[a-z_]*:\s*/i, '')
          .replace(/^Vips[A-Za-z]+:\s*/, '')
          .replace(/^[a-z]+(?:2vips|_[a-z_]+):\s*/, ''),
      ),
    ),
  ];
  return picked.slice(0, 3).join('; ');
}

const fromVips = new WeakSet<Error>();

/** A TesseraError worded from what vips threw ("cannot decode: premature end of JPEG image"). */
export function vipsError(code: ErrorCode, what: string, e: unknown): TesseraError {
  const err = new TesseraError(code, `${what}: ${vipsMessage(e)}`);
  fromVips.add(err);
  return err;
}

/**
 * Runs a vips call; if it fails, runs it once more on an empty error buffer and reports that
 * failure. libvips' error buffer also collects the warnings of calls that succeeded (a slightly
 * damaged JPEG decodes, with "Corrupt JPEG data" lines left behind), and wasm-vips exposes no
 * vips_error_clear: a later, unrelated failure would quote them. Throwing on purpose empties the
 * buffer, and costs only on the failure path.
 */
export function withFreshErrors<T>(vips: Vips, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof Error) || !fromVips.has(e)) throw e;
    clearVipsErrors(vips);
    return run();
  }
}

/**
 * Empties libvips' error buffer before work that cannot be run twice (a streamed image reads its
 * file and ring once), so a failure quotes only its own messages.
 */
export function clearVipsErrors(vips: Vips): void {
  try {
    vips.Image.black(0, 0).delete();
  } catch {
    // the purpose: a throw empties the buffer
  }
}
