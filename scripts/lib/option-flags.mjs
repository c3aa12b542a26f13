// The output and video option flags of the batch command, from the app's own option specs
// (src/core/option-flags.ts, generated from OUTPUT_OPTIONS and VIDEO_OPTIONS), so `--help` and
// flag parsing need no browser and cannot drift from what the app validates. The TypeScript
// module (pure core code) is loaded through Vite's SSR module loader, as scripts/eval-faces.mjs
// loads the engine: Node 20 cannot import .ts itself, and a generated copy could go stale.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * @returns {Promise<typeof import('../../src/core/option-flags.ts')>} OPTION_FLAGS,
 *   parseArgsOptions(), readFlags(values), optionsHelp()
 */
export async function loadOptionFlags() {
  const { createServer } = await import('vite');
  const server = await createServer({
    root: ROOT, configFile: false, logLevel: 'error', appType: 'custom',
    server: { middlewareMode: true, hmr: false, watch: null }, optimizeDeps: { noDiscovery: true, include: [] },
  });
  try {
    return await server.ssrLoadModule('/src/core/option-flags.ts');
  } finally {
    await server.close();
  }
}
