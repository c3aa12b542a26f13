// The browser tests' kit: the built app served with isolation headers in Debian's Chromium (or
// Playwright's), the check that the build is there and current, files handed to the page through a
// hidden file input, folders moved into OPFS and listed back, and the sample photos.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '../../scripts/lib/serve.mjs';
import { parseJson } from '../../scripts/lib/json.mjs';
import { FAKE_CAMERA_ARGS, launch, openApp } from '../../scripts/lib/browser.mjs';
import { ROOT, buildHint, distDir, staleness } from '../../scripts/lib/dist.mjs';

export { FAKE_CAMERA_ARGS, ROOT };

/** @typedef {import('playwright-core').Page} Page */
/** The app open in a browser (startApp). @typedef {Awaited<ReturnType<typeof startApp>>} App */

/**
 * The built app's folder (dist/, or $TESSERA_DIST), after checking that it exists and is not older
 * than the sources (scripts/lib/dist.mjs). `allowStale` only warns about an old build (a bench
 * comparing against an older build on purpose).
 * @param {{ allowStale?: boolean }} [opts]
 */
export function requireBuilt({ allowStale = false } = {}) {
  const dist = distDir();
  const why = staleness(dist);
  if (why && (!allowStale || !existsSync(join(dist, 'index.html')))) {
    throw new Error(`${why}: build the app first (${buildHint(dist)}; npm run test:browser does)`);
  }
  if (why) console.warn(`note: ${why}; using it as it is`);
  return dist;
}

/**
 * @param {{ isolate?: boolean, outputDir?: string, extraArgs?: string[], allowStale?: boolean }} [opts]
 *   extraArgs: more Chromium flags (e.g. FAKE_CAMERA_ARGS for the camera tests).
 */
export async function startApp({ isolate = true, outputDir, extraArgs = [], allowStale = false } = {}) {
  const server = await serve({ root: requireBuilt({ allowStale }), isolate, outputDir });
  // A browser that cannot start (or an app that never opens) must not leave the server holding
  // the test process open: node --test would then wait forever instead of failing.
  /** @type {Awaited<ReturnType<typeof launch>> | undefined} */
  let browser;
  /** @type {string[]} */
  const errors = [];
  try {
    browser = await launch({ extraArgs });
    browser.page.on('pageerror', (e) => errors.push(e.message));
    await openApp(browser.page, server.url);
  } catch (e) {
    await browser?.close();
    await server.close();
    throw e;
  }
  const opened = browser;
  return {
    page: opened.page,
    url: server.url,
    errors,
    async close() {
      await opened.close();
      await server.close();
    },
  };
}

/**
 * Runs the batch command (scripts/batch.mjs) as a child process from the repository's root;
 * resolves with its exit and output.
 * @param {string[]} args
 * @param {{ timeout?: number, env?: Record<string, string>, onStderr?: (stderr: string, child: import('node:child_process').ChildProcess) => void }} [opts]
 *   timeout: ms before it is killed; env: added to this process's; onStderr: called with all of stderr so far on each chunk
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }>}
 */
export function batchCommand(args, { timeout = 60_000, env, onStderr } = {}) {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'batch.mjs'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr, child);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', rej);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, stdout, stderr });
    });
  });
}

/**
 * The command's JSON summary: its last stdout line, parsed (a failed assertion showing stderr when
 * that line is not JSON).
 * @param {string} stdout @param {string} stderr
 * @returns {import('../../scripts/batch.mjs').Summary}
 */
export function commandSummary(stdout, stderr) {
  const lines = stdout.trim().split('\n');
  try {
    return /** @type {import('../../scripts/batch.mjs').Summary} */ (parseJson(lines[lines.length - 1]));
  } catch {
    assert.fail(`last stdout line is not JSON: ${JSON.stringify(lines[lines.length - 1])}\nstderr:\n${stderr}`);
  }
}

/** A photo of the face-api samples (.tmp/face-samples/, provisioned by `npm install`); throws when missing. */
export function samplePhoto(name = 'sample1.jpg') {
  const path = join(ROOT, '.tmp', 'face-samples', name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm install\` (scripts/setup-models.mjs provisions the sample photos)`);
  return path;
}

/**
 * Hands files (or, with `directory`, a folder) on disk to the page the way a person would: through
 * a hidden <input type=file id=`id`> (made afresh) and page.setInputFiles, so the bytes cross as
 * files, never as base64. Page code then reads `document.getElementById(id).files`.
 * @param {Page} page
 * @param {string} id
 * @param {string | string[]} paths
 * @param {{ directory?: boolean }} [opts]
 */
export async function handFiles(page, id, paths, { directory = false } = {}) {
  await page.evaluate(
    ({ id, directory }) => {
      document.getElementById(id)?.remove();
      const input = document.createElement('input');
      input.type = 'file';
      input.id = id;
      input.multiple = true;
      input.webkitdirectory = directory;
      input.style.display = 'none';
      document.body.append(input);
    },
    { id, directory },
  );
  await page.setInputFiles(`#${id}`, paths);
}

/**
 * Copies a folder from disk into OPFS under `name` (replacing it), through a real
 * <input webkitdirectory>, the same way a person hands Tessera a folder. Resolves to the number of files.
 * @param {Page} page
 * @param {string} dir
 * @param {string} name
 */
export async function folderToOpfs(page, dir, name) {
  await handFiles(page, 'fixture-input', dir, { directory: true });
  return page.evaluate(async (name) => {
    const el = /** @type {HTMLInputElement} */ (document.getElementById('fixture-input'));
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(name, { recursive: true }).catch(() => {});
    const top = await root.getDirectoryHandle(name, { create: true });
    let n = 0;
    for (const f of el.files ?? []) {
      const parts = f.webkitRelativePath.split('/').slice(1);
      let d = top;
      for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p, { create: true });
      const w = await (await d.getFileHandle(parts[parts.length - 1], { create: true })).createWritable();
      await w.write(f);
      await w.close();
      n++;
    }
    el.remove();
    return n;
  }, name);
}

/**
 * Lists every file under an OPFS folder as { path, size, lastModified }, sorted by path.
 * @param {Page} page
 * @param {string} name
 */
export function listOpfs(page, name) {
  return page.evaluate(async (name) => {
    /** @type {{ path: string, size: number, lastModified: number }[]} */
    const out = [];
    /** @param {FileSystemDirectoryHandle} d @param {string} prefix @returns {Promise<void>} */
    const walk = async (d, prefix) => {
      // The DOM types give entries as plain FileSystemHandles: `kind` says which they are.
      for await (const e of d.values()) {
        if (e.kind === 'file') {
          const f = await /** @type {FileSystemFileHandle} */ (e).getFile();
          out.push({ path: prefix + e.name, size: f.size, lastModified: f.lastModified });
        } else await walk(/** @type {FileSystemDirectoryHandle} */ (e), `${prefix}${e.name}/`);
      }
    };
    const root = await navigator.storage.getDirectory();
    await walk(await root.getDirectoryHandle(name), '');
    return out.sort((a, b) => (a.path < b.path ? -1 : 1));
  }, name);
}
