#!/usr/bin/env node
// `npm run bench`: Tessera's benchmarks, run in headless Chromium against the built app.
//
//   seed     1 worker vs N on the seed pipeline (grayscale → blur σ2 → Sobel → sharpen → ×1.2),
//            outputs compared by SHA-256, plus where the time goes per image.
//   batch    Tessera at native speed (bench/native.mjs): the studio's benchmark, `npm run batch`
//            with 1 and N workers, OpenCV-Python and Pillow process pools on the same 100 real
//            photos (seed → PNG), and web export vs the vips CLI on 30 12-MP JPEGs; ratios,
//            per-stage breakdown, NumPy reference check, start-up and first output, targets.
//   handoff  a 3840×2160 RGBA frame to a worker and back: shared memory vs transfer vs
//            structured clone vs base64-in-JSON.
//
// Results: bench/results/<section>-<timestamp>.json (faces, object-track, seed, batch, ops, video, camera, handoff, faces-workers) and bench/results/latest.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, promises as fs, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BLUR_EDGES, BLUR_EDGES_COLOUR, videoBench } from './video.mjs';
import { CAMERA_BENCH_ARGS, cameraBench } from './camera.mjs';
import { facesBench } from './faces.mjs';
import { facesWorkersBench } from './faces-workers.mjs';
import { objectTrackBench } from './object-track.mjs';
import { batchBench } from './native.mjs';
import { launch, openApp } from '../scripts/lib/browser.mjs';
import { serve } from '../scripts/lib/serve.mjs';
import { ROOT, buildApp, distDir, staleness } from '../scripts/lib/dist.mjs';
import { messageOf, stackOf } from '../scripts/lib/errors.mjs';
import { handFiles } from '../tests/browser/harness.mjs';
import * as inPage from './page.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {ReturnType<typeof parseOptions>} Options */
/** The browser's and the app's renderer process, when found. @typedef {{ browserPid?: number, rendererPid?: number }} Procs */
/** @typedef {{ otherCores: number, oursCores: number, seconds: number }} Cpu */
/** A seed benchmark run with the CPU the rest of the machine used meanwhile. @typedef {import('../src/jobs/benchmark').BenchmarkRun & { cpu?: Cpu }} SeedRun */

// TESSERA_DIST: another build folder (parallel work on one machine); default dist/.
const DIST = distDir();
const RESULTS = join(ROOT, 'bench', 'results');
const OPFS_DIR = 'tessera-bench-input';
// The independent NumPy checker lives beside the repository: ../shared/tools/ (relative to it).
const REFERENCE_TOOL = resolve(ROOT, '..', 'shared', 'tools', 'seed_reference.py');
const PYTHON = '/usr/bin/python3';
/** @type {readonly import('../src/core/formats').OutputFormat[]} */
const FORMATS = ['png', 'jpeg', 'webp', 'avif'];
/** @param {string} f @returns {f is import('../src/core/formats').OutputFormat} */
const isFormat = (f) => /** @type {readonly string[]} */ (FORMATS).includes(f);
const SEED_OPS = ['grayscale', 'gaussian-blur', 'sobel', 'sharpen', 'brightness'];

const USAGE = `usage: npm run bench -- [options]
  --only seed|batch|handoff|ops|video|camera|faces|giant|giant-preview|input-grid|preview  run one benchmark (default: all but
                          the giant ones, input-grid and preview; preview: the studio's live preview on 24 MP photos,
                          last slider change to the preview shown, bench/preview.mjs; input-grid: 10,000 files in the
                          studio's input grid, bench/input-grid.mjs; faces:
                          per-detector times in Node first, then 1 vs N workers on a 4000-px group
                          photo and a redact-faces video in the app; batch: studio vs npm run batch
                          vs OpenCV-Python / Pillow pools / vips CLI on real photos, --workers
                          default 2 there, anchors skipped with an apt-get hint when missing;
                          giant: 100 MP / 300 MP / 1 GP sharpen through npm run batch vs vips conv,
                          time and peak memory, bench/giant.mjs, --workers default 2; giant-preview: the
                          studio's fit view and full-resolution regions of the same JPEGs, the fit-view
                          decoders side by side, peak memory, bench/giant-preview.mjs; input-grid: the studio's
                          input grid with 10,000 files, listing time, elements in the page, scroll frame
                          times, bench/input-grid.mjs)
  --video-frames N        frames per generated clip in the video bench (default 60)
  --video-colour          video bench recipe on R, G, B instead of luminance
  --workers N             workers for the parallel run (default: navigator.hardwareConcurrency)
  --images N              generated inputs (default 100)
  --size PX               generated image side (default 512)
  --format F              output format: png|jpeg|webp|avif (default png)
  --input DIR             use the image files in DIR (recursively) instead of generated ones
  --keep-outputs DIR      also run one N-worker batch writing real outputs to DIR/outputs
                          (generated inputs go to DIR/inputs) and check them with NumPy
  --repeat N              repeat the 1-vs-N seed benchmark (and every contender of the batch
                          section) N times and keep the best of each (default 1; use 3 on a busy
                          machine)
  --rounds N              handoff round trips per method (default 10)
  --build                 rebuild the app even if dist/ is up to date
  --timeout S             give up after S seconds (default 900, plus 600 per repetition with
                          the batch section)`;

// ---------------------------------------------------------------------------------------------
// Options

/** @param {string[]} argv */
function parseOptions(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        only: { type: 'string' },
        workers: { type: 'string' },
        images: { type: 'string' },
        size: { type: 'string' },
        format: { type: 'string' },
        input: { type: 'string' },
        'keep-outputs': { type: 'string' },
        rounds: { type: 'string' },
        repeat: { type: 'string' },
        build: { type: 'boolean' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        'video-frames': { type: 'string' },
        'video-colour': { type: 'boolean' },
      },
      strict: true,
    });
  } catch (e) {
    throw new UsageError(messageOf(e));
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  /**
   * A whole-number option, checked.
   * @template {number | undefined} D
   * @param {'workers' | 'images' | 'size' | 'rounds' | 'repeat' | 'timeout' | 'video-frames'} name @param {D} def @param {number} min @param {number} max
   * @returns {number | D}
   */
  const int = (name, def, min, max) => {
    const text = values[name];
    if (text === undefined) return def;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number ${min}–${max}, got "${text}"`);
    return n;
  };
  const only = values.only;
  if (
    only !== undefined &&
    !['seed', 'batch', 'handoff', 'ops', 'video', 'camera', 'faces', 'giant', 'giant-preview', 'input-grid', 'preview'].includes(only)
  )
    throw new UsageError(
      `--only must be seed, batch, handoff, ops, video, camera, faces, giant, giant-preview, input-grid or preview, got "${only}"`,
    );
  const format = values.format ?? 'png';
  if (!isFormat(format)) throw new UsageError(`--format must be one of ${FORMATS.join('|')}, got "${format}"`);
  const input = values.input ? resolve(values.input) : undefined;
  if (input && !(existsSync(input) && statSync(input).isDirectory())) throw new UsageError(`--input ${input}: not a folder`);
  const repeat = int('repeat', 1, 1, 20);
  const batch = only === undefined || only === 'batch';
  return {
    seed: only === undefined || only === 'seed',
    batch,
    handoff: only === undefined || only === 'handoff',
    ops: only === undefined || only === 'ops',
    video: only === undefined || only === 'video',
    camera: only === undefined || only === 'camera',
    faces: only === undefined || only === 'faces',
    only,
    videoFrames: int('video-frames', 60, 10, 10_000),
    videoColour: !!values['video-colour'],
    workers: int('workers', undefined, 1, 16),
    images: int('images', 100, 1, 100_000),
    size: int('size', 512, 16, 8192),
    format,
    input,
    keepOutputs: values['keep-outputs'] ? resolve(values['keep-outputs']) : undefined,
    rounds: int('rounds', 10, 1, 1000),
    repeat,
    build: !!values.build,
    // The batch section launches its own browsers and Python pools: 10 more minutes per repetition.
    timeoutSeconds: int('timeout', 900 + (batch ? 600 * repeat : 0), 10, 86_400),
  };
}

class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------
// Build

/** Builds the app when it is older than its sources (scripts/lib/dist.mjs), or always with `force`. @param {boolean} force @returns {Promise<boolean>} whether it built */
async function ensureBuilt(force) {
  const why = staleness(DIST);
  if (!force && !why) {
    log('app: dist/ is up to date');
    return false;
  }
  log(`app: building (${force ? '--build' : why}) …`);
  const t0 = Date.now();
  // Its output is shown only if a step fails.
  await buildApp({ dist: DIST, quiet: true });
  log(`app: built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Renderer memory (optional): RSS of the app's renderer process from /proc, sampled.

/** @param {import('playwright-core').Browser} browser @returns {Promise<Procs>} */
async function findProcesses(browser) {
  try {
    const cdp = await browser.newBrowserCDPSession();
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    await cdp.detach().catch(() => {});
    // The app's renderer is the busy one (it has loaded the page and started a worker).
    const renderers = processInfo.filter((p) => p.type === 'renderer').sort((a, b) => b.cpuTime - a.cpuTime);
    return { browserPid: processInfo.find((p) => p.type === 'browser')?.id, rendererPid: renderers[0]?.id };
  } catch {
    return {};
  }
}

/** @param {number} pid */
function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs fn while sampling the renderer's RSS every 20 ms: { before, peak, after } in bytes.
 * @template T
 * @param {number | undefined} pid
 * @param {() => Promise<T>} fn
 */
async function withRss(pid, fn) {
  const before = pid ? rssBytes(pid) : undefined;
  if (!pid || before === undefined) return { value: await fn(), rss: undefined };
  let peak = before;
  const timer = setInterval(() => {
    const v = rssBytes(pid);
    if (v !== undefined && v > peak) peak = v;
  }, 20);
  try {
    const value = await fn();
    const after = rssBytes(pid);
    return { value, rss: { pid, before, peak: Math.max(peak, after ?? 0), after } };
  } finally {
    clearInterval(timer);
  }
}

// CPU used by everything else on the machine while a run is timed: total busy time from
// /proc/stat minus Chromium's process tree and this Node process. Timings on a shared 2-core box
// mean little without it.

const CLK_TCK = 100;

/** @param {number | string} pid */
function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), jiffies: Number(f[11]) + Number(f[12]) };
  } catch {
    return undefined;
  }
}

/** @param {number} rootPid */
function treeJiffies(rootPid) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  /** @type {Map<number, { ppid: number, jiffies: number }>} */
  const stats = new Map();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const st = procStat(e);
    if (!st) continue;
    stats.set(Number(e), st);
    const siblings = children.get(st.ppid) ?? [];
    siblings.push(Number(e));
    children.set(st.ppid, siblings);
  }
  let sum = 0;
  const stack = [rootPid];
  for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
    sum += stats.get(pid)?.jiffies ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return sum;
}

/** @param {number | undefined} browserPid */
function cpuSnapshot(browserPid) {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
    const u = process.cpuUsage();
    const ours = (browserPid ? treeJiffies(browserPid) : 0) + ((u.user + u.system) / 1e6) * CLK_TCK;
    return { t: performance.now(), busy, ours };
  } catch {
    return undefined;
  }
}

/**
 * Average cores busy with other processes between two snapshots (and our own, for context).
 * @param {ReturnType<typeof cpuSnapshot>} a @param {ReturnType<typeof cpuSnapshot>} b
 * @returns {Cpu | undefined}
 */
function cpuBetween(a, b) {
  if (!a || !b || b.t <= a.t) return undefined;
  const s = (b.t - a.t) / 1000;
  const ours = (b.ours - a.ours) / CLK_TCK / s;
  const all = (b.busy - a.busy) / CLK_TCK / s;
  return { otherCores: Math.max(0, all - ours), oursCores: ours, seconds: s };
}

// ---------------------------------------------------------------------------------------------
// Output helpers

const t0 = Date.now();
/** @param {string} msg */
function log(msg) {
  process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`);
}

/**
 * A plain-text table; columns align left ('l') or right ('r': all but the first, by default).
 * @param {string[]} headers @param {(string | number)[][]} rows @param {('l' | 'r')[]} [align]
 */
function table(headers, rows, align) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  /** @param {string[]} r */
  const fmt = (r) =>
    r.map((c, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'l' ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(cells[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(fmt)].join('\n');
}

/** @param {number} x */
const f1 = (x) => x.toFixed(1);
/** @param {number} x */
const f2 = (x) => x.toFixed(2);
/** @param {number} b bytes */
const mb = (b) => (b / (1024 * 1024)).toFixed(1);
/** @param {number} x */
const pct = (x) => `${(100 * x).toFixed(0)}%`;

/** Told when the seed benchmark starts a run (seedBench samples the CPU then). @type {(workers: number) => void} */
let onRunStart = () => {};
/** @param {import('./page.mjs').BenchProgress} p */
function progressLine(p) {
  if (p.event === 'run') onRunStart(p.workers);
  if (p.event === 'run') log(`seed: running with ${p.workers} worker${p.workers > 1 ? 's' : ''} …`);
  else if (process.stderr.isTTY) {
    process.stderr.write(`\r  ${p.workers}w: ${p.done + p.failed}/${p.total}${p.totalKnown ? '' : '+'}  ${p.ips.toFixed(1)} img/s   `);
    if (p.totalKnown && p.done + p.failed === p.total) process.stderr.write('\n');
  }
}

// ---------------------------------------------------------------------------------------------
// Seed-pipeline benchmark

/** @param {Page} page @param {Options} opts @param {string | undefined} keepUrl the server's output receiver, with --keep-outputs */
async function prepareInputs(page, opts, keepUrl) {
  if (opts.input) {
    log(`seed: copying image files from ${opts.input} into OPFS …`);
    await handFiles(page, 'tessera-bench-folder', opts.input, { directory: true });
    const r = await page.evaluate(inPage.copyInputToOpfs, { id: 'tessera-bench-folder', dirName: OPFS_DIR });
    if (!r.files) throw new Error(`--input ${opts.input}: no image files found`);
    log(
      `seed: ${r.files} files, ${mb(r.bytes)} MB copied in ${f1(r.ms / 1000)} s${r.skipped ? ` (${r.skipped} non-image files ignored)` : ''}`,
    );
    return { source: 'folder', path: opts.input, ...r };
  }
  log(`seed: generating ${opts.images} photo-like ${opts.size}×${opts.size} JPEGs (q 0.9) in the page …`);
  const r = await page.evaluate(inPage.generateImages, {
    count: opts.images,
    size: opts.size,
    dirName: OPFS_DIR,
    quality: 0.9,
    putBase: keepUrl ? keepUrl + 'inputs/' : undefined,
  });
  log(
    `seed: generated ${r.files} JPEGs, ${f1(r.bytes / r.files / 1024)} KB average (${f1(r.minBytes / 1024)}–${f1(r.maxBytes / 1024)} KB), in ${f1(r.ms / 1000)} s`,
  );
  return { source: 'generated', width: opts.size, height: opts.size, jpegQuality: 0.9, ...r };
}

/** @param {SeedRun[]} runs 1 worker, N workers @param {number[]} images processed in each */
function breakdownRows(runs, images) {
  /** @param {import('../src/jobs/types').Breakdown} bd @param {number} n @returns {[string, number][]} stage → ms per image */
  const perImage = (bd, n) => {
    /** @type {[string, number][]} */
    const rows = [
      ['read', bd.read],
      ['decode', bd.decode],
    ];
    const ops = [...SEED_OPS, ...Object.keys(bd.steps).filter((k) => !SEED_OPS.includes(k))];
    for (const op of ops) rows.push([op, bd.steps[op] ?? 0]);
    rows.push(['encode', bd.encode], ['handoff', bd.handoff], ['write', bd.write]);
    return rows.map(([stage, ms]) => [stage, ms / Math.max(1, n)]);
  };
  const one = perImage(runs[0].summary.breakdown, images[0]);
  const many = perImage(runs[1].summary.breakdown, images[1]);
  const total1 = one.reduce((s, [, ms]) => s + ms, 0);
  const totalN = many.reduce((s, [, ms]) => s + ms, 0);
  return {
    stages: one.map(([stage, ms], i) => ({ stage, msPerImage1: ms, share1: ms / total1, msPerImageN: many[i][1] })),
    total1,
    totalN,
  };
}

/** @param {Page} page @param {Options} opts @param {number} workers @param {Procs} procs @param {string | undefined} keepUrl */
async function seedBench(page, opts, workers, procs, keepUrl) {
  const input = await prepareInputs(page, opts, keepUrl);
  const format = { format: opts.format };
  /** @type {(Omit<import('../src/jobs/benchmark').BenchmarkResult, 'runs'> & { runs: SeedRun[], rss: Awaited<ReturnType<typeof withRss>>['rss'] })[]} */
  const reps = [];
  for (let rep = 0; rep < opts.repeat; rep++) {
    if (opts.repeat > 1) log(`seed: repetition ${rep + 1}/${opts.repeat}`);
    /** @type {ReturnType<typeof cpuSnapshot>[]} */
    const snaps = [];
    onRunStart = () => snaps.push(cpuSnapshot(procs.browserPid));
    try {
      const { value: bench, rss } = await withRss(procs.rendererPid, () =>
        page.evaluate(inPage.seedBenchmark, { dirName: OPFS_DIR, format, workers }),
      );
      snaps.push(cpuSnapshot(procs.browserPid));
      reps.push({ ...bench, runs: bench.runs.map((r, i) => ({ ...r, cpu: cpuBetween(snaps[i], snaps[i + 1]) })), rss });
    } finally {
      onRunStart = () => {};
    }
  }
  // Best of the repetitions for each worker count (least disturbed by other work on the machine).
  /** @param {number} i 0: 1 worker, 1: N */
  const best = (i) => reps.map((b) => b.runs[i]).reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const r1 = best(0),
    rN = best(1);
  const speedup = rN.seconds > 0 ? r1.seconds / rN.seconds : 0;
  const efficiency = speedup / workers;
  const identical = reps.every((b) => b.identical);
  const compared = reps[0].compared;
  const mismatches = [...new Set(reps.flatMap((b) => b.mismatches))];
  const failures = reps.flatMap((b) => b.runs.flatMap((r) => r.summary.errors.map((e) => `${r.workers}w ${e.message}`)));
  if (failures.length) log(`seed: ${failures.length} failures, e.g. ${failures.slice(0, 3).join(' | ')}`);

  /** @param {SeedRun} r */
  const other = (r) => (r.cpu ? f2(r.cpu.otherCores) : '?');
  const rows = [r1, rN].map((r, i) => [
    r.workers,
    f2(r.seconds),
    f1(r.imagesPerSecond),
    i === 0 ? '1.00×' : `${f2(speedup)}×`,
    i === 0 ? '100%' : pct(efficiency),
    i === 0 ? '(reference)' : identical ? `yes (${compared}/${compared})` : `NO (${mismatches.length} differ)`,
    f2(r.startupSeconds),
    other(r),
  ]);
  const bd = breakdownRows([r1, rN], [r1.ok + r1.failed, rN.ok + rN.failed]);

  const what = opts.input ? `${input.files} images from ${opts.input}` : `${input.files} generated ${opts.size}×${opts.size} JPEGs`;
  console.log(`\n== Seed pipeline: ${what} → ${opts.format.toUpperCase()} (grayscale → Gaussian σ2 → Sobel → sharpen → brightness ×1.2)\n`);
  console.log(
    table(
      ['workers', 'seconds', 'images/s', 'speedup', 'efficiency', 'identical (SHA-256)', 'engine start-up s', 'other CPU (cores)'],
      rows,
    ),
  );
  if (opts.repeat > 1)
    console.log(
      `  best of ${opts.repeat} repetitions per worker count; images/s per repetition: ${reps.map((b) => b.runs.map((r) => f1(r.imagesPerSecond)).join(' / ')).join(', ')}`,
    );
  const busy = [r1, rN].filter((r) => r.cpu && r.cpu.otherCores > 0.25);
  if (busy.length)
    console.log(
      `  note: other processes kept ${busy.map((r) => `${f2(r.cpu?.otherCores ?? NaN)} cores busy during the ${r.workers}-worker run`).join(', ')}; numbers are pessimistic (try --repeat 3)`,
    );
  console.log(`\nWhere the time goes (ms per image, summed over workers; "%" is of the 1-worker total):\n`);
  console.log(
    table(
      ['stage', '1 worker ms', '%', `${rN.workers} workers ms`],
      [
        ...bd.stages.map((s) => [s.stage, f2(s.msPerImage1), pct(s.share1), f2(s.msPerImageN)]),
        ['total (sum of stages)', f2(bd.total1), '100%', f2(bd.totalN)],
        ['wall time per image', f2((1000 * r1.seconds) / Math.max(1, r1.ok)), '', f2((1000 * rN.seconds) / Math.max(1, rN.ok))],
      ],
    ),
  );
  console.log(`  (read = main thread, ahead of the workers, overlapped; decode/ops/encode run in the workers; handoff = time a`);
  console.log(`   worker sat idle waiting for its next request (pipelining hides the rest); write = main-thread SHA-256 into`);
  console.log(`   the benchmark's hash sink. With N workers, stage times grow when cores are shared.)`);
  console.log(
    `\nExternal anchors (quoted from the issue, other stacks — not measured here; measured side by side on real photos: --only batch):`,
  );
  console.log(`  100 real 512×512 JPEGs → PNG: OpenCV-Python 2-proc ≈74 img/s, Pillow pool ≈44, sharp ≈44,`);
  console.log(`  wasm-vips/OpenCV.js in 2 Node worker threads 27–36 img/s.`);

  /** @param {SeedRun} r */
  const slimRun = (r) => ({
    workers: r.workers,
    seconds: r.seconds,
    imagesPerSecond: r.imagesPerSecond,
    startupSeconds: r.startupSeconds,
    ok: r.ok,
    failed: r.failed,
    cpu: r.cpu,
    breakdown: r.summary.breakdown,
    pool: r.summary.pool,
    buffers: r.summary.buffers,
    errors: r.summary.errors,
    files: r.summary.results.map((f) => ({
      path: f.path,
      ms: +f.ms.toFixed(2),
      bytesIn: f.bytesIn,
      bytesOut: f.bytesOut,
      status: f.status,
    })),
  });
  return {
    input,
    format,
    workers,
    repeat: opts.repeat,
    runs: [slimRun(r1), slimRun(rN)],
    speedup,
    efficiency,
    identical,
    compared,
    mismatches,
    breakdownPerImage: bd,
    repetitions:
      reps.length > 1
        ? reps.map((b) => ({
            speedup: b.speedup,
            identical: b.identical,
            rendererRss: b.rss,
            runs: b.runs.map((r) => ({
              workers: r.workers,
              seconds: r.seconds,
              imagesPerSecond: r.imagesPerSecond,
              startupSeconds: r.startupSeconds,
              cpu: r.cpu,
            })),
          }))
        : undefined,
    rendererRss: reps.length === 1 ? reps[0].rss : undefined,
    externalAnchors: {
      note: 'Quoted from the issue for context; other machines and stacks, not measured by this bench.',
      task: '100 real 512×512 JPEGs → PNG, seed pipeline',
      imagesPerSecond: {
        'OpenCV-Python 2 processes': 74,
        'Pillow process pool': 44,
        sharp: 44,
        'wasm-vips/OpenCV.js in 2 Node worker threads': [27, 36],
      },
    },
  };
}

/** @param {Page} page @param {Options} opts @param {number} workers @param {string} keepDir @param {string} keepUrl */
async function keepOutputs(page, opts, workers, keepDir, keepUrl) {
  log(`keep-outputs: one ${workers}-worker batch writing ${opts.format.toUpperCase()} files to ${join(keepDir, 'outputs')} …`);
  const s = await page.evaluate(inPage.keepOutputsBatch, {
    dirName: OPFS_DIR,
    format: { format: opts.format },
    workers,
    outBase: keepUrl + 'outputs/',
  });
  log(`keep-outputs: ${s.ok} written, ${s.failed} failed, ${f2(s.seconds)} s (${f1(s.imagesPerSecond)} img/s incl. HTTP writes)`);
  const inputs = opts.input ?? join(keepDir, 'inputs');
  const outputs = join(keepDir, 'outputs');
  const command = `${PYTHON} ${REFERENCE_TOOL} ${inputs} ${outputs}`;
  /** @type {{ exitCode: number | null, passed: boolean, result: unknown, stderr?: string } | undefined} */
  let referenceCheck;
  const result = {
    dir: keepDir,
    inputs,
    outputs,
    ok: s.ok,
    failed: s.failed,
    seconds: s.seconds,
    imagesPerSecond: s.imagesPerSecond,
    errors: s.errors,
    referenceCommand: command,
    referenceCheck,
  };
  if (opts.format !== 'png') {
    log(`keep-outputs: NumPy reference check skipped (lossy ${opts.format}); run it on PNG outputs: ${command}`);
  } else if (!existsSync(REFERENCE_TOOL) || !existsSync(PYTHON)) {
    log(`keep-outputs: ${REFERENCE_TOOL} or ${PYTHON} not found; check skipped`);
  } else {
    log(`keep-outputs: NumPy reference check: ${command}`);
    const r = spawnSync(PYTHON, [REFERENCE_TOOL, inputs, outputs], { encoding: 'utf8', timeout: 600_000 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    /** @type {unknown} */
    let parsed;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    result.referenceCheck = { exitCode: r.status, passed: r.status === 0, result: parsed ?? line, stderr: r.stderr.trim() || undefined };
    console.log(
      `\nIndependent NumPy check of the kept outputs (${r.status === 0 ? 'PASS' : 'FAIL'}):\n  ${line}${r.stderr.trim() ? `\n  ${r.stderr.trim()}` : ''}`,
    );
  }
  return result;
}

/** Clears DIR/inputs and DIR/outputs, refusing to touch non-empty ones the bench did not create. @param {string} dir @param {boolean} generateInputs */
function prepareKeepDir(dir, generateInputs) {
  const marker = join(dir, '.tessera-bench');
  mkdirSync(dir, { recursive: true });
  const ours = existsSync(marker);
  for (const sub of generateInputs ? ['inputs', 'outputs'] : ['outputs']) {
    const p = join(dir, sub);
    if (existsSync(p) && readdirSync(p).length) {
      if (!ours) throw new UsageError(`--keep-outputs ${dir}: ${sub}/ is not empty and was not made by the bench; choose another folder`);
      rmSync(p, { recursive: true, force: true });
    }
  }
  writeFileSync(marker, 'Made by `npm run bench -- --keep-outputs`: inputs/ and outputs/ are replaced on every run.\n');
}

// ---------------------------------------------------------------------------------------------
// Handoff benchmark

/** @param {Page} page @param {Options} opts @param {Procs} procs */
async function handoffBench(page, opts, procs) {
  const W = 3840,
    H = 2160;
  log(`handoff: ${W}×${H} RGBA (${mb(W * H * 4)} MB), ${opts.rounds} round trips per method …`);
  const c0 = cpuSnapshot(procs.browserPid);
  const { value: rows, rss } = await withRss(procs.rendererPid, () =>
    page.evaluate(({ W, H, rounds }) => window.tessera.measureHandoff(W, H, rounds), { W, H, rounds: opts.rounds }),
  );
  const cpu = cpuBetween(c0, cpuSnapshot(procs.browserPid));
  const clone = rows.find((r) => r.method === 'clone');
  const shared = rows.find((r) => r.method === 'shared');
  if (!clone || !shared) throw new Error(`measureHandoff measured ${rows.map((r) => r.method).join(', ')}: no clone or shared row`);
  /** @param {import('../src/jobs/handoff').HandoffRow} r clone's time ÷ r's */
  const ratio = (r) => (r.msPerRoundTrip > 0 ? clone.msPerRoundTrip / r.msPerRoundTrip : Infinity);
  const cloneOverShared = ratio(shared);
  console.log(
    `\n== Handoff: one ${W}×${H} RGBA frame (${mb(W * H * 4)} MB) to a worker and back, median of ${opts.rounds} round trips (base64: ${Math.min(opts.rounds, 3)})\n`,
  );
  console.log(
    table(
      ['method', 'ms / round trip', 'extra MB / round trip', 'clone ÷ method'],
      rows.map((r) => [
        r.method,
        r.msPerRoundTrip < 1 ? r.msPerRoundTrip.toFixed(3) : f2(r.msPerRoundTrip),
        mb(r.extraBytes),
        `${ratio(r) >= 100 ? ratio(r).toFixed(0) : f2(ratio(r))}×`,
      ]),
    ),
  );
  console.log(`\nclone / shared = ${cloneOverShared.toFixed(0)}× (target ≥ 20×): ${cloneOverShared >= 20 ? 'PASS' : 'FAIL'}`);
  if (cpu && cpu.otherCores > 0.25) console.log(`note: other processes kept ${f2(cpu.otherCores)} cores busy meanwhile`);
  if (rss)
    console.log(
      `renderer RSS (pid ${rss.pid}) across all four methods: before ${mb(rss.before)} MB, peak ${mb(rss.peak)} MB, after ${mb(rss.after ?? NaN)} MB`,
    );
  return {
    frame: { width: W, height: H, channels: 4, bytes: W * H * 4 },
    rounds: opts.rounds,
    rows: rows.map((r) => ({ ...r, extraMB: r.extraBytes / (1024 * 1024), cloneOverMethod: ratio(r) })),
    cloneOverShared,
    target: 20,
    passed: cloneOverShared >= 20,
    rendererRss: rss,
    cpu,
  };
}

/** @param {Page} page @param {Options} opts @param {number} workers */
async function opsBench(page, opts, workers) {
  log(`ops: every catalogue operation on a 1920×1080 RGB frame, 1 worker whole vs ${workers} workers tiled …`);
  const rows = await page.evaluate(({ workers, repeat }) => window.tessera.measureOps({ workers, repeat }), {
    workers,
    repeat: Math.max(3, opts.repeat),
  });
  console.log(`\n== Operations on a 1920×1080 RGB frame (default parameters; best of ${Math.max(3, opts.repeat)} runs)\n`);
  console.log(
    table(
      ['operation', 'engine', 'locality', 'whole frame, 1 worker ms', 'tiled, 1 worker ms', `tiled, ${workers} workers ms`, 'speedup'],
      rows.map((r) => [
        r.op,
        r.engine,
        r.locality,
        f2(r.oneWorkerMs),
        r.tiled1Ms === undefined ? '— (whole image)' : f2(r.tiled1Ms),
        r.tiledMs === undefined ? '' : f2(r.tiledMs),
        r.speedup === undefined ? '' : `${f2(r.speedup)}×`,
      ]),
    ),
  );
  console.log(
    '  (whole frame = compute only, inside the worker; tiled = wall time on the main thread, 512² tiles with halos, messaging included)',
  );
  console.log('  (global operations — resize, rotate, Canny, equalisation… — need the whole image and run on one worker)');
  return { frame: { width: 1920, height: 1080, channels: 3 }, workers, rows };
}

// ---------------------------------------------------------------------------------------------

function gitInfo() {
  /** @param {string[]} args */
  const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return undefined;
  const dirty = git('status', '--porcelain', '--', 'src', 'index.html', 'vite.config.ts', 'package.json').stdout.trim().length > 0;
  return { commit: head.stdout.trim(), dirtySrc: dirty };
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  if (opts.faces) {
    // Node only (OpenCV.js in Node, bench/faces.mjs): no build, browser or server; runs first,
    // before the browser takes the cores.
    const faces = await facesBench();
    mkdirSync(RESULTS, { recursive: true });
    const file = join(RESULTS, `faces-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await fs.writeFile(file, JSON.stringify({ kind: 'faces', ...faces }, null, 2));
    console.log(`\nResults: ${relative(process.cwd(), file) || file}`);
    const track = await objectTrackBench();
    const trackFile = join(RESULTS, `object-track-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await fs.writeFile(trackFile, JSON.stringify({ kind: 'object-track', ...track }, null, 2));
    console.log(`\nResults: ${relative(process.cwd(), trackFile) || trackFile}`);
  }
  const started = new Date();
  const stamp = started
    .toISOString()
    .replace(/[:]/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const load = os.loadavg()[0];
  if (load > os.cpus().length * 0.5)
    log(`warning: load average ${load.toFixed(2)} on ${os.cpus().length} cores; other work will skew timings`);

  const built = await ensureBuilt(opts.build);
  if (opts.only === 'giant') {
    // Its own processes (the batch command, the vips CLI) measured from outside: no page here.
    const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'giant.mjs'), '--workers', String(opts.workers ?? 2)], { stdio: 'inherit' });
    process.exitCode = r.status ?? 1;
    return;
  }
  if (opts.only === 'input-grid') {
    // The studio's page in a browser of its own, 10,000 files in its input grid.
    const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'input-grid.mjs')], { stdio: 'inherit' });
    process.exitCode = r.status ?? 1;
    return;
  }
  if (opts.only === 'preview') {
    // A browser of its own at 1366×768, driving the studio's sliders.
    const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'preview.mjs')], { stdio: 'inherit' });
    process.exitCode = r.status ?? 1;
    return;
  }
  if (opts.only === 'giant-preview') {
    // Fresh browsers of its own (one per measurement: memory sampling would skew the timings).
    const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'giant-preview.mjs')], { stdio: 'inherit' });
    process.exitCode = r.status ?? 1;
    return;
  }
  /** @type {Awaited<ReturnType<typeof serve>> | undefined} */
  let server;
  /** @type {Awaited<ReturnType<typeof launch>> | undefined} */
  let browser;
  const watchdog = setTimeout(() => {
    log(`timed out after ${opts.timeoutSeconds} s; closing the browser`);
    browser?.close().catch((e) => log(`closing the browser failed: ${messageOf(e)}`));
  }, opts.timeoutSeconds * 1000);
  watchdog.unref();
  const onSignal = () => {
    log('interrupted; closing the browser and server');
    // allSettled does not reject, and the process ends in its callback.
    void Promise.allSettled([browser?.close(), server?.close()]).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    if (opts.keepOutputs && opts.seed) prepareKeepDir(opts.keepOutputs, !opts.input);
    server = await serve({ root: DIST, outputDir: opts.keepOutputs && opts.seed ? opts.keepOutputs : undefined });
    // The fake camera (30 fps) is for the camera bench; it does not affect the others.
    browser = await launch({ extraArgs: CAMERA_BENCH_ARGS });
    const { page, context } = browser;
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && log(`page console: ${m.text()}`));
    page.on('crash', () => log('page crashed'));
    await page.exposeFunction('__benchProgress', progressLine);
    await openApp(page, server.url);

    // navigator.deviceMemory: Chromium's, not in TypeScript's DOM types.
    const env = await page.evaluate(() => ({
      hardwareConcurrency: navigator.hardwareConcurrency,
      crossOriginIsolated,
      userAgent: navigator.userAgent,
      deviceMemory: /** @type {Navigator & { deviceMemory?: number }} */ (navigator).deviceMemory,
    }));
    if (!env.crossOriginIsolated) throw new Error('the page is not cross-origin isolated: SharedArrayBuffer is unavailable');
    const engine = await page.evaluate(inPage.engineInfo);
    const workers = opts.workers ?? env.hardwareConcurrency ?? 2;
    const owner = context.browser();
    const procs = owner ? await findProcesses(owner) : {};
    const cpus = os.cpus();
    const machine = {
      cores: cpus.length,
      cpuModel: cpus[0]?.model,
      totalMemoryMB: Math.round(os.totalmem() / 2 ** 20),
      loadAverage1mAtStart: load,
      platform: `${os.platform()} ${os.release()}`,
      node: process.version,
      chromium: context.browser()?.version(),
      ...env,
      vips: engine.vipsVersion,
      engineStartMs: engine.startMs,
      git: gitInfo(),
    };
    log(
      `Chromium ${machine.chromium}, libvips ${machine.vips}, ${machine.cores} cores, hardwareConcurrency ${env.hardwareConcurrency}, ${workers} workers; browser pid ${procs.browserPid ?? '?'}, renderer pid ${procs.rendererPid ?? '?'}`,
    );
    const options = { ...opts, workersResolved: workers, appRebuilt: built };

    mkdirSync(RESULTS, { recursive: true });
    /** @type {string[]} */
    const files = [];
    /** @type {Record<string, unknown> & { files?: string[], totalSeconds?: number }} every section's figures, by kind */
    const latest = { startedAt: started.toISOString(), machine, options };
    const keepUrl = opts.keepOutputs && opts.seed ? server.url + '__out/' : undefined;
    /** @type {Awaited<ReturnType<typeof keepOutputs>> | undefined} */
    let kept;

    // Each section's figures go to <kind>-<stamp>.json and into latest.json.
    /** @param {string} kind @param {object} data */
    const save = async (kind, data) => {
      const file = join(RESULTS, `${kind}-${stamp}.json`);
      await fs.writeFile(file, JSON.stringify({ kind, startedAt: started.toISOString(), machine, options, ...data }, null, 2));
      files.push(file);
      latest[kind] = data;
    };
    if (opts.seed) {
      const seed = await seedBench(page, opts, workers, procs, keepUrl);
      if (opts.keepOutputs && keepUrl) kept = await keepOutputs(page, opts, workers, opts.keepOutputs, keepUrl);
      await page.evaluate(inPage.removeOpfsDir, OPFS_DIR);
      await save('seed', { ...seed, keptOutputs: kept });
    }
    if (opts.batch) {
      await save(
        'batch',
        await batchBench(
          page,
          { workers: opts.workers, repeat: opts.repeat, timeoutSeconds: opts.timeoutSeconds },
          {
            root: ROOT,
            python: PYTHON,
            referenceTool: REFERENCE_TOOL,
            log,
            table,
          },
        ),
      );
    }
    if (opts.ops) await save('ops', await opsBench(page, opts, workers));
    if (opts.video)
      await save(
        'video',
        await videoBench(page, { frames: opts.videoFrames, workers, recipe: opts.videoColour ? BLUR_EDGES_COLOUR : BLUR_EDGES }),
      );
    if (opts.camera) await save('camera', await cameraBench(page, { workers }));
    if (opts.handoff) await save('handoff', await handoffBench(page, opts, procs));
    if (opts.faces) await save('faces-workers', await facesWorkersBench(page, { workers }));
    latest.files = files.map((f) => relative(ROOT, f));
    const totalSeconds = (latest.totalSeconds = (Date.now() - started.getTime()) / 1000);
    const latestFile = join(RESULTS, 'latest.json');
    await fs.writeFile(latestFile, JSON.stringify(latest, null, 2));
    files.push(latestFile);
    console.log(`\nResults (${totalSeconds.toFixed(0)} s in all):`);
    for (const f of files) console.log(`  ${relative(process.cwd(), f) || f}`);
    if (kept) console.log(`  kept outputs: ${kept.outputs}${opts.input ? '' : `, inputs: ${kept.inputs}`}`);
  } finally {
    clearTimeout(watchdog);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await browser?.close().catch(() => {});
    await server?.close().catch(() => {});
  }
}

main().catch((e) => {
  if (e instanceof UsageError) {
    console.error(`bench: ${e.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(`bench failed: ${stackOf(e) ?? String(e)}`);
    process.exitCode = 1;
  }
});
