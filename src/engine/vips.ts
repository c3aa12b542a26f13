/**
 * wasm-vips, loaded once per worker. The operation cache is switched off: with it on, memory
 * grows until the heap is exhausted after a few hundred images. Never call this on the main
 * thread: vips' pthreads deadlock there.
 */
import type VipsFactory from 'wasm-vips';

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
  const loading = (async () => {
    const t0 = performance.now();
    const { default: Factory } = await import('wasm-vips');
    const config: Record<string, unknown> = {
      preRun: [(m: { ENV: Record<string, string> }) => { m.ENV.VIPS_CONCURRENCY = String(opts.concurrency ?? 1); }],
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
          () => reject(new Error(`wasm-vips did not start within ${timeoutMs / 1000} s (is the page cross-origin isolated? SharedArrayBuffer is required)`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    vips.Cache.max(0);
    return { vips, ms: performance.now() - t0 };
  })();
  instances.set(key, loading);
  loading.catch(() => instances.delete(key));
  return loading;
}

/** vips errors arrive as "VipsForeignLoad: buffer is not in a known format\n…": keep the gist. */
export function vipsMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.split('\n').map((l) => l.trim()).filter(Boolean)[0] ?? 'unknown error';
  return line.replace(/^vips[a-z_]*:\s*/i, '').replace(/^Vips[A-Za-z]+:\s*/, '');
}
