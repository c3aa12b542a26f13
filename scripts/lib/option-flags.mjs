// The output and video option flags of the batch command, from the app's own option specs
// (src/core/option-flags.ts, generated from OUTPUT_OPTIONS and VIDEO_OPTIONS), so `--help` and
// flag parsing need no browser and cannot drift from what the app validates. The TypeScript
// module (pure core code) is built beside the app (dist/cli/option-flags.mjs, vite.config.ts) and
// imported from there while it is newer than every file of src/core; otherwise (no build yet, or
// core edited since) it is loaded through Vite's SSR module loader, as scripts/eval-faces.mjs loads
// the engine: Node 20 cannot import .ts itself.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, distDir, newestMtime } from './dist.mjs';
import { ssrServer } from './ssr.mjs';

/**
 * @returns {Promise<typeof import('../../src/core/option-flags.ts')>} OPTION_FLAGS,
 *   parseArgsOptions(), readFlags(values), optionsHelp()
 */
export async function loadOptionFlags() {
  const built = join(distDir(), 'cli', 'option-flags.mjs');
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(join(ROOT, 'src', 'core'))) {
    /** @type {unknown} the built module: this one */
    const module = await import(pathToFileURL(built).href);
    return /** @type {typeof import('../../src/core/option-flags.ts')} */ (module);
  }
  const server = await ssrServer();
  try {
    // Vite types a loaded module as a plain record: it is this one.
    return /** @type {typeof import('../../src/core/option-flags.ts')} */ (await server.ssrLoadModule('/src/core/option-flags.ts'));
  } finally {
    await server.close();
  }
}
