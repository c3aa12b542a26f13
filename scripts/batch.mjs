#!/usr/bin/env node
// The headless batch command:
//
//   npm run batch -- <input-dir> <output-dir> [--recipe seed|file.json] [--workers N]
//                    [--format png|jpeg|webp|avif|tiff|gif|dzi] [--quality Q] [… every output and video option] [--no-build]
//
// Builds the app when dist/ is stale, serves it, and drives the same code path as the studio
// (window.tessera.runBatch) in headless Chromium. Inputs reach the page as a folder chosen in a
// <input webkitdirectory> (DOM.setFileInputFiles with the directory path: Chromium reads each file
// from disk when a worker asks for it, nothing is copied or base64-encoded); outputs go back over one
// WebSocket to the local server (SocketSink), which writes them atomically under <output-dir>
// with relative paths kept.
//
// stderr: progress lines and one line per failed file. stdout: the JSON summary, as the last line.
// Exit codes: 0 all ok, 1 some files failed (or the batch could not run), 2 usage error,
// 130 interrupted (Ctrl-C).
import { promises as fs, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from './lib/serve.mjs';
import { evaluate, launchChromium, openPage, setInputFiles } from './lib/cdp.mjs';
import { loadOptionFlags } from './lib/option-flags.mjs';
import { buildApp, distDir, staleness } from './lib/dist.mjs';
import { codeOf, messageOf, stackOf } from './lib/errors.mjs';
import { parseJson } from './lib/json.mjs';

// TESSERA_DIST: another build folder (parallel work on one machine); default dist/.
const DIST = distDir();
const INPUT_ID = 'tessera-batch-input';
const ASSETS_ID = 'tessera-batch-assets';
// The output and video option flags and their help, generated from the app's option specs.
const optionFlags = await loadOptionFlags();

const USAGE = `usage: npm run batch -- <input-dir> <output-dir> [options]

Processes every image and video (mp4, m4v, mov, webm, mkv) under <input-dir> in headless Chromium and writes the results to
<output-dir>, keeping relative paths. Inputs are never modified.

options:
  --recipe NAME|FILE.json   a recipe preset or a recipe file (default: seed). Presets:
                            ${optionFlags.presetNames()}
  --workers N               engine workers (default: one per core)
  --no-build                use dist/ as it is (default: build when dist/ is older than src/)
  -h, --help                show this help

${optionFlags.optionsHelp()}

Progress goes to stderr; the last stdout line is a JSON summary.
Exit codes: 0 all ok, 1 some files failed, 2 usage error, 130 interrupted.`;

class UsageError extends Error {}

// ---------------------------------------------------------------- output to the terminal

const tty = !!process.stderr.isTTY;
let statusShown = false;

/** A line that stays (messages, failures). @param {string} line */
function log(line) {
  if (statusShown) process.stderr.write('\r\x1b[K');
  statusShown = false;
  process.stderr.write(line + '\n');
}

/** A progress line: rewritten in place on a terminal, one line each otherwise. @param {string} line */
function status(line) {
  if (tty) {
    process.stderr.write('\r\x1b[K' + line);
    statusShown = true;
  } else process.stderr.write(line + '\n');
}

function endStatus() {
  if (statusShown) process.stderr.write('\n');
  statusShown = false;
}

/** @param {number} s seconds */
function duration(s) {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** @param {{ processed: number, total: number, failed: number, imagesPerSecond: number, eta?: number, finished?: boolean, seconds?: number }} p */
function progressLine({ processed, total, failed, imagesPerSecond, eta, finished, seconds }) {
  const width = String(total).length;
  const head = `[${String(processed).padStart(width)}/${total}] ${failed} failed · ${imagesPerSecond.toFixed(1)} img/s`;
  if (finished) return `${head} · done in ${duration(seconds ?? NaN)}`;
  return eta === undefined ? head : `${head} · ETA ${duration(eta)}`;
}

// ---------------------------------------------------------------- arguments

function baseDir() {
  // `npm run` starts scripts in the package root; relative paths mean the caller's directory.
  return process.env.npm_lifecycle_event === 'batch' && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
}

/**
 * The command line, checked.
 * @typedef {{
 *   input: string, output: string, build: boolean, recipeFile: string | undefined, preset: string | undefined,
 *   workers: number | undefined,
 *   outputOptions: import('../src/core/option-flags').FlagOptions['output'], video: import('../src/core/option-flags').FlagOptions['video'],
 * }} Options
 */

/**
 * The page's progress message (__tesseraBatchProgress): the batch's progress with the running
 * files counted, and how many files the folder walk has listed.
 * @typedef {Omit<import('../src/api').BatchProgress, 'running'> & { running: number, listed: number }} PageProgress
 */

/** @param {string[]} argv @returns {Options | { help: true }} */
function parseCommandLine(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        recipe: { type: 'string' },
        workers: { type: 'string' },
        ...optionFlags.parseArgsOptions(),
        'no-build': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(messageOf(e));
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { help: true };
  if (positionals.length !== 2) {
    throw new UsageError(
      positionals.length < 2 ? 'expected an input folder and an output folder' : `unexpected argument "${positionals[2]}"`,
    );
  }
  const base = baseDir();
  /** @type {Options} */
  const opts = {
    input: resolve(base, positionals[0]),
    output: resolve(base, positionals[1]),
    build: !v['no-build'],
    recipeFile: undefined,
    preset: 'seed',
    workers: undefined,
    // Only flags given explicitly override the recipe's own `output` (its format, quality…).
    outputOptions: {},
    video: {},
  };
  if (v.recipe !== undefined) {
    // A bare word ("seed") names a preset; anything with a dot or a slash is a file.
    if (/^[\w-]+$/.test(v.recipe)) opts.preset = v.recipe;
    else {
      opts.preset = undefined;
      opts.recipeFile = resolve(base, v.recipe);
    }
  }
  if (v.workers !== undefined) {
    const n = Number(v.workers);
    if (!/^\d+$/.test(v.workers) || n < 1 || n > 64) throw new UsageError(`--workers must be a whole number 1–64, got "${v.workers}"`);
    opts.workers = n;
  }
  try {
    // Each value checked against its option's spec (and the video ones together), errors naming the flag.
    ({ output: opts.outputOptions, video: opts.video } = optionFlags.readFlags(v));
  } catch (e) {
    // The message says what is wrong with which flag: no need for the whole usage after it.
    throw Object.assign(new UsageError(messageOf(e)), { showUsage: false });
  }
  return opts;
}

/** realpath of a path that may not exist yet: resolve the nearest existing ancestor. @param {string} p */
async function realpathLoose(p) {
  /** @type {string[]} */
  const rest = [];
  let cur = p;
  for (;;) {
    try {
      return join(await fs.realpath(cur), ...rest.reverse());
    } catch (e) {
      if (codeOf(e) !== 'ENOENT' && codeOf(e) !== 'ENOTDIR') throw e;
      const parent = dirname(cur);
      if (parent === cur) return p;
      rest.push(basename(cur));
      cur = parent;
    }
  }
}

/** True when `child` is `parent` or inside it. @param {string} parent @param {string} child */
function within(parent, child) {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
}

/**
 * Visible files under dir as forward-slash relative paths (hidden files and folders skipped).
 * @param {string} dir
 * @returns {AsyncGenerator<string>}
 */
async function* walk(dir, prefix = '') {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    let isDir = e.isDirectory();
    if (e.isSymbolicLink()) isDir = (await fs.stat(full).catch(() => null))?.isDirectory() ?? false;
    if (isDir) yield* walk(full, `${prefix}${e.name}/`);
    else yield prefix + e.name;
  }
}

/** @param {Options} opts */
async function checkFolders(opts) {
  const inStat = await fs.stat(opts.input).catch(() => null);
  if (!inStat) throw new UsageError(`input folder not found: ${opts.input}`);
  if (!inStat.isDirectory()) throw new UsageError(`input is not a folder: ${opts.input}`);
  try {
    await fs.readdir(opts.input);
  } catch (e) {
    throw new UsageError(`cannot read the input folder ${opts.input}: ${codeOf(e) ?? messageOf(e)}`);
  }
  const input = await fs.realpath(opts.input);
  const output = await realpathLoose(opts.output);
  if (input === output) {
    throw new UsageError('the output folder is the input folder: choose another one so inputs are never overwritten');
  }
  if (within(input, output)) {
    throw new UsageError(
      `the output folder is inside the input folder (${relative(input, output).split(sep).join('/')}): choose one outside it`,
    );
  }
  if (within(output, input)) {
    // Allowed, unless an output would land inside the input folder ("out/in/x.png" for the input "in/x.png").
    const sub = relative(output, input).split(sep).join('/') + '/';
    for await (const rel of walk(input)) {
      if (rel.startsWith(sub)) {
        throw new UsageError(
          `the input folder is inside the output folder, and the output for "${rel}" would be written into the input folder: choose another output folder`,
        );
      }
    }
  }
  const outStat = await fs.stat(output).catch(() => null);
  if (outStat && !outStat.isDirectory()) throw new UsageError(`output exists and is not a folder: ${opts.output}`);
  return { input, output };
}

/** @param {string} file @returns {Promise<unknown>} */
async function readRecipeFile(file) {
  let text;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read recipe file ${file}: ${codeOf(e) === 'ENOENT' ? 'no such file' : (codeOf(e) ?? messageOf(e))}`);
  }
  try {
    return parseJson(text);
  } catch (e) {
    throw new UsageError(`recipe file ${file} is not valid JSON: ${messageOf(e)}`);
  }
}

// ---------------------------------------------------------------- build

/** The build's running step (scripts/lib/dist.mjs), killed on Ctrl-C. @type {import('node:child_process').ChildProcess | undefined} */
let buildChild;

// ---------------------------------------------------------------- the run

/** @param {string} dir */
async function removePartials(dir) {
  // Temporary files of PUTs cut short when the server closed (serve.mjs names them <target>.<8 hex>.partial).
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) await removePartials(full);
    else if (/\.[0-9a-f]{8}\.partial$/.test(e.name)) await fs.rm(full, { force: true }).catch(() => {});
  }
}

/**
 * The promise's value, or undefined once `ms` have passed.
 * @template T @param {Promise<T> | undefined} promise @param {number} ms @returns {Promise<T | undefined>}
 */
function withTimeout(promise, ms) {
  /** @type {Promise<undefined>} */
  const timeout = new Promise((r) => setTimeout(() => r(undefined), ms).unref());
  return Promise.race([promise, timeout]);
}

/** Set by the first SIGINT / SIGTERM: the process then exits with 130 / 143 whatever happens. @type {number | undefined} */
let signalCode;
/** @type {(signal: NodeJS.Signals) => void} */
let signalHandler = (signal) => {
  signalCode ??= signal === 'SIGINT' ? 130 : 143;
  buildChild?.kill('SIGTERM');
  process.exit(signalCode);
};
process.on('SIGINT', (s) => signalHandler(s));
process.on('SIGTERM', (s) => signalHandler(s));

async function main() {
  let opts;
  try {
    opts = parseCommandLine(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) return usageExit(e.message, /** @type {{ showUsage?: boolean }} */ (e).showUsage !== false);
    throw e;
  }
  if ('help' in opts) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }

  let folders, recipe;
  try {
    folders = await checkFolders(opts);
    if (opts.recipeFile) recipe = await readRecipeFile(opts.recipeFile);
  } catch (e) {
    if (e instanceof UsageError) return usageExit(e.message);
    throw e;
  }

  if (opts.build) {
    const why = staleness(DIST);
    if (why) {
      log(`building the app (${why})…`);
      // Its output goes to stderr: stdout is kept for the summary.
      await buildApp({ dist: DIST, onChild: (c) => (buildChild = c) });
    }
  } else if (!statSync(join(DIST, 'index.html'), { throwIfNoEntry: false })) {
    return usageExit('dist/index.html is missing: build the app (npx vite build) or drop --no-build');
  }

  // ---- resources to release on every path out (cleanup runs once, whoever asks first)
  /** @type {ReturnType<typeof serve> | undefined} */
  let serverP;
  /** @type {ReturnType<typeof launchChromium> | undefined} */
  let browserP;
  /** @type {Promise<import('./lib/cdp.mjs').Session> | undefined} */
  let pageP;
  /** @type {Promise<void> | undefined} */
  let cleaning;
  /** @type {NodeJS.Timeout | undefined} */
  let forceTimer;
  let phase = 'setup';
  const cleanup = () =>
    (cleaning ??= (async () => {
      clearTimeout(forceTimer);
      const b = await withTimeout(
        browserP?.catch(() => undefined),
        30_000,
      );
      await withTimeout(
        b?.close().catch(() => {}),
        15_000,
      );
      const srv = await serverP?.catch(() => undefined);
      await withTimeout(srv?.close(), 5_000);
      await removePartials(folders.output);
    })().catch(() => {}));
  signalHandler = (signal) => {
    const first = signalCode === undefined;
    signalCode ??= signal === 'SIGINT' ? 130 : 143;
    if (first && phase === 'running') {
      log('interrupted: cancelling the batch… (again to quit at once)');
      pageP?.then((page) => evaluate(page, () => window.__tesseraBatchAbort?.())).catch(() => {});
      // Should the page not answer, leave anyway.
      // (cleanup() does not reject: it catches everything.)
      forceTimer = setTimeout(() => void cleanup().finally(() => process.exit(signalCode)), 10_000);
      return;
    }
    if (first) log('interrupted');
    endStatus();
    void cleanup().finally(() => process.exit(signalCode));
  };

  try {
    serverP = serve({ root: DIST, outputDir: folders.output });
    const server = await serverP;
    // Chromium through a small CDP driver of our own, not Playwright: Playwright enables the Network
    // domain, and Chromium then copies every output (a WebSocket frame) to it (scripts/lib/cdp.mjs).
    browserP = launchChromium();
    pageP = browserP.then((b) => b.newPage());
    const page = await pageP;
    page.on('Runtime.exceptionThrown', ({ exceptionDetails: d }) =>
      log(`page error: ${d.exception?.description?.split('\n')[0] ?? d.text}`),
    );

    // ---- progress from the page
    let lastPrint = 0;
    /** @type {PageProgress | undefined} */
    let latest;
    const print = () => {
      if (!latest) return;
      const now = performance.now();
      if (now - lastPrint < 250) return;
      lastPrint = now;
      const p = latest;
      // Files whose output exists (--existing skip) are done with too.
      const processed = p.done + p.failed + p.skippedExisting;
      // Until the page has walked the whole list, the total is the listed files minus those skipped so far.
      const total = p.totalKnown ? p.total : Math.max(processed, p.listed - (p.skipped - p.skippedExisting));
      const rate = p.elapsedSeconds > 0 ? processed / p.elapsedSeconds : 0;
      const eta = p.etaSeconds ?? (rate > 0 ? (total - processed) / rate : undefined);
      status(progressLine({ processed, total, failed: p.failed, imagesPerSecond: p.imagesPerSecond, eta }));
    };
    // Page → command messages (JSON strings through CDP bindings).
    page.on('Runtime.bindingCalled', ({ name, payload }) => {
      if (name === '__tesseraBatchProgress') {
        latest = /** @type {PageProgress} */ (parseJson(payload));
        print();
      } else if (name === '__tesseraBatchFailed') {
        const msg = /** @type {{ path: string, error?: string }} */ (parseJson(payload));
        log(`failed: ${msg.error ?? msg.path}`);
      }
    });
    await page.send('Runtime.addBinding', { name: '__tesseraBatchProgress' });
    await page.send('Runtime.addBinding', { name: '__tesseraBatchFailed' });

    await openPage(page, server.url, () => !!(window.tessera && customElements.get('tessera-studio')));
    // The engines start while the recipe is checked and the folder is listed.
    await evaluate(
      page,
      (workers) => {
        const t = window.tessera;
        window.__tesseraPool = t.createEnginePool(workers ?? t.defaultWorkerCount());
        window.__tesseraEngines = window.__tesseraPool.broadcast((api) => api.start()).then((infos) => infos.map((i) => i.startMs / 1000));
        window.__tesseraEngines.catch(() => {});
      },
      opts.workers ?? null,
    );

    // ---- validate the recipe and the format with the app's own rules, before any worker starts
    const check = await evaluate(
      page,
      ({ preset, recipe, file, flags }) => {
        const t = window.tessera;
        /** @param {unknown} e */
        const messageOf = (e) => (e instanceof Error ? e.message : String(e));
        let r = recipe;
        if (preset !== undefined) {
          if (!Object.hasOwn(t.PRESETS, preset))
            return {
              usage: `unknown recipe preset "${preset}" (known: ${Object.keys(t.PRESETS).join(', ')}); to use a recipe file, pass its path`,
            };
          r = t.PRESETS[preset];
        }
        let valid;
        try {
          valid = t.validateRecipe(r);
        } catch (e) {
          return { usage: `invalid recipe${file ? ` in ${file}` : ''}: ${messageOf(e)}` };
        }
        try {
          // The recipe's output, overridden field by field by the flags given (as runBatch does);
          // the flags themselves were checked by readFlags.
          const o = t.validateOutput({ ...(valid.output ?? {}), ...flags }, '');
          // The variants over those (their names, what each writes), as runBatch checks them.
          const variants = t.resolveVariants(valid, o);
          return {
            variants: variants?.map((v) => `${v.name} (${v.output.format.toUpperCase()})`),
            recipe: valid.name,
            steps: valid.steps.length,
            // Image files the steps name (a logo): read below, relative to the recipe file.
            assets: t.recipeAssets(
              [...valid.steps, ...(valid.variants ?? []).flatMap((v) => v.steps ?? [])].filter((st) => st.enabled !== false),
            ),
            format: o.format,
            quality: o.quality,
            tiles: o.format === 'dzi' ? `${o.tileFormat.toUpperCase()} tiles of ${o.tileSize} px` : undefined,
            flags,
            defaultWorkers: t.defaultWorkerCount(),
          };
        } catch (e) {
          return { usage: messageOf(e) };
        }
      },
      { preset: opts.preset, recipe, file: opts.recipeFile, flags: opts.outputOptions },
    );
    if (check.usage !== undefined) {
      await cleanup();
      return usageExit(check.usage);
    }

    // ---- image files the recipe names (a watermark's logo): a path relative to the recipe file
    // (the working directory for a preset). Chromium reads them from disk through a file input,
    // and the page shares each with the workers once (window.tessera.shareAsset): no base64.
    if (check.assets?.length) {
      const base = opts.recipeFile ? dirname(opts.recipeFile) : process.cwd();
      const paths = [];
      for (const name of check.assets) {
        const path = isAbsolute(name) ? name : resolve(base, name);
        const st = await fs.stat(path).catch(() => null);
        if (!st?.isFile()) {
          await cleanup();
          return usageExit(
            `the image "${name}" named in ${opts.recipeFile ? `recipe file ${opts.recipeFile}` : 'the recipe'} ${st ? 'is not a file' : 'does not exist'} (looked for ${path}; a path is relative to the recipe file)`,
          );
        }
        paths.push(path);
      }
      await addFileInput(page, ASSETS_ID, false);
      await setInputFiles(page, `#${ASSETS_ID}`, paths);
      await evaluate(
        page,
        async ({ id, names }) => {
          const files = /** @type {HTMLInputElement} */ (document.getElementById(id)).files ?? [];
          for (let k = 0; k < names.length; k++) window.tessera.shareAsset(names[k], new Uint8Array(await files[k].arrayBuffer()));
        },
        { id: ASSETS_ID, names: check.assets },
      );
    }

    try {
      await fs.mkdir(folders.output, { recursive: true });
    } catch (e) {
      await cleanup();
      return usageExit(`cannot create the output folder ${opts.output}: ${codeOf(e) ?? messageOf(e)}`);
    }

    // ---- hand the folder to the page: Chromium enumerates it, files are read lazily from disk
    await addFileInput(page, INPUT_ID, true);
    await setInputFiles(page, `#${INPUT_ID}`, [folders.input]);

    const lossy = check.tiles ? ` (${check.tiles})` : check.format !== 'png' ? ` Q${check.quality}` : '';
    log(
      `${folders.input} → ${folders.output}: recipe “${check.recipe}” (${check.steps} step${check.steps === 1 ? '' : 's'}), ${check.variants ? `variants ${check.variants.join(', ')}` : `${check.format.toUpperCase()}${lossy}`}, ${opts.workers ?? check.defaultWorkers} workers`,
    );

    if (signalCode !== undefined) return signalCode;
    phase = 'running';
    const outcome = await evaluate(
      page,
      async ({ id, recipe, preset, flags, video, socketUrl }) => {
        const t = window.tessera;
        // The folder input made above; its files are listed by now (setInputFiles waited).
        const input = /** @type {HTMLInputElement} */ (document.getElementById(id));
        const source = t.filesSource(input.files ?? []);
        const listed = source.length;
        const pool = window.__tesseraPool;
        const engines = window.__tesseraEngines;
        if (!pool || !engines) return { error: 'the engines were not started' };
        if (!socketUrl) return { error: 'the server has no output socket' };
        const controller = new AbortController();
        window.__tesseraBatchAbort = () => controller.abort();
        let last = -Infinity;
        let sink;
        try {
          const engineStart = await engines;
          // One WebSocket carries every output to the receiver (a PUT per file cost ~30 ms of CPU).
          sink = await t.SocketSink.open(socketUrl);
          const s = await t.runBatch({
            input: source,
            output: sink,
            recipe: preset !== undefined ? t.PRESETS[preset] : recipe,
            pool,
            format: flags,
            video,
            signal: controller.signal,
            onProgress: (p) => {
              // Throttled here too, so a big folder does not flood the devtools protocol.
              const now = performance.now();
              if (now - last < 100) return;
              last = now;
              window.__tesseraBatchProgress?.(JSON.stringify({ ...p, running: p.running.length, listed }));
            },
            onResult: (r) => {
              if (r.status === 'failed') window.__tesseraBatchFailed?.(JSON.stringify({ path: r.path, error: r.error }));
            },
          });
          return {
            listed,
            summary: {
              ok: s.ok,
              failed: s.failed,
              skipped: s.skipped,
              skippedFiles: s.skippedFiles,
              skippedExisting: s.results.filter((r) => r.status === 'skipped').length,
              fits: s.results.flatMap((r) =>
                r.fit && r.outputPath
                  ? [{ file: r.path, output: r.outputPath, bytes: r.bytesOut ?? 0, quality: r.fit.quality, scale: r.fit.scale }]
                  : [],
              ),
              // Results arrive in finish order; the summary lists them by output name so reruns read alike.
              renamed: s.results
                .flatMap((r) =>
                  r.status === 'ok' && r.renamedFrom && r.message && r.outputPath
                    ? [{ file: r.path, output: r.outputPath, message: r.message }]
                    : [],
                )
                .sort((a, b) => (a.output < b.output ? -1 : a.output > b.output ? 1 : 0)),
              reviewed: s.results.flatMap((r) => (r.reviewedFaces && r.message ? [{ file: r.path, message: r.message }] : [])),
              regions: s.results.flatMap((r) => (r.video?.regions ? [{ file: r.path, ...r.video.regions }] : [])),
              videoWarnings: s.results.flatMap((r) => (r.video?.warnings ?? []).map((message) => ({ file: r.path, message }))),
              animations: s.results.flatMap((r) =>
                r.animation && r.outputPath
                  ? [{ file: r.path, output: r.outputPath, frames: r.animation.frames, animated: r.animation.animated }]
                  : [],
              ),
              cancelled: s.cancelled,
              workers: s.workers,
              seconds: s.seconds,
              imagesPerSecond: s.imagesPerSecond,
              startupSeconds: s.startupSeconds,
              engineStartSeconds: Math.max(...engineStart),
              errors: s.errors,
              facesTable: s.facesTable,
              breakdown: s.breakdown,
              pyramids: s.results.flatMap((r) =>
                r.pyramid && r.outputPath ? [{ file: r.path, dzi: r.outputPath, tiles: r.pyramid.tiles, levels: r.pyramid.levels }] : [],
              ),
              variants: s.results.flatMap((r) =>
                r.variant !== undefined
                  ? [
                      {
                        file: r.path,
                        variant: r.variant,
                        status: r.status,
                        output: r.outputPath,
                        width: r.width,
                        height: r.height,
                        bytes: r.bytesOut,
                        sharedDecode: !!r.sharedDecode,
                      },
                    ]
                  : [],
              ),
              pages: s.results.flatMap((r) =>
                r.pages && r.outputPath ? [{ file: r.path, outputs: [r.outputPath, ...r.pages.map((p) => p.outputPath)] }] : [],
              ),
            },
          };
        } catch (e) {
          return { error: e instanceof Error ? e.message : String(e) };
        } finally {
          window.__tesseraBatchAbort = undefined;
          await sink?.close();
          pool.dispose();
        }
      },
      {
        id: INPUT_ID,
        recipe,
        preset: opts.preset,
        flags: check.flags,
        video: opts.video,
        socketUrl: server.socketUrl,
        // A crashed tab fails the call with that reason (scripts/lib/cdp.mjs).
      },
    ).catch((e) => ({ error: messageOf(e).split('\n')[0] }));
    phase = 'done';

    if (outcome.error !== undefined) {
      endStatus();
      if (signalCode === undefined) log(`error: the batch could not run: ${outcome.error}`);
      await cleanup();
      return 1;
    }
    const s = outcome.summary;
    const processed = s.ok + s.failed + s.skippedExisting;
    latest = undefined;
    if (!s.cancelled)
      status(
        progressLine({
          processed,
          total: processed,
          failed: s.failed,
          imagesPerSecond: s.imagesPerSecond,
          finished: true,
          seconds: s.seconds,
        }),
      );
    endStatus();
    /** @param {number} n @param {string} what */
    const plural = (n, what) => `${n} ${what}${n === 1 ? '' : 's'}`;
    const byName = s.skipped - s.skippedExisting;
    if (processed === 0 && !s.cancelled)
      log(`no images or videos found in ${folders.input}${byName ? ` (${byName} other files skipped)` : ''}`);
    else if (byName) log(`${plural(byName, 'file')} skipped (not images or videos)`);
    if (s.skippedExisting) log(`${plural(s.skippedExisting, 'file')} skipped: the output was already there (--existing skip)`);
    if (s.renamed.length)
      log(
        `${plural(s.renamed.length, 'output')} renamed: a file of that name was already there (e.g. ${s.renamed[0].message}; --existing overwrite replaces)`,
      );
    for (const f of s.reviewed) log(`${f.file}: ${f.message}`);
    for (const f of s.regions)
      log(
        `${f.file}: ${f.objects
          .map(
            (o) =>
              `"${o.id}" ${o.keep ? 'kept visible (faces on it not hidden) in' : 'hidden in'} ${o.hidden} of ${f.frames} frames${
                o.unfollowed
                  ? ' — only where marked: its box holds nothing to follow (a flat or covered area?); mark it on a frame where it shows'
                  : f.tracked
                    ? ` (lost, so its box predicted, in ${o.lost})`
                    : ''
              }`,
          )
          .join('; ')}${f.tracksPath ? ` — tracks in ${join(folders.output, f.tracksPath)}` : ''}`,
      );
    for (const w of s.videoWarnings) log(`${w.file}: ${w.message}`);
    for (const f of s.skippedFiles.slice(0, 20)) log(`skipped: ${f.path}: ${f.reason}`);
    if (s.skippedFiles.length > 20) log(`… and ${s.skippedFiles.length - 20} more skipped (listed in the JSON summary)`);
    const stills = s.animations.filter((a) => !a.animated);
    if (stills.length)
      log(
        `${plural(stills.length, 'animated input')} written as ${stills.length === 1 ? 'its' : 'their'} first frame: the output format cannot animate (--format gif or webp keeps every frame)`,
      );
    if (s.cancelled) log(`cancelled: ${processed} of ${outcome.listed - byName} images processed`);

    await cleanup();
    /** @param {number} x @param {number} d decimals */
    const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;
    /** @type {Summary} */
    const summary = {
      ok: s.ok,
      failed: s.failed,
      workers: s.workers,
      seconds: round(s.seconds, 3),
      imagesPerSecond: round(s.imagesPerSecond, 2),
      startupSeconds: round(s.startupSeconds, 3),
      // Each engine's own start-up (they start in parallel, while the folder is listed).
      engineStartSeconds: round(s.engineStartSeconds, 3),
      errors: s.errors,
      skipped: s.skipped,
      // Each file left out and why: not an image or video, or its output already there (--existing skip).
      skippedFiles: s.skippedFiles,
      // Outputs written as name_1… because the name was taken by a file already in the output folder.
      renamed: s.renamed,
      // With --max-bytes: each output's size, the quality that met the limit and any shrink.
      ...(s.fits.length ? { fits: s.fits.map((f) => ({ ...f, scale: round(f.scale, 3) })) } : {}),
      // Animated GIF/WebP inputs: their frames, and whether all were written (GIF/WebP out) or only the first.
      ...(s.animations.length ? { animations: s.animations.map((a) => ({ ...a, output: join(folders.output, a.output) })) } : {}),
      cancelled: s.cancelled,
      // Milliseconds summed over files per stage (read, decode, steps by op, encode, handoff, write).
      breakdown: roundBreakdown(s.breakdown),
      ...(s.facesTable ? { facesTable: join(folders.output, s.facesTable) } : {}),
      // Deep Zoom outputs: each descriptor (what a viewer opens) and its tile count.
      ...(s.pyramids.length ? { pyramids: s.pyramids.map((p) => ({ ...p, dzi: join(folders.output, p.dzi) })) } : {}),
      // A recipe with variants: every output of every input (sharedDecode: made from the input's one decode).
      ...(s.variants.length ? { variants: s.variants } : {}),
      // Multi-page TIFFs written page by page (--pages all): each input's outputs, page 1 first.
      ...(s.pages.length ? { pages: s.pages } : {}),
      // Videos with Hide regions: each object's frames hidden and lost, and the tracks file.
      ...(s.regions.length
        ? { regions: s.regions.map((f) => ({ ...f, ...(f.tracksPath ? { tracksPath: join(folders.output, f.tracksPath) } : {}) })) }
        : {}),
      // Videos and animations written with something lost on the way (audio dropped, an odd side cropped).
      ...(s.videoWarnings.length ? { warnings: s.videoWarnings } : {}),
    };
    if (s.facesTable) log(`faces of every image: ${summary.facesTable} (and <image>.faces.json beside each output)`);
    if (s.pyramids.length) {
      const tiles = s.pyramids.reduce((n, p) => n + p.tiles, 0);
      log(
        `${s.pyramids.length} Deep Zoom pyramid${s.pyramids.length === 1 ? '' : 's'}, ${tiles} tiles: open the .dzi files in a viewer such as OpenSeadragon`,
      );
    }
    await new Promise((r) => process.stdout.write(JSON.stringify(summary) + '\n', r));
    if (s.cancelled) return 130;
    return s.failed > 0 ? 1 : 0;
  } finally {
    endStatus();
    await cleanup();
  }
}

/**
 * A hidden `<input type=file id=id>` in the page (a folder picker with `directory`), for
 * setInputFiles to hand files or a folder on disk to the page as files, never as base64.
 * @param {Parameters<typeof evaluate>[0]} page @param {string} id @param {boolean} directory
 */
function addFileInput(page, id, directory) {
  return evaluate(
    page,
    ({ id, directory }) => {
      const el = document.createElement('input');
      el.type = 'file';
      el.id = id;
      el.multiple = true;
      el.webkitdirectory = directory;
      el.hidden = true;
      document.body.append(el);
    },
    { id, directory },
  );
}

/**
 * The JSON summary: the last line on stdout.
 * @typedef {{
 *   ok: number, failed: number, workers: number, seconds: number, imagesPerSecond: number, startupSeconds: number,
 *   engineStartSeconds: number, errors: { file: string, message: string }[], skipped: number, cancelled: boolean,
 *   skippedFiles: { path: string, reason: string }[], renamed: { file: string, output: string, message: string }[],
 *   fits?: { file: string, output: string, bytes: number, quality?: number, scale: number }[],
 *   breakdown?: ReturnType<typeof roundBreakdown>, facesTable?: string,
 *   pyramids?: { file: string, dzi: string, tiles: number, levels: number }[],
 *   variants?: { file: string, variant: string, status: string, output?: string, width?: number, height?: number,
 *     bytes?: number, sharedDecode: boolean }[],
 *   animations?: { file: string, output: string, frames: number, animated: boolean }[],
 *   pages?: { file: string, outputs: string[] }[],
 *   regions?: { file: string, tracksPath?: string, objects: { id: string, hidden: number, lost: number, unfollowed?: true, keep?: true }[], frames: number, tracked: boolean }[],
 *   warnings?: { file: string, message: string }[],
 * }} Summary
 */

/** @param {import('../src/api').Breakdown | undefined} b */
function roundBreakdown(b) {
  if (!b) return undefined;
  /** @param {number} x */
  const r = (x) => Math.round(x * 10) / 10;
  return {
    read: r(b.read),
    decode: r(b.decode),
    steps: Object.fromEntries(Object.entries(b.steps).map(([k, v]) => [k, r(v)])),
    encode: r(b.encode),
    handoff: r(b.handoff),
    write: r(b.write),
  };
}

/** @param {string} message */
function usageExit(message, showUsage = false) {
  endStatus();
  process.stderr.write(`tessera batch: ${message}\n`);
  if (showUsage) process.stderr.write(`\n${USAGE}\n`);
  return 2;
}

main().then(
  (code) => process.exit(signalCode ?? code),
  (e) => {
    endStatus();
    // Words for the person; the stack only when asked for (TESSERA_DEBUG=1).
    if (signalCode === undefined)
      process.stderr.write(`tessera batch: error: ${(process.env.TESSERA_DEBUG && stackOf(e)) || messageOf(e)}\n`);
    process.exit(signalCode ?? 1);
  },
);
