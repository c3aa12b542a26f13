// Node 20 cannot import TypeScript: scripts that need src/ modules (the engine for eval-faces, the
// option specs before a build exists) load them through a Vite server in SSR mode.
import { ROOT } from './dist.mjs';

/**
 * A Vite server over the repository that loads modules by their path from the root ('/src/…')
 * with `ssrLoadModule`; close it when done.
 * @returns {Promise<import('vite').ViteDevServer>}
 */
export async function ssrServer() {
  const { createServer } = await import('vite');
  return createServer({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, watch: null },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
}
