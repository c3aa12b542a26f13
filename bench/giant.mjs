// Giant images (issue 11): `npm run batch` (sharpen → JPEG, 2 workers) against native libvips
// (`vips conv` with the same integer mask, Debian libvips-tools) on generated photo-like JPEGs of
// 100 MP, 300 MP and 1 GP, side by side: wall time and peak memory of every process involved
// (Node, Chromium and its helpers for Tessera; the vips process for native).
//
//   node bench/giant.mjs [--sizes 100,300,1000] [--workers 2]      (needs a built dist/)
//
// Inputs are made once with the vips CLI (a real photo tiled to size) under .tmp/giant/ and kept
// for the next run; outputs are deleted after each run. Prints a table, writes
// bench/results/giant-<time>.json.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/lib/dist.mjs';
import { parseJson } from '../scripts/lib/json.mjs';

const SIZES = /** @type {const} */ ({ 100: [12000, 8400], 300: [20000, 15000], 1000: [40000, 25000] });
/** Pillow's SHARPEN, the catalogue's `sharpen` at intensity 1: 3×3, scale 16, offset 0. */
const MASK = '3 3 16 0\n-2 -2 -2\n-2 32 -2\n-2 -2 -2\n';
const PHOTO = join(ROOT, '.tmp', 'face-samples', 'sample1.jpg');
const DIR = join(ROOT, '.tmp', 'giant');

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '100,300,1000' }, workers: { type: 'string', default: '2' } },
});
const sizes = values.sizes.split(',').map(Number);
for (const s of sizes) if (!(s in SIZES)) throw new Error(`--sizes: ${s} is not one of ${Object.keys(SIZES).join(', ')} (megapixels)`);
const hasVips = spawnSync('vips', ['--version']).status === 0;
if (!hasVips) console.log('native anchor missing: apt-get install -y libvips-tools (vips CLI); Tessera is measured alone');

/** Bytes of memory a process tree holds now: PSS (shared pages split between sharers) and RSS sums. */
function treeMemory(/** @type {number} */ root) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const text = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
    } catch {
      // gone meanwhile
    }
  }
  let pss = 0;
  let rss = 0;
  const stack = [root];
  for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
    } catch {
      // gone meanwhile
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return { pss, rss };
}

/** @typedef {{ code: number | null, seconds: number, peak: { pss: number, rss: number }, stdout: string, stderr: string }} Run */

/**
 * Runs a command, sampling its process tree's memory every 100 ms.
 * @param {string} cmd @param {string[]} args
 * @returns {Promise<Run>}
 */
function measured(cmd, args) {
  return new Promise((resolveRun, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const peak = { pss: 0, rss: 0 };
    const timer = setInterval(() => {
      if (child.pid === undefined) return;
      const m = treeMemory(child.pid);
      peak.pss = Math.max(peak.pss, m.pss);
      peak.rss = Math.max(peak.rss, m.rss);
    }, 100);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      resolveRun({ code, seconds: (performance.now() - t0) / 1000, peak, stdout, stderr });
    });
  });
}

/** A photo-like JPEG of w×h: a real photo tiled to size (made once, kept in .tmp/giant/). */
function input(/** @type {number} */ mp, /** @type {number} */ w, /** @type {number} */ h) {
  const dir = join(DIR, `in-${mp}`);
  const file = join(dir, `giant-${mp}mp.jpg`);
  if (existsSync(file)) return { dir, file };
  if (!hasVips) throw new Error(`${file} is missing and the vips CLI that makes it is not installed (apt-get install -y libvips-tools)`);
  mkdirSync(dir, { recursive: true });
  const across = Math.ceil(w / 1920) + 1;
  const down = Math.ceil(h / 1280) + 1;
  const t0 = performance.now();
  const tiled = join(DIR, `tiled-${mp}.v`);
  for (const [cmd, ...args] of [
    ['vips', 'replicate', PHOTO, tiled, String(across), String(down)],
    ['vips', 'crop', tiled, `${file}[Q=90]`, '0', '0', String(w), String(h)],
  ]) {
    const r = spawnSync(cmd, args, { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
  }
  rmSync(tiled, { force: true });
  console.log(`made ${file}: ${w}×${h}, ${(statSync(file).size / 1e6).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { dir, file };
}

const gb = (/** @type {number} */ b) => `${(b / 2 ** 30).toFixed(2)} GB`;
const rows = [];
mkdirSync(DIR, { recursive: true });
writeFileSync(join(DIR, 'sharpen.mat'), MASK);
writeFileSync(join(DIR, 'sharpen.json'), JSON.stringify({ name: 'Sharpen', steps: [{ op: 'sharpen' }] }));
for (const mp of sizes) {
  const [w, h] = SIZES[/** @type {keyof typeof SIZES} */ (mp)];
  const { dir, file } = input(mp, w, h);
  /** @type {Record<string, unknown>} */
  const row = { megapixels: mp, width: w, height: h, inputBytes: statSync(file).size };
  const out = join(DIR, `out-${mp}`);
  rmSync(out, { recursive: true, force: true });
  const args = [
    join(ROOT, 'scripts', 'batch.mjs'),
    dir,
    out,
    '--recipe',
    join(DIR, 'sharpen.json'),
    '--format',
    'jpeg',
    '--workers',
    values.workers,
    '--no-build',
  ];
  const t = await measured(process.execPath, args);
  const summary = /** @type {{ ok?: number, errors?: { message: string }[] }} */ (parseJson(t.stdout.trim().split('\n').at(-1) || '{}'));
  row.tessera = {
    seconds: t.seconds,
    peakPss: t.peak.pss,
    peakRss: t.peak.rss,
    written: summary.ok === 1,
    error: summary.errors?.[0]?.message,
  };
  rmSync(out, { recursive: true, force: true });
  if (hasVips) {
    const nativeOut = join(DIR, `native-${mp}.jpg`);
    const n = await measured('vips', ['conv', file, nativeOut, join(DIR, 'sharpen.mat'), '--precision', 'integer']);
    row.native = { seconds: n.seconds, peakPss: n.peak.pss, peakRss: n.peak.rss, written: n.code === 0 };
    rmSync(nativeOut, { force: true });
  }
  rows.push(row);
  const tr = /** @type {{ seconds: number, peakPss: number, peakRss: number, written: boolean, error?: string }} */ (row.tessera);
  const nr = /** @type {{ seconds: number, peakPss: number } | undefined} */ (row.native);
  console.log(
    `${mp} MP: Tessera ${tr.written ? `${tr.seconds.toFixed(1)} s, peak ${gb(tr.peakPss)} PSS (${gb(tr.peakRss)} RSS)` : `not written (${tr.error ?? 'no summary'})`}` +
      (nr
        ? `; vips conv ${nr.seconds.toFixed(1)} s, peak ${gb(nr.peakPss)}${tr.written ? `; ${(tr.seconds / nr.seconds).toFixed(1)}× native time` : ''}`
        : ''),
  );
}

console.log('\n| image | Tessera s | Tessera peak (PSS / RSS) | vips conv s | vips peak | time ÷ native |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  const tr = /** @type {{ seconds: number, peakPss: number, peakRss: number, written: boolean, error?: string }} */ (r.tessera);
  const nr = /** @type {{ seconds: number, peakPss: number } | undefined} */ (r.native);
  console.log(
    `| ${String(r.megapixels)} MP (${String(r.width)}×${String(r.height)}) | ${tr.written ? tr.seconds.toFixed(1) : `refused: ${tr.error ?? '?'}`} | ${gb(tr.peakPss)} / ${gb(tr.peakRss)} | ${nr ? nr.seconds.toFixed(1) : '—'} | ${nr ? gb(nr.peakPss) : '—'} | ${nr && tr.written ? (tr.seconds / nr.seconds).toFixed(1) : '—'} |`,
  );
}
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const jsonFile = join(ROOT, 'bench', 'results', `giant-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(jsonFile, JSON.stringify({ workers: Number(values.workers), rows }, null, 2));
console.log(`\nwrote ${jsonFile}`);
