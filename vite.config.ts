import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build, defineConfig, type Connect, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { pwaAssets } from './build/pwa-assets';
import { PAGE_CSP, policyHeaders } from './src/core/web-policy';

/**
 * The batch command's flags and --help come from the app's option specs (src/core/option-flags.ts).
 * Built beside the app as plain ESM (dist/cli/option-flags.mjs), the command imports them in
 * milliseconds; loading the TypeScript through Vite's SSR loader instead cost 0.4–0.8 s a run.
 * The web policy (src/core/web-policy.ts) is built beside it for the test and batch server
 * (scripts/lib/serve.mjs), so every server sends the headers the service worker adds.
 */
function cliOptionFlags(): Plugin {
  let outDir = 'dist';
  return {
    name: 'tessera-cli-option-flags',
    apply: (_config, env) => env.command === 'build' && !process.env.TESSERA_NESTED_BUILD,
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      process.env.TESSERA_NESTED_BUILD = '1';
      try {
        await build({
          configFile: false,
          logLevel: 'warn',
          publicDir: false,
          build: {
            outDir: resolve(outDir, 'cli'),
            emptyOutDir: true,
            target: 'node20',
            minify: false,
            lib: {
              entry: {
                'option-flags': resolve(import.meta.dirname, 'src/core/option-flags.ts'),
                'web-policy': resolve(import.meta.dirname, 'src/core/web-policy.ts'),
              },
              formats: ['es'],
              fileName: (_format, name) => `${name}.mjs`,
            },
          },
        });
      } finally {
        delete process.env.TESSERA_NESTED_BUILD;
      }
    },
  };
}

/**
 * The dev and preview servers send what the service worker adds (src/core/web-policy.ts): the
 * isolation headers SharedArrayBuffer needs, and the page's or a worker's Content-Security-Policy
 * by what the request is for (Sec-Fetch-Dest).
 */
function webPolicy(): Plugin {
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const dest = req.headers['sec-fetch-dest'];
    for (const [k, v] of Object.entries(policyHeaders(typeof dest === 'string' ? dest : 'document'))) res.setHeader(k, v);
    next();
  };
  return {
    name: 'tessera-web-policy',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
    // The page's policy also as a meta tag: it holds on a host that sends no headers at all.
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: PAGE_CSP }, injectTo: 'head-prepend' },
    ],
  };
}

/** The version the studio shows (and a second build for the update test can tell apart). */
const version = [
  (JSON.parse(readFileSync(resolve(import.meta.dirname, 'package.json'), 'utf8')) as { version: string }).version,
  process.env.TESSERA_BUILD_ID,
]
  .filter(Boolean)
  .join('+');

export default defineConfig({
  define: { 'import.meta.env.TESSERA_VERSION': JSON.stringify(version) },
  // Relative URLs throughout: the same dist/ works at a host's root or under any sub-path.
  base: './',
  plugins: [
    webPolicy(),
    cliOptionFlags(),
    pwaAssets(import.meta.dirname),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      // The studio registers it (src/ui/pwa.ts): isolation reload and update prompt are its own.
      injectRegister: false,
      // The manifest is pwaAssets' (icons rendered from the SVG, types from core/sniff).
      manifest: false,
      injectManifest: {
        // A classic worker: module service workers are not everywhere yet.
        rollupFormat: 'iife',
        globPatterns: ['**/*.{html,js,css,wasm,svg,png,webmanifest,tflite,xml,json}'],
        // The command-line helpers are Node modules, not part of the app.
        globIgnores: ['cli/**'],
        // OpenCV.js is one 11 MB module (its wasm inlined); wasm-vips is 5 MB.
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
  // 'es' workers share chunks; iife would fold OpenCV.js into every worker bundle.
  worker: { format: 'es' },
  optimizeDeps: {
    // wasm-vips locates vips.wasm relative to its own module: pre-bundling breaks that.
    exclude: ['wasm-vips'],
    include: ['comlink', 'lit', 'fflate', 'workbox-window'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 12_000 },
});
