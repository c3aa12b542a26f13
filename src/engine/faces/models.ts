/**
 * Model files (cascades, .tflite) in OpenCV.js's Emscripten file system, written once per thread.
 * They are provisioned by `npm install` (scripts/setup-models.mjs) into public/models/, which Vite
 * serves at `<base>models/` and copies into dist/; in Node (tests, tools) they are read from
 * `$TESSERA_MODELS_DIR` or `<cwd>/public/models/`.
 */
import { explainFetchFailure } from '../../core/offline';
import type { CV } from '../opencv';

const written = new Map<string, Promise<void>>();

const isNode =
  typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined' && typeof importScripts === 'undefined';

declare const importScripts: unknown;

async function readModel(name: string): Promise<Uint8Array> {
  const hint = 'face models are provisioned by `npm install` (scripts/setup-models.mjs)';
  if (isNode) {
    // Variable specifiers keep bundlers from pulling Node modules into the browser build.
    const fsName = 'node:fs/promises';
    const pathName = 'node:path';
    const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
    const path = (await import(/* @vite-ignore */ pathName)) as typeof import('node:path');
    const dir = process.env.TESSERA_MODELS_DIR ?? path.join(process.cwd(), 'public', 'models');
    const file = path.join(dir, name);
    try {
      return new Uint8Array(await fs.readFile(file));
    } catch {
      throw new Error(`face model ${file} is missing: run \`npm install\` (${hint})`);
    }
  }
  const url = modelUrl(name);
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`face model ${url}: HTTP ${res.status} (${hint})`);
    return new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    // The network (not the server) failed, before or while the body came: say so in words.
    throw explainFetchFailure(`The face model ${name}`, e);
  }
}

/**
 * Where the app serves a model. The build's base is relative ('./', so dist/ works under any
 * sub-path): relative to the app's root, which is the folder above the bundled chunks (assets/) —
 * not to this worker's own URL. The dev server's base is absolute ('/').
 */
function modelUrl(name: string): string {
  const base = (import.meta as { env?: { BASE_URL?: string } }).env?.BASE_URL ?? '/';
  if (base.startsWith('/')) return `${base}models/${name}`;
  // Concatenated, not a literal: Vite would otherwise take it for an asset to bundle.
  const up = '../';
  return new URL(up + base.replace(/^\.\//, '') + 'models/' + name, import.meta.url).href;
}

/** Makes `/name` exist in OpenCV's file system (fetching or reading it the first time); returns its path. */
export async function ensureModelFile(cv: CV, name: string): Promise<string> {
  let p = written.get(name);
  if (!p) {
    p = readModel(name).then((bytes) => {
      cv.FS_createDataFile('/', name, bytes, true, false, false);
    });
    written.set(name, p);
    p.catch(() => written.delete(name));
  }
  await p;
  return `/${name}`;
}
