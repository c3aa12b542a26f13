// `npm run bench -- --only batch`: Tessera at native speed, side by side in one sitting, on the same
// real photographs (bench/photos.mjs):
//
//   seed (100 × 512² photos → PNG)
//     studio    the in-app benchmark (window.tessera.runBenchmark: 1 worker, then N), inputs in OPFS
//     command   node scripts/batch.mjs IN OUT --recipe seed --workers 1 and --workers N
//     OpenCV    bench/anchors/seed_opencv.py, multiprocessing.Pool(N)   (Debian python3-opencv)
//     Pillow    bench/anchors/seed_pillow.py, multiprocessing.Pool(N)   (Debian python3-pil)
//   web export (30 × 12 MP JPEGs → WebP 82, fit 2048)
//     command   node scripts/batch.mjs IN OUT --recipe web-export --workers N
//     vips      bench/anchors/webexport_vips.py: `vips thumbnail in.jpg out.webp[Q=82,strip] 2048`,
//               N processes at a time (Debian libvips-tools)
//
// A missing anchor is reported with the apt-get command that installs it and skipped; nothing in
// this section throws because an anchor or the command failed: it says so and goes on.
// Outputs of the command are checked with the independent NumPy reference
// (../shared/tools/seed_reference.py, relative to the repository).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, readSync, closeSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { makePhotoSets } from './photos.mjs';
import * as inPage from './page.mjs';
import { handFiles } from '../tests/browser/harness.mjs';

/**
 * @typedef {{ otherCores: number, oursCores: number }} Cpu
 * @typedef {import('../src/jobs/types').Breakdown & { images: number }} RunBreakdown
 * What an anchor's script prints last (bench/anchors/pool_run.py, webexport_vips.py).
 * @typedef {{ processes: number, images: number, failed: number, seconds: number, imagesPerSecond: number, startupSeconds: number, bytesOut: number, version?: string, error?: string }} AnchorLine
 * One contender's run, as the tables read it: `error` when it failed or did not run; otherwise
 * what its kind measures (the command and the anchors: wall times; the studio: identical outputs).
 * @typedef {{
 *   error?: string, command?: string, exitCode?: number | null, cpu?: Cpu,
 *   workers?: number, images?: number, failed?: number, expected?: number,
 *   seconds?: number, imagesPerSecond?: number, startupSeconds?: number, waitedForEnginesSeconds?: number,
 *   wallSeconds?: number, wallImagesPerSecond?: number, firstOutputSeconds?: number,
 *   bytesOut?: number, files?: string, breakdown?: RunBreakdown, errors?: { file: string, message: string }[],
 *   detail?: AnchorLine, summary?: import('../scripts/batch.mjs').Summary, identical?: boolean, compared?: number,
 * }} Run
 * The NumPy reference check (../shared/tools/seed_reference.py): its JSON line, or why it did not run.
 * @typedef {{ error?: string, passed?: boolean, exitCode?: number | null, mean_abs_diff?: number, pct_px_off_gt8?: number, worst?: [number, string], missing?: number }} Reference
 * @typedef {{ ok: boolean, message?: string, version?: string }} Anchor
 * @typedef {(headers: string[], rows: (string | number)[][], align?: ('l' | 'r')[]) => string} Table
 * @typedef {{ root: string, python: string, referenceTool: string, log: (s: string) => void, table: Table }} Ctx
 * @typedef {Ctx & { timeoutMs: number }} RunCtx
 */

const OPFS_DIR = 'tessera-bench-batch';
const SEED_OPS = ['grayscale', 'gaussian-blur', 'sobel', 'sharpen', 'brightness'];

// Targets of issue 9 (2 workers, 2 processes; with --workers N, N of each).
export const TARGETS = {
  commandOverStudio: 0.95,
  commandSpeedup: 1.8,
  seedOverOpenCV: 1.25,
  pngBytesOverOpenCV: 1.1,
  webOverVips: 1.0,
  firstOutputSeconds: 3,
  startupSecondsPerWorker: 0.5,
};

// ---------------------------------------------------------------------------------------------
// Small helpers

/** A finite number, or not a measurement. @param {number | undefined} x @returns {x is number} */
const finite = (x) => x !== undefined && Number.isFinite(x);
/** @param {number | undefined} x */
const f1 = (x) => (finite(x) ? x.toFixed(1) : '—');
/** @param {number | undefined} x */
const f2 = (x) => (finite(x) ? x.toFixed(2) : '—');
/** @param {number | undefined} x */
const f3 = (x) => (finite(x) ? x.toFixed(3) : '—');
/** @param {number | undefined} b bytes */
const mb = (b) => (finite(b) ? (b / 1e6).toFixed(2) : '—');
/** @param {number | undefined} a @param {number | undefined} b */
const ratio = (a, b) => (finite(a) && finite(b) && b > 0 ? a / b : undefined);
/** @param {number | undefined} r */
const x2 = (r) => (r === undefined ? '—' : `${r.toFixed(2)}×`);
/** @param {number | undefined} r */
const pctOf = (r) => (r === undefined ? '—' : `${(100 * r).toFixed(0)}%`);

/**
 * Files under dir (recursive), relative paths; temporary *.partial files of the server are left out.
 * @param {string} dir
 * @returns {string[]}
 */
function listFiles(dir, prefix = '') {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  /** @type {string[]} */
  const out = [];
  for (const e of entries) {
    if (e.isDirectory()) out.push(...listFiles(join(dir, e.name), `${prefix}${e.name}/`));
    else if (!e.name.endsWith('.partial')) out.push(prefix + e.name);
  }
  return out.sort();
}

/** @param {string} dir @param {(file: string) => boolean} [filter] */
function folderBytes(dir, filter = () => true) {
  return listFiles(dir)
    .filter(filter)
    .reduce((s, f) => s + statSync(join(dir, f)).size, 0);
}

/** "100 png", "30 webp": what the folder holds, by extension. @param {string} dir */
function formats(dir) {
  /** @type {Map<string, number>} */
  const n = new Map();
  for (const f of listFiles(dir)) {
    const ext = (/\.([^./]+)$/.exec(f)?.[1] ?? '?').toLowerCase();
    n.set(ext, (n.get(ext) ?? 0) + 1);
  }
  return [...n].map(([ext, k]) => `${k} ${ext}`).join(', ');
}

/** @param {string} dir @returns {Map<string, string>} relative path → SHA-256 */
function hashes(dir) {
  /** @type {Map<string, string>} */
  const m = new Map();
  for (const f of listFiles(dir))
    m.set(
      f,
      createHash('sha256')
        .update(readFileSync(join(dir, f)))
        .digest('hex'),
    );
  return m;
}

/** @param {string} dir */
function freshDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/**
 * zlib compression level class of a PNG, from the FLEVEL bits of its first IDAT's zlib header:
 * 0 fastest (level 0–1), 1 fast (2–5), 2 default (6), 3 maximum (7–9).
 * @param {string} file
 */
export function pngZlibLevel(file) {
  let fd;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(Math.min(statSync(file).size, 1 << 20));
    readSync(fd, buf, 0, buf.length, 0);
    let p = 8;
    while (p + 12 <= buf.length) {
      const len = buf.readUInt32BE(p);
      const type = buf.toString('latin1', p + 4, p + 8);
      if (type === 'IDAT' && len >= 2) {
        const flevel = buf[p + 9] >> 6;
        return { flevel, label: ['fastest (zlib 0–1)', 'fast (zlib 2–5)', 'default (zlib 6)', 'maximum (zlib 7–9)'][flevel] };
      }
      p += 12 + len;
    }
  } catch {
    // not a PNG, or unreadable
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return undefined;
}

// CPU used by everything else on the machine meanwhile: all busy time in /proc/stat minus this
// Node process's tree (its browser, the command's Chromium, the Python pools) and its reaped
// children. Approximate (a process that outlives its parent is counted as "other").
const CLK_TCK = 100;

/** @param {number} rootPid */
function procTreeJiffies(rootPid) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  /** @type {Map<number, { ppid: number, own: number, reaped: number }>} */
  const stats = new Map();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const text = readFileSync(`/proc/${e}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      const st = { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
      stats.set(Number(e), st);
      const siblings = children.get(st.ppid) ?? [];
      siblings.push(Number(e));
      children.set(st.ppid, siblings);
    } catch {
      // gone meanwhile
    }
  }
  let sum = stats.get(rootPid)?.reaped ?? 0;
  const stack = [rootPid];
  for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
    sum += stats.get(pid)?.own ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return sum;
}

function cpuSnap() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { t: performance.now(), busy: f[0] + f[1] + f[2] + f[5] + f[6] + f[7], ours: procTreeJiffies(process.pid) };
  } catch {
    return undefined;
  }
}

/** @param {ReturnType<typeof cpuSnap>} a @param {ReturnType<typeof cpuSnap>} b @returns {Cpu | undefined} */
function cpuBetween(a, b) {
  if (!a || !b || b.t <= a.t) return undefined;
  const s = (b.t - a.t) / 1000;
  return { otherCores: Math.max(0, (b.busy - a.busy - (b.ours - a.ours)) / CLK_TCK / s), oursCores: (b.ours - a.ours) / CLK_TCK / s };
}

/**
 * Runs a command to completion; resolves { code, signal, stdout, stderr, wallSeconds, firstOutputSeconds }.
 * @param {string} cmd @param {string[]} args
 * @param {{ cwd: string, timeoutMs: number, watchDir?: string }} opts  watchDir: time its first finished file
 * @returns {Promise<{ code: number | null, signal?: NodeJS.Signals | null, error?: string, stdout: string, stderr: string, wallSeconds: number, firstOutputSeconds?: number }>}
 */
function run(cmd, args, { cwd, timeoutMs, watchDir }) {
  return new Promise((resolveRun) => {
    const t0 = performance.now();
    let stdout = '',
      stderr = '',
      settled = false;
    /** @type {number | undefined} */
    let first;
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    /** @type {NodeJS.Timeout | undefined} */
    let poll;
    const child = spawn(cmd, args, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    /** @param {{ code: number | null, signal?: NodeJS.Signals | null, error?: string }} res */
    const finish = (res) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poll);
      resolveRun({ stdout, stderr, firstOutputSeconds: first, wallSeconds: (performance.now() - t0) / 1000, ...res });
    };
    if (watchDir) {
      // First output = the first finished file in the output folder (the server renames *.partial files into place).
      poll = setInterval(() => {
        if (first !== undefined) return;
        if (listFiles(watchDir).length) first = (performance.now() - t0) / 1000;
      }, 10);
    }
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-20_000);
    });
    child.on('error', (e) => finish({ code: -1, error: e.message }));
    child.on('close', (code, signal) => finish({ code, signal }));
    timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs / 1000} s)`;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, timeoutMs);
  });
}

/** The last line of `text` that is a JSON object, parsed (its shape is the caller's to know). @param {string} text @returns {unknown} */
function lastJsonLine(text) {
  const lines = text
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].startsWith('{')) continue;
    try {
      return JSON.parse(lines[i]);
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** @param {string} s */
const tail = (s, n = 600) => (s.length > n ? '…' + s.slice(-n) : s).trim();

// ---------------------------------------------------------------------------------------------
// Anchors: are they installed?

/** @param {string} python @returns {{ opencv: Anchor, pillow: Anchor, vips: Anchor }} */
function probeAnchors(python) {
  /** @param {string} code */
  const py = (code) => existsSync(python) && spawnSync(python, ['-c', code], { encoding: 'utf8', timeout: 30_000 }).status === 0;
  const vips = spawnSync('vips', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  const noPython = !existsSync(python) ? `${python} not found; ` : '';
  return {
    opencv: py('import cv2, numpy')
      ? { ok: true }
      : {
          ok: false,
          message: `OpenCV-Python not found (${noPython}${python} -c "import cv2, numpy" failed): apt-get install -y python3-opencv python3-numpy`,
        },
    pillow: py('import PIL.Image, numpy')
      ? { ok: true }
      : {
          ok: false,
          message: `Pillow not found (${noPython}${python} -c "import PIL.Image, numpy" failed): apt-get install -y python3-pil python3-numpy`,
        },
    vips:
      vips.status === 0
        ? { ok: true, version: vips.stdout.trim() }
        : { ok: false, message: 'vips CLI not found (vips --version failed): apt-get install -y libvips-tools' },
  };
}

// ---------------------------------------------------------------------------------------------
// Contenders

/**
 * The command, as a user runs it; the summary JSON is its last stdout line.
 * @param {RunCtx} ctx
 * @param {{ input: string, output: string, recipe: string, workers: number, images: number }} opts
 * @returns {Promise<Run>}
 */
async function runCommand(ctx, { input, output, recipe, workers, images }) {
  freshDir(output);
  const args = [join(ctx.root, 'scripts', 'batch.mjs'), input, output, '--recipe', recipe, '--workers', String(workers), '--no-build'];
  const c0 = cpuSnap();
  const r = await run(process.execPath, args, { cwd: ctx.root, timeoutMs: ctx.timeoutMs, watchDir: output });
  const cpu = cpuBetween(c0, cpuSnap());
  const summary = /** @type {import('../scripts/batch.mjs').Summary | undefined} */ (lastJsonLine(r.stdout));
  const res = {
    command: `node scripts/batch.mjs ${relative(ctx.root, input)} ${relative(ctx.root, output)} --recipe ${recipe} --workers ${workers} --no-build`,
    exitCode: r.code,
    wallSeconds: r.wallSeconds,
    firstOutputSeconds: r.firstOutputSeconds,
    cpu,
  };
  // Exit 1 with a summary: some files failed (counted in "failed"); anything else without a summary is a failed run.
  if (!summary || (r.code !== 0 && r.code !== 1) || !(summary.ok > 0)) {
    return {
      ...res,
      error: `exit ${r.code ?? r.signal}${summary ? `, ${summary.ok ?? 0} written` : ', no JSON summary'}${r.error ? `: ${r.error}` : ''}: ${tail(r.stderr)}`,
      summary,
    };
  }
  const n = summary.ok + summary.failed;
  return {
    ...res,
    workers: summary.workers,
    images: summary.ok,
    failed: summary.failed,
    expected: images,
    seconds: summary.seconds,
    imagesPerSecond: summary.imagesPerSecond,
    // The engines' own start (they start while the command lists the folder); older summaries: the wait.
    startupSeconds: summary.engineStartSeconds ?? summary.startupSeconds,
    waitedForEnginesSeconds: summary.startupSeconds,
    wallImagesPerSecond: summary.ok / r.wallSeconds,
    bytesOut: folderBytes(output),
    files: formats(output),
    breakdown: summary.breakdown ? { ...summary.breakdown, images: n } : undefined,
    errors: summary.errors,
  };
}

/**
 * @param {RunCtx} ctx
 * @param {{ script: string, input: string, output: string, procs: number, extra?: string[] }} opts
 * @returns {Promise<Run>}
 */
async function runAnchor(ctx, { script, input, output, procs, extra = [] }) {
  freshDir(output);
  const c0 = cpuSnap();
  const r = await run(ctx.python, [join(ctx.root, 'bench', 'anchors', script), input, output, String(procs), ...extra], {
    cwd: ctx.root,
    timeoutMs: ctx.timeoutMs,
  });
  const cpu = cpuBetween(c0, cpuSnap());
  const j = /** @type {AnchorLine | undefined} */ (lastJsonLine(r.stdout));
  const command = `${ctx.python} bench/anchors/${script} ${relative(ctx.root, input)} ${relative(ctx.root, output)} ${procs}${extra.length ? ' ' + extra.join(' ') : ''}`;
  if (!j || j.error || r.code !== 0)
    return { command, exitCode: r.code, error: j?.error ?? `exit ${r.code ?? r.signal}: ${tail(r.stderr || r.stdout)}`, cpu };
  return {
    command,
    exitCode: r.code,
    cpu,
    wallSeconds: r.wallSeconds,
    workers: j.processes,
    images: j.images,
    failed: j.failed,
    seconds: j.seconds,
    imagesPerSecond: j.imagesPerSecond,
    startupSeconds: j.startupSeconds,
    bytesOut: j.bytesOut,
    files: formats(output),
    wallImagesPerSecond: j.images / r.wallSeconds,
    detail: j,
  };
}

/**
 * The studio's own benchmark (1 worker, then N) on the same photos, copied into OPFS once.
 * @param {import('playwright-core').Page} page @param {number} workers
 */
async function runStudio(page, workers) {
  const c0 = cpuSnap();
  let bench;
  try {
    bench = await page.evaluate(inPage.seedBenchmark, { dirName: OPFS_DIR, format: { format: /** @type {const} */ ('png') }, workers });
  } catch (e) {
    return { error: (e instanceof Error ? e.message : String(e)).split('\n')[0] };
  }
  const cpu = cpuBetween(c0, cpuSnap());
  /** @param {import('../src/jobs/benchmark').BenchmarkRun} r @returns {Run} */
  const one = (r) => ({
    workers: r.workers,
    images: r.ok,
    failed: r.failed,
    seconds: r.seconds,
    imagesPerSecond: r.imagesPerSecond,
    startupSeconds: r.startupSeconds,
    bytesOut: r.summary.results.reduce((s, f) => s + (f.bytesOut ?? 0), 0),
    breakdown: r.summary.breakdown ? { ...r.summary.breakdown, images: r.ok + r.failed } : undefined,
    cpu,
  });
  return {
    one: one(bench.runs[0]),
    many: one(bench.runs[1]),
    identical: bench.identical,
    compared: bench.compared,
    speedup: bench.speedup,
  };
}

/** @param {RunCtx} ctx @param {string} inputs @param {string} outputs @returns {Reference} */
function referenceCheck(ctx, inputs, outputs) {
  if (!existsSync(ctx.referenceTool)) return { error: `NumPy reference not found at ${ctx.referenceTool}: check skipped` };
  if (!existsSync(ctx.python))
    return { error: `${ctx.python} not found: check skipped (apt-get install -y python3 python3-numpy python3-pil)` };
  const r = spawnSync(ctx.python, [ctx.referenceTool, inputs, outputs], { encoding: 'utf8', timeout: 600_000 });
  const result = /** @type {Reference | undefined} */ (lastJsonLine(r.stdout ?? ''));
  if (!result) {
    const last = ((r.stderr ?? '') + (r.stdout ?? '')).trim().split('\n').pop() ?? '';
    return {
      error: `exit ${r.status ?? r.signal}: ${last.slice(0, 160)}${/No module named|cannot import/.test(last) ? ' (apt-get install -y python3-numpy python3-pil)' : ''}`,
    };
  }
  return { passed: r.status === 0, exitCode: r.status, ...result };
}

// ---------------------------------------------------------------------------------------------
// The section

/** The fastest run that worked, else the first. @param {Run[]} runs @returns {Run} */
const best = (runs) => {
  const ok = runs.filter((r) => r && !r.error && finite(r.seconds) && r.seconds > 0);
  if (!ok.length) return runs.find((r) => r) ?? { error: 'not run' };
  return ok.reduce((a, b) => ((b.seconds ?? NaN) < (a.seconds ?? NaN) ? b : a));
};

/**
 * @param {import('playwright-core').Page} page  the bench's page (app open, isolated)
 * @param {{ workers?: number, repeat: number, timeoutSeconds: number }} opts
 * @param {Ctx} ctx
 */
export async function batchBench(page, opts, ctx) {
  const { log, table } = ctx;
  const workers = opts.workers ?? 2;
  const work = join(ctx.root, '.tmp', 'bench-batch');
  const c = { ...ctx, timeoutMs: Math.max(60, opts.timeoutSeconds) * 1000 };

  let sets;
  try {
    sets = await makePhotoSets();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    console.log(`\n== Batch at native speed: skipped: ${why}`);
    return { skipped: why };
  }
  const smallN = listFiles(sets.small).filter((f) => /\.jpe?g$/i.test(f)).length;
  const largeN = listFiles(sets.large).filter((f) => /\.jpe?g$/i.test(f)).length;
  log(
    `batch: photo sets ${relative(ctx.root, sets.small)} (${smallN}) and ${relative(ctx.root, sets.large)} (${largeN}); ${workers} workers / processes; best of ${opts.repeat}`,
  );

  const anchors = probeAnchors(ctx.python);
  const missing = Object.values(anchors)
    .filter((a) => !a.ok)
    .map((a) => a.message);
  for (const m of missing) log(`batch: ${m} (skipped; the bench goes on)`);

  // The studio reads from OPFS: copy the same 100 photos in once.
  await handFiles(page, 'tessera-bench-batch-folder', sets.small, { directory: true });
  const copied = await page.evaluate(inPage.copyInputToOpfs, { id: 'tessera-bench-batch-folder', dirName: OPFS_DIR });
  log(`batch: ${copied.files} photos copied into OPFS for the studio benchmark`);

  const dirs = {
    cmd1: join(work, 'seed-command-1w'),
    cmdN: join(work, `seed-command-${workers}w`),
    opencv: join(work, `seed-opencv-${workers}p`),
    pillow: join(work, `seed-pillow-${workers}p`),
    web: join(work, `web-command-${workers}w`),
    vips: join(work, `web-vips-${workers}p`),
  };
  /** @type {Record<'studio1' | 'studioN' | 'cmd1' | 'cmdN' | 'opencv' | 'pillow' | 'web' | 'vips', Run[]>} */
  const reps = { studio1: [], studioN: [], cmd1: [], cmdN: [], opencv: [], pillow: [], web: [], vips: [] };
  /** @param {string} name @param {{ error?: string }} r */
  const noteError = (name, r) => r.error && log(`batch: ${name}: ${r.error}`);
  try {
    for (let rep = 0; rep < opts.repeat; rep++) {
      const tag = opts.repeat > 1 ? ` (repetition ${rep + 1}/${opts.repeat})` : '';
      log(`batch: studio benchmark, 1 then ${workers} workers${tag} …`);
      const studio = await runStudio(page, workers);
      noteError('studio', studio);
      reps.studio1.push(studio.error !== undefined ? studio : { ...studio.one, identical: studio.identical, compared: studio.compared });
      reps.studioN.push(studio.error !== undefined ? studio : { ...studio.many, identical: studio.identical, compared: studio.compared });
      for (const [key, w] of /** @type {const} */ ([
        ['cmd1', 1],
        ['cmdN', workers],
      ])) {
        log(`batch: npm run batch --recipe seed --workers ${w}${tag} …`);
        const r = await runCommand(c, { input: sets.small, output: dirs[key], recipe: 'seed', workers: w, images: smallN });
        noteError(`command ${w}w`, r);
        reps[key].push(r);
      }
      if (anchors.opencv.ok) {
        log(`batch: OpenCV-Python pool of ${workers}${tag} …`);
        const r = await runAnchor(c, { script: 'seed_opencv.py', input: sets.small, output: dirs.opencv, procs: workers });
        noteError('OpenCV', r);
        reps.opencv.push(r);
      }
      if (anchors.pillow.ok) {
        log(`batch: Pillow pool of ${workers}${tag} …`);
        const r = await runAnchor(c, { script: 'seed_pillow.py', input: sets.small, output: dirs.pillow, procs: workers });
        noteError('Pillow', r);
        reps.pillow.push(r);
      }
      log(`batch: npm run batch --recipe web-export --workers ${workers} on ${largeN} 12-MP JPEGs${tag} …`);
      const web = await runCommand(c, { input: sets.large, output: dirs.web, recipe: 'web-export', workers, images: largeN });
      noteError('web export command', web);
      reps.web.push(web);
      if (anchors.vips.ok) {
        log(`batch: vips thumbnail, ${workers} processes at a time${tag} …`);
        const r = await runAnchor(c, { script: 'webexport_vips.py', input: sets.large, output: dirs.vips, procs: workers });
        noteError('vips', r);
        reps.vips.push(r);
      }
    }
  } finally {
    await page.evaluate(inPage.removeOpfsDir, OPFS_DIR).catch(() => {});
  }

  /** @type {Partial<Record<keyof typeof reps, Run>>} the best run of each contender */
  const R = Object.fromEntries(Object.entries(reps).map(([k, v]) => [k, v.length ? best(v) : undefined]));

  // What `npm run` itself adds to the command's start (target 5 is about `npm run batch`).
  /** @type {number | undefined} */
  let npmStart;
  {
    /** @param {string} cmd @param {string[]} args */
    const help = async (cmd, args) => {
      const r = await run(cmd, args, { cwd: ctx.root, timeoutMs: 60_000 });
      return r.code === 0 ? r.wallSeconds : NaN;
    };
    const viaNode = Math.min(
      await help(process.execPath, ['scripts/batch.mjs', '--help']),
      await help(process.execPath, ['scripts/batch.mjs', '--help']),
    );
    const viaNpm = Math.min(
      await help('npm', ['run', '--silent', 'batch', '--', '--help']),
      await help('npm', ['run', '--silent', 'batch', '--', '--help']),
    );
    if (Number.isFinite(viaNode) && Number.isFinite(viaNpm)) npmStart = Math.max(0, viaNpm - viaNode);
  }

  // ---- checks on the outputs (deterministic: the last repetition's files)
  log('batch: NumPy reference check of the seed outputs …');
  /** @type {{ command: Reference, opencv?: Reference, pillow?: Reference }} */
  const reference = {
    command: R.cmdN && !R.cmdN.error ? referenceCheck(c, sets.small, dirs.cmdN) : { error: 'command did not run' },
    opencv: R.opencv && !R.opencv.error ? referenceCheck(c, sets.small, dirs.opencv) : undefined,
    pillow: R.pillow && !R.pillow.error ? referenceCheck(c, sets.small, dirs.pillow) : undefined,
  };
  let commandIdentical;
  if (R.cmd1 && !R.cmd1.error && R.cmdN && !R.cmdN.error) {
    const a = hashes(dirs.cmd1),
      b = hashes(dirs.cmdN);
    const differ = [...a.keys()].filter((k) => a.get(k) !== b.get(k)).concat([...b.keys()].filter((k) => !a.has(k)));
    commandIdentical = { identical: differ.length === 0 && a.size > 0, compared: a.size, differ: differ.slice(0, 10) };
  }
  /** The zlib level of the folder's first PNG. @param {string} dir */
  const zlibOf = (dir) => {
    const png = listFiles(dir).find((f) => f.endsWith('.png'));
    return png ? pngZlibLevel(join(dir, png)) : undefined;
  };
  const zlib = { command: zlibOf(dirs.cmdN), opencv: zlibOf(dirs.opencv), pillow: zlibOf(dirs.pillow) };

  // ---- tables
  /** @param {Run | undefined} r @returns {r is Run} */
  const ok = (r) => !!r && !r.error;
  /** @param {Run | undefined} r */
  const note = (r, fallback = 'not run') => (r?.error ? `failed: ${r.error.slice(0, 80)}` : fallback);
  /** @param {Run | undefined} r */
  const other = (r) => (r?.cpu ? f2(r.cpu.otherCores) : '?');
  console.log(`\n== Batch at native speed: same photos, same sitting, ${workers} workers / processes, best of ${opts.repeat}\n`);
  for (const m of missing) console.log(`  ${m}  → skipped`);
  if (missing.length) console.log('');
  console.log(`Seed pipeline on ${smallN} real 512×512 photos → PNG (${relative(ctx.root, sets.small)}):\n`);
  // A contender that did not run keeps its row (dashes); why is said under the table.
  /** @type {string[]} */
  let notes = [];
  /** @param {string} name @param {Run | undefined} r @param {number} w workers */
  const seedRow = (name, r, w) => {
    if (ok(r)) {
      return [
        name,
        w,
        f2(r.seconds),
        f1(r.imagesPerSecond),
        r.wallSeconds ? f2(r.wallSeconds) : '',
        r.wallImagesPerSecond ? f1(r.wallImagesPerSecond) : '',
        f2(r.startupSeconds),
        r.firstOutputSeconds !== undefined ? f2(r.firstOutputSeconds) : '',
        mb(r.bytesOut),
        `${r.files ?? r.images}${r.failed ? ` (+${r.failed} failed)` : ''}`,
        other(r),
      ];
    }
    notes.push(`  ${name}${w > 1 ? ` ×${w}` : ''}: ${note(r, anchorsMissingNote(name, anchors))}`);
    return [name, w, '—', '—', '—', '—', '—', '—', '—', '—', '—'];
  };
  const flushNotes = () => {
    for (const n of notes) console.log(n);
    notes = [];
  };
  console.log(
    table(
      [
        'contender',
        'workers',
        'seconds',
        'img/s',
        'wall s',
        'wall img/s',
        'start-up s',
        'first output s',
        'output MB',
        'outputs',
        'other CPU',
      ],
      [
        seedRow('studio (in-app benchmark)', R.studio1, 1),
        seedRow('studio (in-app benchmark)', R.studioN, workers),
        seedRow('npm run batch', R.cmd1, 1),
        seedRow('npm run batch', R.cmdN, workers),
        seedRow('OpenCV-Python pool', R.opencv, workers),
        seedRow('Pillow pool', R.pillow, workers),
      ],
    ),
  );
  flushNotes();
  console.log('  (seconds / img/s: processing only — Tessera: after the engines started, as in its summary; Python: after the pool');
  console.log('   started. wall: spawn → exit, browser launch included. start-up: engines (Tessera) or pool (Python).');
  console.log('   other CPU: cores busy with processes outside this bench meanwhile, approximate.)');
  if (opts.repeat > 1) {
    console.log(
      `  img/s per repetition: ${Object.entries({
        'studio 1w': reps.studio1,
        [`studio ${workers}w`]: reps.studioN,
        'command 1w': reps.cmd1,
        [`command ${workers}w`]: reps.cmdN,
        OpenCV: reps.opencv,
        Pillow: reps.pillow,
      })
        .filter(([, v]) => v.length)
        .map(([k, v]) => `${k} ${v.map((r) => (ok(r) ? f1(r.imagesPerSecond) : '×')).join('/')}`)
        .join(', ')}`,
    );
  }

  console.log(`\nWeb export on ${largeN} 12-MP JPEGs → WebP 82, fit 2048 (${relative(ctx.root, sets.large)}):\n`);
  console.log(
    table(
      [
        'contender',
        'workers',
        'seconds',
        'img/s',
        'wall s',
        'wall img/s',
        'start-up s',
        'first output s',
        'output MB',
        'outputs',
        'other CPU',
      ],
      [seedRow('npm run batch --recipe web-export', R.web, workers), seedRow('vips thumbnail (CLI)', R.vips, workers)],
    ),
  );
  flushNotes();
  console.log('  (vips: `vips thumbnail in.jpg out.webp[Q=82,strip] 2048`, process starts included — no unsharp step; Tessera adds one)');
  if (opts.repeat > 1 && reps.web.length)
    console.log(
      `  img/s per repetition: command ${reps.web.map((r) => (ok(r) ? f2(r.imagesPerSecond) : '×')).join('/')}${reps.vips.length ? `, vips ${reps.vips.map((r) => (ok(r) ? f2(r.imagesPerSecond) : '×')).join('/')}` : ''}`,
    );

  // Ratios
  /** @param {Run | undefined} r */
  const ips = (r) => (ok(r) ? r.imagesPerSecond : undefined);
  /** @param {Run | undefined} r */
  const wips = (r) => (ok(r) ? r.wallImagesPerSecond : undefined);
  console.log('\nRatios (throughput ÷ throughput; > 1 means Tessera is faster):\n');
  console.log(
    table(
      ['Tessera', '÷ OpenCV', '÷ Pillow', '÷ studio (same workers)'],
      [
        [`studio ${workers}w`, x2(ratio(ips(R.studioN), ips(R.opencv))), x2(ratio(ips(R.studioN), ips(R.pillow))), '1.00×'],
        [
          `npm run batch ${workers}w`,
          x2(ratio(ips(R.cmdN), ips(R.opencv))),
          x2(ratio(ips(R.cmdN), ips(R.pillow))),
          pctOf(ratio(ips(R.cmdN), ips(R.studioN))),
        ],
        [
          `npm run batch ${workers}w, wall clock`,
          x2(ratio(wips(R.cmdN), ips(R.opencv))),
          x2(ratio(wips(R.cmdN), ips(R.pillow))),
          pctOf(ratio(wips(R.cmdN), ips(R.studioN))),
        ],
        [
          'npm run batch 1w',
          x2(ratio(ips(R.cmd1), ips(R.opencv))),
          x2(ratio(ips(R.cmd1), ips(R.pillow))),
          pctOf(ratio(ips(R.cmd1), ips(R.studio1))),
        ],
      ],
    ),
  );
  const speedCmd = ok(R.cmd1) && ok(R.cmdN) ? ratio(R.cmd1.seconds, R.cmdN.seconds) : undefined;
  const speedStudio = ok(R.studio1) && ok(R.studioN) ? ratio(R.studio1.seconds, R.studioN.seconds) : undefined;
  const webRatio = ratio(ips(R.web), ips(R.vips));
  const webWallRatio = ratio(wips(R.web), ips(R.vips));
  console.log(`  1 → ${workers} workers: command ${x2(speedCmd)}, studio ${x2(speedStudio)}`);
  console.log(`  web export: command ÷ vips CLI ${x2(webRatio)} (wall clock, browser launch included: ${x2(webWallRatio)})`);

  // Output bytes
  const bytesRatio = ok(R.cmdN) && ok(R.opencv) ? ratio(R.cmdN.bytesOut, R.opencv.bytesOut) : undefined;
  console.log('\nSeed output bytes (total PNG bytes for the same images):\n');
  /** @type {[string, Run | undefined, ReturnType<typeof pngZlibLevel>][]} */
  const writers = [
    ['Tessera (npm run batch)', R.cmdN, zlib.command],
    ['OpenCV cv2.imwrite', R.opencv, zlib.opencv],
    ['Pillow Image.save', R.pillow, zlib.pillow],
  ];
  console.log(
    table(
      ['writer', 'total MB', 'per image KB', 'zlib level (IDAT header)', '÷ OpenCV'],
      writers.map(([name, r, z]) =>
        ok(r)
          ? [
              name,
              mb(r.bytesOut),
              f1((r.bytesOut ?? NaN) / Math.max(1, r.images ?? NaN) / 1024),
              z?.label ?? '?',
              x2(ok(R.opencv) ? ratio(r.bytesOut, R.opencv.bytesOut) : undefined),
            ]
          : [name, '—', '—', '—', '—'],
      ),
    ),
  );

  // Reference check
  console.log(
    `\nNumPy reference check (${relative(ctx.root, ctx.referenceTool)}; 8-px border ignored; pass: mean |diff| ≤ 1.0 and ≤ 1% of pixels off by > 8):\n`,
  );
  /** @type {[string, Reference | undefined][]} */
  const checked = [
    ['npm run batch', reference.command],
    ['OpenCV-Python', reference.opencv],
    ['Pillow', reference.pillow],
  ];
  console.log(
    table(
      ['outputs', 'mean_abs_diff', 'pct_px_off_gt8', 'worst (mean, file)', 'result'],
      checked.flatMap(([name, r]) =>
        !r
          ? []
          : r.error
            ? [[name, '—', '—', '—', r.error]]
            : [
                [
                  name,
                  f3(r.mean_abs_diff),
                  f3(r.pct_px_off_gt8),
                  r.worst ? `${f3(r.worst[0])} ${r.worst[1]}` : '',
                  `${r.passed ? 'PASS' : 'FAIL'}${r.missing ? ` (${r.missing} missing)` : ''}`,
                ],
              ],
      ),
    ),
  );
  if (reference.pillow && !reference.pillow.error && !reference.pillow.passed)
    console.log(
      "  (Pillow's GaussianBlur is a box approximation of the Gaussian, so its outputs differ; informative only — the target is the command's row)",
    );
  if (commandIdentical)
    console.log(
      `  command 1 worker vs ${workers} workers: ${commandIdentical.identical ? `byte-identical (${commandIdentical.compared}/${commandIdentical.compared})` : `NOT identical (${commandIdentical.differ.length} differ, e.g. ${commandIdentical.differ.slice(0, 3).join(', ')})`}`,
    );
  if (R.studioN && !R.studioN.error)
    console.log(
      `  studio 1 worker vs ${workers} workers: ${R.studioN.identical ? `byte-identical (${R.studioN.compared}/${R.studioN.compared})` : 'NOT identical'}`,
    );

  // Breakdown
  /** @typedef {[string, Run & { breakdown: RunBreakdown }]} WithBreakdown */
  /** @type {[string, Run | undefined][]} */
  const contenders = [
    ['studio 1w', R.studio1],
    [`studio ${workers}w`, R.studioN],
    ['command 1w', R.cmd1],
    [`command ${workers}w`, R.cmdN],
    [`web export ${workers}w`, R.web],
  ];
  const bds = contenders.filter(/** @returns {c is WithBreakdown} */ (c) => ok(c[1]) && !!c[1].breakdown);
  /** @type {[string, Run | undefined][]} */
  const commands = [
    ['command 1w', R.cmd1],
    [`command ${workers}w`, R.cmdN],
  ];
  const noBd = commands.filter(([, r]) => ok(r) && !r.breakdown).map(([n]) => n);
  /** @type {Record<string, Record<string, number | null>> | undefined} contender → stage → ms per image */
  let breakdown;
  if (bds.length) {
    const stepKeys = [...new Set([...SEED_OPS, ...bds.flatMap(([, r]) => Object.keys(r.breakdown.steps ?? {}))])].filter((k) =>
      bds.some(([, r]) => r.breakdown.steps?.[k] !== undefined),
    );
    const stages = ['read', 'decode', ...stepKeys.map((k) => `steps.${k}`), 'encode', 'handoff', 'write'];
    /** @param {RunBreakdown} bd @param {string} s a stage @returns {number | undefined} */
    const val = (bd, s) => {
      if (s.startsWith('steps.')) return bd.steps?.[s.slice(6)];
      /** @type {Record<string, number | undefined>} */
      const stage = { read: bd.read, decode: bd.decode, encode: bd.encode, handoff: bd.handoff, write: bd.write };
      return stage[s];
    };
    /** @param {RunBreakdown} bd @param {string} s */
    const perImage = (bd, s) => {
      const v = val(bd, s);
      return v === undefined ? null : v / Math.max(1, bd.images);
    };
    const byContender = Object.fromEntries(bds.map(([n, r]) => [n, Object.fromEntries(stages.map((s) => [s, perImage(r.breakdown, s)]))]));
    breakdown = byContender;
    console.log('\nWhere the time goes (ms per image, summed over workers; read/write on the main thread, overlapped):\n');
    console.log(
      table(
        ['stage', ...bds.map(([n]) => n)],
        [
          ...stages.map((s) => [
            s.replace('steps.', ''),
            ...bds.map(([n]) => {
              const v = byContender[n][s];
              return v === null ? '—' : f2(v);
            }),
          ]),
          [
            'total (sum of stages)',
            ...bds.map(([n]) => f2(Object.values(byContender[n]).reduce((/** @type {number} */ a, b) => a + (b ?? 0), 0))),
          ],
          ['wall per image', ...bds.map(([, r]) => f2((1000 * (r.seconds ?? NaN)) / Math.max(1, r.images ?? NaN)))],
        ],
      ),
    );
    console.log(
      '  (studio: reads OPFS, writes = SHA-256 into its hash sink; command: reads files from disk, writes = one WebSocket message each to the local receiver)',
    );
  }
  if (noBd.length) console.log(`  ${noBd.join(', ')}: no "breakdown" in the command's summary JSON; per-stage times not available`);

  // Targets
  const cmdOverStudio = ratio(ips(R.cmdN), ips(R.studioN));
  const seedOverCv = ratio(ips(R.cmdN), ips(R.opencv));
  const levelSix = zlib.command?.flevel === 2;
  // The slower of the two seed runs (1 and N workers): launch → first file in the output folder.
  const seedRuns = [R.cmd1, R.cmdN].filter(ok);
  const firstOutput = seedRuns.length ? Math.max(...seedRuns.map((r) => r.firstOutputSeconds ?? Infinity)) : undefined;
  const startups = [R.cmd1, R.cmdN].filter(ok).map((r) => r.startupSeconds);
  const startup = startups.length ? Math.max(...startups.map((x) => x ?? NaN)) : undefined;
  const refOk = reference.command && !reference.command.error ? reference.command.passed : undefined;
  /** @template T @param {T | undefined} v the measurement @param {(v: T) => boolean | undefined} pass whether it meets the target */
  const verdict = (v, pass) => (v === undefined ? 'n/a' : pass(v) ? 'PASS' : 'FAIL');
  const targets = [
    {
      id: '1a',
      what: `npm run batch ÷ studio, ${workers} workers (img/s)`,
      measured: pctOf(cmdOverStudio),
      target: `≥ ${pctOf(TARGETS.commandOverStudio)}`,
      value: cmdOverStudio,
      result: verdict(cmdOverStudio, (v) => v >= TARGETS.commandOverStudio),
    },
    {
      id: '1b',
      what: `npm run batch 1 → ${workers} workers`,
      measured: x2(speedCmd),
      target: `≥ ${TARGETS.commandSpeedup}×`,
      value: speedCmd,
      result: verdict(speedCmd, (v) => v >= TARGETS.commandSpeedup),
    },
    {
      id: '2a',
      what: `seed: npm run batch ÷ OpenCV-Python ${workers}-process pool`,
      measured: x2(seedOverCv),
      target: `≥ ${TARGETS.seedOverOpenCV}×`,
      value: seedOverCv,
      result: ok(R.opencv) ? verdict(seedOverCv, (v) => v >= TARGETS.seedOverOpenCV) : 'n/a (no OpenCV)',
    },
    {
      id: '2b',
      what: 'seed outputs vs NumPy reference',
      measured: reference.command?.error
        ? '— (check did not run)'
        : `mean ${f3(reference.command.mean_abs_diff)}, >8: ${f3(reference.command.pct_px_off_gt8)}%`,
      target: 'mean ≤ 1.0, ≤ 1%',
      value: refOk,
      result: verdict(refOk, (v) => v),
    },
    {
      id: '2c',
      what: "seed PNG bytes ÷ OpenCV's",
      measured: `${x2(bytesRatio)}${zlib.command ? `, ${zlib.command.label}` : ''}`,
      target: `≤ ${TARGETS.pngBytesOverOpenCV}× unless zlib 6`,
      value: bytesRatio,
      result: bytesRatio === undefined ? 'n/a' : levelSix ? 'n/a (zlib 6)' : verdict(bytesRatio, (v) => v <= TARGETS.pngBytesOverOpenCV),
    },
    {
      id: '3',
      what: `web export: npm run batch ÷ vips CLI, ${workers} at a time`,
      measured: x2(webRatio),
      target: `≥ ${TARGETS.webOverVips.toFixed(1)}×`,
      value: webRatio,
      result: ok(R.vips) ? verdict(webRatio, (v) => v >= TARGETS.webOverVips) : 'n/a (no vips)',
    },
    {
      id: '5a',
      what: 'first output after launch (npm run batch, seed)',
      measured: firstOutput === undefined ? '—' : `${f2(firstOutput)} s`,
      target: `≤ ${TARGETS.firstOutputSeconds} s`,
      value: firstOutput,
      result: verdict(firstOutput, (v) => v <= TARGETS.firstOutputSeconds),
    },
    {
      id: '5b',
      what: 'engine start (engineStartSeconds; workers start in parallel)',
      measured: startup === undefined ? '—' : `${startups.map(f2).join(' / ')} s (1w / ${workers}w)`,
      target: `≤ ${TARGETS.startupSecondsPerWorker} s`,
      value: startup,
      result: verdict(startup, (v) => v <= TARGETS.startupSecondsPerWorker),
    },
  ];
  console.log('\nTargets (issue 9):\n');
  console.log(
    table(
      ['#', 'target', 'measured', 'required', 'result'],
      targets.map((t) => [t.id, t.what, t.measured, t.target, t.result]),
      ['l', 'l', 'r', 'r', 'l'],
    ),
  );
  const busy = Object.entries(R).filter(([, r]) => (r?.cpu?.otherCores ?? 0) > 0.25);
  if (npmStart !== undefined)
    console.log(
      `  (the command is spawned as node scripts/batch.mjs; \`npm run batch\` adds npm's own start, ≈${f2(npmStart)} s here: \`npm run batch -- --help\` vs \`node scripts/batch.mjs --help\`)`,
    );
  if (busy.length)
    console.log(
      `  note: other processes kept cores busy during ${busy.map(([k, r]) => `${k} (${f2(r?.cpu?.otherCores)})`).join(', ')}; timings are pessimistic${opts.repeat < 3 ? ' (try --repeat 3)' : ''}`,
    );

  /** @param {Run | undefined} r */
  const slim = (r) => (r ? { ...r, detail: undefined } : r);
  return {
    workers,
    repeat: opts.repeat,
    inputs: {
      small: { dir: relative(ctx.root, sets.small), images: smallN },
      large: { dir: relative(ctx.root, sets.large), images: largeN },
    },
    anchors: Object.fromEntries(
      Object.entries(anchors).map(([k, a]) => [
        k,
        a.ok
          ? { installed: true, version: R[/** @type {keyof typeof anchors} */ (k)]?.detail?.version ?? a.version }
          : { installed: false, message: a.message },
      ]),
    ),
    seed: {
      studio1: slim(R.studio1),
      studioN: slim(R.studioN),
      command1: R.cmd1,
      commandN: R.cmdN,
      opencv: slim(R.opencv),
      pillow: slim(R.pillow),
      opencvDetail: R.opencv?.detail,
      pillowDetail: R.pillow?.detail,
    },
    webExport: { command: R.web, vips: slim(R.vips), vipsDetail: R.vips?.detail },
    ratios: {
      commandOverStudio: cmdOverStudio,
      commandSpeedup: speedCmd,
      studioSpeedup: speedStudio,
      seedOverOpenCV: seedOverCv,
      seedOverPillow: ratio(ips(R.cmdN), ips(R.pillow)),
      webOverVips: webRatio,
      webWallOverVips: webWallRatio,
      pngBytesOverOpenCV: bytesRatio,
    },
    outputBytes: { command: R.cmdN?.bytesOut, opencv: R.opencv?.bytesOut, pillow: R.pillow?.bytesOut, zlib },
    referenceCheck: reference,
    commandIdentical,
    npmRunStartSeconds: npmStart,
    breakdownMsPerImage: breakdown,
    targets: targets.map(({ id, what, value, target, result }) => ({ id, what, value, target, result })),
    repetitions:
      opts.repeat > 1
        ? Object.fromEntries(
            Object.entries(reps).map(([k, v]) => [
              k,
              v.map((r) =>
                r?.error
                  ? { error: r.error }
                  : { seconds: r.seconds, imagesPerSecond: r.imagesPerSecond, wallSeconds: r.wallSeconds, otherCores: r.cpu?.otherCores },
              ),
            ]),
          )
        : undefined,
    outputsDir: relative(ctx.root, work),
  };
}

/** @param {string} name a contender's @param {ReturnType<typeof probeAnchors>} anchors */
function anchorsMissingNote(name, anchors) {
  if (/OpenCV/.test(name) && !anchors.opencv.ok) return 'not installed: apt-get install -y python3-opencv python3-numpy';
  if (/Pillow/.test(name) && !anchors.pillow.ok) return 'not installed: apt-get install -y python3-pil python3-numpy';
  if (/vips/.test(name) && !anchors.vips.ok) return 'not installed: apt-get install -y libvips-tools';
  return 'not run';
}
