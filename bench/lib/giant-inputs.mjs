// Giant-image benches' shared parts: photo-like JPEGs of 100 MP, 300 MP and 1 GP made with the vips
// CLI (a real photo tiled to size, kept in .tmp/giant/ for the next run), and the memory of a process
// tree read from /proc (PSS, so pages shared between Chromium's processes count once; RSS beside it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib/dist.mjs';

/** Megapixels → [width, height] of the generated inputs. */
export const GIANT_SIZES = /** @type {const} */ ({ 100: [12000, 8400], 300: [20000, 15000], 1000: [40000, 25000] });
export const GIANT_DIR = join(ROOT, '.tmp', 'giant');
const PHOTO = join(ROOT, '.tmp', 'face-samples', 'sample1.jpg');

export const hasVipsCli = () => spawnSync('vips', ['--version']).status === 0;

/** Process id → its children's ids, from /proc. */
function childrenByParent() {
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
  return children;
}

/** Bytes of memory the process trees under `roots` hold now: PSS and RSS sums. @param {number[]} roots */
function memoryOf(roots, children = childrenByParent()) {
  let pss = 0;
  let rss = 0;
  const stack = [...roots];
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

/** Bytes of memory a process tree holds now (the root included). @param {number} root */
export function treeMemory(root) {
  return memoryOf([root]);
}

/** Bytes held by the browsers this process started (every Chromium process under it, not Node itself). */
export function browserMemory(parent = process.pid) {
  const children = childrenByParent();
  const browsers = (children.get(parent) ?? []).filter((pid) => {
    try {
      return /chrom/i.test(readFileSync(`/proc/${pid}/comm`, 'utf8'));
    } catch {
      return false;
    }
  });
  return memoryOf(browsers, children);
}

/**
 * A photo-like JPEG of `mp` megapixels (GIANT_SIZES): made once with the vips CLI, then kept.
 * @param {keyof typeof GIANT_SIZES} mp
 * @returns {{ dir: string, file: string, width: number, height: number }}
 */
export function giantJpeg(mp) {
  const [w, h] = GIANT_SIZES[mp];
  const dir = join(GIANT_DIR, `in-${mp}`);
  const file = join(dir, `giant-${mp}mp.jpg`);
  if (existsSync(file)) return { dir, file, width: w, height: h };
  if (!hasVipsCli())
    throw new Error(`${file} is missing and the vips CLI that makes it is not installed (apt-get install -y libvips-tools)`);
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  makeJpeg(join(GIANT_DIR, `tiled-${mp}.v`), file, w, h);
  console.log(`made ${file}: ${w}×${h}, ${(statSync(file).size / 1e6).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { dir, file, width: w, height: h };
}

/**
 * Writes a w×h JPEG (Q 90) of the sample photo tiled to size, through the scratch file `tiled`
 * (deleted after).
 * @param {string} tiled @param {string} file @param {number} w @param {number} h
 */
export function makeJpeg(tiled, file, w, h) {
  const across = Math.ceil(w / 1920) + 1;
  const down = Math.ceil(h / 1280) + 1;
  try {
    for (const [cmd, ...args] of [
      ['vips', 'replicate', PHOTO, tiled, String(across), String(down)],
      ['vips', 'crop', tiled, `${file}[Q=90]`, '0', '0', String(w), String(h)],
    ]) {
      const r = spawnSync(cmd, args, { stdio: 'inherit' });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
    }
  } finally {
    rmSync(tiled, { force: true });
  }
}
