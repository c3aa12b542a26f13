// The built app (dist/, or the folder $TESSERA_DIST names) and whether it is older than what it is
// built from: one check for the batch command, the benches and the browser tests.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What a build reads (besides node_modules): a change to any of them makes dist/ stale. */
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'wasm/src'];

/** The build folder: $TESSERA_DIST (another build, for parallel work on one machine), else dist/. */
export function distDir() {
  return process.env.TESSERA_DIST ? resolve(process.env.TESSERA_DIST) : join(ROOT, 'dist');
}

/** @param {string} dist */
const label = (dist) => {
  const rel = relative(ROOT, dist);
  return `${rel && !rel.startsWith('..') ? rel : dist}/`;
};

/** The newest modification time (ms) of a file or of anything under a folder; 0 when missing. @param {string} path */
export function newestMtime(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

/**
 * Why the app needs (re)building: "dist/ is missing", "dist/ is older than the sources", or ''
 * when it is up to date.
 * @param {string} [dist]
 */
export function staleness(dist = distDir()) {
  const built = statSync(join(dist, 'index.html'), { throwIfNoEntry: false });
  if (!built) return `${label(dist)} is missing`;
  const sources = Math.max(...SOURCES.map((p) => newestMtime(join(ROOT, p))));
  return sources > built.mtimeMs ? `${label(dist)} is older than the sources` : '';
}

/** The commands that build the app into `dist`, as a person would type them. @param {string} [dist] */
export function buildHint(dist = distDir()) {
  return `node scripts/build-wasm.mjs && npx vite build${dist === join(ROOT, 'dist') ? '' : ` --outDir ${dist} --emptyOutDir`}`;
}

/**
 * Builds the app into `dist`: the WebAssembly kernels (scripts/build-wasm.mjs, quick when they are
 * up to date), then `vite build`. Their output goes to stderr (stdout stays the caller's), or with
 * `quiet` is kept and shown only if a step fails.
 * @param {{ dist?: string, quiet?: boolean, onChild?: (child: import('node:child_process').ChildProcess | undefined) => void }} [opts]
 *   onChild: told of each step's process as it starts, and `undefined` when the build ends (to kill it on Ctrl-C).
 * @returns {Promise<void>}
 */
export async function buildApp({ dist = distDir(), quiet = false, onChild } = {}) {
  /** @type {[string, string[]][]} */
  const steps = [
    [process.execPath, [join(ROOT, 'scripts', 'build-wasm.mjs')]],
    ['npx', ['vite', 'build', '--outDir', dist, '--emptyOutDir']],
  ];
  try {
    for (const [cmd, args] of steps) {
      await new Promise((res, rej) => {
        const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', quiet ? 'pipe' : 2, quiet ? 'pipe' : 2] });
        onChild?.(child);
        let output = '';
        child.stdout?.on('data', (d) => {
          output += d;
        });
        child.stderr?.on('data', (d) => {
          output += d;
        });
        child.on('error', rej);
        child.on('exit', (code, signal) => {
          if (code === 0) return res(undefined);
          if (quiet) process.stderr.write(output);
          rej(new Error(`${cmd === 'npx' ? 'vite build' : 'build-wasm'} failed (${signal ?? `exit code ${code}`})`));
        });
      });
    }
  } finally {
    onChild?.(undefined);
  }
}
