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
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/lib/dist.mjs';
import { GIANT_DIR, GIANT_SIZES, giantJpeg, hasVipsCli, treeMemory } from './lib/giant-inputs.mjs';
import { parseJson } from '../scripts/lib/json.mjs';

/** Pillow's SHARPEN, the catalogue's `sharpen` at intensity 1: 3×3, scale 16, offset 0. */
const MASK = '3 3 16 0\n-2 -2 -2\n-2 32 -2\n-2 -2 -2\n';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '100,300,1000' }, workers: { type: 'string', default: '2' } },
});
const sizes = values.sizes.split(',').map(Number);
for (const s of sizes)
  if (!(s in GIANT_SIZES)) throw new Error(`--sizes: ${s} is not one of ${Object.keys(GIANT_SIZES).join(', ')} (megapixels)`);
const hasVips = hasVipsCli();
if (!hasVips) console.log('native anchor missing: apt-get install -y libvips-tools (vips CLI); Tessera is measured alone');

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

const gb = (/** @type {number} */ b) => `${(b / 2 ** 30).toFixed(2)} GB`;
const rows = [];
mkdirSync(GIANT_DIR, { recursive: true });
writeFileSync(join(GIANT_DIR, 'sharpen.mat'), MASK);
writeFileSync(join(GIANT_DIR, 'sharpen.json'), JSON.stringify({ name: 'Sharpen', steps: [{ op: 'sharpen' }] }));
for (const mp of sizes) {
  const [w, h] = GIANT_SIZES[/** @type {keyof typeof GIANT_SIZES} */ (mp)];
  const { dir, file } = giantJpeg(/** @type {keyof typeof GIANT_SIZES} */ (mp));
  /** @type {Record<string, unknown>} */
  const row = { megapixels: mp, width: w, height: h, inputBytes: statSync(file).size };
  const out = join(GIANT_DIR, `out-${mp}`);
  rmSync(out, { recursive: true, force: true });
  const args = [
    join(ROOT, 'scripts', 'batch.mjs'),
    dir,
    out,
    '--recipe',
    join(GIANT_DIR, 'sharpen.json'),
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
    const nativeOut = join(GIANT_DIR, `native-${mp}.jpg`);
    const n = await measured('vips', ['conv', file, nativeOut, join(GIANT_DIR, 'sharpen.mat'), '--precision', 'integer']);
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
